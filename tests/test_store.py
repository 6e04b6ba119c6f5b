"""The SQLite conversation store's own matters: WAL, its file, old rows and old files.

What every store promises (versions, compare-and-swap, expiry, history) is in
tests/test_store_contract.py.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.config import Settings
from bot.dialogue.conversation import Conversation
from bot.dialogue.store import SqliteStore
from tests.assistant_helpers import Clock


def test_the_database_runs_in_wal_mode(tmp_path: Path) -> None:
    SqliteStore(path=tmp_path / "c.db").close()
    with sqlite3.connect(tmp_path / "c.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_unknown_fields_from_a_newer_version_are_ignored(tmp_path: Path) -> None:
    data = Conversation.new("x", lang="en", now=1.0).to_json()[:-1] + ',"future":1}'
    assert Conversation.from_json(data).id == "x"


def test_the_version_is_kept_beside_the_json_not_in_it() -> None:
    conv = Conversation.new("x", lang="en", now=1.0)
    conv.version = 7
    assert '"version"' not in conv.to_json()
    assert Conversation.from_json(conv.to_json()[:-1] + ',"version":3}').version == 0


def test_settings_come_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env({"KEYHELP_DB": str(tmp_path / "s.db"),
                                  "KEYHELP_IDLE_HOURS": "0.5", "KEYHELP_LANG": "ja"})
    assert settings.db_path == tmp_path / "s.db"
    assert settings.idle_seconds == 1800
    assert settings.default_lang == "ja"
    assert Settings.from_env({}).idle_seconds == 24 * 3600
    assert Settings.from_env({"KEYHELP_IDLE_HOURS": "", "KEYHELP_LANG": " "}) \
        == Settings.from_env({})


def test_an_unreadable_row_starts_the_conversation_afresh(tmp_path: Path) -> None:
    clock = Clock()
    store = SqliteStore(path=tmp_path / "c.db", clock=clock)
    with sqlite3.connect(tmp_path / "c.db") as db:
        db.execute("INSERT INTO conversations (id, updated, data) VALUES ('bad', ?, '{not')",
                   (clock.now,))
    assert store.load("bad") is None
    assert store.save(Conversation.new("bad", lang="en", now=clock.now))
    assert store.load("bad") is not None


def test_a_file_that_is_not_a_database_is_refused_by_name(tmp_path: Path) -> None:
    corrupt = tmp_path / "conversations.db"
    corrupt.write_bytes(b"\x00garbage" * 500)
    try:
        SqliteStore(path=corrupt)
    except OSError as err:
        assert err.filename == str(corrupt) and "not a database" in str(err.strerror)
    else:
        raise AssertionError("a corrupt file was opened as a store")
    assert corrupt.read_bytes() == b"\x00garbage" * 500  # refused, not overwritten


def test_a_file_from_before_versions_keeps_its_conversations(tmp_path: Path) -> None:
    clock = Clock()
    old = Conversation.new("c", lang="ja", now=clock.now)
    old.intent = "key-invalid"
    with sqlite3.connect(tmp_path / "c.db") as db:  # the schema before versions existed
        db.execute("CREATE TABLE conversations (id TEXT PRIMARY KEY, updated REAL NOT NULL, "
                   "data TEXT NOT NULL)")
        db.execute("INSERT INTO conversations VALUES ('c', ?, ?)", (clock.now, old.to_json()))
    store = SqliteStore(path=tmp_path / "c.db", clock=clock)
    loaded = store.load("c")
    assert loaded is not None and loaded.intent == "key-invalid" and loaded.version == 1
    loaded.streak = 1
    assert store.save(loaded) and loaded.version == 2
    store.close()
    SqliteStore(path=tmp_path / "c.db", clock=clock).close()  # a second opening: no change
