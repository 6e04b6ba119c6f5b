"""The analytics tables in SQLite: one row per case, plus misses, clarifications and the
answers given unasked in watched channels. Counts and ids only; texts are masked.

Retention: ``purge(older_than)`` deletes every row older than the cut-off; the CLI and the
servers call it with ``KEYHELP_RETENTION_DAYS`` (default 90).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.analytics.cases import Case, Recorder
from bot.dialogue.sqlite_file import open_database

SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (
    id TEXT PRIMARY KEY, channel TEXT NOT NULL, lang TEXT NOT NULL, intent TEXT NOT NULL,
    started REAL NOT NULL, updated REAL NOT NULL, turns INTEGER NOT NULL,
    answers TEXT NOT NULL, remedies TEXT NOT NULL, step TEXT NOT NULL,
    outcome TEXT, reason TEXT, ended REAL
);
CREATE INDEX IF NOT EXISTS cases_started ON cases (started);
CREATE TABLE IF NOT EXISTS misses (
    at REAL NOT NULL, channel TEXT NOT NULL, lang TEXT NOT NULL, text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS misses_at ON misses (at);
CREATE TABLE IF NOT EXISTS clarifications (
    conversation TEXT NOT NULL, at REAL NOT NULL, channel TEXT NOT NULL, lang TEXT NOT NULL,
    candidates TEXT NOT NULL, chosen TEXT
);
CREATE INDEX IF NOT EXISTS clarifications_at ON clarifications (at);
CREATE TABLE IF NOT EXISTS unasked (
    message TEXT PRIMARY KEY, at REAL NOT NULL, lang TEXT NOT NULL, intent TEXT NOT NULL,
    confidence REAL NOT NULL, feedback INTEGER
);
CREATE INDEX IF NOT EXISTS unasked_at ON unasked (at);
"""
# what the figures group cases by (SQL expressions over the cases table)
GROUPINGS = {
    "outcomes": ("intent", "lang", "channel", "CAST(started / 86400 AS INTEGER)", "reason"),
    "remedies": ("intent", "remedies"),
    "steps": ("intent", "answers", "step"),
}
_OUTCOME = ("CASE WHEN outcome IS NOT NULL THEN outcome WHEN updated < ? THEN 'abandoned' "
            "ELSE 'open' END")
_CASE_COLUMNS = ("id", "channel", "lang", "intent", "started", "updated", "turns", "answers",
                 "remedies", "step", "outcome", "reason", "ended")


