"""Where the shipped rules and templates are, and which rules file is in effect (and why).

After `pip install .` the shipped rules live inside the package, where nobody should edit
them; ``keyhelp rules init`` copies them to the user's file, which then wins over them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
RULES_ENV = "KEYHELP_RULES"
DEFAULT_RULES_NAME = "product-key.yaml"
USER_RULES_NAME = "rules.yaml"

# why a rules file is the one in effect, as `keyhelp rules path` and `rules check` say it
FROM_OPTION = "from --rules"
FROM_ENV = f"from {RULES_ENV}"
USER_FILE = "user file"
SHIPPED = "shipped with keyhelp"


@dataclass(frozen=True, slots=True)
class RulesChoice:
    """The rules file to use and the reason it was chosen (one of the four above)."""

    path: Path
    origin: str


def shipped_dir(name: str) -> Path:
    """``rules`` or ``templates``: inside the wheel (bot/_shipped/) or beside the package."""
    installed = _PACKAGE / "_shipped" / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


def shipped_rules_path() -> Path:
    """The rules file that comes with keyhelp (a template to copy, not a file to edit)."""
    return shipped_dir("rules") / DEFAULT_RULES_NAME


def user_rules_path(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/keyhelp/rules.yaml``, else ``~/.config/keyhelp/rules.yaml``.

    A relative XDG_CONFIG_HOME is ignored, as the XDG Base Directory spec says.
    """
    env = os.environ if env is None else env
    config = env.get("XDG_CONFIG_HOME", "")
    if not os.path.isabs(config):
        home = env.get("HOME")
        config = str((Path(home) if home else Path.home()) / ".config")
    return Path(config) / "keyhelp" / USER_RULES_NAME


def resolve_rules(explicit: str | os.PathLike[str] | None = None,
                  env: Mapping[str, str] | None = None, *,
                  explicit_origin: str = FROM_OPTION) -> RulesChoice:
    """``--rules`` > ``$KEYHELP_RULES`` > the user file (when present) > the shipped file.

    Every command and the Slack server choose through here, so they always agree.
    """
    env = os.environ if env is None else env
    if explicit:
        return RulesChoice(Path(explicit), explicit_origin)
    if env.get(RULES_ENV):
        return RulesChoice(Path(env[RULES_ENV]), FROM_ENV)
    user = user_rules_path(env)
    if user.is_file():
        return RulesChoice(user, USER_FILE)
    return RulesChoice(shipped_rules_path(), SHIPPED)


def rules_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The rules file in effect (see ``resolve_rules``)."""
    return resolve_rules(explicit).path


def templates_dir() -> Path:
    return shipped_dir("templates")
