"""The figures over a varied record equal what the previous computation gave (its result is
written here as literal values), on SQLite and on a real PostgreSQL: medians of even and odd
counts, durations with fractions, misses with equal counts, cases outside the window."""

from __future__ import annotations

import json

import pytest

from bot.analytics.cases import Case
from bot.analytics.stats import figures
from bot.analytics.store import SqliteAnalytics

DAY = 86400.0
SINCE, NOW, IDLE = 10 * DAY, 14 * DAY, 3600.0


@pytest.fixture
def store(analytics_store):
    """The analytics store on each backend (tests/conftest.py)."""
    return analytics_store


Q1, Q2, Q3 = ["other-key", "has-other"], ["admin", "yes"], ["tenant", "no"]
# id, intent, lang, channel, started, turns, answers, remedies, step, outcome, reason, seconds
CASES = [
    ("a1", "key-expired", "ja", "slack", 10.1, 2, [Q1], ["enter"], "outcome:solved",
     "solved", None, 60.5),
    ("a2", "key-expired", "en", "cli", 10.2, 3, [Q1, Q2], ["enter", "admin"], "outcome:solved",
     "solved", None, 61.25),
    ("a3", "key-expired", "ja", "web", 11.5, 5, [Q1], ["enter"], "remedy:enter", "escalated",
     "unsolved", 90.0),
    ("a4", "key-expired", "ja", "slack", 12.25, 8, [Q1, Q3], [], "ask:tenant", "escalated",
     "outcome", 30.125),
    ("a5", "key-expired", "en", "slack", 12.5, 1, [], [], "ask:other-key", None, None, None),
    ("a6", "key-expired", "ja", "slack", 13.99, 2, [Q1], ["enter"], "remedy:enter", None, None,
     None),
    ("b1", "key-lost", "en", "web", 10.0, 1, [], [], "outcome:escalate", "escalated", None,
     10.75),
    ("b2", "key-lost", "en", "web", 11.0, 1, [Q2], ["admin"], "outcome:solved", "solved", None,
     100.5),
    ("b3", "key-lost", "ja", "cli", 13.0, 4, [Q2, Q3], ["admin", "tenant"], "ask:tenant",
     "restarted", None, 20.0),
    ("b4", "key-lost", "ja", "cli", 13.5, 2, [Q2], ["admin"], "remedy:admin", None, None,
     None),
    ("c1", "key-invalid", "en", "slack", 12.0, 3, [Q3], [], "ask:admin", None, None, None),
    ("c2", "key-invalid", "ja", "cli", 13.2, 1, [], [], "ask:other-key", "ended", None, 5.5),
    ("c3", "key-invalid", "ja", "cli", 13.3, 2, [Q3], [], "ask:admin", "escalated",
     "unrecognised", 7.25),
    ("c4", "key-invalid", "en", "web", 13.4, 6, [Q1, Q3], ["enter"], "outcome:solved",
     "solved", None, 400.0),
    ("z1", "key-expired", "ja", "slack", 9.5, 9, [Q1], ["enter"], "outcome:solved", "solved",
     None, 1.0),  # before the window
    ("z2", "order-failed", "en", "cli", 9.9, 2, [], [], "ask:admin", None, None, None),
]
MISSES = ["m01", "hello", "m02", "bonjour", "hello", "bonjour", "m03", "m04", "m05", "m06",
          "m07", "m08", "m09", "m10", "m11", "m12", "m13", "m14", "m15", "m16", "m17", "m18",
          "m19", "m20", "lots", "lots", "lots"]