class SqliteAnalytics:
    """Analytics beside the conversations, in its own SQLite file (or any path given)."""

    def __init__(self, *, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = open_database(path, SCHEMA)

    def load_case(self, case_id: str) -> Case | None:
        with self._lock:
            row = self._db.execute(f"SELECT {', '.join(_CASE_COLUMNS)} FROM cases WHERE id = ?",
                                   (case_id,)).fetchone()
        return None if row is None else _case(row)

    def save_case(self, case: Case) -> None:
        row = case.row()
        names = ", ".join(_CASE_COLUMNS)
        marks = ", ".join("?" for _ in _CASE_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in _CASE_COLUMNS[1:])
        with self._lock:
            self._db.execute(f"INSERT INTO cases ({names}) VALUES ({marks}) "
                             f"ON CONFLICT(id) DO UPDATE SET {updates}",
                             tuple(row[c] for c in _CASE_COLUMNS))

    def add_miss(self, *, at: float, channel: str, lang: str, text: str) -> None:
        with self._lock:
            self._db.execute("INSERT INTO misses VALUES (?, ?, ?, ?)", (at, channel, lang, text))

    def add_clarification(self, *, conversation: str, at: float, channel: str, lang: str,
                          candidates: Sequence[str]) -> None:
        with self._lock:
            self._db.execute("INSERT INTO clarifications VALUES (?, ?, ?, ?, ?, NULL)",
                             (conversation, at, channel, lang, json.dumps(list(candidates))))

    def choose_clarification(self, *, conversation: str, chosen: str) -> None:
        """The choice settles the conversation's latest clarification still open."""
        with self._lock:
            self._db.execute(
                "UPDATE clarifications SET chosen = ? WHERE rowid = (SELECT rowid FROM "
                "clarifications WHERE conversation = ? AND chosen IS NULL "
                "ORDER BY at DESC LIMIT 1)", (chosen, conversation))

    def add_unasked(self, *, message: str, at: float, lang: str, intent: str,
                    confidence: float) -> None:
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO unasked VALUES (?, ?, ?, ?, ?, NULL)",
                             (message, at, lang, intent, confidence))

    def unasked_feedback(self, *, message: str, feedback: int) -> bool:
        """👍 (+1) or 👎 (−1) on an unasked answer; False when the message is not one."""
        with self._lock:
            cursor = self._db.execute("UPDATE unasked SET feedback = ? WHERE message = ?",
                                      (feedback, message))
            return cursor.rowcount > 0

    def purge(self, *, older_than: float) -> int:
        """Delete what is older than the retention allows; how many rows went."""
        gone = 0
        with self._lock:
            for table, column in (("cases", "updated"), ("misses", "at"),
                                  ("clarifications", "at"), ("unasked", "at")):
                gone += self._db.execute(f"DELETE FROM {table} WHERE {column} < ?",
                                         (older_than,)).rowcount
        return gone

    # reads for the figures: grouped in SQL, so Python handles groups, not every case ------
    def grouped(self, what: str, *, since: float, idle_before: float) -> list[tuple]:
        """Counts of cases started since ``since``, grouped by ``what`` (see GROUPINGS) plus
        the outcome, where an open case idle since before ``idle_before`` is abandoned."""
        columns = GROUPINGS[what]
        sql = (f"SELECT {', '.join(columns)}, {_OUTCOME}, COUNT(*) FROM cases "
               f"WHERE started >= ? GROUP BY {', '.join(map(str, range(1, len(columns) + 2)))}")
        with self._lock:
            return self._db.execute(sql, (idle_before, since)).fetchall()

    def durations(self, *, since: float) -> list[tuple[str, int, float]]:
        """(intent, turns, seconds) of each case that ended."""
        with self._lock:
            return self._db.execute("SELECT intent, turns, ended - started FROM cases "
                                    "WHERE started >= ? AND ended IS NOT NULL",
                                    (since,)).fetchall()

    def misses_since(self, since: float) -> list[tuple[str, str, str]]:
        """(channel, lang, text) of each unrecognised message."""
        with self._lock:
            return self._db.execute("SELECT channel, lang, text FROM misses WHERE at >= ?",
                                    (since,)).fetchall()

    def clarifications_since(self, since: float) -> list[tuple[list[str], str | None]]:
        with self._lock:
            rows = self._db.execute("SELECT candidates, chosen FROM clarifications "
                                    "WHERE at >= ?", (since,)).fetchall()
        return [(json.loads(candidates), chosen) for candidates, chosen in rows]

    def unasked_since(self, since: float) -> list[tuple[str, str, float, int | None]]:
        """(lang, intent, confidence, feedback) of each unasked answer."""
        with self._lock:
            return self._db.execute("SELECT lang, intent, confidence, feedback FROM unasked "
                                    "WHERE at >= ?", (since,)).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _case(row: Sequence[Any]) -> Case:
    data = dict(zip(_CASE_COLUMNS, row, strict=True))
    data["answers"] = json.loads(data["answers"])
    data["remedies"] = json.loads(data["remedies"])
    return Case(**data)


def recorder_for(db_path: Path | str, *, channel: str, clock: Callable[[], float]) -> Recorder:
    """The production recorder: analytics tables in the conversation database's file."""
    return Recorder(store=SqliteAnalytics(path=db_path), channel=channel, clock=clock)
