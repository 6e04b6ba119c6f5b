"""The analytics store contract, on SQLite and on a real PostgreSQL: the same calls, the same
answers (the figures are computed from these reads)."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.analytics.cases import Case
from bot.analytics.stats import figures
from bot.knowledge.reader import ID_PATTERN


@pytest.fixture
def store(analytics_store):
    """The analytics store on each backend (tests/conftest.py)."""
    return analytics_store


def case(case_id: str, **fields) -> Case:
    return Case(**{"id": case_id, "channel": "slack", "lang": "ja", "intent": "key-expired",
                   "started": 1000.0, "updated": 1000.0, **fields})


def test_a_new_case_is_stored_as_given_and_its_next_turn_merged_into_it(store):
    store.add_turn(case("a", turns=1, answers=[["other-key", "has-other"]], remedies=["enter"],
                        step="remedy:enter"))
    store.add_turn(case("a", turns=1, lang="en", started=1060.0, updated=1060.0,
                        answers=[["other-key", "has-other"]], outcome="solved", ended=1060.0))
    loaded = store.load_case("a")
    assert loaded == case("a", answers=[["other-key", "has-other"]], remedies=["enter"],
                          step="remedy:enter", outcome="solved", ended=1060.0, turns=2,
                          updated=1060.0)
    assert store.load_case("nope") is None


def test_figures_are_the_same_on_either_database(store):
    store.add_turn(case("a", outcome="solved", ended=1060.0, remedies=["enter"],
                        step="outcome:solved"))
    store.add_turn(case("b", outcome="escalated", reason="unsolved", ended=1100.0))
    store.add_turn(case("c", step="ask:other-key", updated=1000.0))  # idle: abandoned
    store.add_turn(case("d", intent="key-lost", lang="en", channel="web", started=90_000.0,
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
    store.add_turn(case("old", updated=10.0, started=10.0))
    store.add_turn(case("new", updated=5000.0, started=5000.0))
    store.add_miss(at=10.0, channel="cli", lang="en", text="old")
    store.purge(older_than=1000.0)
    assert store.load_case("old") is None and store.load_case("new") is not None
    assert store.misses_since(0) == []


# ---- a turn merged into its case without reading it (SqlAnalytics.add_turn)

def read_and_merged(stored: Case | None, turn: Case) -> Case:
    """What the recorder wrote when it read the case first: the stored row, the turn applied
    (turns added, its answers, its step unless it has none, new remedies appended, the first
    outcome kept, with its reason and end)."""
    if stored is None:
        return turn
    case = dataclasses.replace(stored, turns=stored.turns + turn.turns, updated=turn.updated,
                               answers=turn.answers, remedies=list(stored.remedies))
    case.step = turn.step or case.step
    case.remedies += [r for r in dict.fromkeys(turn.remedies) if r not in case.remedies]
    if case.outcome is None:
        case.outcome, case.reason, case.ended = turn.outcome, turn.reason, turn.ended
    return case


# ids that hold one another ("a" in "a-b", "ab"), and any the rules file allows
remedy_ids = st.sampled_from(["a", "ab", "a-b", "b", "retype-carefully"]) | st.from_regex(
    ID_PATTERN, fullmatch=True)
endings = st.sampled_from([(None, None), ("escalated", "unsolved"), ("escalated", "outcome"),
                           ("solved", None), ("ended", None)])
turns = st.lists(st.tuples(st.lists(remedy_ids, max_size=3), endings,
                           st.sampled_from(["", "ask:other-key", "remedy:a", "outcome:x"]),
                           st.lists(st.tuples(remedy_ids, remedy_ids), max_size=2),
                           st.booleans()),
                 min_size=1, max_size=6)
_cases = itertools.count()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(turns=turns)
def test_a_turn_merged_into_its_case_gives_the_row_reading_it_first_gave(store, turns):
    case_id, stored = f"merged-{next(_cases)}", None
    for n, (remedies, (outcome, reason), step, answers, restart) in enumerate(turns):
        at = 1000.0 + n
        if restart and stored is not None:  # a restart ends the case if it is open
            store.end_case(case_id, outcome="restarted", at=at)
            if stored.outcome is None:
                stored = dataclasses.replace(stored, outcome="restarted", ended=at, updated=at)
        turn = case(case_id, lang="en" if n else "ja", started=at, updated=at, turns=1,
                    remedies=remedies, step=step, answers=[list(a) for a in answers],
                    outcome=outcome, reason=reason, ended=at if outcome else None)
        store.add_turn(turn)
        stored = read_and_merged(stored, turn)
        assert store.load_case(case_id) == stored
