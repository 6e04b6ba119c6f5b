"""Opening a SQLite file the way both stores need it: WAL, a wait when busy, the schema.

A file that SQLite cannot use (not a database, unreadable, locked for good) raises
``OSError`` naming the file, so a start-up ends in one ``Error:`` line, not a traceback.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3


def open_database(path: Path | str, schema: str) -> sqlite3.Connection:
    """A connection shared between threads (callers hold their own lock), schema applied."""
    import sqlite3  # here: `keyhelp diagnose` never opens a database

    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 5000")
        if str(path) != ":memory:":
            db.execute("PRAGMA journal_mode = WAL")
            # WAL + NORMAL: a committed write survives a crash or kill of keyhelp (only power
            # loss can lose the last commits), without an fsync per write.
            db.execute("PRAGMA synchronous = NORMAL")
        db.executescript(schema)
    except sqlite3.Error as err:
        raise OSError(errno.EIO, str(err), str(path)) from err
    return db