def record(store) -> None:
    for (case_id, intent, lang, channel, started, turns, answers, remedies, step, outcome,
         reason, seconds) in CASES:
        start = started * DAY
        ended = None if seconds is None else start + seconds
        store.add_turn(Case(id=case_id, channel=channel, lang=lang, intent=intent,
                            started=start, updated=ended or start + 60, turns=turns,
                            answers=answers, remedies=remedies, step=step, outcome=outcome,
                            reason=reason, ended=ended))  # a new case: stored as given
    store.add_miss(at=SINCE - 1, channel="cli", lang="en", text="hello")  # before the window
    for n, text in enumerate(MISSES):
        store.add_miss(at=SINCE + 100 * n, channel="slack", lang="en", text=text)
    for n, (candidates, chosen) in enumerate([(["key-expired", "key-invalid"], "key-invalid"),
                                              (["key-expired", "key-invalid"], None),
                                              (["key-lost", "order-failed"], "key-lost")]):
        store.add_clarification(conversation=f"x{n}", at=SINCE + n, channel="slack",
                                lang="ja", candidates=candidates)
        if chosen:
            store.choose_clarification(conversation=f"x{n}", chosen=chosen)
    for n, feedback in enumerate([1, -1, 1, None]):
        store.add_unasked(message=f"C1/{n}.0", at=SINCE + n, lang="en", intent="key-lost",
                          confidence=0.9)
        if feedback:
            store.unasked_feedback(message=f"C1/{n}.0", feedback=feedback)


def test_figures_over_a_varied_record_equal_the_previous_computation(store):
    record(store)
    got = figures(store, since=SINCE, now=NOW, idle_seconds=IDLE)
    assert got == EXPECTED
    # and the same JSON: a median of 4.0 stays 4.0, not 4
    assert json.dumps(got, sort_keys=True) == json.dumps(EXPECTED, sort_keys=True)


def counts(started, solved, escalated, abandoned, restarted, open_, ended) -> dict[str, int]:
    return {"started": started, "solved": solved, "escalated": escalated,
            "abandoned": abandoned, "restarted": restarted, "open": open_, "ended": ended}


# what figures() gave before its reads were rewritten (commit 233f9c0), on both databases
EXPECTED = {
    "since": "1970-01-11T00:00:00+00:00", "until": "1970-01-15T00:00:00+00:00",
    "conversations": 14,
    "by_intent": {
        "key-expired": {**counts(6, 2, 2, 1, 0, 1, 0), "resolution_rate": 0.4,
            "escalation_rate": 0.4, "median_turns": 4.0, "median_seconds": 60.875},
        "key-invalid": {**counts(4, 1, 1, 1, 0, 0, 1), "resolution_rate": 0.25,
            "escalation_rate": 0.25, "median_turns": 2, "median_seconds": 7.25},
        "key-lost": {**counts(4, 1, 1, 1, 1, 0, 0), "resolution_rate": 0.25,
            "escalation_rate": 0.25, "median_turns": 1, "median_seconds": 20.0},
    },
    "by_language": {"en": counts(6, 3, 1, 2, 0, 0, 0), "ja": counts(8, 1, 3, 1, 1, 1, 1)},
    "by_channel": {"cli": counts(5, 1, 1, 1, 1, 0, 1), "slack": counts(5, 1, 1, 2, 0, 1, 0),
                   "web": counts(4, 2, 2, 0, 0, 0, 0)},
    "daily": [
        {"date": "1970-01-11", **counts(3, 2, 1, 0, 0, 0, 0)},
        {"date": "1970-01-12", **counts(2, 1, 1, 0, 0, 0, 0)},
        {"date": "1970-01-13", **counts(3, 0, 1, 2, 0, 0, 0)},
        {"date": "1970-01-14", **counts(6, 1, 1, 1, 1, 1, 1)},
    ],
    "escalation_reasons": {"outcome": 1, "unsolved": 1, "unrecognised": 1, "unknown": 1},
    "remedies": [
        {"intent": "key-expired", "remedy": "enter", "shown": 4, "solved": 1},
        {"intent": "key-lost", "remedy": "admin", "shown": 3, "solved": 1},
        {"intent": "key-expired", "remedy": "admin", "shown": 1, "solved": 1},
        {"intent": "key-invalid", "remedy": "enter", "shown": 1, "solved": 1},
        {"intent": "key-lost", "remedy": "tenant", "shown": 1, "solved": 0},
    ],
    "drop_off": {
        "key-expired": [
            {"step": "ask:other-key", "reached": 6, "left": 1},
            {"step": "remedy:enter", "reached": 2, "left": 0},
            {"step": "ask:admin", "reached": 1, "left": 0},
            {"step": "ask:tenant", "reached": 1, "left": 0},
        ],
        "key-invalid": [
            {"step": "ask:tenant", "reached": 3, "left": 0},
            {"step": "ask:other-key", "reached": 2, "left": 0},
            {"step": "ask:admin", "reached": 2, "left": 1},
        ],
        "key-lost": [
            {"step": "ask:admin", "reached": 3, "left": 0},
            {"step": "ask:tenant", "reached": 1, "left": 0},
            {"step": "remedy:admin", "reached": 1, "left": 1},
        ],
    },
    "unrecognised": [
        {"text": "lots", "count": 3},
        {"text": "hello", "count": 2},
        {"text": "bonjour", "count": 2},
        {"text": "m01", "count": 1},
        {"text": "m02", "count": 1},
        {"text": "m03", "count": 1},
        {"text": "m04", "count": 1},
        {"text": "m05", "count": 1},
        {"text": "m06", "count": 1},
        {"text": "m07", "count": 1},
        {"text": "m08", "count": 1},
        {"text": "m09", "count": 1},
        {"text": "m10", "count": 1},
        {"text": "m11", "count": 1},
        {"text": "m12", "count": 1},
        {"text": "m13", "count": 1},
        {"text": "m14", "count": 1},
        {"text": "m15", "count": 1},
        {"text": "m16", "count": 1},
        {"text": "m17", "count": 1},
    ],
    "unrecognised_total": 27,
    "clarifications": [
        {"candidates": ["key-expired", "key-invalid"], "chosen": {"key-invalid": 1, "(none)": 1}},
        {"candidates": ["key-lost", "order-failed"], "chosen": {"key-lost": 1}},
    ],
    "unasked": {"answers": 4, "thumbs_up": 2, "thumbs_down": 1},
}


