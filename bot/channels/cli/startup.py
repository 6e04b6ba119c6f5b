"""A file that stops a start-up is named in one ``Error:`` line with the setting behind it.

Example: ``Error: cannot use the conversation store /srv/kh/conversations.db (KEYHELP_DB):
it is read-only (attempt to write a readonly database)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bot.channels.cli.main import CliError
from bot.config import Settings


def unusable_file(err: OSError, settings: Settings, *,
                  more: Mapping[Path, str] | None = None) -> CliError:
    """The error for ``err``: which file (rules, store, or one of ``more``: path → what it
    is, with its setting) could not be used, and why."""
    store = f"the conversation store {settings.db_path} (KEYHELP_DB)"
    named = {settings.rules_path: f"the rules file {settings.rules_path} "
                                  "(--rules or KEYHELP_RULES)",
             settings.db_path: store, settings.db_path.parent: store, **(more or {})}
    what = next((text for path, text in named.items() if str(path) == str(err.filename)), None)
    if what is None:
        return CliError(f"cannot start: {err}")
    return CliError(f"cannot use {what}: {err.strerror or err}")
