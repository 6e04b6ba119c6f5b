"""Conversation state in an embedded SQLite file (WAL), so a restart loses no conversation.

One row per conversation: the state as JSON plus the last-activity time, which drives idle
expiry. Only the masked key is ever stored (``KeyCheck.masked``); the clock is injected so
expiry is tested without sleeping.

Example::

    store = Store(path=Path("conversations.db"))
    conv = store.load("C1/1700000000.0001") or Conversation.new("C1/…", lang="en", now=now)
"""

from __future__ import annotations

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
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_updated ON conversations (updated);
"""




class Store:
    """SQLite-backed conversations; one connection shared under a lock (C calls are short)."""

    def __init__(self, *, path: Path | str, idle_seconds: float = 24 * 3600,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.idle_seconds = idle_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._db = open_database(path, _SCHEMA)

    def now(self) -> float:
        return self.clock()

    def load(self, conversation_id: str) -> Conversation | None:
        """The conversation, or None if unknown or idle longer than the expiry (then deleted)."""
        with self._lock:
            row = self._db.execute("SELECT updated, data FROM conversations WHERE id = ?",
                                   (conversation_id,)).fetchone()
            if row is None:
                return None
            if row[0] < self.clock() - self.idle_seconds:
                self._db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
                return None
        try:
            return Conversation.from_json(row[1])
        except (ValueError, TypeError):  # an unreadable row: start that conversation afresh
            return None

    def save(self, conversation: Conversation) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO conversations (id, updated, data) VALUES (?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET updated = excluded.updated, data = excluded.data",
                (conversation.id, conversation.updated, conversation.to_json()))

    def delete(self, conversation_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))

    def purge_expired(self) -> int:
        """Delete every conversation idle longer than the expiry; return how many."""
        with self._lock:
            cursor = self._db.execute("DELETE FROM conversations WHERE updated < ?",
                                      (self.clock() - self.idle_seconds,))
            return cursor.rowcount

    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM conversations").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