def test_the_figures_walk_indexes_and_sort_no_cases_on_sqlite(tmp_path):
    """What keeps `keyhelp stats` fast at 100,000 cases (benchmarks/stats.py): no statement
    over the cases sorts them (a temp B-tree); each walks an index in its GROUP BY's order."""
    store = SqliteAnalytics(path=tmp_path / "analytics.db")
    record(store)
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    figures(store, since=SINCE, now=NOW, idle_seconds=IDLE)
    store._db.set_trace_callback(None)
    plans = {sql: [row[3] for row in store._db.execute(f"EXPLAIN QUERY PLAN {sql}")]
             for sql in statements if " FROM cases " in sql}
    store.close()
    assert len(plans) >= 4
    for sql, plan in plans.items():
        assert not [step for step in plan if "TEMP B-TREE" in step], (sql, plan)
        assert [step for step in plan if "USING" in step and "INDEX" in step], (sql, plan)


def test_every_index_on_the_sqlite_cases_table_serves_a_figure(tmp_path):
    """Every turn writes a case row, and every index on the table is written with it: on
    SQLite each one is the plan of some statement the figures or the recorder run."""
    store = SqliteAnalytics(path=tmp_path / "analytics.db")
    record(store)
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    figures(store, since=SINCE, now=NOW, idle_seconds=IDLE)
    store.load_case("a1")
    store._db.set_trace_callback(None)
    used = {step for sql in statements
            for *_, step in store._db.execute(f"EXPLAIN QUERY PLAN {sql}")}
    indexes = [name for (name,) in store._db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases'")]
    store.close()
    assert indexes
    assert [name for name in indexes if not any(f" {name} " in f"{step} " for step in used)] \
        == []


def test_an_older_sqlite_file_loses_the_index_no_figure_uses_and_keeps_its_cases(tmp_path):
    """A file written when SQLite still kept ``cases_started`` is rid of it when opened."""
    import sqlite3

    path = tmp_path / "analytics.db"
    SqliteAnalytics(path=path).close()
    with sqlite3.connect(path) as db:
        db.execute("CREATE INDEX IF NOT EXISTS cases_started ON cases (started)")
        db.execute("INSERT INTO cases VALUES ('c1', 'cli', 'en', 'key-lost', 1, 2, 1, '[]', "
                   "'[]', '', NULL, NULL, NULL)")
    db.close()
    store = SqliteAnalytics(path=path)
    names = {name for (name,) in store._db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index'")}
    case = store.load_case("c1")
    store.close()
    assert "cases_started" not in names
    assert case is not None and case.intent == "key-lost"
