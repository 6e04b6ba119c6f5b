"""The analytics store contract, on SQLite and on a real PostgreSQL: the same calls, the same
answers (the figures are computed from these reads)."""

from __future__ import annotations

import pytest

from bot.analytics.cases import Case
from bot.analytics.stats import figures


@pytest.fixture
def store(analytics_store):
    """The analytics store on each backend (tests/conftest.py)."""
    return analytics_store


def case(case_id: str, **fields) -> Case:
    return Case(**{"id": case_id, "channel": "slack", "lang": "ja", "intent": "key-expired",
                   "started": 1000.0, "updated": 1000.0, **fields})


def test_a_saved_case_loads_back_and_an_update_replaces_it(store):
    store.save_case(case("a", answers=[["other-key", "has-other"]], remedies=["enter"]))
    store.save_case(case("a", answers=[["other-key", "has-other"]], remedies=["enter"],
                         outcome="solved", ended=1060.0, turns=3))
    loaded = store.load_case("a")
    assert loaded == case("a", answers=[["other-key", "has-other"]], remedies=["enter"],
                          outcome="solved", ended=1060.0, turns=3)
    assert store.load_case("nope") is None


def test_figures_are_the_same_on_either_database(store):
    store.save_case(case("a", outcome="solved", ended=1060.0, remedies=["enter"],
                         step="outcome:solved"))
    store.save_case(case("b", outcome="escalated", reason="unsolved", ended=1100.0))
    store.save_case(case("c", step="ask:other-key", updated=1000.0))  # idle: abandoned
    store.save_case(case("d", intent="key-lost", lang="en", channel="web", started=90_000.0,
                         updated=90_000.0))  # still open
    store.add_miss(at=1000.0, channel="slack", lang="en", text="hello")
    store.add_miss(at=1001.0, channel="slack", lang="en", text="hello")
    store.add_clarification(conversation="x", at=1000.0, channel="slack", lang="en",
                            candidates=["key-expired", "key-invalid"])
    store.choose_clarification(conversation="x", chosen="key-invalid")
    store.add_unasked(message="C1/1.0", at=1000.0, lang="en", intent="key-expired",
                      confidence=0.99)
    store.add_unasked(message="C1/1.0", at=1001.0, lang="en", intent="key-lost",
                      confidence=0.5)  # the same message again: kept once
    store.unasked_feedback(message="C1/1.0", feedback=-1)
    figs = figures(store, since=0, now=90_100.0, idle_seconds=3600)
    expired = figs["by_intent"]["key-expired"]
    assert (expired["started"], expired["solved"], expired["escalated"],
            expired["abandoned"]) == (3, 1, 1, 1)
    assert figs["by_intent"]["key-lost"]["open"] == 1
    assert [d["date"] for d in figs["daily"]] == ["1970-01-01", "1970-01-02"]
    assert figs["escalation_reasons"] == {"unsolved": 1}
    assert figs["unrecognised"] == [{"text": "hello", "count": 2}]
    assert figs["clarifications"] == [{"candidates": ["key-expired", "key-invalid"],
                                       "chosen": {"key-invalid": 1}}]
    assert figs["unasked"] == {"answers": 1, "thumbs_up": 0, "thumbs_down": 1}
    assert figs["by_intent"]["key-expired"]["median_seconds"] == 80.0


def test_purge_keeps_only_what_is_recent_enough(store):
    store.save_case(case("old", updated=10.0, started=10.0))
    store.save_case(case("new", updated=5000.0, started=5000.0))
    store.add_miss(at=10.0, channel="cli", lang="en", text="old")
    store.purge(older_than=1000.0)
    assert store.load_case("old") is None and store.load_case("new") is not None
    assert store.misses_since(0) == []
