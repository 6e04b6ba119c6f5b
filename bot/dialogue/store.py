"""Conversations in an embedded SQLite file (WAL): the ``ConversationStore`` of one machine.

One row per conversation: the state as JSON, its version, and the last-activity time, which
drives idle expiry. A save is one SQL statement that compares and swaps the version, so any
number of processes can share the file (bot/dialogue/conversation_store.py says what a store
promises; tests/test_store_contract.py checks it). Only the masked key is ever stored
(``KeyCheck.masked``); the clock is injected so expiry is tested without sleeping.

Example::

    store = SqliteStore(path=Path("conversations.db"))
    conv = store.load("C1/1700000000.0001") or Conversation.new("C1/…", lang="en", now=now)
    if not store.save(conv): ...  # another process saved first: reload, take the turn again
"""

from __future__ import annotations

import errno
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bot.dialogue.conversation import Conversation
from bot.dialogue.sqlite_file import open_database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    updated REAL NOT NULL,
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


class SqliteStore:
    """SQLite-backed conversations; one connection shared under a lock (C calls are short)."""

    def __init__(self, *, path: Path | str, idle_seconds: float = 24 * 3600,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.idle_seconds = idle_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._db = open_database(path, _SCHEMA, writable=True)
        self._add_versions()

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

    def _expired_before(self) -> float:
        return self.clock() - self.idle_seconds

    def load(self, conversation_id: str) -> Conversation | None:
        """The conversation at its stored version; None if unknown or idle past the expiry."""
        with self._lock:
            row = self._db.execute(
                "SELECT version, data FROM conversations WHERE id = ? AND updated >= ?",
                (conversation_id, self._expired_before())).fetchone()
        if row is None:
            return None
        try:
            conversation = Conversation.from_json(row[1])
        except (ValueError, TypeError):  # an unreadable row: start that conversation afresh
            with self._lock:
                self._db.execute("DELETE FROM conversations WHERE id = ? AND version = ?",
                                 (conversation_id, row[0]))
            return None
        conversation.version = row[0]
        return conversation

    def save(self, conversation: Conversation) -> bool:
        """Store it if nobody saved since it was loaded (compare-and-swap on the version)."""
        data = conversation.to_json()
        with self._lock:
            if conversation.version == 0:
                rows = self._db.execute(_INSERT, (conversation.id, conversation.updated, data,
                                                  self._expired_before())).fetchall()
            else:
                rows = self._db.execute(_UPDATE, (conversation.updated, data, conversation.id,
                                                  conversation.version)).fetchall()
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
        with self._lock:
            cursor = self._db.execute("DELETE FROM conversations WHERE updated < ?",
                                      (self._expired_before(),))
            return cursor.rowcount

    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM conversations").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
