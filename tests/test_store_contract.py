"""What every conversation store promises (bot/dialogue/conversation_store.py), per backend.

Each test runs against every implementation: a new backend is one more ``params`` entry of
the ``stores`` fixture, which opens stores that share one database (two of them stand for
two processes). The clock is injected, so expiry is tested without sleeping.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.dialogue.conversation import Conversation
from bot.dialogue.conversation_store import ConversationStore
from bot.sql import Unit
from tests.assistant_helpers import Clock

OpenStore = Callable[..., ConversationStore]


def _sqlite(request: pytest.FixtureRequest, tmp_path: Path) -> OpenStore:
    from bot.dialogue.store import SqliteStore

    return lambda **options: SqliteStore(path=tmp_path / "conversations.db", **options)


def _postgres(request: pytest.FixtureRequest, tmp_path: Path) -> OpenStore:
    """Each store has a pool of its own, as two instances would."""
    from bot.dialogue.postgres_store import PostgresStore
    from bot.postgres import Database

    url = request.getfixturevalue("postgres_url")

    def open_store(**options: object) -> ConversationStore:
        db = Database(url, max_size=2)
        request.addfinalizer(db.close)
        return PostgresStore(db=db, **options)  # type: ignore[arg-type]

    return open_store


# backend name -> (request, tmp_path) -> a function opening a store on one shared database;
# a backend that needs a server takes it from a fixture (request.getfixturevalue)
BACKENDS: dict[str, Callable[[pytest.FixtureRequest, Path], OpenStore]] = {
    "sqlite": _sqlite, "postgres": _postgres}


@pytest.fixture(params=list(BACKENDS))
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> OpenStore:
    """``stores(idle_seconds=…, clock=…)`` opens a store on this test's one database."""
    opener = BACKENDS[request.param](request, tmp_path)
    opened: list[ConversationStore] = []

    def open_store(*, idle_seconds: float = 3600.0, clock: Clock | None = None
                   ) -> ConversationStore:
        store = opener(idle_seconds=idle_seconds, clock=clock or Clock())
        opened.append(store)
        return store

    request.addfinalizer(lambda: [store.close() for store in opened])
    return open_store


def _conversation(cid: str, clock: Clock, **fields: object) -> Conversation:
    conv = Conversation.new(cid, lang="ja", now=clock.now)
    for name, value in fields.items():
        setattr(conv, name, value)
    return conv


def test_the_implementation_has_every_method_of_the_protocol(stores: OpenStore) -> None:
    assert isinstance(stores(), ConversationStore)


def test_a_saved_conversation_loads_equal_from_another_connection(stores: OpenStore) -> None:
    clock = Clock()
    conv = _conversation("C1/1.2", clock, intent="key-invalid", step_kind="ask",
                         step="check-characters", answers=[["q", "a"]],
                         history=[["user", "このプロダクト キーは有効ではありません"]])
    assert stores(clock=clock).save(conv)
    again = stores(clock=clock).load("C1/1.2")
    assert again == conv and again is not conv


def test_an_unknown_conversation_loads_as_none(stores: OpenStore) -> None:
    assert stores().load("never-saved") is None


def test_each_save_moves_the_version_on(stores: OpenStore) -> None:
    clock = Clock()
    store = stores(clock=clock)
    conv = _conversation("c", clock)
    assert conv.version == 0
    assert store.save(conv) and conv.version == 1
    conv.streak = 1
    assert store.save(conv) and conv.version == 2
    loaded = store.load("c")
    assert loaded is not None and loaded.version == 2 and loaded.streak == 1


def test_a_save_from_a_stale_version_is_refused_and_changes_nothing(stores: OpenStore) -> None:
    clock = Clock()
    first, second = stores(clock=clock), stores(clock=clock)
    assert first.save(_conversation("c", clock))
    mine, theirs = first.load("c"), second.load("c")
    assert mine is not None and theirs is not None
    theirs.intent = "key-expired"
    assert second.save(theirs)
    mine.intent = "key-invalid"
    assert not first.save(mine)
    assert mine.version == 1  # not moved on: the caller reloads and redoes its turn
    stored = first.load("c")
    assert stored is not None and stored.intent == "key-expired" and stored.version == 2


