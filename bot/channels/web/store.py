"""What each browser session was shown, so a reload (or a redirect after a POST) shows it again.

The conversation itself lives in keyhelp's conversation store; this store beside it keeps the
page's view of it: each turn's masked user text and rendered replies (never a whole product
key: both were masked before they got here), and the language the user chose, if any.
Only the last ``KEEP_TURNS`` turns of a session are kept; idle sessions are swept away.

One set of statements (``SqlWebStore``) on either database (bot/sql.py): a SQLite file beside
``KEYHELP_DB`` (``WebStore``), or the PostgreSQL database several instances share
(``PostgresWebStore``), so a session's page shows the same turns whichever instance serves it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.dialogue.sqlite_file import open_database
from bot.postgres import OnSharedPool, migrate, open_shared
from bot.sql import PostgresRunner, Sql, SqliteRunner

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.postgres import Database

_TABLES = """
CREATE TABLE IF NOT EXISTS web_turns (
    session TEXT NOT NULL, seq INTEGER NOT NULL, entry TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL, PRIMARY KEY (session, seq)
){without_rowid};
CREATE TABLE IF NOT EXISTS web_sessions (
    session TEXT PRIMARY KEY, chosen_lang TEXT, updated DOUBLE PRECISION NOT NULL
);
"""
SCHEMA = _TABLES.format(without_rowid=" WITHOUT ROWID")
# PostgreSQL schema steps, in order: never edit one, only add (bot/postgres.py migrate)
POSTGRES_STEPS = (_TABLES.format(without_rowid=""),)
KEEP_TURNS = 30
SWEEP_EVERY = 1000  # appends between sweeps of idle sessions
# the session's row first: it is locked until the commit, so two appends to one session
# (two instances, two processes) take their turns instead of both picking the same seq
_TOUCH = ("INSERT INTO web_sessions (session, updated) VALUES (?, ?) "
          "ON CONFLICT (session) DO UPDATE SET updated = excluded.updated")


class SqlWebStore:
    """The page's statements; thread-safe (each call is one short transaction)."""

    def __init__(self, *, sql: Sql, idle_seconds: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.sql = sql
        self._idle = idle_seconds
        self._clock = clock
        self._appends = 0

    def entries(self, session: str, *, last: int = KEEP_TURNS) -> list[dict[str, Any]]:
        """The session's ``last`` kept turns, oldest first, each with its ``seq``."""
        rows = self.sql.rows(
            "SELECT seq, entry FROM web_turns WHERE session = ? ORDER BY seq DESC LIMIT ?",
            (session, last))
        return [{**json.loads(entry), "seq": seq} for seq, entry in reversed(rows)]

    def append(self, session: str, entry: dict[str, Any]) -> int:
        """Keep one more turn (and forget the oldest beyond ``KEEP_TURNS``); its seq."""
        now = self._clock()
        data = json.dumps(entry, ensure_ascii=False)

        def add(tx: Sql) -> int:
            tx.execute(_TOUCH, (session, now))
            seq = tx.rows("SELECT coalesce(max(seq), 0) + 1 FROM web_turns WHERE session = ?",
                          (session,))[0][0]
            tx.execute("INSERT INTO web_turns VALUES (?, ?, ?, ?)", (session, seq, data, now))
            tx.execute("DELETE FROM web_turns WHERE session = ? AND seq <= ?",
                       (session, seq - KEEP_TURNS))
            return seq

        seq = self.sql.transaction(add)
        self._appends += 1
        if self._appends % SWEEP_EVERY == 0:
            self._sweep(now)
        return seq

    def chosen_lang(self, session: str) -> str | None:
        """The language this session chose with the switch, if it did."""
        rows = self.sql.rows("SELECT chosen_lang FROM web_sessions WHERE session = ?",
                             (session,))
        return rows[0][0] if rows else None

    def choose_lang(self, session: str, lang: str) -> None:
        self.sql.execute(
            "INSERT INTO web_sessions VALUES (?, ?, ?) ON CONFLICT (session) "
            "DO UPDATE SET chosen_lang = excluded.chosen_lang, updated = excluded.updated",
            (session, lang, self._clock()))

    def _sweep(self, now: float) -> None:
        idle = "SELECT session FROM web_sessions WHERE updated < ?"
        self.sql.execute(f"DELETE FROM web_turns WHERE session IN ({idle})", (now - self._idle,))
        self.sql.execute("DELETE FROM web_sessions WHERE updated < ?", (now - self._idle,))


class WebStore(SqlWebStore):
    """The page's view in a SQLite file beside ``KEYHELP_DB`` (``…-web.db``)."""

    def __init__(self, *, path: Path | str, idle_seconds: float,
                 clock: Callable[[], float] = time.time) -> None:
        self._runner = SqliteRunner(open_database(path, SCHEMA))
        super().__init__(sql=self._runner, idle_seconds=idle_seconds, clock=clock)

    def healthy(self) -> bool:
        return True

    def close(self) -> None:
        self._runner.close()


class PostgresWebStore(OnSharedPool, SqlWebStore):
    """The page's view on the shared PostgreSQL database (``KEYHELP_DATABASE_URL``)."""

    def __init__(self, *, db: Database, idle_seconds: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.db = db
        migrate(db, "web", POSTGRES_STEPS)
        super().__init__(sql=PostgresRunner(db), idle_seconds=idle_seconds, clock=clock)


def open_web_store(settings: Settings, path: Path) -> SqlWebStore:
    """The store the settings name: PostgreSQL when ``KEYHELP_DATABASE_URL`` is set, else the
    SQLite file ``path``."""
    if not settings.database_url:
        return WebStore(path=path, idle_seconds=settings.idle_seconds)
    return open_shared(settings.database_url,
                       lambda db: PostgresWebStore(db=db, idle_seconds=settings.idle_seconds))
