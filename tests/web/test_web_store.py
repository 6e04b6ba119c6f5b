"""The web page's store on SQLite and on a real PostgreSQL: what a session was shown comes back
the same, whichever instance (store) wrote it; appends to one session never collide."""

from __future__ import annotations

import threading

import pytest

from bot.channels.web.store import KEEP_TURNS, PostgresWebStore, SqlWebStore, WebStore


@pytest.fixture(params=["sqlite", "postgres"])
def open_store(request, tmp_path):
    """``open_store()`` opens one more store on this test's one database (an instance)."""
    opened: list[SqlWebStore] = []
    if request.param == "postgres":
        from bot.postgres import Database

        url = request.getfixturevalue("postgres_url")

        def make() -> SqlWebStore:
            db = Database(url, max_size=2)
            request.addfinalizer(db.close)
            return PostgresWebStore(db=db, idle_seconds=3600)
    else:
        def make() -> SqlWebStore:
            return WebStore(path=tmp_path / "web.db", idle_seconds=3600)

    def opener() -> SqlWebStore:
        store = make()
        opened.append(store)
        return store

    yield opener
    for store in opened:
        store.close()


def test_turns_appended_by_one_instance_are_shown_by_another(open_store):
    first, second = open_store(), open_store()
    assert first.append("s1", {"said": "キーが通らない", "replies": ["a"]}) == 1
    assert second.append("s1", {"said": None, "replies": ["b"]}) == 2
    assert [e["replies"] for e in first.entries("s1")] == [["a"], ["b"]]
    assert second.entries("s1", last=1) == [{"said": None, "replies": ["b"], "seq": 2}]
    assert first.entries("other") == []


def test_only_the_last_turns_are_kept(open_store):
    store = open_store()
    for n in range(KEEP_TURNS + 5):
        store.append("s", {"n": n})
    kept = store.entries("s", last=KEEP_TURNS + 5)
    assert [e["n"] for e in kept] == list(range(5, KEEP_TURNS + 5))


def test_a_language_choice_is_seen_by_every_instance(open_store):
    first, second = open_store(), open_store()
    assert second.chosen_lang("s") is None
    first.choose_lang("s", "ja")
    assert second.chosen_lang("s") == "ja"
    second.choose_lang("s", "en")
    assert first.chosen_lang("s") == "en"


def test_concurrent_appends_to_one_session_get_distinct_numbers(open_store):
    stores = [open_store() for _ in range(3)]
    numbers: list[int] = []
    lock = threading.Lock()

    def append(store: SqlWebStore) -> None:
        for n in range(8):
            seq = store.append("shared", {"n": n})
            with lock:
                numbers.append(seq)

    threads = [threading.Thread(target=append, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == list(range(1, 25))
