"""The Slack adapter's state (``AdapterState``, bot/channels/slack/state.py) in SQL that SQLite
and PostgreSQL both speak: jobs with their order and leases, seen events, language choices,
followed threads, drafts.

``SlackStore`` keeps it in a SQLite file beside ``KEYHELP_DB`` (one machine; a restart
remembers which deliveries were handled); ``PostgresSlackState`` on the PostgreSQL database
several instances share. Every check-and-set is one statement or one transaction, so any
number of threads, processes and instances may use it at once.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.channels.slack.state import AdapterState, PendingJob
from bot.dialogue.sqlite_file import open_database
from bot.postgres import OnSharedPool, migrate, open_shared
from bot.sql import PostgresRunner, Sql, SqliteRunner

if TYPE_CHECKING:
    from bot.channels.slack.settings import SlackSettings
    from bot.postgres import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS slack_seen_events (
    event_id TEXT PRIMARY KEY, seen_at DOUBLE PRECISION NOT NULL);
CREATE INDEX IF NOT EXISTS slack_seen_events_at ON slack_seen_events (seen_at);
CREATE TABLE IF NOT EXISTS slack_user_lang (user_id TEXT PRIMARY KEY, lang TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS slack_threads (
    conversation TEXT PRIMARY KEY, started_at DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS slack_drafts (
    id TEXT PRIMARY KEY, channel TEXT NOT NULL, thread_ts TEXT NOT NULL,
    text TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS slack_jobs (
    claim TEXT PRIMARY KEY, conversation TEXT NOT NULL, seq BIGINT NOT NULL,
    job TEXT NOT NULL, owner TEXT NOT NULL, lease_until DOUBLE PRECISION NOT NULL,
    base INTEGER, before TEXT, progress TEXT NOT NULL, done INTEGER NOT NULL,
    created DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS slack_jobs_order ON slack_jobs (conversation, seq) WHERE done = 0;
CREATE INDEX IF NOT EXISTS slack_jobs_owner ON slack_jobs (owner) WHERE done = 0;
CREATE INDEX IF NOT EXISTS slack_jobs_created ON slack_jobs (created);
CREATE TABLE IF NOT EXISTS slack_sequences (
    conversation TEXT PRIMARY KEY, last BIGINT NOT NULL, updated DOUBLE PRECISION NOT NULL);
"""
# PostgreSQL schema steps, in order: never edit one, only add (bot/postgres.py migrate)
POSTGRES_STEPS = (SCHEMA,)
# Slack repeats a delivery for about 5 minutes; two days covers that, a stale click on a
# question answered yesterday, and an instance that was down over a night
KEEP_SECONDS = 2 * 24 * 3600
DRAFT_KEEP_SECONDS = 7 * 24 * 3600
DEFAULT_LEASE_SECONDS = 15.0
_JOB_COLUMNS = "claim, conversation, seq, owner, lease_until, job, base, before, progress"
# the conversation's row is locked until the commit: claims in one conversation are numbered
# in the order they commit, so no job can appear behind one with a higher number
_NEXT_SEQ = ("INSERT INTO slack_sequences (conversation, last, updated) VALUES (?, 1, ?) "
             "ON CONFLICT (conversation) DO UPDATE SET last = slack_sequences.last + 1, "
             "updated = excluded.updated RETURNING last")
_FIRST = ("SELECT MIN(k.seq) FROM slack_jobs k "
          "WHERE k.conversation = j.conversation AND k.done = 0")


class _Repeat(Exception):
    """A claim made before: its transaction is rolled back."""


