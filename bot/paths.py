"""Where the shipped rules and templates are, in a source checkout and after `pip install .`."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
RULES_ENV = "KEYHELP_RULES"
DEFAULT_RULES_NAME = "product-key.yaml"


def shipped_dir(name: str) -> Path:
    """``rules`` or ``templates``: inside the wheel (bot/_shipped/) or beside the package."""
    installed = _PACKAGE / "_shipped" / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


def rules_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The rules file to use: ``--rules``, else ``$KEYHELP_RULES``, else the shipped one."""
    chosen = explicit or os.environ.get(RULES_ENV)
    return Path(chosen) if chosen else shipped_dir("rules") / DEFAULT_RULES_NAME


def templates_dir() -> Path:
    return shipped_dir("templates")