def test_what_joins_a_save_is_committed_with_it_or_not_at_all(stores: OpenStore) -> None:
    """A store on the same database writes inside the save's transaction (the analytics of a
    turn): kept when the save wins; when it loses, rolled back, and the conversation's
    version is where it was."""
    clock = Clock()
    first, second = stores(clock=clock), stores(clock=clock)
    for cid in ("c", "other", "third"):
        assert first.save(_conversation(cid, clock))
    mine, theirs = first.load("c"), second.load("c")
    assert mine is not None and theirs is not None
    assert second.save(theirs)

    def delete(victim: str) -> Callable[[Unit], None]:
        def joining(unit: Unit) -> None:
            assert unit.sql.execute("DELETE FROM conversations WHERE id = ?", (victim,)) == 1
        return joining

    assert not first.save(mine, joining=delete("other"))  # lost: its delete is undone
    assert mine.version == 1 and first.load("other") is not None
    again = first.load("c")
    assert again is not None
    again.intent = "key-expired"
    assert first.save(again, joining=delete("third"))
    assert first.load("third") is None
    stored = second.load("c")
    assert stored is not None and stored.intent == "key-expired" and stored.version == 3


def test_two_new_conversations_with_one_id_store_only_the_first(stores: OpenStore) -> None:
    clock = Clock()
    first, second = stores(clock=clock), stores(clock=clock)
    assert first.save(_conversation("c", clock, intent="key-invalid"))
    assert not second.save(_conversation("c", clock, intent="key-expired"))
    stored = second.load("c")
    assert stored is not None and stored.intent == "key-invalid"


def test_idle_conversations_expire_after_the_configured_time(stores: OpenStore) -> None:
    clock = Clock()
    store = stores(idle_seconds=3600, clock=clock)
    store.save(_conversation("old", clock))
    clock.now += 3599
    assert store.load("old") is not None
    clock.now += 2
    assert store.load("old") is None
    assert store.history("old") == []


def test_a_new_conversation_can_take_the_id_of_an_expired_one(stores: OpenStore) -> None:
    clock = Clock()
    store = stores(idle_seconds=100, clock=clock)
    store.save(_conversation("c", clock, intent="key-invalid"))
    clock.now += 150
    fresh = _conversation("c", clock)  # as the turn loop starts one after load() gave None
    assert stores(idle_seconds=100, clock=clock).save(fresh)
    loaded = store.load("c")
    assert loaded is not None and loaded.intent == "" and loaded.version == fresh.version


def test_purge_removes_only_expired_conversations(stores: OpenStore) -> None:
    clock = Clock()
    store = stores(idle_seconds=100, clock=clock)
    store.save(_conversation("a", clock))
    clock.now += 150
    b = _conversation("b", clock)
    b.updated = clock.now
    store.save(b)
    assert store.count() == 2
    assert store.purge_expired() == 1
    assert store.count() == 1
    assert store.load("b") is not None and store.load("a") is None


def test_history_is_the_kept_transcript_oldest_first(stores: OpenStore) -> None:
    clock = Clock()
    store = stores(clock=clock)
    lines = [["user", "キーが通らない XXXXX-XXXXX-XXXXX-XXXXX-7H3KJ"], ["bot", "ask: 手入力？"]]
    store.save(_conversation("c", clock, history=lines))
    assert [tuple(line) for line in store.history("c")] == [tuple(line) for line in lines]
    assert store.history("unknown") == []


def test_concurrent_writers_that_retry_lost_saves_lose_no_update(stores: OpenStore) -> None:
    clock = Clock()
    stores(clock=clock).save(_conversation("shared", clock))
    writers, each = 4, 50
    lost: list[int] = []

    def write(store: ConversationStore) -> None:
        for _ in range(each):
            while True:  # load, change, save; a lost race starts over from a fresh load
                conv = store.load("shared")
                assert conv is not None
                conv.turns += 1
                if store.save(conv):
                    break
                lost.append(1)

    threads = [threading.Thread(target=write, args=(stores(clock=clock),))
               for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = stores(clock=clock).load("shared")
    assert final is not None and final.turns == writers * each
    assert final.version == 1 + writers * each
