"""HTTP mode with the shipped orchestrator against the fake Web API: Slack's delivery rules."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from fake_slack import BOT_ID, BOT_USER_ID
from slack_chat import (
    ASK_EN,
    NOT_RECOGNISED_EN,
    REQUEST_FAILED_EN,
    RESTART_EN,
    WHY_EN,
    Chat,
    says,
)
from slack_checks import text_of
from slack_ids import SUPPORT, WATCHED
from slack_requests import channel_message, dm_message


@pytest.fixture
def bot(start_bot):
    return start_bot()  # the shipped orchestrator, rules and templates; a temporary SQLite file


def test_user_text_shown_back_is_escaped(bot):
    chat = Chat(bot, user="UENGLISH")
    hostile = "hi <!channel> <https://evil.example|click> & co"
    assert bot.send.event(dm_message(hostile, user="UENGLISH")).status == 200
    bot.send.event(dm_message("hello again", user="UENGLISH"))  # 2nd miss: hand over
    not_recognised, to_user, to_support = chat.posts(3)
    assert not_recognised["channel"] == to_user["channel"] == "D0DIRECT"
    assert says(not_recognised, NOT_RECOGNISED_EN)
    assert to_support["channel"] == SUPPORT  # the summary quotes what the user wrote
    assert "&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; co" in text_of(
        to_support.args)
    sent = json.dumps([c.args for c in bot.fake.calls])
    assert "<!channel>" not in sent and "<https://evil" not in sent


def test_ack_comes_before_the_work(bot):
    bot.fake.hold("chat.postMessage")  # Slack sits on the reply...
    assert bot.send.event(dm_message("key invalid", user="UENGLISH")).status == 200
    bot.fake.wait_waiting("chat.postMessage")  # ...while the event was already acknowledged
    assert bot.fake.calls_to("chat.postMessage") == []
    bot.fake.release("chat.postMessage")
    [post] = bot.fake.wait_calls("chat.postMessage", 1)
    assert says(post, ASK_EN)


@pytest.mark.parametrize("retries", [1, 3])
def test_retried_delivery_is_answered_once(bot, retries):
    chat = Chat(bot, user="UENGLISH")
    event = dm_message("key invalid", user="UENGLISH")
    assert bot.send.event(event, event_id="EvSAME").status == 200
    for n in range(1, retries + 1):
        assert bot.send.event(event, event_id="EvSAME", retry_num=n).status == 200
    bot.send.event(dm_message("why?", user="UENGLISH"))  # queued behind any duplicate
    asked, why = chat.posts(2)
    assert says(asked, ASK_EN) and says(why, WHY_EN)


def test_concurrent_duplicate_deliveries_are_answered_once(bot):
    chat = Chat(bot, user="UENGLISH")
    event = dm_message("key invalid", user="UENGLISH")
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda n: bot.send.event(event, event_id="EvRACE",
                                                          retry_num=n or None).status, range(8)))
    assert statuses == [200] * 8
    bot.send.event(dm_message("why?", user="UENGLISH"))
    asked, why = chat.posts(2)
    assert says(asked, ASK_EN) and says(why, WHY_EN)


def test_retry_after_a_restart_is_answered_once(start_bot):
    first = start_bot()
    event = dm_message("key invalid", user="UENGLISH")
    assert first.send.event(event, event_id="EvRESTART").status == 200
    first.fake.wait_calls("chat.postMessage", 1)
    first.close()
    second = start_bot()  # same KEYHELP_DB file
    assert second.send.event(event, event_id="EvRESTART", retry_num=1).status == 200
    second.send.event(dm_message("why?", user="UENGLISH"))
    asked, why = Chat(second, user="UENGLISH").posts(2)
    assert says(asked, ASK_EN)
    assert says(why, WHY_EN)  # the conversation went on where it was, not from a retry


def test_429_waits_retry_after_and_keeps_the_order(bot):
    chat = Chat(bot, user="UENGLISH")
    bot.fake.fail("chat.postMessage", 429, retry_after=1)  # the fake 429s any earlier retry
    for text in ("key invalid", "why?", "start over"):
        bot.send.event(dm_message(text, user="UENGLISH"))
    asked, why, restarted = chat.posts(3)
    assert bot.fake.failed == [("chat.postMessage", 429)]
    assert says(asked, ASK_EN) and says(why, WHY_EN) and says(restarted, RESTART_EN)


def test_5xx_is_retried_a_bounded_number_of_times(bot):
    bot.fake.fail("chat.postMessage", 502, times=2)
    bot.send.event(dm_message("key invalid", user="UENGLISH"))
    [post] = bot.fake.wait_calls("chat.postMessage", 1)
    assert says(post, ASK_EN)
    assert bot.fake.failed == [("chat.postMessage", 502)] * 2


def test_undelivered_replies_go_out_first_on_the_next_turn(bot, caplog):
    chat = Chat(bot, user="UENGLISH")
    bot.fake.fail("chat.postMessage", 500, times=4)  # first try + 3 retries, then give up
    bot.send.event(dm_message("key invalid", user="UENGLISH"))
    bot.fake.wait_failed(4)
    bot.idle()
    assert bot.fake.calls_to("chat.postMessage") == []
    assert "kept for the next turn" in caplog.text
    bot.send.event(dm_message("why?", user="UENGLISH"))
    asked, why = chat.posts(2)
    assert says(asked, ASK_EN) and says(why, WHY_EN)
    assert len(bot.fake.failed) == 4  # bounded: no fifth try


def test_refused_connections_are_retried_then_given_up(bot, caplog):
    chat = Chat(bot, user="UENGLISH")
    bot.send.event(dm_message("key invalid", user="UENGLISH"))
    [asked] = chat.posts(1)
    bot.fake.refuse()
    bot.send.event(dm_message("why?", user="UENGLISH"))
    bot.idle()
    assert caplog.text.count("Error from chat.postMessage: retry") == 3
    assert "kept for the next turn" in caplog.text
    bot.fake.accept()  # Slack is back: the kept reply goes first, then the new one
    bot.send.event(dm_message("start over", user="UENGLISH"))
    why, restarted = chat.posts(2)
    assert says(asked, ASK_EN) and says(why, WHY_EN) and says(restarted, RESTART_EN)


@pytest.mark.parametrize("event", [
    dm_message("from a bot", user="UOTHER") | {"bot_id": "BOTHER", "subtype": "bot_message"},
    dm_message("from keyhelp itself", user=BOT_USER_ID) | {"bot_id": BOT_ID},
    dm_message("edited", user="UENGLISH") | {"subtype": "message_changed"},
    dm_message("joined", user="UENGLISH") | {"subtype": "channel_join"},
])
def test_bots_and_non_messages_are_not_answered(bot, event):
    assert bot.send.event(event).status == 200
    # the same conversation's next message: any answer to the first would come before it
    bot.send.event(dm_message("key invalid", user=event["user"]))
    [post] = bot.fake.wait_calls("chat.postMessage", 1)
    assert says(post, ASK_EN)
    assert len(bot.fake.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize("event", [
    dm_message("from a bot", user="UENGLISH") | {"bot_id": "BOTHER", "subtype": "bot_message"},
    dm_message("from keyhelp itself", user="UENGLISH") | {"bot_id": BOT_ID},
    dm_message("edited", user="UENGLISH") | {"subtype": "message_changed"},
])
def test_bots_and_non_messages_are_not_answered_once_direct_messages_skip_bolt(bot, event):
    # after a first direct message, the next ones are taken without Bolt (listeners.direct)
    chat = Chat(bot, user="UENGLISH")
    bot.send.event(dm_message("key invalid", user="UENGLISH"))
    [asked] = chat.posts(1)
    assert bot.send.event(event).status == 200
    bot.send.event(dm_message("why?", user="UENGLISH"))
    [why] = chat.posts(1)
    assert says(asked, ASK_EN) and says(why, WHY_EN)
    bot.idle()
    assert len(bot.fake.calls_to("chat.postMessage")) == 2


def test_watched_channel_answers_only_confident_messages_in_a_thread(bot):
    thread = "1700000001.000100"
    bot.send.event(channel_message("lunch anyone?", user="UENGLISH", channel=WATCHED))
    bot.send.event(channel_message("my key doesn't work", user="UENGLISH", channel=WATCHED))
    bot.send.event(channel_message(REQUEST_FAILED_EN, user="UENGLISH", channel=WATCHED,
                                   ts=thread))
    bot.send.event(channel_message(REQUEST_FAILED_EN, user="UENGLISH", channel="C0ELSEWHERE"))
    [post] = bot.fake.wait_calls("chat.postMessage", 1)
    bot.idle()
    assert post["channel"] == WATCHED and post["thread_ts"] == thread
    assert says(post, "15 minutes")
    assert len(bot.fake.calls_to("chat.postMessage")) == 1  # unknown and unsure: silence
    # a reply in that thread, by anyone, continues the same conversation
    bot.send.event(channel_message("2", user="UOTHER", channel=WATCHED, thread_ts=thread))
    remedy = bot.fake.wait_calls("chat.postMessage", 2)[1]
    assert remedy["thread_ts"] == thread and says(remedy, "Wait about 15 minutes")


WEAK_ANSWER = "intune key says it is invalid"  # an answer from cues, below the default bar


def test_watched_channel_stays_silent_below_the_confidence_bar(bot):
    bot.send.event(channel_message(WEAK_ANSWER, user="UENGLISH", channel=WATCHED))
    bot.send.event(channel_message(REQUEST_FAILED_EN, user="UENGLISH", channel=WATCHED,
                                   ts="1700000009.000100"))
    [post] = bot.fake.wait_calls("chat.postMessage", 1)
    bot.idle()
    assert post["thread_ts"] == "1700000009.000100"  # only the pasted message is answered
    assert len(bot.fake.calls_to("chat.postMessage")) == 1


def test_watch_min_confidence_setting_lowers_the_bar(start_bot):
    bot = start_bot(env={"KEYHELP_WATCH_MIN_CONFIDENCE": "0.5"})
    bot.send.event(channel_message(WEAK_ANSWER, user="UENGLISH", channel=WATCHED,
                                   ts="1700000010.000100"))
    [post] = bot.fake.wait_calls("chat.postMessage", 1)
    assert post["thread_ts"] == "1700000010.000100" and says(post, "easily confused")


def test_support_channel_is_not_watched_unless_configured(bot):
    bot.send.event(channel_message(REQUEST_FAILED_EN, user="UENGLISH", channel=SUPPORT))
    bot.idle()
    assert bot.fake.calls_to("chat.postMessage") == []
