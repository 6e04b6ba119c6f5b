"""Known conversations driven through a real assistant give exactly their counts in the figures,
the terminal table, the JSON, the HTML report and the export of misses; keys stay masked."""

from __future__ import annotations

import json
import time

import pytest

from bot.analytics.cases import Recorder
from bot.analytics.report import render
from bot.analytics.stats import SinceError, figures, parse_since
from bot.analytics.store import SqliteAnalytics
from bot.channels.cli.main import main
from bot.config import Settings
from bot.dialogue.assistant import Assistant
from bot.paths import rules_path
from tests.assistant_helpers import Clock

EXPIRED = "The product key you entered has expired. Enter a different key"
KEY = "7KX2M-QH4PD-R9TBW-C6FYJ-38VGK"
DAY = 24 * 3600


def drive(tmp_path, clock, channel="cli"):
    db = tmp_path / "conversations.db"
    recorder = Recorder(store=SqliteAnalytics(path=db), channel=channel, clock=clock)
    settings = Settings(db_path=db, rules_path=rules_path(), idle_seconds=DAY)
    return Assistant.from_settings(settings, clock=clock, observer=recorder), recorder.store


@pytest.fixture
def recorded(tmp_path):
    """Six known conversations: solved, escalated twice, restarted, abandoned, clarified
    (recorded days ago, within the default retention, as `keyhelp stats` sees them)."""
    clock = Clock(time.time() - 5 * DAY)
    assistant, store = drive(tmp_path, clock)
    # 1 solved after one remedy
    assistant.handle("a", text=EXPIRED)
    assistant.handle("a", action="answer:other-key:has-other")
    clock.now += 60
    assistant.handle("a", action="solved:yes")
    # 2 escalated because an outcome needs a person
    assistant.handle("b", text=EXPIRED)
    assistant.handle("b", action="answer:other-key:no-other")
    # 3 escalated because the remedy did not solve it
    assistant.handle("c", text=EXPIRED)
    assistant.handle("c", action="answer:other-key:has-other")
    assistant.handle("c", action="solved:no")
    # 4 clarified, chosen, then started over (restarted), then a new case left idle (abandoned)
    assistant.handle("d", text=f"my key {KEY} does not work")
    assistant.handle("d", action="intent:key-invalid")
    assistant.handle("d", text="start over")
    assistant.handle("d", text=EXPIRED)
    # 5 two messages nothing recognises, one holding a key
    assistant.handle("e", text="hello there")
    assistant.handle("f", text="hello there")
    assistant.handle("g", text=f"is {KEY} my vpn password")
    clock.now += 2 * DAY  # case 4's second diagnosis is now idle past the expiry
    return store, clock, tmp_path


def test_each_outcome_is_counted_once_per_case(recorded):
    store, clock, _ = recorded
    figs = figures(store, since=0, now=clock.now, idle_seconds=DAY)
    assert figs["conversations"] == 5
    expired = figs["by_intent"]["key-expired"]
    assert {k: expired[k] for k in ("started", "solved", "escalated", "abandoned",
                                    "restarted", "open")} == {
        "started": 4, "solved": 1, "escalated": 2, "abandoned": 1, "restarted": 0, "open": 0}
    invalid = figs["by_intent"]["key-invalid"]
    assert (invalid["started"], invalid["restarted"]) == (1, 1)
    assert figs["escalation_reasons"] == {"outcome": 1, "unsolved": 1}
    assert expired["resolution_rate"] == pytest.approx(1 / 4)
    assert figs["by_channel"] == {"cli": {"started": 5, "solved": 1, "escalated": 2,
                                          "abandoned": 1, "restarted": 1, "open": 0,
                                          "ended": 0}}


def test_misses_are_counted_masked_and_clarifications_remember_the_choice(recorded):
    store, clock, _ = recorded
    figs = figures(store, since=0, now=clock.now, idle_seconds=DAY)
    assert figs["unrecognised"][0] == {"text": "hello there", "count": 2}
    assert figs["unrecognised_total"] == 3
    assert KEY not in json.dumps(figs) and any("38vgk" in m["text"].lower()
                                               for m in figs["unrecognised"])
    [clarified] = figs["clarifications"]
    assert clarified["chosen"] == {"key-invalid": 1} and "key-expired" in clarified["candidates"]


