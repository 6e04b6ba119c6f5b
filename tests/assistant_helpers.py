"""Builds real assistants for tests: shipped (or given) rules, a real SQLite file, a hand clock."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.dialogue.assistant import Assistant
from bot.dialogue.replies import Reply
from bot.paths import rules_path


class Clock:
    """A clock the test moves by hand, so expiry needs no sleeping."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make_assistant(tmp_path: Path, *, rules: Path | None = None, clock: Clock | None = None,
                   idle_hours: float = 24.0, db_name: str = "conversations.db") -> Assistant:
    settings = Settings(db_path=tmp_path / db_name, rules_path=rules or rules_path(),
                        idle_seconds=idle_hours * 3600)
    return Assistant.from_settings(settings, clock=clock or Clock())


def only(replies: list[Reply]) -> Reply:
    assert len(replies) == 1, replies
    return replies[0]
