"""The analytics tables: one row per case, plus misses, clarifications and the answers given
unasked in watched channels. Counts and ids only; texts are masked.

One set of SQL serves both databases: ``SqliteAnalytics`` (the embedded default, in the
conversation database's file) and ``PostgresAnalytics`` (``KEYHELP_DATABASE_URL``); they
differ only in their runner (bot/sql.py) and in the few expressions SQL dialects spell apart.
A turn's writes join the transaction that saves the conversation (``joining``), so a turn is
stored with its figures or not at all; a case row is written without being read first
(``add_turn`` merges the turn into it in SQL).
Retention: ``purge(older_than=…)`` deletes every row older than the cut-off.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.analytics.cases import Case, Recorder
from bot.postgres import OnSharedPool, migrate, open_shared
from bot.sql import PostgresRunner, Sql, SqliteRunner, Unit

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.postgres import Database

_CASES = """
CREATE TABLE IF NOT EXISTS cases (
    id TEXT PRIMARY KEY, channel TEXT NOT NULL, lang TEXT NOT NULL, intent TEXT NOT NULL,
    started DOUBLE PRECISION NOT NULL, updated DOUBLE PRECISION NOT NULL,
    turns INTEGER NOT NULL, answers TEXT NOT NULL, remedies TEXT NOT NULL, step TEXT NOT NULL,
    outcome TEXT, reason TEXT, ended DOUBLE PRECISION
);
"""
# PostgreSQL reads the week's cases for the figures through this index (a bitmap scan);
# SQLite walks the group indexes below instead and never uses it, so its files do without
# it: every turn writes a case row, and each index on the table is a page more to write.
_STARTED_INDEX = "CREATE INDEX IF NOT EXISTS cases_started ON cases (started);"
_OTHER_TABLES = """
CREATE TABLE IF NOT EXISTS misses (
    at DOUBLE PRECISION NOT NULL, channel TEXT NOT NULL, lang TEXT NOT NULL, text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS misses_at ON misses (at);
CREATE TABLE IF NOT EXISTS clarifications (
    id {serial} PRIMARY KEY, conversation TEXT NOT NULL, at DOUBLE PRECISION NOT NULL,
    channel TEXT NOT NULL, lang TEXT NOT NULL, candidates TEXT NOT NULL, chosen TEXT
);
CREATE INDEX IF NOT EXISTS clarifications_at ON clarifications (at);
CREATE TABLE IF NOT EXISTS unasked (
    message TEXT PRIMARY KEY, at DOUBLE PRECISION NOT NULL, lang TEXT NOT NULL,
    intent TEXT NOT NULL, confidence DOUBLE PRECISION NOT NULL, feedback INTEGER
);
CREATE INDEX IF NOT EXISTS unasked_at ON unasked (at);
"""
# The median time walks this index in order of duration, on either database.
_MEDIAN_INDEX = """
CREATE INDEX IF NOT EXISTS cases_seconds ON cases (intent, (ended - started), started)
    WHERE ended IS NOT NULL;
"""
# SQLite groups by sorting (a temp B-tree per GROUP BY, most of the figures' time at 100,000
# cases); with the groups' columns leading an index it walks the index instead. PostgreSQL
# groups by hashing, so it has nothing to gain, and its B-tree entries are capped at ~2.7 kB,
# which the answers' JSON need not respect: these are SQLite's only.
_SQLITE_DAY = "CAST(started / 86400 AS INTEGER)"  # whole days since 1970, UTC
_GROUP_INDEXES = f"""
CREATE INDEX IF NOT EXISTS cases_outcomes
    ON cases (({_SQLITE_DAY}), intent, lang, channel, reason, outcome, started, updated);
CREATE INDEX IF NOT EXISTS cases_remedies ON cases (intent, remedies, started, outcome);
CREATE INDEX IF NOT EXISTS cases_steps ON cases (intent, answers, step, started, outcome,
                                                 updated);
CREATE INDEX IF NOT EXISTS cases_turns ON cases (intent, turns, started, ended)
    WHERE ended IS NOT NULL;
CREATE INDEX IF NOT EXISTS misses_text ON misses (text, at);
"""
# a file written before SQLite did without cases_started loses it when next opened
SQLITE_SCHEMA = (_CASES + _OTHER_TABLES).format(serial="INTEGER") + _MEDIAN_INDEX + \
    _GROUP_INDEXES + "DROP INDEX IF EXISTS cases_started;\n"
# PostgreSQL schema steps, in order: never edit one, only add (bot/postgres.py migrate)
POSTGRES_STEPS = ((_CASES + _STARTED_INDEX + _OTHER_TABLES).format(serial="BIGSERIAL"),
                  _MEDIAN_INDEX)
_CASE_COLUMNS = ("id", "channel", "lang", "intent", "started", "updated", "turns", "answers",
                 "remedies", "step", "outcome", "reason", "ended")
# a turn merged into its stored case (SqlAnalytics.add_turn): ``excluded`` is the turn's own
# row; a case still open (outcome NULL) has no reason and no end yet
_MERGE = """updated = excluded.updated, turns = cases.turns + excluded.turns,
    answers = excluded.answers, remedies = {remedies},
    step = CASE WHEN excluded.step = '' THEN cases.step ELSE excluded.step END,
    outcome = COALESCE(cases.outcome, excluded.outcome),
    reason = CASE WHEN cases.outcome IS NULL THEN excluded.reason ELSE cases.reason END,
    ended = CASE WHEN cases.outcome IS NULL THEN excluded.ended ELSE cases.ended END"""
# cases still open (outcome NULL) and idle since before the parameter: the abandoned ones
_IDLE = "COUNT(CASE WHEN outcome IS NULL AND updated < ? THEN 1 END)"


class SqlAnalytics:
    """The statements; a subclass gives the runner (``sql``), the database's name (for
    ``joining``) and the dialect's spellings of the day and of finding text in text."""

    day_expression = _SQLITE_DAY
    find_function = "instr"  # (haystack, needle): where needle begins, 0 when absent
    sql: Sql
    database: str | None = None

    def _run(self, statement: str, params: Sequence[Any] = (), *, fetch: bool = False) -> Any:
        return self.sql.rows(statement, params) if fetch else self.sql.execute(statement, params)

    def joining(self, unit: Unit | None) -> SqlAnalytics:
        """This store with its statements inside ``unit``, the transaction saving a turn,
        when that is on this store's database; else this store as it is."""
        if unit is None or not unit.joins(self.database):
            return self
        joined = copy.copy(self)  # the same dialect, on the transaction's statements
        joined.sql = unit.sql
        return joined

    def load_case(self, case_id: str) -> Case | None:
        rows = self._run(f"SELECT {', '.join(_CASE_COLUMNS)} FROM cases WHERE id = ?",
                         (case_id,), fetch=True)
        return _case(rows[0]) if rows else None

    def add_turn(self, case: Case) -> None:
        """One turn of a case, without reading it: ``case`` is the row this turn alone would
        make (``turns`` 1, the remedies it showed, its outcome); a stored row is merged with
        it as ``Recorder`` would (bot/analytics/cases.py): turns added, the turn's answers,
        its step unless it has none, its remedies not yet shown appended, and the first
        outcome kept."""
        row = case.row()
        # a remedy id (bot/knowledge/reader.py ID_PATTERN: [a-z0-9-]) quoted is found in the
        # stored JSON list only as a whole element; the new ones go before its closing "]"
        found = [(json.dumps(r), f", {json.dumps(r)}") for r in dict.fromkeys(case.remedies)]
        added = " || ".join(f"CASE WHEN {self.find_function}(cases.remedies, ?) > 0 "
                            "THEN '' ELSE ? END" for _ in found)
        remedies = (f"REPLACE(RTRIM(cases.remedies, ']') || {added} || ']', '[, ', '[')"
                    if found else "cases.remedies")
        self._run(f"INSERT INTO cases ({', '.join(_CASE_COLUMNS)}) "
                  f"VALUES ({', '.join('?' for _ in _CASE_COLUMNS)}) "
                  f"ON CONFLICT (id) DO UPDATE SET {_MERGE.format(remedies=remedies)}",
                  (*(row[c] for c in _CASE_COLUMNS), *(p for pair in found for p in pair)))

    def end_case(self, case_id: str, *, outcome: str, at: float) -> None:
        """The case ends with ``outcome`` if it is still open."""
        self._run("UPDATE cases SET outcome = ?, ended = ?, updated = ? "
                  "WHERE id = ? AND outcome IS NULL", (outcome, at, at, case_id))

    def add_miss(self, *, at: float, channel: str, lang: str, text: str) -> None:
        self._run("INSERT INTO misses (at, channel, lang, text) VALUES (?, ?, ?, ?)",
                  (at, channel, lang, text))

    def add_clarification(self, *, conversation: str, at: float, channel: str, lang: str,
                          candidates: Sequence[str]) -> None:
        self._run("INSERT INTO clarifications (conversation, at, channel, lang, candidates) "
                  "VALUES (?, ?, ?, ?, ?)",
                  (conversation, at, channel, lang, json.dumps(list(candidates))))

    def choose_clarification(self, *, conversation: str, chosen: str) -> None:
        """The choice settles the conversation's latest clarification still open."""
        self._run("UPDATE clarifications SET chosen = ? WHERE id = (SELECT id FROM "
                  "clarifications WHERE conversation = ? AND chosen IS NULL "
                  "ORDER BY at DESC LIMIT 1)", (chosen, conversation))

    def add_unasked(self, *, message: str, at: float, lang: str, intent: str,
                    confidence: float) -> None:
        self._run("INSERT INTO unasked (message, at, lang, intent, confidence) "
                  "VALUES (?, ?, ?, ?, ?) ON CONFLICT (message) DO NOTHING",
                  (message, at, lang, intent, confidence))

    def unasked_feedback(self, *, message: str, feedback: int) -> None:
        """👍 (+1) or 👎 (−1) on an unasked answer, 0 once withdrawn; other messages are not
        touched."""
        self._run("UPDATE unasked SET feedback = ? WHERE message = ?", (feedback, message))

    def purge(self, *, older_than: float) -> None:
        """Delete what is older than the retention allows."""
        for table, column in (("cases", "updated"), ("misses", "at"),
                              ("clarifications", "at"), ("unasked", "at")):
            self._run(f"DELETE FROM {table} WHERE {column} < ?", (older_than,))

    # reads for the figures: grouped in SQL, so Python handles groups, not every case; each
    # GROUP BY leads with an index's columns (SQLite walks it rather than sorting the cases),
    # and whether an open case counts as abandoned is counted (_IDLE), not grouped by
    def outcome_counts(self, *, since: float, idle_before: float) -> list[tuple]:
        """(day, intent, lang, channel, reason, outcome, cases, idle) for the cases started
        since ``since``: outcome None is open, ``idle`` of those idle since ``idle_before``."""
        day = self.day_expression
        return self._run(f"SELECT {day}, intent, lang, channel, reason, outcome, COUNT(*), "
                         f"{_IDLE} FROM cases WHERE {day} >= ? AND started >= ? "
                         "GROUP BY 1, 2, 3, 4, 5, 6",
                         (idle_before, math.floor(since / 86400), since), fetch=True)

    def remedy_counts(self, *, since: float) -> list[tuple[str, str, int, int]]:
        """(intent, remedies shown as JSON, cases, solved) for the cases started since."""
        return self._run("SELECT intent, remedies, COUNT(*), "
                         "COUNT(CASE WHEN outcome = 'solved' THEN 1 END) FROM cases "
                         "WHERE started >= ? GROUP BY intent, remedies", (since,), fetch=True)

    def step_counts(self, *, since: float, idle_before: float) -> list[tuple]:
        """(intent, answers as JSON, step, cases, abandoned) for the cases started since."""
        return self._run(f"SELECT intent, answers, step, COUNT(*), {_IDLE} FROM cases "
                         "WHERE started >= ? GROUP BY intent, answers, step",
                         (idle_before, since), fetch=True)

    def turn_counts(self, *, since: float) -> list[tuple[str, int, int]]:
        """(intent, turns, cases) for the cases started since that ended."""
        return self._run("SELECT intent, turns, COUNT(*) FROM cases "
                         "WHERE started >= ? AND ended IS NOT NULL GROUP BY intent, turns",
                         (since,), fetch=True)

    def durations_at(self, *, intent: str, since: float, skip: int, take: int) -> list[float]:
        """Seconds to outcome of ``intent``'s cases started since that ended, shortest first,
        from position ``skip``: the middle ones give the median without fetching them all."""
        rows = self._run("SELECT ended - started FROM cases WHERE intent = ? AND started >= ? "
                         "AND ended IS NOT NULL ORDER BY ended - started LIMIT ? OFFSET ?",
                         (intent, since, take, skip), fetch=True)
        return [seconds for (seconds,) in rows]

    def top_misses(self, since: float, limit: int) -> tuple[list[tuple[str, int]], int]:
        """The ``limit`` most frequent unrecognised texts with their counts (equal counts:
        the first said first), and how many misses there were in all."""
        top = self._run("SELECT text, COUNT(*) FROM misses WHERE at >= ? GROUP BY text "
                        "ORDER BY COUNT(*) DESC, MIN(at), text LIMIT ?", (since, limit),
                        fetch=True)
        total = self._run("SELECT COUNT(*) FROM misses WHERE at >= ?", (since,), fetch=True)
        return [(text, n) for text, n in top], total[0][0]

    def misses_since(self, since: float) -> list[tuple[str, str, str]]:
        """(channel, lang, text) of each unrecognised message."""
        return self._run("SELECT channel, lang, text FROM misses WHERE at >= ?", (since,),
                         fetch=True)

    def clarifications_since(self, since: float) -> list[tuple[list[str], str | None]]:
        rows = self._run("SELECT candidates, chosen FROM clarifications WHERE at >= ?",
                         (since,), fetch=True)
        return [(json.loads(candidates), chosen) for candidates, chosen in rows]

    def unasked_since(self, since: float) -> list[tuple[str, str, float, int | None]]:
        """(lang, intent, confidence, feedback) of each unasked answer."""
        return self._run("SELECT lang, intent, confidence, feedback FROM unasked "
                         "WHERE at >= ?", (since,), fetch=True)