def test_remedies_that_solve_and_the_drop_off_are_reported(recorded):
    store, clock, _ = recorded
    figs = figures(store, since=0, now=clock.now, idle_seconds=DAY)
    [remedy] = [r for r in figs["remedies"] if r["intent"] == "key-expired"]
    assert (remedy["shown"], remedy["solved"]) == (2, 1)
    steps = {s["step"]: s for s in figs["drop_off"]["key-expired"]}
    assert steps["ask:other-key"]["reached"] == 4 and steps["ask:other-key"]["left"] == 1


def test_since_leaves_out_older_cases_and_retention_deletes_them(recorded):
    store, clock, _ = recorded
    assert figures(store, since=clock.now - DAY, now=clock.now,
                   idle_seconds=DAY)["conversations"] == 0
    store.purge(older_than=clock.now)
    assert figures(store, since=0, now=clock.now, idle_seconds=DAY)["conversations"] == 0


def test_the_report_draws_every_chart_and_escapes_user_text(tmp_path):
    clock = Clock(1_700_000_000.0)
    assistant, store = drive(tmp_path, clock, channel="web")
    assistant.handle("x", text="<script>alert(1)</script> hello")
    assistant.handle("y", text=EXPIRED)
    page = render(figures(store, since=0, now=clock.now, idle_seconds=DAY), html=True)
    for section in ("outcomes", "daily", "languages", "drop-off", "unrecognised"):
        assert f'<section id="{section}">' in page
    assert page.count("<svg") >= 4 and "<script" not in page.lower()
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")  # self-contained
    text = render(figures(store, since=0, now=clock.now, idle_seconds=DAY), html=False)
    assert "key-expired" in text and "cases started 1" in text


def test_stats_command_prints_the_counts_the_conversations_made(recorded, monkeypatch, capsys):
    _, _, tmp_path = recorded
    monkeypatch.setenv("KEYHELP_DB", str(tmp_path / "conversations.db"))
    assert main(["stats", "--since", "2000-01-01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["by_intent"]["key-expired"]["solved"] == 1 and out["conversations"] == 5
    assert main(["stats", "--since", "2000-01-01", "--unrecognised", "--jsonl"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["text"] == "hello there" and lines[0]["expect"] == ""
    assert KEY not in json.dumps(lines)
    report = tmp_path / "report.html"
    assert main(["stats", "--since", "2000-01-01", "--html", str(report)]) == 0
    assert "<svg" in report.read_text(encoding="utf-8")


def test_stats_command_refuses_a_bad_since_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KEYHELP_DB", str(tmp_path / "none.db"))
    assert main(["stats", "--since", "yesterday-ish"]) == 1
    assert capsys.readouterr().err.startswith("Error: --since 'yesterday-ish'")


@pytest.mark.parametrize(("value", "seconds"), [("7d", 7 * DAY), ("12h", 12 * 3600),
                                                ("2w", 14 * DAY), ("30m", 1800)])
def test_since_spans_count_back_from_now(value, seconds):
    assert parse_since(value, now=10_000_000.0) == 10_000_000.0 - seconds


def test_since_rejects_words():
    with pytest.raises(SinceError):
        parse_since("last week", now=0)


def test_retention_is_enforced_when_recording_starts_and_by_the_stats_command(
        tmp_path, monkeypatch, capsys):
    clock = Clock(1_700_000_000.0)
    assistant, store = drive(tmp_path, clock)
    assistant.handle("old", text=EXPIRED)
    clock.now += 10 * DAY
    db = tmp_path / "conversations.db"
    Recorder(store=SqliteAnalytics(path=db), channel="cli", clock=clock,
             retention_seconds=5 * DAY)  # a new process starts: older rows go
    assert figures(store, since=0, now=clock.now, idle_seconds=DAY)["conversations"] == 0
    assistant.handle("recent", text=EXPIRED)
    monkeypatch.setenv("KEYHELP_DB", str(db))
    monkeypatch.setenv("KEYHELP_RETENTION_DAYS", "0.0001")  # about 9 seconds
    assert main(["stats", "--since", "2000-01-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["conversations"] == 0


@pytest.mark.parametrize("value", ["0", "-3", "nan", "inf", "soon"])
def test_an_unusable_retention_is_one_error_line(tmp_path, monkeypatch, capsys, value):
    monkeypatch.setenv("KEYHELP_DB", str(tmp_path / "c.db"))
    monkeypatch.setenv("KEYHELP_RETENTION_DAYS", value)
    assert main(["stats"]) == 1
    assert capsys.readouterr().err.startswith(
        "Error: KEYHELP_RETENTION_DAYS must be a positive number of days")
