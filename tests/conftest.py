"""Shared fixtures: the shipped knowledge, and a factory for small rules files."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


@pytest.fixture
def shipped_rules_edited(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a copy of the shipped rules with a regex edit (which must match); its path."""

    def make(pattern: str, replacement: str = "", count: int = 1) -> Path:
        text = shipped_rules_path().read_text(encoding="utf-8")
        edited = re.sub(pattern, replacement, text, count=count)
        assert edited != text, f"shipped rules text not found: {pattern!r}"
        path = tmp_path / "rules.yaml"
        path.write_text(edited, encoding="utf-8")
        return path

    return make


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


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A real PostgreSQL server for the whole run (tests/pg_server.py); its admin URL."""
    from tests.pg_server import binaries, running_server

    bin_dir = binaries()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries missing under CI: .ci/run installs 'postgresql'")
        pytest.skip("PostgreSQL is not installed (Debian package 'postgresql'); "
                    "these tests run under CI")
    with running_server(bin_dir) as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the shared server for one test; dropped afterwards."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield postgres_server.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def analytics_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """An empty analytics store on each backend: a SQLite file, this test's PostgreSQL database."""
    from bot.analytics.store import PostgresAnalytics, SqliteAnalytics

    if request.param == "sqlite":
        made = SqliteAnalytics(path=tmp_path / "analytics.db")
        yield made
        made.close()
        return
    from bot.postgres import Database

    db = Database(request.getfixturevalue("postgres_url"))
    yield PostgresAnalytics(db=db)
    db.close()
