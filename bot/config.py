"""Settings from the environment, read in one place so every front end behaves the same.

``KEYHELP_DB`` (SQLite file, default ``~/.local/state/keyhelp/conversations.db``),
``KEYHELP_RULES`` (rules file), ``KEYHELP_IDLE_HOURS`` (expiry of idle conversations,
default 24), ``KEYHELP_LANG`` (reply language before anything else is known; default: the
rules file's ``default_locale``), ``KEYHELP_CACHE_DIR`` (start-up cache, default
``~/.cache/keyhelp``; ``off`` disables it), ``KEYHELP_RULES_MAX_BYTES`` (larger rules files are
refused before they are parsed; default 4 MiB).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

DB_ENV = "KEYHELP_DB"
IDLE_ENV = "KEYHELP_IDLE_HOURS"
LANG_ENV = "KEYHELP_LANG"
CACHE_ENV = "KEYHELP_CACHE_DIR"
RULES_MAX_ENV = "KEYHELP_RULES_MAX_BYTES"
# the shipped file is ~45 KB; a hundred times that is still a plausible hand-written file,
# while parsing stays well under a few seconds and a few hundred MB
DEFAULT_RULES_MAX_BYTES = 4 * 1024 * 1024
DEFAULT_IDLE_HOURS = 24.0
HISTORY_LINES = 20  # transcript lines kept per conversation (for the escalation summary)


class Settings(NamedTuple):
    """Everything configurable about a running keyhelp; built by ``from_env``."""

    db_path: Path
    rules_path: Path
    idle_seconds: float = DEFAULT_IDLE_HOURS * 3600
    default_lang: str | None = None
    history_lines: int = HISTORY_LINES
    rules_max_bytes: int = DEFAULT_RULES_MAX_BYTES

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *,
                 rules: str | os.PathLike[str] | None = None) -> Settings:
        """Read ``KEYHELP_*``; ``rules`` (e.g. ``--rules``) wins over ``KEYHELP_RULES``."""
        from bot.paths import resolve_rules

        env = os.environ if env is None else env
        db = env.get(DB_ENV) or str(Path.home() / ".local" / "state" / "keyhelp" /
                                    "conversations.db")
        try:
            idle_hours = float(env.get(IDLE_ENV) or DEFAULT_IDLE_HOURS)
        except ValueError:
            raise ValueError(f"{IDLE_ENV} must be a number of hours, "
                             f"got {env.get(IDLE_ENV)!r}") from None
        return cls(db_path=Path(db), rules_path=resolve_rules(rules, env).path,
                   idle_seconds=idle_hours * 3600, default_lang=env.get(LANG_ENV) or None,
                   rules_max_bytes=rules_max_bytes(env))


def rules_max_bytes(env: Mapping[str, str] | None = None) -> int:
    """``KEYHELP_RULES_MAX_BYTES``: a whole number of bytes above zero (ValueError if not)."""
    env = os.environ if env is None else env
    value = env.get(RULES_MAX_ENV, "").strip()
    if not value:
        return DEFAULT_RULES_MAX_BYTES
    # ASCII digits only: int() would also take "1_000" and other scripts' digits
    if not (value.isascii() and value.isdigit()) or int(value) == 0:
        raise ValueError(f"{RULES_MAX_ENV} must be a whole number of bytes above zero "
                         f"(default {DEFAULT_RULES_MAX_BYTES}), got {env.get(RULES_MAX_ENV)!r}")
    return int(value)


def cache_dir(env: Mapping[str, str] | None = None) -> Path | None:
    """Where start-up caches live (``KEYHELP_CACHE_DIR``); None when set to ``off``."""
    env = os.environ if env is None else env
    chosen = env.get(CACHE_ENV)
    if chosen == "off":
        return None
    return Path(chosen) if chosen else Path.home() / ".cache" / "keyhelp"