def instance_id() -> str:
    """This process's name in the jobs it holds: host, pid and a random part (pids repeat)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _pending(row: tuple) -> PendingJob:
    claim, conversation, seq, owner, lease_until, job, base, before, progress = row
    return PendingJob(claim=claim, conversation=conversation, seq=seq, owner=owner,
                      lease_until=lease_until, job=json.loads(job), base=base, before=before,
                      progress=json.loads(progress))


class SqlSlackState:
    """The statements of the adapter state; the runner says which database (bot/sql.py)."""

    def __init__(self, *, sql: Sql, lease_seconds: float = DEFAULT_LEASE_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        self.sql = sql
        self.lease_seconds = lease_seconds
        self.clock = clock
        self.owner = instance_id()

    # ---- jobs
    def claim_job(self, claim: str, conversation: str, job: dict[str, Any]) -> int | None:
        now = self.clock()
        data = json.dumps(job, ensure_ascii=False, separators=(",", ":"))

        def claim_it(tx: Sql) -> int:
            seq = tx.rows(_NEXT_SEQ, (conversation, now))[0][0]
            if not tx.execute(
                    f"INSERT INTO slack_jobs ({_JOB_COLUMNS}, done, created) "
                    "VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, '[]', 0, ?) "
                    "ON CONFLICT (claim) DO NOTHING",
                    (claim, conversation, seq, self.owner, now + self.lease_seconds, data, now)):
                raise _Repeat  # seen before: rolled back, so no number is taken
            return seq

        try:
            return self.sql.transaction(claim_it)
        except _Repeat:
            return None

    def pending(self, conversation: str) -> PendingJob | None:
        rows = self.sql.rows(f"SELECT {_JOB_COLUMNS} FROM slack_jobs WHERE conversation = ? "
                             "AND done = 0 ORDER BY seq LIMIT 1", (conversation,))
        return _pending(rows[0]) if rows else None

    def firsts(self, conversations: Iterable[str]) -> dict[str, PendingJob]:
        wanted = sorted(set(conversations))
        found: dict[str, PendingJob] = {}
        for start in range(0, len(wanted), 500):  # within every database's parameter limit
            batch = wanted[start:start + 500]
            marks = ", ".join("?" for _ in batch)
            rows = self.sql.rows(f"SELECT {_JOB_COLUMNS} FROM slack_jobs j WHERE j.done = 0 "
                                 f"AND j.conversation IN ({marks}) AND j.seq = ({_FIRST})",
                                 batch)
            found.update((row[1], _pending(row)) for row in rows)
        return found

    def take_over(self, claim: str) -> bool:
        now = self.clock()
        return self.sql.execute(
            "UPDATE slack_jobs SET owner = ?, lease_until = ? WHERE claim = ? AND done = 0 "
            "AND (owner = ? OR lease_until < ?)",
            (self.owner, now + self.lease_seconds, claim, self.owner, now)) == 1

    def begin(self, claim: str, base: int, before: str | None) -> bool:
        return self._ours("base = ?, before = ?", (base, before), claim)

    def advance(self, claim: str, progress: list[list[Any]], *, done: bool = False) -> bool:
        return self._ours("progress = ?, done = ?", (json.dumps(progress), int(done)), claim)

    def _ours(self, assignments: str, values: tuple, claim: str) -> bool:
        """Change a job this instance still holds (another may have taken it over)."""
        return self.sql.execute(f"UPDATE slack_jobs SET {assignments} WHERE claim = ? "
                                "AND owner = ? AND done = 0",
                                (*values, claim, self.owner)) == 1

    def renew(self) -> int:
        return self.sql.execute("UPDATE slack_jobs SET lease_until = ? WHERE owner = ? "
                                "AND done = 0", (self.clock() + self.lease_seconds, self.owner))

    def stalled(self, limit: int = 100) -> list[PendingJob]:
        rows = self.sql.rows(f"SELECT {_JOB_COLUMNS} FROM slack_jobs WHERE done = 0 AND "
                             "(lease_until < ? OR owner = ?) ORDER BY conversation, seq LIMIT ?",
                             (self.clock(), self.owner, limit))
        return [_pending(row) for row in rows]

    def release(self) -> int:
        return self.sql.execute("UPDATE slack_jobs SET lease_until = 0 WHERE owner = ? "
                                "AND done = 0", (self.owner,))

    # ---- deliveries, languages, threads, drafts
    def first_delivery(self, event_id: str) -> bool:
        return self.sql.execute("INSERT INTO slack_seen_events VALUES (?, ?) "
                                "ON CONFLICT (event_id) DO NOTHING",
                                (event_id, self.clock())) == 1

    def remember_lang(self, user_id: str, lang: str) -> None:
        self.sql.execute("INSERT INTO slack_user_lang VALUES (?, ?) ON CONFLICT (user_id) "
                         "DO UPDATE SET lang = excluded.lang", (user_id, lang))

    def chosen_lang(self, user_id: str) -> str | None:
        rows = self.sql.rows("SELECT lang FROM slack_user_lang WHERE user_id = ?", (user_id,))
        return rows[0][0] if rows else None

    def follow_thread(self, conversation: str) -> None:
        """Remember a channel thread keyhelp answers in, so replies there continue it."""
        self.sql.execute("INSERT INTO slack_threads VALUES (?, ?) "
                         "ON CONFLICT (conversation) DO NOTHING", (conversation, self.clock()))

    def follows_thread(self, conversation: str) -> bool:
        return bool(self.sql.rows("SELECT 1 FROM slack_threads WHERE conversation = ?",
                                  (conversation,)))

    def save_draft(self, *, channel: str, thread_ts: str, text: str) -> str:
        draft_id = secrets.token_urlsafe(12)
        self.restore_draft(draft_id, channel=channel, thread_ts=thread_ts, text=text)
        return draft_id

    def take_draft(self, draft_id: str) -> tuple[str, str, str] | None:
        rows = self.sql.rows("DELETE FROM slack_drafts WHERE id = ? "
                             "RETURNING channel, thread_ts, text", (draft_id,))
        return (rows[0][0], rows[0][1], rows[0][2]) if rows else None

    def restore_draft(self, draft_id: str, *, channel: str, thread_ts: str, text: str) -> None:
        self.sql.execute("INSERT INTO slack_drafts VALUES (?, ?, ?, ?, ?) "
                         "ON CONFLICT (id) DO NOTHING",
                         (draft_id, channel, thread_ts, text, self.clock()))

    def prune(self) -> None:
        """Forget finished jobs, seen events and drafts past keeping, and the numbering of
        conversations with no job left (``updated``: never one a claim is numbering now)."""
        old = self.clock() - KEEP_SECONDS
        self.sql.execute("DELETE FROM slack_seen_events WHERE seen_at < ?", (old,))
        self.sql.execute("DELETE FROM slack_jobs WHERE done = 1 AND created < ?", (old,))
        self.sql.execute("DELETE FROM slack_sequences WHERE updated < ? AND NOT EXISTS "
                         "(SELECT 1 FROM slack_jobs j "
                         "WHERE j.conversation = slack_sequences.conversation)", (old,))
        self.sql.execute("DELETE FROM slack_drafts WHERE created_at < ?",
                         (self.clock() - DRAFT_KEEP_SECONDS,))


class SlackStore(SqlSlackState):
    """The adapter state in a SQLite file beside ``KEYHELP_DB`` (``…-slack.db``).

    Its own file, so the claims in Slack's 3-second ack window never wait for the
    conversation store's write lock. WAL + NORMAL (see open_database): what the claims need,
    without an fsync per event, which cost 3-4 ms inside that window.
    """

    def __init__(self, *, path: Path | str, lease_seconds: float = DEFAULT_LEASE_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        self._runner = SqliteRunner(open_database(path, SCHEMA, writable=True))
        super().__init__(sql=self._runner, lease_seconds=lease_seconds, clock=clock)

    def healthy(self) -> bool:
        return True

    def close(self) -> None:
        self._runner.close()


class PostgresSlackState(OnSharedPool, SqlSlackState):
    """The adapter state on the PostgreSQL database every instance shares."""

    def __init__(self, *, db: Database, lease_seconds: float = DEFAULT_LEASE_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        self.db = db
        migrate(db, "slack", POSTGRES_STEPS)
        super().__init__(sql=PostgresRunner(db), lease_seconds=lease_seconds, clock=clock)


def open_state(settings: SlackSettings, *, clock: Callable[[], float] = time.time
               ) -> AdapterState:
    """The state the settings name: PostgreSQL at ``KEYHELP_DATABASE_URL`` when set, else the
    adapter's SQLite file beside ``KEYHELP_DB``."""
    lease = settings.lease_seconds
    if not settings.keyhelp.database_url:
        return SlackStore(path=settings.db_path, lease_seconds=lease, clock=clock)
    return open_shared(settings.keyhelp.database_url, lambda db: PostgresSlackState(
        db=db, lease_seconds=lease, clock=clock))
