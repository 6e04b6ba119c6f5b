"""A turn and its analytics are stored in one transaction, on SQLite and on PostgreSQL: the
conversation's compare-and-swap decides for both, so a turn is stored with its case row or
not at all, and the case a turn opens is noted on the conversation it is stored with."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bot.analytics.cases import Recorder
from bot.analytics.stats import figures
from bot.analytics.store import PostgresAnalytics, SqlAnalytics, SqliteAnalytics
from bot.dialogue.assistant import Assistant
from bot.dialogue.conversation import Conversation
from bot.dialogue.conversation_store import ConversationStore
from bot.dialogue.postgres_store import PostgresStore
from bot.dialogue.reload import RulesWatcher
from bot.dialogue.store import SqliteStore
from bot.paths import rules_path
from tests.assistant_helpers import Clock

EXPIRED = "The product key you entered has expired"
DAY = 24 * 3600


class Meddling:
    """A real store that lets another writer take a turn on the conversation once: before
    this save (the save then loses the race) or just after it (before anything else)."""

    rival: Assistant | None = None
    when = "before"

    def save(self, conversation: Conversation, **options: Any) -> bool:
        rival, self.rival = self.rival, None
        if rival is not None and self.when == "before":
            rival.handle(conversation.id, text="why?")
        saved = super().save(conversation, **options)  # type: ignore[misc]
        if rival is not None and self.when == "after":
            rival.handle(conversation.id, text="why?")
        return saved


class MeddlingSqlite(Meddling, SqliteStore):
    pass


class MeddlingPostgres(Meddling, PostgresStore):
    pass


class Backend:
    """Stores on one database: conversations (meddling ones too), analytics, raw SQL."""

    def __init__(self, kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
        self.kind, self.clock = kind, Clock()
        self._closing: list[Callable[[], None]] = []
        if kind == "sqlite":
            self.path = tmp_path / "conversations.db"
        else:
            from bot.postgres import Database

            self.url = request.getfixturevalue("postgres_url")
            self.db = Database(self.url, max_size=4)
            self._closing.append(self.db.close)

    def store(self, meddling: bool = False) -> ConversationStore:
        if self.kind == "sqlite":
            made = (MeddlingSqlite if meddling else SqliteStore)(path=self.path, clock=self.clock)
        else:
            made = (MeddlingPostgres if meddling else PostgresStore)(db=self.db, clock=self.clock)
        self._closing.append(made.close)
        return made

    def analytics(self) -> SqlAnalytics:
        made = SqliteAnalytics(path=self.path) if self.kind == "sqlite" else \
            PostgresAnalytics(db=self.db)
        if self.kind == "sqlite":
            self._closing.append(made.close)
        return made

    def assistant(self, store: ConversationStore, *, recording: bool = True) -> Assistant:
        observer = Recorder(store=self.analytics(), channel="cli", clock=self.clock) \
            if recording else None
        return Assistant(watcher=RulesWatcher(path=rules_path()), store=store,
                         clock=self.clock, observer=observer)

    def refuse_case_rows(self) -> None:
        """From now on the database itself refuses every write to the cases table."""
        if self.kind == "sqlite":
            with sqlite3.connect(self.path) as db:
                db.execute("CREATE TRIGGER refuse BEFORE INSERT ON cases "
                           "BEGIN SELECT RAISE(ABORT, 'cases refused'); END")
            db.close()
            return
        with psycopg.connect(self.url, autocommit=True) as db:
            db.execute("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                       "$$ BEGIN RAISE EXCEPTION 'cases refused'; END $$")
            db.execute("CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON cases "
                       "FOR EACH ROW EXECUTE FUNCTION refuse()")

    def refused(self) -> type[Exception]:
        return sqlite3.IntegrityError if self.kind == "sqlite" else psycopg.errors.RaiseException

    def close(self) -> None:
        for close in reversed(self._closing):
            close()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    made = Backend(request.param, tmp_path, request)
    yield made
    made.close()


def started_cases(analytics: SqlAnalytics, clock: Clock) -> int:
    return figures(analytics, since=0, now=clock.now, idle_seconds=DAY)["by_intent"][
        "key-expired"]["started"]


def test_a_turn_whose_analytics_cannot_be_written_is_not_stored_either(
        backend: Backend) -> None:
    store = backend.store()
    assistant = backend.assistant(store)
    assistant.handle("c", text=EXPIRED)
    backend.refuse_case_rows()
    with pytest.raises(backend.refused(), match="cases refused"):
        assistant.handle("c", text="why?")
    conv = store.load("c")
    assert conv is not None and conv.turns == 1
    assert [entry[1] for entry in conv.history if entry[0] == "user"] == [EXPIRED]


def test_a_turn_that_loses_the_race_leaves_no_analytics_of_its_own(backend: Backend) -> None:
    rival = backend.assistant(backend.store())
    rival.handle("c", text=EXPIRED)
    meddling = backend.store(meddling=True)
    meddling.rival = rival  # type: ignore[attr-defined]
    racing = backend.assistant(meddling)
    racing.handle("c", text="why?")  # loses to the rival's "why?", then is taken again
    conv = meddling.load("c")
    assert conv is not None and conv.turns == 3
    case = racing.observer.store.load_case(conv.case)  # type: ignore[union-attr]
    assert case is not None and case.turns == 3  # the lost attempt's row was rolled back


def test_the_case_a_turn_opens_is_stored_with_it_when_another_writer_follows_at_once(
        backend: Backend) -> None:
    meddling = backend.store(meddling=True)
    meddling.rival = backend.assistant(backend.store(), recording=False)  # type: ignore[attr-defined]
    meddling.when = "after"  # type: ignore[attr-defined]
    assistant = backend.assistant(meddling)
    assistant.handle("c", text=EXPIRED)  # opens a case; the rival's "why?" follows at once
    assistant.handle("c", text="why?")
    conv = meddling.load("c")
    analytics = assistant.observer.store  # type: ignore[union-attr]
    assert conv is not None and conv.turns == 3 and conv.case
    assert started_cases(analytics, backend.clock) == 1
    case = analytics.load_case(conv.case)
    assert case is not None and case.turns == 2  # both recorded turns, in the one case
