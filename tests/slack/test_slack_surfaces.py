"""Each Slack surface with a stub orchestrator: buttons, threads, commands, shortcut, language."""

from __future__ import annotations

import pytest
from conftest import SUPPORT
from slack_checks import assert_fits_block_kit, button, buttons, text_of
from slack_requests import block_action, channel_message, dm_message, mention, message_shortcut
from stub_backend import StubBackend

from bot.slack.listeners import SHORTCUT_CALLBACK


@pytest.fixture
def backend():
    return StubBackend()


@pytest.fixture
def bot(start_bot, backend):
    return start_bot(backend=backend)


def click(bot, post, *, user="UENGLISH", value=None, label=None):
    block_id, element = button(post.args, value=value, label=label)
    payload = block_action(post.posted, element, user=user, block_id=block_id,
                           response_url=bot.fake.response_url())
    assert bot.send.interactive(payload).status == 200


def test_click_updates_the_question_and_continues(bot, backend):
    bot.send.event(dm_message("hello", user="UENGLISH"))
    [question] = bot.fake.wait_calls("chat.postMessage", 1)
    click(bot, question, value="yes")
    [update] = bot.fake.wait_calls("chat.update", 1)
    assert update["ts"] == question.posted["ts"] and update["channel"] == "D0DIRECT"
    assert buttons(update.args) == []
    assert "turn 1.0" in text_of(update.args) and "✅ *Yes 👍*" in text_of(update.args)
    assert_fits_block_kit(update["blocks"])
    bot.fake.wait_calls("chat.postMessage", 2)
    assert backend.turns[-1] == {"conversation": "dm:UENGLISH", "text": None, "action": "yes",
                                "lang": None}
    # the update happened before the next reply was posted
    calls = [c.method for c in bot.fake.calls if c.method.startswith("chat.")]
    assert calls == ["chat.postMessage", "chat.update", "chat.postMessage"]


def test_double_click_is_answered_once(bot, backend):
    bot.send.event(dm_message("hello", user="UENGLISH"))
    [question] = bot.fake.wait_calls("chat.postMessage", 1)
    click(bot, question, value="yes")
    click(bot, question, value="no")
    bot.idle()
    assert [t["action"] for t in backend.turns] == [None, "yes"]


def test_why_keeps_the_buttons(bot, backend):
    bot.send.event(dm_message("hello", user="UENGLISH"))
    [question] = bot.fake.wait_calls("chat.postMessage", 1)
    click(bot, question, value="why")
    bot.fake.wait_calls("chat.postMessage", 2)
    bot.idle()
    assert bot.fake.calls_to("chat.update") == []
    assert backend.turns[-1]["action"] == "why"


def test_escalation_posts_summary_to_support_and_tells_the_user(bot):
    bot.send.event(mention("help", user="UENGLISH", channel="C0GENERAL", ts="1700000002.000200"))
    [question] = bot.fake.wait_calls("chat.postMessage", 1)
    assert question["thread_ts"] == "1700000002.000200"
    click(bot, question, value="no", user="UOTHER")  # anyone in the thread may answer
    posts = bot.fake.wait_calls("chat.postMessage", 3)
    to_user, to_support = posts[1], posts[2]
    assert to_user["channel"] == "C0GENERAL" and to_user["thread_ts"] == "1700000002.000200"
    assert f"<#{SUPPORT}>" in text_of(to_user.args)
    assert to_support["channel"] == SUPPORT
    summary = text_of(to_support.args)
    assert "XXXXX-…-7QKF3" in summary and "<@UOTHER>" in summary
    assert "<https://fake.slack.com/archives/C0GENERAL/p1700000002000200|" in summary
    [link] = bot.fake.calls_to("chat.getPermalink")
    assert link["message_ts"] == "1700000002.000200"


def test_two_threads_are_two_conversations(bot, backend):
    bot.send.event(mention("one", user="UENGLISH", channel="C0GENERAL", ts="1700000003.000100"))
    bot.send.event(mention("two", user="UENGLISH", channel="C0GENERAL", ts="1700000003.000200"))
    bot.send.event(mention("three", user="UJAPAN", channel="C0GENERAL", ts="1700000003.000300",
                           thread_ts="1700000003.000100"))
    bot.fake.wait_calls("chat.postMessage", 3)
    bot.idle()
    by_conv = {}
    for turn in backend.turns:
        by_conv.setdefault(turn["conversation"], []).append(turn["text"])
    assert by_conv == {"thread:C0GENERAL:1700000003.000100": ["one", "three"],
                       "thread:C0GENERAL:1700000003.000200": ["two"]}


def test_mention_message_event_is_not_handled_twice(bot, backend):
    ts = "1700000004.000100"
    bot.send.event(mention("hi", user="UENGLISH", channel="C0GENERAL", ts=ts))
    bot.send.event(channel_message("<@UKEYHELP> hi", user="UENGLISH", channel="C0GENERAL", ts=ts))
    bot.fake.wait_calls("chat.postMessage", 1)
    bot.idle()
    assert len(backend.turns) == 1


