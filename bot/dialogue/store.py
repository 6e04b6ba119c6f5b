"""Conversations in an embedded SQLite file (WAL): the ``ConversationStore`` of one machine.

One row per conversation: the state as JSON, its version, and the last-activity time, which
drives idle expiry. A save is one SQL statement that compares and swaps the version, so any
number of processes can share the file; a save that others join (the turn's analytics, on the
same database) is theirs and that statement in one transaction
(bot/dialogue/conversation_store.py says what a store promises; tests/test_store_contract.py
checks it). The statements (``SqlConversations``) serve PostgreSQL as well
(bot/dialogue/postgres_store.py), through a runner (bot/sql.py). Only the masked key is ever
stored (``KeyCheck.masked``); the clock is injected so expiry is tested without sleeping.

Example::

    store = SqliteStore(path=Path("conversations.db"))
    conv = store.load("C1/1700000000.0001") or Conversation.new("C1/…", lang="en", now=now)
    if not store.save(conv): ...  # another process saved first: reload, take the turn again
"""

from __future__ import annotations

import errno
import time
from collections.abc import Callable
from pathlib import Path

from bot.dialogue.conversation import Conversation
from bot.dialogue.sqlite_file import database_name, open_database
from bot.sql import Sql, SqliteRunner, Unit

# one schema for both databases (bot/dialogue/postgres_store.py applies it as a migration)
SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    updated DOUBLE PRECISION NOT NULL,
    data TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS conversations_updated ON conversations (updated);
"""
# A new conversation, or one taking the id of an expired one: its version carries on from the
# expired row's, so a writer still holding the old conversation can never match it.
_INSERT = """
INSERT INTO conversations (id, updated, data, version) VALUES (?, ?, ?, 1)
ON CONFLICT (id) DO UPDATE SET updated = excluded.updated, data = excluded.data,
    version = conversations.version + 1
    WHERE conversations.updated < ?
RETURNING version
"""
_UPDATE = """
UPDATE conversations SET updated = ?, data = ?, version = version + 1
WHERE id = ? AND version = ?
RETURNING version
"""


class _Lost(Exception):
    """A joined save's compare-and-swap lost: its transaction is rolled back."""


class SqlConversations:
    """The statements of a conversation store; the runner says which database (bot/sql.py),
    ``database`` its name for stores that join a save (``bot.sql.Unit``)."""

    def __init__(self, *, sql: Sql, idle_seconds: float = 24 * 3600,
                 clock: Callable[[], float] = time.time, database: str | None = None) -> None:
        self.sql = sql
        self.idle_seconds = idle_seconds
        self.clock = clock
        self.database = database

    def _expired_before(self) -> float:
        return self.clock() - self.idle_seconds

    def load(self, conversation_id: str) -> Conversation | None:
        """The conversation at its stored version; None if unknown or idle past the expiry."""
        rows = self.sql.rows(
            "SELECT version, data FROM conversations WHERE id = ? AND updated >= ?",
            (conversation_id, self._expired_before()))
        if not rows:
            return None
        version, data = rows[0]
        try:
            conversation = Conversation.from_json(data)
        except (ValueError, TypeError):  # an unreadable row: start that conversation afresh
            self.sql.execute("DELETE FROM conversations WHERE id = ? AND version = ?",
                             (conversation_id, version))
            return None
        conversation.version = version
        return conversation

    def stored(self, conversation_id: str) -> tuple[int, str] | None:
        """The stored version and state (JSON, unparsed) of a conversation ``load`` would give;
        what an adapter notes before a turn (bot/channels/slack/jobs.py)."""
        rows = self.sql.rows(
            "SELECT version, data FROM conversations WHERE id = ? AND updated >= ?",
            (conversation_id, self._expired_before()))
        return (rows[0][0], rows[0][1]) if rows else None

    def save(self, conversation: Conversation, *,
             joining: Callable[[Unit], None] | None = None) -> bool:
        """Store it if nobody saved since it was loaded (compare-and-swap on the version);
        ``joining(unit)`` first, in the same transaction (bot/dialogue/conversation_store.py)."""
        if joining is None:
            return self._swap(self.sql, conversation)
        version = conversation.version

        def work(tx: Sql) -> None:
            conversation.version = version  # a transaction retried (PostgreSQL) starts over
            joining(Unit(self.database, tx))
            if not self._swap(tx, conversation):
                raise _Lost  # what joined it is rolled back with it

        try:
            self.sql.transaction(work)
        except _Lost:
            return False
        return True

    def _swap(self, sql: Sql, conversation: Conversation) -> bool:
        data = conversation.to_json()
        if conversation.version == 0:
            rows = sql.rows(_INSERT, (conversation.id, conversation.updated, data,
                                      self._expired_before()))
        else:
            rows = sql.rows(_UPDATE, (conversation.updated, data, conversation.id,
                                      conversation.version))
        if not rows:
            return False
        conversation.version = rows[0][0]
        return True

    def history(self, conversation_id: str) -> list[tuple[str, str]]:
        """The kept transcript, ``(role, text)`` oldest first; empty if unknown or expired."""
        conversation = self.load(conversation_id)
        return [] if conversation is None else [(r, t) for r, t in conversation.history]

    def purge_expired(self) -> int:
        """Delete every conversation idle longer than the expiry; return how many."""
        return self.sql.execute("DELETE FROM conversations WHERE updated < ?",
                                (self._expired_before(),))

    def count(self) -> int:
        return self.sql.rows("SELECT COUNT(*) FROM conversations")[0][0]


class SqliteStore(SqlConversations):
    """Conversations in a SQLite file: one connection shared under a lock (C calls are short)."""

    def __init__(self, *, path: Path | str, idle_seconds: float = 24 * 3600,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._db = open_database(path, SCHEMA, writable=True)
        self._add_versions()
        self._runner = SqliteRunner(self._db)
        super().__init__(sql=self._runner, idle_seconds=idle_seconds, clock=clock,
                         database=database_name(path))

    def _add_versions(self) -> None:
        """A file written before versions existed gets the column (once, whoever is first)."""
        import sqlite3

        def has_versions() -> bool:
            columns = self._db.execute("PRAGMA table_info(conversations)").fetchall()
            return any(column[1] == "version" for column in columns)

        if has_versions():
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if not has_versions():
                    self._db.execute("ALTER TABLE conversations "
                                     "ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
            finally:
                self._db.execute("COMMIT")
        except sqlite3.Error as err:
            raise OSError(errno.EIO, str(err), str(self.path)) from err

    def close(self) -> None:
        self._runner.close()
