"""Each Slack surface with the shipped orchestrator: buttons, threads, commands, shortcut."""

from __future__ import annotations

import json
import re

import pytest
from slack_chat import (
    ASK_EN,
    ASK_JA,
    FULL_KEY,
    KEY_INVALID_EN,
    KEY_INVALID_JA,
    MASKED_KEY,
    REQUEST_FAILED_EN,
    RESTART_EN,
    WHY_EN,
    Chat,
    says,
)
from slack_checks import assert_fits_block_kit, button, buttons, text_of
from slack_ids import SUPPORT
from slack_requests import block_action, channel_message, dm_message, mention, message_shortcut

from bot.channels.slack.listeners import SHORTCUT_CALLBACK

SKIP = "answer:check-characters:skip"  # key-invalid's first question: "I'll check it myself"


@pytest.fixture
def bot(start_bot):
    return start_bot()  # the shipped orchestrator, rules and templates; a temporary SQLite file


def chat_methods(bot):
    return [c.method for c in bot.fake.calls if c.method.startswith("chat.")]


def in_thread(bot, thread_ts, count):
    """Wait for ``count`` bot messages in the thread ``thread_ts``; return them."""
    return bot.fake.wait_for(lambda calls: (found := [
        c for c in calls if c.method == "chat.postMessage" and c.get("thread_ts") == thread_ts
    ])[count - 1:] and found)


def test_click_updates_the_question_and_continues(bot):
    chat = Chat(bot, user="UENGLISH")
    bot.send.event(dm_message("key invalid", user="UENGLISH"))
    [question] = chat.posts(1)
    assert says(question, ASK_EN)
    pressed = chat.click(question, value=SKIP)
    [update] = bot.fake.wait_calls("chat.update", 1)
    assert update["ts"] == question.posted["ts"] and update["channel"] == "D0DIRECT"
    assert buttons(update.args) == []
    assert says(update, ASK_EN, f"✅ *{pressed['text']['text']}*")
    assert_fits_block_kit(update["blocks"])
    [remedy] = chat.posts(1)
    assert {e["value"] for _, e in buttons(remedy.args)} >= {"solved:yes", "solved:no"}
    # the question was updated before the next step was posted
    assert chat_methods(bot) == ["chat.postMessage", "chat.update", "chat.postMessage"]


def test_double_click_is_answered_once(bot):
    chat = Chat(bot, user="UENGLISH")
    bot.send.event(dm_message("key invalid", user="UENGLISH"))
    [question] = chat.posts(1)
    chat.click(question, value=SKIP)
    chat.click(question, value=SKIP)
    bot.send.event(dm_message("why?", user="UENGLISH"))  # queued behind both clicks
    remedy, why = chat.posts(2)
    assert says(remedy, "Did this solve it?") and says(why, "How we got here")
    assert chat_methods(bot) == ["chat.postMessage", "chat.update", "chat.postMessage",
                                 "chat.postMessage"]


def test_why_keeps_the_buttons(bot):
    chat = Chat(bot, user="UENGLISH")
    bot.send.event(dm_message("key invalid", user="UENGLISH"))
    [question] = chat.posts(1)
    chat.click(question, value="why")
    [why] = chat.posts(1)
    assert says(why, WHY_EN)
    assert bot.fake.calls_to("chat.update") == []
    chat.click(question, value=SKIP)  # the question's buttons still work
    [remedy] = chat.posts(1)
    assert says(remedy, "Did this solve it?")
    [update] = bot.fake.calls_to("chat.update")
    assert update["ts"] == question.posted["ts"]


