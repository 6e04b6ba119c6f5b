"""HTTP mode against the fake Web API with a stub orchestrator: Slack's delivery rules."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import SUPPORT, WATCHED
from fake_slack import BOT_ID, BOT_USER_ID
from slack_checks import assert_fits_block_kit, text_of
from slack_requests import channel_message, dm_message
from stub_backend import StubBackend

from bot.slack.blocks import Message
from bot.slack.delivery import Outgoing
from bot.slack.places import Place


def turn_texts(calls):
    return [c.get("text") for c in calls]


def test_dm_message_is_answered_in_the_dm_with_user_text_escaped(start_bot):
    bot = start_bot(backend=StubBackend())
    text = "hi <!channel> <https://evil.example|click> & co"
    answer = bot.send.event(dm_message(text, user="UENGLISH"))
    assert answer.status == 200
    [post] = bot.fake.wait_calls("chat.postMessage", 1)
    assert post["channel"] == "D0DIRECT"
    shown = text_of(post.args)
    assert "&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; co" in shown
    assert "<!channel>" not in shown and "<https://evil" not in shown
    assert_fits_block_kit(post["blocks"])


def test_ack_comes_before_the_work(start_bot):
    gate = threading.Event()

    class SlowBackend(StubBackend):
        def handle(self, *args, **kwargs):
            assert gate.wait(10)
            return super().handle(*args, **kwargs)

    bot = start_bot(backend=SlowBackend())
    started = time.monotonic()
    assert bot.send.event(dm_message("hello", user="UENGLISH")).status == 200
    assert time.monotonic() - started < 1.0
    assert bot.fake.calls_to("chat.postMessage") == []
    gate.set()
    bot.fake.wait_calls("chat.postMessage", 1)


@pytest.mark.parametrize("retries", [1, 3])
def test_retried_delivery_is_answered_once(start_bot, retries):
    backend = StubBackend()
    bot = start_bot(backend=backend)
    event = dm_message("hello", user="UENGLISH")
    assert bot.send.event(event, event_id="EvSAME").status == 200
    for n in range(1, retries + 1):
        assert bot.send.event(event, event_id="EvSAME", retry_num=n).status == 200
    bot.idle()
    assert len(backend.turns) == 1
    assert len(bot.fake.calls_to("chat.postMessage")) == 1


def test_concurrent_duplicate_deliveries_are_answered_once(start_bot):
    backend = StubBackend()
    bot = start_bot(backend=backend)
    event = dm_message("hello", user="UENGLISH")
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda n: bot.send.event(event, event_id="EvRACE",
                                                          retry_num=n or None).status, range(8)))
    assert statuses == [200] * 8
    bot.idle()
    assert len(backend.turns) == 1


def test_retry_after_a_restart_is_answered_once(start_bot):
    first_backend, second_backend = StubBackend(), StubBackend()
    first = start_bot(backend=first_backend)
    event = dm_message("hello", user="UENGLISH")
    assert first.send.event(event, event_id="EvRESTART").status == 200
    first.idle()
    first.close()
    second = start_bot(backend=second_backend)  # same KEYHELP_DB file
    assert second.send.event(event, event_id="EvRESTART", retry_num=1).status == 200
    second.idle()
    assert len(first_backend.turns) == 1 and second_backend.turns == []


def test_429_waits_retry_after_and_keeps_the_order(start_bot):
    bot = start_bot(backend=StubBackend(replies_per_turn=3))
    bot.fake.fail("chat.postMessage", 429, retry_after=1)
    started = time.monotonic()
    bot.send.event(dm_message("first", user="UENGLISH"))
    bot.send.event(dm_message("second", user="UENGLISH"))
    posts = bot.fake.wait_calls("chat.postMessage", 6, timeout=15)
    assert time.monotonic() - started >= 1.0
    assert bot.fake.failed == [("chat.postMessage", 429)]
    assert turn_texts(posts) == [f"turn {t}.{r}" for t in (1, 2) for r in range(3)]


def test_5xx_is_retried_a_bounded_number_of_times(start_bot):
    bot = start_bot(backend=StubBackend())
    bot.fake.fail("chat.postMessage", 502, times=2)
    bot.send.event(dm_message("first", user="UENGLISH"))
    bot.fake.wait_calls("chat.postMessage", 1)
    assert bot.fake.failed == [("chat.postMessage", 502)] * 2


def test_undelivered_replies_go_out_first_on_the_next_turn(start_bot, caplog):
    bot = start_bot(backend=StubBackend())
    bot.fake.fail("chat.postMessage", 500, times=4)  # first try + 3 retries, then give up
    bot.send.event(dm_message("first", user="UENGLISH"))
    bot.idle()
    assert len(bot.fake.failed) == 4 and bot.fake.calls_to("chat.postMessage") == []
    assert "kept for the next turn" in caplog.text
    bot.send.event(dm_message("second", user="UENGLISH"))
    posts = bot.fake.wait_calls("chat.postMessage", 2)
    assert turn_texts(posts) == ["turn 1.0", "turn 2.0"]


def test_refused_connections_are_retried_then_given_up(start_bot, caplog):
    bot = start_bot(backend=StubBackend(), env={"SLACK_API_URL": "http://127.0.0.1:9/api/"})
    outbox = bot.bot.conversations.outbox
    delivered = outbox.deliver(Place.dm(user="U1"), [Outgoing(message=Message(text="x"))])
    assert delivered is False and outbox.pending(Place.dm(user="U1")) == 1
    assert caplog.text.count("Error from chat.postMessage: retry") == 3


@pytest.mark.parametrize("event", [
    dm_message("from a bot", user="UOTHER") | {"bot_id": "BOTHER", "subtype": "bot_message"},
    dm_message("from keyhelp itself", user=BOT_USER_ID) | {"bot_id": BOT_ID},
    dm_message("edited", user="UENGLISH") | {"subtype": "message_changed"},
    dm_message("joined", user="UENGLISH") | {"subtype": "channel_join"},
])
def test_bots_and_non_messages_are_not_answered(start_bot, event):
    backend = StubBackend()
    bot = start_bot(backend=backend)
    assert bot.send.event(event).status == 200
    bot.idle()
    assert backend.turns == []


def test_watched_channel_answers_only_confident_messages_in_a_thread(start_bot):
    backend = StubBackend(confident_words=("product key",))
    bot = start_bot(backend=backend)
    bot.send.event(channel_message("lunch anyone?", user="UENGLISH", channel=WATCHED))
    bot.send.event(channel_message("my product key fails", user="UENGLISH", channel=WATCHED,
                                   ts="1700000001.000100"))
    bot.send.event(channel_message("my product key fails", user="UENGLISH", channel="C0ELSEWHERE"))
    [post] = bot.fake.wait_calls("chat.postMessage", 1)
    bot.idle()
    assert post["channel"] == WATCHED and post["thread_ts"] == "1700000001.000100"
    assert len(backend.turns) == 1
    # a reply in that thread continues the same conversation
    bot.send.event(channel_message("more", user="UOTHER", channel=WATCHED,
                                   thread_ts="1700000001.000100"))
    bot.fake.wait_calls("chat.postMessage", 2)
    assert {t["conversation"] for t in backend.turns} == {f"thread:{WATCHED}:1700000001.000100"}


def test_support_channel_is_not_watched_unless_configured(start_bot):
    backend = StubBackend()
    bot = start_bot(backend=backend)
    bot.send.event(channel_message("product key", user="UENGLISH", channel=SUPPORT))
    bot.idle()
    assert backend.turns == []
