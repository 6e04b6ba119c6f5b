"""The Slack adapter's own SQLite tables: seen events, language choices, claimed clicks, drafts.

Kept in the keyhelp database file so a restart remembers which deliveries were handled.
"""

from __future__ import annotations

import secrets
import threading
import time
from pathlib import Path

from bot.dialogue.sqlite_file import open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS slack_seen_events (event_id TEXT PRIMARY KEY, seen_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS slack_user_lang (user_id TEXT PRIMARY KEY, lang TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS slack_claimed (message TEXT PRIMARY KEY, claimed_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS slack_threads (conversation TEXT PRIMARY KEY, started_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS slack_drafts (
    id TEXT PRIMARY KEY, channel TEXT NOT NULL, thread_ts TEXT NOT NULL,
    text TEXT NOT NULL, created_at REAL NOT NULL
);
"""
# Slack stops retrying a delivery after about 5 minutes; a day is plenty of margin.
SEEN_EVENTS_KEEP_SECONDS = 24 * 3600
PRUNE_EVERY = 1000


class SlackStore:
    """Thread-safe access to the adapter's tables; every check-and-set is one SQL statement."""

    def __init__(self, *, path: Path | str) -> None:
        self._lock = threading.Lock()
        # WAL + NORMAL (see open_database): what dedupe needs, without an fsync per event,
        # which cost 3-4 ms inside Slack's ack window
        self._db = open_database(path, SCHEMA, writable=True)
        self._inserts = 0

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def first_delivery(self, event_id: str) -> bool:
        """True only for the first caller with this event_id, across threads and restarts."""
        now = time.time()
        with self._lock:
            inserted = self._db.execute(
                "INSERT OR IGNORE INTO slack_seen_events VALUES (?, ?)", (event_id, now)
            ).rowcount
            self._inserts += 1
            if self._inserts % PRUNE_EVERY == 0:
                self._db.execute(
                    "DELETE FROM slack_seen_events WHERE seen_at < ?",
                    (now - SEEN_EVENTS_KEEP_SECONDS,),
                )
        return inserted == 1

    def claim(self, message_key: str) -> bool:
        """True for the first click on a question message; a double click is answered once."""
        with self._lock:
            return self._db.execute(
                "INSERT OR IGNORE INTO slack_claimed VALUES (?, ?)", (message_key, time.time())
            ).rowcount == 1

    def remember_lang(self, user_id: str, lang: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO slack_user_lang VALUES (?, ?)",
                             (user_id, lang))

    def chosen_lang(self, user_id: str) -> str | None:
        with self._lock:
            row = self._db.execute(
                "SELECT lang FROM slack_user_lang WHERE user_id = ?", (user_id,)
            ).fetchone()
        return row[0] if row else None

    def follow_thread(self, conversation: str) -> None:
        """Remember a channel thread keyhelp answers in, so replies there continue it."""
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO slack_threads VALUES (?, ?)", (conversation, time.time())
            )

    def follows_thread(self, conversation: str) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM slack_threads WHERE conversation = ?", (conversation,)
            ).fetchone()
        return row is not None

    def save_draft(self, *, channel: str, thread_ts: str, text: str) -> str:
        """Keep an agent's reply draft server-side; the button carries only its id."""
        draft_id = secrets.token_urlsafe(12)
        with self._lock:
            self._db.execute(
                "INSERT INTO slack_drafts VALUES (?, ?, ?, ?, ?)",
                (draft_id, channel, thread_ts, text, time.time()),
            )
        return draft_id

    def draft(self, draft_id: str) -> tuple[str, str, str] | None:
        """(channel, thread_ts, text) of a saved draft, or None once posted or unknown."""
        with self._lock:
            row = self._db.execute(
                "SELECT channel, thread_ts, text FROM slack_drafts WHERE id = ?", (draft_id,)
            ).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def drop_draft(self, draft_id: str) -> None:
        """Forget a posted draft, so its button cannot post it twice."""
        with self._lock:
            self._db.execute("DELETE FROM slack_drafts WHERE id = ?", (draft_id,))