def test_escalation_posts_summary_to_support_and_tells_the_user(bot):
    chat = Chat(bot, user="UENGLISH")
    bot.send.event(mention(f"{KEY_INVALID_EN} {FULL_KEY}", user="UENGLISH", channel="C0GENERAL",
                           ts="1700000002.000200"))
    [remedy] = chat.posts(1)
    assert remedy["thread_ts"] == "1700000002.000200"
    chat.click(remedy, value="solved:no", user="UOTHER")  # anyone in the thread may answer
    to_user, to_support = chat.posts(2)
    assert to_user["channel"] == "C0GENERAL" and to_user["thread_ts"] == "1700000002.000200"
    assert f"<#{SUPPORT}>" in text_of(to_user.args)
    assert to_support["channel"] == SUPPORT
    summary = text_of(to_support.args)
    assert MASKED_KEY in summary and "<@UOTHER>" in summary
    assert "<https://fake.slack.com/archives/C0GENERAL/p1700000002000200|" in summary
    [link] = bot.fake.calls_to("chat.getPermalink")
    assert link["message_ts"] == "1700000002.000200"


def test_two_threads_are_two_conversations(bot):
    one, two = "1700000003.000100", "1700000003.000200"
    bot.send.event(mention("key invalid", user="UENGLISH", channel="C0GENERAL", ts=one))
    bot.send.event(mention(REQUEST_FAILED_EN, user="UENGLISH", channel="C0GENERAL", ts=two))
    [asked_one] = in_thread(bot, one, 1)
    [asked_two] = in_thread(bot, two, 1)
    assert says(asked_one, ASK_EN) and says(asked_two, "15 minutes")
    # "1" picks the first choice of *that* thread's question, whoever writes it
    bot.send.event(mention("1", user="UJAPAN", channel="C0GENERAL", thread_ts=one))
    bot.send.event(channel_message("2", user="UENGLISH", channel="C0GENERAL", thread_ts=two))
    remedy_one = in_thread(bot, one, 2)[1]
    remedy_two = in_thread(bot, two, 2)[1]
    assert says(remedy_one, "5 文字ずつ")  # UJAPAN's Slack locale is ja-JP
    assert says(remedy_two, "Wait about 15 minutes")


def test_mention_message_event_is_not_handled_twice(bot):
    ts = "1700000004.000100"
    bot.send.event(mention("key invalid", user="UENGLISH", channel="C0GENERAL", ts=ts))
    bot.send.event(channel_message("<@UKEYHELP> key invalid", user="UENGLISH",
                                   channel="C0GENERAL", ts=ts))
    bot.send.event(mention("why?", user="UENGLISH", channel="C0GENERAL", thread_ts=ts))
    asked, why = in_thread(bot, ts, 2)
    assert says(asked, ASK_EN) and says(why, WHY_EN)
    assert len(bot.fake.calls_to("chat.postMessage")) == 2


def test_slash_command_help_lang_and_text(bot):
    url = bot.fake.response_url()
    helped = bot.send.command("help", user="UENGLISH", channel="C0GENERAL", response_url=url)
    assert helped.status == 200 and "/keyhelp lang" in helped.json()["text"]
    assert_fits_block_kit(helped.json()["blocks"])
    chose = bot.send.command("lang ja", user="UENGLISH", channel="C0GENERAL", response_url=url)
    assert "日本語" in chose.json()["text"]
    unknown = bot.send.command("lang xx", user="UENGLISH", channel="C0GENERAL", response_url=url)
    assert "/keyhelp lang ja" in unknown.json()["text"]
    assert "使える言語" in unknown.json()["text"]  # the choice above is remembered
    started = bot.send.command("key invalid", user="UENGLISH", channel="C0GENERAL",
                               response_url=url)
    assert started.status == 200 and "DM" in started.body
    [post] = bot.fake.wait_calls("chat.postMessage", 1)
    assert post["channel"] == "UENGLISH" and says(post, ASK_JA)


@pytest.mark.parametrize(("user", "text", "expected"), [
    ("UENGLISH", KEY_INVALID_JA, ASK_JA),  # Japanese characters win over the locale
    ("UJAPAN", "key invalid", ASK_JA),  # Slack locale ja-JP
    ("UENGLISH", "key invalid", ASK_EN),
    ("UNOLOCALE", "key invalid", ASK_EN),  # fake answers en-US: the default
])
def test_language_from_script_then_locale_then_default(bot, user, text, expected):
    bot.send.event(dm_message(text, user=user))
    [post] = bot.fake.wait_calls("chat.postMessage", 1)
    assert says(post, expected)