def test_slash_command_help_lang_and_text(bot, backend):
    url = bot.fake.response_url()
    helped = bot.send.command("help", user="UENGLISH", channel="C0GENERAL", response_url=url)
    assert helped.status == 200 and "/keyhelp lang" in helped.json()["text"]
    assert_fits_block_kit(helped.json()["blocks"])
    chose = bot.send.command("lang ja", user="UENGLISH", channel="C0GENERAL", response_url=url)
    assert "日本語" in chose.json()["text"]
    unknown = bot.send.command("lang xx", user="UENGLISH", channel="C0GENERAL", response_url=url)
    assert "/keyhelp lang ja" in unknown.json()["text"]
    started = bot.send.command("my key fails", user="UENGLISH", channel="C0GENERAL",
                               response_url=url)
    assert started.status == 200 and "DM" in started.body
    [post] = bot.fake.wait_calls("chat.postMessage", 1)
    assert post["channel"] == "UENGLISH"
    assert backend.turns == [{"conversation": "dm:UENGLISH", "text": "my key fails",
                              "action": None, "lang": "ja", "explicit": True}]  # remembered


@pytest.mark.parametrize(("user", "text", "lang"), [
    ("UENGLISH", "このキーは無効です", "ja"),  # Japanese characters win over the locale
    ("UJAPAN", "key invalid", "ja"),  # Slack locale ja-JP
    ("UENGLISH", "key invalid", "en"),
    ("UNOLOCALE", "key invalid", "en"),  # fake answers en-US: the default
])
def test_language_from_script_then_locale_then_default(bot, backend, user, text, lang):
    bot.send.event(dm_message(text, user=user))
    bot.fake.wait_calls("chat.postMessage", 1)
    assert backend.turns[0]["lang"] == lang


def test_locale_is_looked_up_once_per_user(bot, backend):
    for n in range(3):
        bot.send.event(dm_message(f"m{n}", user="UJAPAN"))
    bot.fake.wait_calls("chat.postMessage", 3)
    assert len(bot.fake.calls_to("users.info")) == 1
    assert bot.fake.calls_to("users.info")[0]["include_locale"] in (True, "true", "1", 1)


def test_agent_shortcut_gives_a_private_draft_and_posts_it(bot):
    url = bot.fake.response_url("agent")
    payload = message_shortcut(callback_id=SHORTCUT_CALLBACK, agent="UAGENT", author="UJAPAN",
                               text="key <!here> invalid", channel="C0HELP", ts="1700000005.000100",
                               response_url=url)
    assert bot.send.interactive(payload).status == 200
    [private] = bot.fake.wait_calls("chat.postEphemeral", 1)
    assert private["user"] == "UAGENT" and private["channel"] == "C0HELP"
    shown = text_of(private.args)
    assert "Product key isn't valid" in shown and "90%" in shown and "Draft in ja" in shown
    assert "&lt;!here&gt;" in shown
    assert_fits_block_kit(private["blocks"])
    assert bot.fake.calls_to("chat.postMessage") == []
    block_id, element = button(private.args, label="Post")
    post_click = block_action(private.posted, element, user="UAGENT", block_id=block_id,
                              response_url=url, ephemeral=True)
    assert bot.send.interactive(post_click).status == 200
    [posted] = bot.fake.wait_calls("chat.postMessage", 1)
    assert posted["channel"] == "C0HELP" and posted["thread_ts"] == "1700000005.000100"
    assert "Draft in ja" in text_of(posted.args)
    [done] = bot.fake.wait_calls("response_url", 1)
    assert done["replace_original"] in (True, "true")
    # pressing it again posts nothing more
    assert bot.send.interactive(post_click).status == 200
    bot.fake.wait_calls("response_url", 2)
    assert len(bot.fake.calls_to("chat.postMessage")) == 1


def test_language_button_is_remembered_for_the_user(bot, backend):
    bot.send.event(dm_message("hello", user="UENGLISH"))
    [question] = bot.fake.wait_calls("chat.postMessage", 1)
    block_id, element = button(question.args, value="yes")
    choose = dict(element, value="lang:ja")
    bot.send.interactive(block_action(question.posted, choose, user="UENGLISH",
                                      block_id=block_id, response_url=bot.fake.response_url()))
    bot.fake.wait_calls("chat.postMessage", 2)
    bot.send.event(dm_message("key invalid", user="UENGLISH"))
    bot.fake.wait_calls("chat.postMessage", 3)
    assert backend.turns[-1]["lang"] == "ja" and backend.turns[-1].get("explicit")


def test_without_a_support_channel_the_user_gets_the_summary(start_bot):
    bot = start_bot(backend=StubBackend(), env={"KEYHELP_SUPPORT_CHANNEL": ""})
    bot.send.event(dm_message("hello", user="UENGLISH"))
    [question] = bot.fake.wait_calls("chat.postMessage", 1)
    click(bot, question, value="no")
    posts = bot.fake.wait_calls("chat.postMessage", 2)
    bot.idle()
    assert len(bot.fake.calls_to("chat.postMessage")) == 2
    shown = text_of(posts[1].args)
    assert "forward the summary" in shown and "XXXXX-…-7QKF3" in shown
