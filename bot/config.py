"""Settings from the environment, read in one place so every front end behaves the same.

``KEYHELP_DB`` (SQLite file, default ``~/.local/state/keyhelp/conversations.db``),
``KEYHELP_RULES`` (rules file), ``KEYHELP_IDLE_HOURS`` (expiry of idle conversations: a
positive number of hours, default 24), ``KEYHELP_LANG`` (reply language before anything else
is known: a locale of the rules file; default: its ``default_locale``), ``KEYHELP_CACHE_DIR``
(start-up cache, default ``~/.cache/keyhelp``; ``off`` disables it), ``KEYHELP_DATABASE_URL``
(``postgresql://USER@HOST:PORT/DB``: every store on a PostgreSQL database that several
instances share; unset, SQLite files beside ``KEYHELP_DB``).

One rule for every value: an invalid one raises ``SettingError`` whose message is one line
naming the variable (or option), which the commands print as ``Error: …`` and exit 1. An
empty variable counts as unset.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

DB_ENV = "KEYHELP_DB"
IDLE_ENV = "KEYHELP_IDLE_HOURS"
LANG_ENV = "KEYHELP_LANG"
CACHE_ENV = "KEYHELP_CACHE_DIR"
DATABASE_ENV = "KEYHELP_DATABASE_URL"
DEFAULT_IDLE_HOURS = 24.0
HISTORY_LINES = 20  # transcript lines kept per conversation (for the escalation summary)


class SettingError(ValueError):
    """An invalid setting or option value; the message is one line naming it."""


class DatabaseUnavailable(RuntimeError):
    """The database at ``KEYHELP_DATABASE_URL`` could not be reached (after the retries); the
    message is one line naming the variable, never the password (bot/postgres.py)."""


class Settings(NamedTuple):
    """Everything configurable about a running keyhelp; built by ``from_env``."""

    db_path: Path
    rules_path: Path
    idle_seconds: float = DEFAULT_IDLE_HOURS * 3600
    default_lang: str | None = None  # checked against the rules file's locales: check_locale
    history_lines: int = HISTORY_LINES
    database_url: str | None = None  # KEYHELP_DATABASE_URL: PostgreSQL instead of SQLite

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *,
                 rules: str | os.PathLike[str] | None = None) -> Settings:
        """Read ``KEYHELP_*``; ``rules`` (e.g. ``--rules``) wins over ``KEYHELP_RULES``."""
        from bot.paths import rules_path

        env = os.environ if env is None else env
        db = _value(env, DB_ENV) or str(Path.home() / ".local" / "state" / "keyhelp" /
                                        "conversations.db")
        chosen = rules or _value(env, "KEYHELP_RULES")
        return cls(db_path=Path(db), rules_path=rules_path(chosen),
                   idle_seconds=_idle_seconds(_value(env, IDLE_ENV)),
                   default_lang=_value(env, LANG_ENV),
                   database_url=_database_url(_value(env, DATABASE_ENV)))


def _value(env: Mapping[str, str], name: str) -> str | None:
    """The variable's value without surrounding blanks; None when unset or empty."""
    return env.get(name, "").strip() or None


def _idle_seconds(value: str | None) -> float:
    """``KEYHELP_IDLE_HOURS`` in seconds: a positive, finite number of hours."""
    if value is None:
        return DEFAULT_IDLE_HOURS * 3600
    try:
        seconds = float(value) * 3600
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise SettingError(f"{IDLE_ENV} must be a positive number of hours (e.g. 24), "
                           f"got {value!r}")
    return seconds


def _database_url(value: str | None) -> str | None:
    """``KEYHELP_DATABASE_URL``: a postgresql:// URL naming a host and a database. The
    message about a bad one shows it without its password."""
    if value is None:
        return None
    from urllib.parse import urlsplit, urlunsplit  # here: only when the variable is set

    parts = urlsplit(value)
    shown = value
    try:
        if parts.password is not None:
            shown = urlunsplit(parts._replace(
                netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)))
        parts.port  # noqa: B018 (a port that is not a number raises here)
        host = bool(parts.hostname) or "host=" in parts.query  # ?host=/run/postgresql
        valid = parts.scheme in ("postgresql", "postgres") and host and len(parts.path) > 1
    except ValueError:
        valid = False
    if not valid:
        raise SettingError(f"{DATABASE_ENV} must be a PostgreSQL URL like "
                           f"postgresql://USER@HOST:5432/DB, got {shown!r}")
    return value


def check_locale(value: str, locales: Iterable[str], *, name: str) -> str:
    """``value`` if it is one of the rules file's ``locales``; else a SettingError naming
    ``name`` (``KEYHELP_LANG``, ``--lang``) and listing them."""
    locales = list(locales)
    if value not in locales:
        raise SettingError(f"{name}: {value!r} is not a locale of the rules file; one of: "
                           + ", ".join(locales))
    return value


def cache_dir(env: Mapping[str, str] | None = None) -> Path | None:
    """Where start-up caches live (``KEYHELP_CACHE_DIR``); None when set to ``off``."""
    env = os.environ if env is None else env
    chosen = env.get(CACHE_ENV)
    if chosen == "off":
        return None
    return Path(chosen) if chosen else Path.home() / ".cache" / "keyhelp"