def test_locale_is_looked_up_once_per_user(bot):
    chat = Chat(bot, user="UJAPAN")
    for text in ("key invalid", "why?", "start over"):
        bot.send.event(dm_message(text, user="UJAPAN"))
    asked, _why, _restarted = chat.posts(3)
    assert says(asked, ASK_JA)
    [lookup] = bot.fake.calls_to("users.info")
    assert lookup["user"] == "UJAPAN" and lookup["include_locale"] in (True, "true", "1", 1)


def test_agent_shortcut_gives_a_private_draft_and_posts_it(bot):
    url = bot.fake.response_url("agent")
    text = f"{KEY_INVALID_JA} <!here>"
    payload = message_shortcut(callback_id=SHORTCUT_CALLBACK, agent="UAGENT", author="UJAPAN",
                               text=text, channel="C0HELP", ts="1700000005.000100",
                               response_url=url)
    assert bot.send.interactive(payload).status == 200
    [private] = bot.fake.wait_calls("chat.postEphemeral", 1)
    assert private["user"] == "UAGENT" and private["channel"] == "C0HELP"
    shown = text_of(private.args)
    assert "`key-invalid`" in shown and re.search(r"\*Confidence:\* \d+%", shown)
    assert ASK_JA in shown  # the draft is in the author's language; the rest in the agent's
    assert_fits_block_kit(private["blocks"])
    assert bot.fake.calls_to("chat.postMessage") == []
    block_id, element = button(private.args, label="Post in thread")
    post_click = block_action(private.posted, element, user="UAGENT", block_id=block_id,
                              response_url=url, ephemeral=True)
    assert bot.send.interactive(post_click).status == 200
    [posted] = bot.fake.wait_calls("chat.postMessage", 1)
    assert posted["channel"] == "C0HELP" and posted["thread_ts"] == "1700000005.000100"
    assert says(posted, ASK_JA)
    [done] = bot.fake.wait_calls("response_url", 1)
    assert done["replace_original"] in (True, "true")
    # pressing it again posts nothing more
    assert bot.send.interactive(post_click).status == 200
    again = bot.fake.wait_calls("response_url", 2)[1]
    assert "already posted" in again["text"]
    assert len(bot.fake.calls_to("chat.postMessage")) == 1
    assert "<!here>" not in json.dumps([c.args for c in bot.fake.calls])


def test_language_button_is_remembered_for_the_user(bot):
    chat = Chat(bot, user="UENGLISH")
    bot.send.event(dm_message("start over", user="UENGLISH"))
    [welcome] = chat.posts(1)
    assert says(welcome, RESTART_EN)
    chat.click(welcome, value="lang:ja")
    [switched] = chat.posts(1)
    assert says(switched, "これからは日本語でお答えします")
    # the choice belongs to the user: a new conversation in a channel thread answers in it
    bot.send.event(mention("key invalid", user="UENGLISH", channel="C0GENERAL",
                           ts="1700000006.000100"))
    [asked] = chat.posts(1)
    assert asked["thread_ts"] == "1700000006.000100" and says(asked, ASK_JA)


def test_without_a_support_channel_the_user_gets_the_summary(start_bot):
    bot = start_bot(env={"KEYHELP_SUPPORT_CHANNEL": ""})
    chat = Chat(bot, user="UENGLISH")
    bot.send.event(dm_message(f"{KEY_INVALID_EN} {FULL_KEY}", user="UENGLISH"))
    [remedy] = chat.posts(1)
    chat.click(remedy, value="solved:no")
    [escalated] = chat.posts(1)
    assert says(escalated, "forward the summary", MASKED_KEY)
    bot.send.event(dm_message("start over", user="UENGLISH"))  # queued behind the click
    [restarted] = chat.posts(1)
    assert says(restarted, RESTART_EN)
    assert {c["channel"] for c in bot.fake.calls_to("chat.postMessage")} == {"D0DIRECT"}