class SqliteAnalytics(SqlAnalytics):
    """Analytics in a SQLite file (by default the conversation database's own file)."""

    def __init__(self, *, path: Path | str) -> None:
        from bot.dialogue.sqlite_file import database_name, open_database

        self.path = Path(path)
        self.database = database_name(path)
        self._db = open_database(path, SQLITE_SCHEMA, writable=True)
        self.sql = SqliteRunner(self._db)

    def close(self) -> None:
        self.sql.close()


class PostgresAnalytics(OnSharedPool, SqlAnalytics):
    """Analytics shared by every instance on one PostgreSQL database."""

    day_expression = "CAST(FLOOR(started / 86400) AS BIGINT)"
    find_function = "strpos"

    def __init__(self, *, db: Database) -> None:
        self.db = db
        self.database = db.url
        self.sql = PostgresRunner(db)
        migrate(db, "analytics", POSTGRES_STEPS)


def open_analytics(settings: Settings) -> SqlAnalytics:
    """The analytics tables the settings name: on PostgreSQL (``KEYHELP_DATABASE_URL``) when
    set, else in the conversation database's SQLite file (``KEYHELP_DB``)."""
    if not settings.database_url:
        return SqliteAnalytics(path=settings.db_path)
    return open_shared(settings.database_url, lambda db: PostgresAnalytics(db=db))


def recorder_for(settings: Settings, *, channel: str, clock: Callable[[], float]) -> Recorder:
    """The production recorder, on the database the settings name (``open_analytics``); rows
    kept ``KEYHELP_RETENTION_DAYS``."""
    return Recorder(store=open_analytics(settings), channel=channel, clock=clock,
                    retention_seconds=settings.retention_seconds)


def _case(row: Sequence[Any]) -> Case:
    data = dict(zip(_CASE_COLUMNS, row, strict=True))
    data["answers"] = json.loads(data["answers"])
    data["remedies"] = json.loads(data["remedies"])
    return Case(**data)
