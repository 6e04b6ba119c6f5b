"""Several writers on one conversation lose no turn: a save is a compare-and-swap, and a turn
that lost the race is taken again on the conversation as the winner left it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings
from bot.dialogue.assistant import ATTEMPTS, Assistant, ConversationBusy
from bot.dialogue.conversation import Conversation
from bot.dialogue.reload import RulesWatcher
from bot.dialogue.store import SqliteStore
from bot.paths import rules_path
from tests.assistant_helpers import Clock
from tests.test_chat_cli import env_for

PROCESSES = 4
LINES_EACH = 60


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """The environment of `keyhelp chat` on each backend: the SQLite file, or PostgreSQL."""
    if request.param == "sqlite":
        return env_for(tmp_path)
    return env_for(tmp_path, KEYHELP_DATABASE_URL=request.getfixturevalue("postgres_url"))


def _stored(env: dict[str, str], tmp_path: Path, conversation: str) -> Conversation | None:
    """The conversation as the backend ``env`` names stores it."""
    from bot.dialogue.conversation_store import open_store

    store = open_store(Settings.from_env(env))
    try:
        return store.load(conversation)
    finally:
        store.close()


def _start_conversation(env: dict[str, str]) -> str:
    """Start a conversation as a user does (`keyhelp chat`); its printed id."""
    started = subprocess.run([sys.executable, "-m", "bot", "chat", "--lang", "en"], input="",
                             text=True, capture_output=True, env=env, timeout=120)
    assert started.returncode == 0, started.stderr
    found = re.search(r"--conversation (\S+?)\)", started.stderr)
    assert found, started.stderr
    return found.group(1)


def test_chat_processes_on_one_conversation_lose_no_turn(backend: dict[str, str],
                                                        tmp_path: Path) -> None:
    conversation = _start_conversation(backend)
    command = [sys.executable, "-m", "bot", "chat", "--conversation", conversation]
    chats = [subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=backend)
             for _ in range(PROCESSES)]
    for chat in chats:  # every process has resumed (a stored turn) before any types
        assert chat.stdout is not None
        for line in chat.stdout:
            if not line.strip():
                break
    for chat in chats:  # then all of them type at once
        assert chat.stdin is not None
        chat.stdin.write("why\n" * LINES_EACH)
        chat.stdin.close()
    for chat in chats:
        chat.stdout.read()  # type: ignore[union-attr]
        assert chat.wait(timeout=300) == 0, chat.stderr.read()  # type: ignore[union-attr]
    conv = _stored(backend, tmp_path, conversation)
    assert conv is not None
    # the start, then each process's resume and every line it was given
    assert conv.turns == 1 + PROCESSES * (1 + LINES_EACH)


class InterleavingStore(SqliteStore):
    """A real SQLite store that lets another writer take a turn on the same conversation
    between this writer's load and its save (``times`` times): the race, made to happen."""

    def __init__(self, *, rival: Assistant, times: int = 1, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rival, self.times = rival, times

    def save(self, conversation: Conversation) -> bool:
        if self.times > 0:
            self.times -= 1
            self.rival.handle(conversation.id, text="hello there")
        return super().save(conversation)


def test_a_turn_that_lost_the_race_is_taken_again_on_the_winners_state(tmp_path: Path) -> None:
    db, clock = tmp_path / "c.db", Clock()
    settings = Settings(db_path=db, rules_path=rules_path())
    rival = Assistant.from_settings(settings, clock=clock)
    rival.start("c", lang="en", explicit=True)
    racing = Assistant(watcher=RulesWatcher(path=rules_path()), clock=clock,
                       store=InterleavingStore(path=db, clock=clock, rival=rival))
    replies = racing.handle("c", text="The product key you entered has expired")
    assert replies[-1].kind == "ask"
    conv = racing.store.load("c")  # type: ignore[union-attr]
    assert conv is not None and conv.turns == 3  # start, the rival's turn, this one
    said = [entry[1] for entry in conv.history if entry[0] == "user"]
    assert said == ["hello there", "The product key you entered has expired"]
    assert conv.intent == "key-expired"


def test_a_turn_that_keeps_losing_the_race_gives_up_after_bounded_tries(tmp_path: Path) -> None:
    db, clock = tmp_path / "c.db", Clock()
    rival = Assistant.from_settings(Settings(db_path=db, rules_path=rules_path()), clock=clock)
    rival.start("c", lang="en", explicit=True)
    racing = Assistant(watcher=RulesWatcher(path=rules_path()), clock=clock,
                       store=InterleavingStore(path=db, clock=clock, rival=rival,
                                               times=ATTEMPTS))
    with pytest.raises(ConversationBusy, match="'c' is busy"):
        racing.handle("c", text="The product key you entered has expired")
    conv = rival.store.load("c")  # type: ignore[union-attr]
    assert conv is not None and conv.turns == 1 + ATTEMPTS  # the rival's turns all stored
    assert conv.intent == ""  # the turn that never won changed nothing


def _two_assistants(tmp_path: Path) -> tuple[Assistant, Assistant]:
    """Two assistants (two processes, as far as the store knows) on one SQLite file."""
    settings, clock = Settings(db_path=tmp_path / "c.db", rules_path=rules_path()), Clock()
    return (Assistant.from_settings(settings, clock=clock),
            Assistant.from_settings(settings, clock=clock))


def test_a_turn_started_from_a_read_another_writer_moved_past_is_taken_on_what_is_stored(
        tmp_path: Path) -> None:
    """A caller's read of the conversation (the Slack adapter's snapshot) saves the turn a
    read, never a turn: stale, it loses the compare-and-swap and the turn is taken again."""
    rival, late = _two_assistants(tmp_path)
    rival.start("c", lang="en", explicit=True)
    read = rival.store.stored("c")  # type: ignore[union-attr]
    rival.handle("c", text="hello there")
    replies = late.handle("c", text="The product key you entered has expired", read=read)
    assert replies[-1].kind == "ask"
    conv = late.store.load("c")  # type: ignore[union-attr]
    assert conv is not None and conv.turns == 3
    said = [entry[1] for entry in conv.history if entry[0] == "user"]
    assert said == ["hello there", "The product key you entered has expired"]


def test_a_turn_started_from_an_unreadable_read_starts_from_the_stored_conversation(
        tmp_path: Path) -> None:
    rival, late = _two_assistants(tmp_path)
    rival.start("c", lang="en", explicit=True)
    rival.handle("c", text="The product key you entered has expired")
    version = rival.store.load("c").version  # type: ignore[union-attr]
    late.handle("c", text="why?", read=(version, "{not json"))
    conv = late.store.load("c")  # type: ignore[union-attr]
    assert conv is not None and conv.turns == 3 and conv.intent == "key-expired"
