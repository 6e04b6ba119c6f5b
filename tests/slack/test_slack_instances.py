"""Two `keyhelp slack serve` processes on one PostgreSQL database and the fake Slack Web API, as
behind a load balancer: a retry reaching the other instance, a DM whose messages alternate
between them, a button clicked on both, an instance killed with SIGKILL mid-burst, an edited
rules file. Synchronisation is on what the fake API received (``wait_for``), never sleeps."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fake_slack import FakeSlack
from slack_chat import ASK_EN, RESTART_EN, WHY_EN, Chat, says
from slack_instances import Instance
from slack_requests import dm_message

from bot.paths import rules_path

LEASE = "2"  # seconds before a dead instance's jobs are taken over
CYCLE = (("key invalid", ASK_EN), ("why?", WHY_EN), ("start over", RESTART_EN))


@pytest.fixture
def start(fake_slack: FakeSlack, slack_env: dict[str, str], postgres_url: str,
          tmp_path: Path) -> Iterator[Callable[..., Instance]]:
    """``start(name)``: one more instance on the shared database (its own SQLite path, which
    must stay unused: every store is on PostgreSQL)."""
    started: list[Instance] = []

    def run(name: str, **env: str) -> Instance:
        instance = Instance({**slack_env, "KEYHELP_DATABASE_URL": postgres_url,
                             "KEYHELP_LEASE_SECONDS": LEASE,
                             "KEYHELP_DB": str(tmp_path / name / "keyhelp.db"), **env}, name)
        started.append(instance)
        return instance

    yield run
    for instance in started:
        instance.stop()
    for instance in started:
        assert not (tmp_path / instance.name).exists(), "an instance used a SQLite file"


@pytest.fixture
def pair(start) -> tuple[Instance, Instance]:
    return start("a"), start("b")


class Bot:
    """What ``Chat`` needs of a bot: the fake API, and one instance to send through."""

    def __init__(self, fake: FakeSlack, instance: Instance) -> None:
        self.fake, self.send = fake, instance.send


def posts_to(fake: FakeSlack, channel: str) -> list:
    return [c for c in fake.calls_to("chat.postMessage") if c.posted["channel"] == channel]


def test_a_retry_delivered_to_the_other_instance_is_answered_once(pair, fake_slack):
    a, b = pair
    event = dm_message("key invalid", user="UENGLISH")
    assert a.send.event(event, event_id="EvTWICE").status == 200
    assert b.send.event(event, event_id="EvTWICE", retry_num=1).status == 200
    assert b.send.event(dm_message("why?", user="UENGLISH")).status == 200
    asked, why = Chat(Bot(fake_slack, b), user="UENGLISH").posts(2)
    assert says(asked, ASK_EN) and says(why, WHY_EN)
    assert len(fake_slack.calls_to("chat.postMessage")) == 2


def test_dm_messages_alternating_between_instances_are_answered_in_their_order(pair,
                                                                              fake_slack):
    users, rounds = 6, 4  # each user: key invalid, why?, start over ... four times over

    def converse(n: int) -> None:
        for i in range(rounds * len(CYCLE)):
            instance = pair[i % 2]  # consecutive messages land on different instances
            event = dm_message(CYCLE[i % len(CYCLE)][0], user=f"U0USER{n}",
                               channel=f"D0USER{n}")
            assert instance.send.event(event).status == 200  # sent once the last was acked

    with ThreadPoolExecutor(users) as pool:
        list(pool.map(converse, range(users)))
    total = users * rounds * len(CYCLE)
    fake_slack.wait_calls("chat.postMessage", total, timeout=60)
    for n in range(users):
        replies = posts_to(fake_slack, f"D0USER{n}")
        expected = [phrase for _ in range(rounds) for _, phrase in CYCLE]
        assert [says(post, phrase) for post, phrase in zip(replies, expected, strict=True)] \
            == [True] * len(expected), f"D0USER{n} answered out of order"
    assert len(fake_slack.calls_to("chat.postMessage")) == total


def test_a_button_clicked_on_both_instances_acts_once(pair, fake_slack):
    a, b = pair
    chat = Chat(Bot(fake_slack, a), user="UENGLISH")
    a.send.event(dm_message("key invalid", user="UENGLISH"))
    [question] = chat.posts(1)
    skip = "answer:check-characters:skip"
    with ThreadPoolExecutor(2) as pool:  # the same button, once through each instance
        list(pool.map(lambda bot: Chat(bot, user="UENGLISH").click(question, value=skip),
                      [Bot(fake_slack, a), Bot(fake_slack, b)]))
    b.send.event(dm_message("why?", user="UENGLISH"))
    remedy, why = chat.posts(2)
    assert says(remedy, "Did this solve it?") and says(why, "How we got here")
    assert len(fake_slack.calls_to("chat.update")) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 3


def test_an_instance_killed_mid_burst_has_its_events_answered_once_by_the_other(
        pair, fake_slack):
    a, b = pair
    users = 12
    fake_slack.hold("chat.postMessage")  # a's replies stay in flight
    for n in range(users):
        event = dm_message("key invalid", user=f"U0KILL{n}", channel=f"D0KILL{n}")
        assert a.send.event(event).status == 200  # claimed by a
    fake_slack.wait_waiting("chat.postMessage")
    a.kill()  # mid-burst: replies in flight, turns not taken, jobs queued
    in_flight = len(fake_slack.waiting)
    fake_slack.release("chat.postMessage")  # those reach Slack; a never notes them
    # b takes every job over once a's lease has run out, and answers each once more at most
    fake_slack.wait_for(lambda calls: all(
        any(c.method == "chat.postMessage" and c.posted["channel"] == f"D0KILL{n}"
            for c in calls) for n in range(users)), timeout=60)
    for n in range(users):  # the conversations go on, through b
        b.send.event(dm_message("why?", user=f"U0KILL{n}", channel=f"D0KILL{n}"))
    fake_slack.wait_for(lambda calls: all(
        any(c.method == "chat.postMessage" and c.posted["channel"] == f"D0KILL{n}"
            and says(c, WHY_EN) for c in calls) for n in range(users)), timeout=60)
    duplicates = 0
    for n in range(users):
        replies = [says(post, ASK_EN) for post in posts_to(fake_slack, f"D0KILL{n}")]
        assert replies[0] and not replies[-1], replies  # asked (maybe twice), then why
        duplicates += len(replies) - 2
    assert 0 <= duplicates <= in_flight  # only a reply in flight at the kill comes twice
    assert "took over job" in b.log


def test_every_instance_serves_the_rules_file_after_an_edit(start, fake_slack, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_bytes(rules_path().read_bytes())
    a, b = start("a", KEYHELP_RULES=str(rules)), start("b", KEYHELP_RULES=str(rules))
    before = hashlib.sha256(rules.read_bytes()).hexdigest()
    assert a.health() == b.health() == (200, {"status": "ok", "database": "ok",
                                              "rules": before})
    text = rules.read_text(encoding="utf-8")
    assert text.count("easily confused characters") == 1
    rules.write_text(text.replace("easily confused characters", "easily mixed-up characters"),
                     encoding="utf-8")
    after = hashlib.sha256(rules.read_bytes()).hexdigest()
    assert a.health()[1]["rules"] == b.health()[1]["rules"] == after != before
    for n, instance in enumerate((a, b)):
        instance.send.event(dm_message("key invalid", user=f"U0EDIT{n}", channel=f"D0EDIT{n}"))
    replies = defaultdict(list)
    for call in fake_slack.wait_calls("chat.postMessage", 2, timeout=30):
        replies[call.posted["channel"]].append(call)
    for n in range(2):
        [asked] = replies[f"D0EDIT{n}"]
        assert says(asked, "easily mixed-up characters")
