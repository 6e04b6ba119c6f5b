"""What each browser session was shown, so a reload (or a redirect after a POST) shows it again.

The conversation itself lives in keyhelp's conversation store; this file beside it keeps the
page's view of it: each turn's masked user text and rendered replies (never a whole product
key: both were masked before they got here), and the language the user chose, if any.
Only the last ``KEEP_TURNS`` turns of a session are kept; idle sessions are swept away.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.dialogue.sqlite_file import open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS web_turns (
    session TEXT NOT NULL, seq INTEGER NOT NULL, entry TEXT NOT NULL, at REAL NOT NULL,
    PRIMARY KEY (session, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS web_sessions (
    session TEXT PRIMARY KEY, chosen_lang TEXT, updated REAL NOT NULL
);
"""
KEEP_TURNS = 30
SWEEP_EVERY = 1000  # appends between sweeps of idle sessions


class WebStore:
    """Thread-safe; one connection shared under a lock (each call is one short transaction)."""

    def __init__(self, *, path: Path | str, idle_seconds: float,
                 clock: Callable[[], float] = time.time) -> None:
        self._db = open_database(path, SCHEMA)
        self._lock = threading.Lock()
        self._idle = idle_seconds
        self._clock = clock
        self._appends = 0

    def entries(self, session: str, *, last: int = KEEP_TURNS) -> list[dict[str, Any]]:
        """The session's ``last`` kept turns, oldest first, each with its ``seq``."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, entry FROM web_turns WHERE session = ? ORDER BY seq DESC LIMIT ?",
                (session, last)).fetchall()
        return [{**json.loads(entry), "seq": seq} for seq, entry in reversed(rows)]

    def append(self, session: str, entry: dict[str, Any]) -> int:
        """Keep one more turn (and forget the oldest beyond ``KEEP_TURNS``); its seq."""
        now = self._clock()
        data = json.dumps(entry, ensure_ascii=False)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                (last,) = self._db.execute(
                    "SELECT coalesce(max(seq), 0) FROM web_turns WHERE session = ?",
                    (session,)).fetchone()
                seq = last + 1
                self._db.execute("INSERT INTO web_turns VALUES (?, ?, ?, ?)",
                                 (session, seq, data, now))
                self._db.execute("DELETE FROM web_turns WHERE session = ? AND seq <= ?",
                                 (session, seq - KEEP_TURNS))
                self._db.execute(
                    "INSERT INTO web_sessions (session, updated) VALUES (?, ?) "
                    "ON CONFLICT (session) DO UPDATE SET updated = excluded.updated",
                    (session, now))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._appends += 1
            if self._appends % SWEEP_EVERY == 0:
                self._sweep(now)
        return seq

    def chosen_lang(self, session: str) -> str | None:
        """The language this session chose with the switch, if it did."""
        with self._lock:
            row = self._db.execute("SELECT chosen_lang FROM web_sessions WHERE session = ?",
                                   (session,)).fetchone()
        return row[0] if row else None

    def choose_lang(self, session: str, lang: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO web_sessions VALUES (?, ?, ?) ON CONFLICT (session) "
                "DO UPDATE SET chosen_lang = excluded.chosen_lang, updated = excluded.updated",
                (session, lang, self._clock()))

    def _sweep(self, now: float) -> None:
        idle = "SELECT session FROM web_sessions WHERE updated < ?"
        self._db.execute(f"DELETE FROM web_turns WHERE session IN ({idle})", (now - self._idle,))
        self._db.execute("DELETE FROM web_sessions WHERE updated < ?", (now - self._idle,))

    def close(self) -> None:
        with self._lock:
            self._db.close()
