"""What keyhelp writes to disk is its user's alone: files 0600, the folders it creates 0700,
whatever the umask (conversations hold masked keys and what people typed)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cache import cached
from bot.channels.slack.store import SlackStore
from bot.dialogue.conversation import Conversation
from bot.dialogue.store import SqliteStore
from tests.test_chat_cli import env_for


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive common umask, so a file left to it would be group/world readable."""
    old = os.umask(0o002)
    try:
        yield
    finally:
        os.umask(old)


def test_the_conversation_database_its_wal_files_and_folders_are_private(
        tmp_path: Path, open_umask: None) -> None:
    db = tmp_path / "state" / "keyhelp" / "conversations.db"
    store = SqliteStore(path=db)
    store.save(Conversation.new("c", lang="en", now=1.0))  # the WAL and its index exist now
    try:
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            assert mode(path) == 0o600, path
        for folder in (db.parent, db.parent.parent):
            assert mode(folder) == 0o700, folder
    finally:
        store.close()


def test_the_slack_adapters_database_is_private(tmp_path: Path, open_umask: None) -> None:
    db = tmp_path / "slack" / "conversations-slack.db"
    store = SlackStore(path=db)
    assert store.first_delivery("Ev1")
    try:
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            assert mode(path) == 0o600, path
        assert mode(db.parent) == 0o700
    finally:
        store.close()


def test_the_start_up_cache_and_its_folders_are_private(
        tmp_path: Path, open_umask: None, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache" / "keyhelp"
    monkeypatch.setenv("KEYHELP_CACHE_DIR", str(folder))
    assert cached("entry", "key-1", lambda: {"built": True}) == {"built": True}
    entries = list(folder.iterdir())
    assert [p.name for p in entries] == ["entry.pickle"]
    assert mode(entries[0]) == 0o600
    assert mode(folder) == 0o700 and mode(folder.parent) == 0o700


def test_a_chat_leaves_only_private_files_behind(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**env_for(tmp_path), "KEYHELP_DB": str(home / "state" / "conversations.db"),
           "KEYHELP_CACHE_DIR": str(home / "cache")}
    # a umask of 0 in the child: nothing is left to the umask
    result = subprocess.run([sys.executable, "-c",
                             "import os, sys; os.umask(0); sys.argv[0] = 'keyhelp'; "
                             "from bot.channels.cli.main import main; sys.exit(main())",
                             "chat", "--lang", "en"],
                            input="my key has expired\n", text=True, capture_output=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    made = sorted(home.rglob("*"))
    assert {p.name for p in made} >= {"state", "cache", "conversations.db"}
    loose = [(str(p.relative_to(home)), oct(mode(p))) for p in made
             if mode(p) != (0o700 if p.is_dir() else 0o600)]
    assert loose == []
