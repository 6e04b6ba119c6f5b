"""Opening a SQLite file the way the stores need it: private, WAL, a wait when busy, the schema.

A file that SQLite cannot use (not a database, unreadable, locked for good) raises
``OSError`` naming the file, so a start-up ends in one ``Error:`` line, not a traceback. A
store that writes asks for ``writable=True``: a file it could read but not write is refused
at start-up then, not at the first turn.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import TYPE_CHECKING

from bot.private_files import private_file

if TYPE_CHECKING:
    import sqlite3


def database_name(path: Path | str) -> str | None:
    """The name stores on one file share, so that one joins the other's transaction
    (``bot.sql.Unit``); None for an in-memory database, which is every connection's own."""
    return None if str(path) == ":memory:" else f"sqlite:{Path(path).resolve()}"


def open_database(path: Path | str, schema: str, *, writable: bool = False) -> sqlite3.Connection:
    """A connection shared between threads (callers hold their own lock), schema applied.

    A new file is created 0600 in folders created 0700 (bot/private_files.py); SQLite gives
    its ``-wal`` and ``-shm`` files the same mode.
    """
    import sqlite3  # here: `keyhelp diagnose` never opens a database

    if str(path) != ":memory:":
        private_file(Path(path))
    try:
        db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 5000")
        if str(path) != ":memory:":
            db.execute("PRAGMA journal_mode = WAL")
            # WAL + NORMAL: a committed write survives a crash or kill of keyhelp (only power
            # loss can lose the last commits), without an fsync per write.
            db.execute("PRAGMA synchronous = NORMAL")
        db.executescript(schema)
        if writable:
            _check_writable(db)
    except sqlite3.Error as err:
        readonly = getattr(err, "sqlite_errorname", "").startswith("SQLITE_READONLY")
        if readonly:
            raise OSError(errno.EACCES, f"it is read-only ({err})", str(path)) from err
        raise OSError(errno.EIO, str(err), str(path)) from err
    return db


def _check_writable(db: sqlite3.Connection) -> None:
    """A write that is rolled back: SQLite opens a file it may not write read-only, silently."""
    db.execute("BEGIN IMMEDIATE")
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        db.execute(f"PRAGMA user_version = {int(version)}")
    finally:
        if db.in_transaction:
            db.execute("ROLLBACK")
