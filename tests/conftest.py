"""Shared fixtures: the shipped knowledge, and a factory for small rules files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Knowledge
from bot.paths import shipped_rules_path
from bot.understand.recognise import Recogniser, Recognition

FIXTURES = Path(__file__).parent / "fixtures"
TINY_RULES = FIXTURES / "tiny.yaml"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep the start-up cache out of the user's home during tests, and the user's own rules
    file (~/.config/keyhelp/rules.yaml) out of the tests: the shipped rules are in effect."""
    monkeypatch.setenv("KEYHELP_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.getbasetemp() / "no-config"))


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    """The shipped rules file, loaded once per test run."""
    return load_knowledge(shipped_rules_path())


@pytest.fixture
def tiny_rules(tmp_path: Path) -> Callable[..., Path]:
    """Write a copy of the tiny rules file with text replacements applied; return its path."""

    def make(*replacements: tuple[str, str], name: str = "rules.yaml") -> Path:
        text = TINY_RULES.read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, f"fixture text not found: {old!r}"
            text = text.replace(old, new, 1)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return make


@pytest.fixture(scope="session")
def recogniser(knowledge: Knowledge) -> Recogniser:
    """A recogniser over the shipped rules, built once per test run."""
    return Recogniser(knowledge)


def outcome(recognition: Recognition) -> str:
    """A result as the eval scores it: the intent, ``clarify:a,b``, or ``unknown``."""
    if recognition.action == "answer":
        return recognition.intent or "?"
    if recognition.action == "clarify":
        return "clarify:" + ",".join(c.intent for c in recognition.candidates)
    return "unknown"
