"""The SQLite conversation store: WAL file, round trips, idle expiry on an injected clock."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.config import Settings
from bot.dialogue.conversation import Conversation
from bot.dialogue.store import Store


class Clock:
    """A clock the test moves by hand: expiry is tested without sleeping."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_conversation_round_trips_through_the_file(tmp_path: Path) -> None:
    clock = Clock()
    store = Store(path=tmp_path / "c.db", clock=clock)
    conv = Conversation.new("C1/1.2", lang="ja", now=clock.now)
    conv.intent, conv.step_kind, conv.step = "key-invalid", "ask", "check-characters"
    conv.answers = [["q", "a"]]
    conv.history = [["user", "このプロダクト キーは有効ではありません"]]
    store.save(conv)
    store.close()
    again = Store(path=tmp_path / "c.db", clock=clock).load("C1/1.2")
    assert again == conv


def test_the_database_runs_in_wal_mode(tmp_path: Path) -> None:
    Store(path=tmp_path / "c.db")
    with sqlite3.connect(tmp_path / "c.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_idle_conversations_expire_after_the_configured_time(tmp_path: Path) -> None:
    clock = Clock()
    store = Store(path=tmp_path / "c.db", idle_seconds=3600, clock=clock)
    store.save(Conversation.new("old", lang="en", now=clock.now))
    clock.now += 3599
    assert store.load("old") is not None
    clock.now += 2
    assert store.load("old") is None
    assert store.count() == 0


def test_purge_removes_only_expired_conversations(tmp_path: Path) -> None:
    clock = Clock()
    store = Store(path=tmp_path / "c.db", idle_seconds=100, clock=clock)
    store.save(Conversation.new("a", lang="en", now=clock.now))
    clock.now += 150
    store.save(Conversation.new("b", lang="en", now=clock.now))
    assert store.purge_expired() == 1
    assert store.load("b") is not None


def test_unknown_fields_from_a_newer_version_are_ignored(tmp_path: Path) -> None:
    data = Conversation.new("x", lang="en", now=1.0).to_json()[:-1] + ',"future":1}'
    assert Conversation.from_json(data).id == "x"


def test_settings_come_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env({"KEYHELP_DB": str(tmp_path / "s.db"),
                                  "KEYHELP_IDLE_HOURS": "0.5", "KEYHELP_LANG": "ja"})
    assert settings.db_path == tmp_path / "s.db"
    assert settings.idle_seconds == 1800
    assert settings.default_lang == "ja"
    assert Settings.from_env({}).idle_seconds == 24 * 3600


def test_an_unreadable_row_starts_the_conversation_afresh(tmp_path: Path) -> None:
    clock = Clock()
    store = Store(path=tmp_path / "c.db", clock=clock)
    with sqlite3.connect(tmp_path / "c.db") as db:
        db.execute("INSERT INTO conversations VALUES ('bad', ?, '{not json')", (clock.now,))
    assert store.load("bad") is None


def test_a_file_that_is_not_a_database_is_refused_by_name(tmp_path: Path) -> None:
    corrupt = tmp_path / "conversations.db"
    corrupt.write_bytes(b"\x00garbage" * 500)
    try:
        Store(path=corrupt)
    except OSError as err:
        assert err.filename == str(corrupt) and "not a database" in str(err.strerror)
    else:
        raise AssertionError("a corrupt file was opened as a store")
    assert corrupt.read_bytes() == b"\x00garbage" * 500  # refused, not overwritten
