"""End to end with the real orchestrator: whole conversations through Slack buttons."""

from __future__ import annotations

import logging

import pytest
from slack_chat import FULL_KEY, KEY_INVALID_JA, REQUEST_FAILED_EN, Chat
from slack_checks import assert_fits_block_kit, button, buttons, text_of
from slack_ids import SUPPORT, WATCHED
from slack_requests import block_action, channel_message, dm_message, mention, message_shortcut

from bot.channels.slack.listeners import SHORTCUT_CALLBACK


@pytest.fixture
def bot(start_bot):
    return start_bot()  # the shipped orchestrator, rules and templates


def test_japanese_key_invalid_dm_to_thumbs_up(bot):
    chat = Chat(bot, user="UJAPAN")
    assert bot.send.event(dm_message(KEY_INVALID_JA, user="UJAPAN")).status == 200
    [question] = chat.posts(1)
    assert "間違えやすい文字" in text_of(question.args)
    chat.click(question, value="answer:check-characters:skip")
    [update] = bot.fake.wait_calls("chat.update", 1)
    assert buttons(update.args) == [] and "貼り付けずに自分で確認する" in text_of(update.args)
    assert_fits_block_kit(update["blocks"])
    [remedy] = chat.posts(1)
    assert "5 文字ずつ" in text_of(remedy.args)
    assert {e.get("value") for _, e in buttons(remedy.args)} >= {"solved:yes", "solved:no"}
    chat.click(remedy, value="solved:yes")
    [closed] = chat.posts(1)
    assert "解決してよかったです" in text_of(closed.args)
    assert bot.fake.calls_to("chat.postMessage")[-1]["channel"] == "D0DIRECT"
    assert len(bot.fake.calls_to("chat.update")) == 2


def test_english_request_failed_dm_to_thumbs_up(bot):
    chat = Chat(bot, user="UENGLISH")
    bot.send.event(dm_message(REQUEST_FAILED_EN, user="UENGLISH"))
    [question] = chat.posts(1)
    assert "15 minutes" in text_of(question.args)
    chat.click(question, value="why")
    [why] = chat.posts(1)
    assert "temporary problem on the service side" in text_of(why.args)
    chat.click(question, value="answer:how-long:under-15")
    [remedy] = chat.posts(1)
    assert "Wait about 15 minutes" in text_of(remedy.args)
    assert "<https://account.manage.microsoft.com/commerce/productkeystart.aspx|" in \
        text_of(remedy.args)
    chat.click(remedy, value="solved:yes")
    [closed] = chat.posts(1)
    assert "Glad that fixed it" in text_of(closed.args)
    assert all(c["channel"] != SUPPORT for c in bot.fake.calls_to("chat.postMessage"))


def test_thumbs_down_escalates_with_the_key_masked(bot, caplog):
    caplog.set_level(logging.DEBUG)
    chat = Chat(bot, user="UENGLISH")
    bot.send.event(mention(f"The product key you entered isn't valid {FULL_KEY}",
                           user="UENGLISH", channel="C0GENERAL", ts="1700000100.000100"))
    [remedy] = chat.posts(1)
    assert remedy["thread_ts"] == "1700000100.000100"
    assert "XXXXX-XXXXX-XXXXX-XXXXX-6789B" in text_of(remedy.args)  # masked upstream
    chat.click(remedy, value="solved:no")
    to_user, to_support = chat.posts(2)
    assert to_user["thread_ts"] == "1700000100.000100"
    assert f"<#{SUPPORT}>" in text_of(to_user.args)
    assert to_support["channel"] == SUPPORT
    summary = text_of(to_support.args)
    assert "<@UENGLISH>" in summary and "Error: Product key isn't valid" in summary
    assert "XXXXX-XXXXX-XXXXX-XXXXX-6789B" in summary
    assert "|Open the conversation>" in summary
    everything = repr([c.args for c in bot.fake.calls]) + caplog.text
    assert FULL_KEY not in everything and FULL_KEY.replace("-", "") not in everything


def test_agent_shortcut_drafts_a_reply_in_the_authors_language(bot):
    payload = message_shortcut(callback_id=SHORTCUT_CALLBACK, agent="UAGENT", author="UJAPAN",
                               text=KEY_INVALID_JA, channel="C0HELP", ts="1700000200.000100",
                               response_url=bot.fake.response_url())
    assert bot.send.interactive(payload).status == 200
    [private] = bot.fake.wait_calls("chat.postEphemeral", 1)
    shown = text_of(private.args)
    assert "key-invalid" in shown and "%" in shown and "間違えやすい文字" in shown
    assert_fits_block_kit(private["blocks"])
    block_id, element = button(private.args, value=element_value(private))
    bot.send.interactive(block_action(private.posted, element, user="UAGENT", block_id=block_id,
                                      response_url=bot.fake.response_url(), ephemeral=True))
    [posted] = bot.fake.wait_calls("chat.postMessage", 1)
    assert posted["thread_ts"] == "1700000200.000100" and "間違えやすい文字" in text_of(posted.args)


def element_value(message):
    [(_, element)] = buttons(message.args)
    return element["value"]


def test_watched_channel_answers_a_confident_message_only(bot):
    bot.send.event(channel_message("anyone up for lunch?", user="UENGLISH", channel=WATCHED))
    bot.send.event(channel_message(REQUEST_FAILED_EN, user="UENGLISH", channel=WATCHED,
                                   ts="1700000300.000100"))
    [post] = bot.fake.wait_calls("chat.postMessage", 1)
    bot.idle()
    assert post["thread_ts"] == "1700000300.000100"
    assert len(bot.fake.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize(("user", "text", "expected"), [
    ("UJAPAN", "The product key you entered isn't valid", "間違えやすい文字"),  # locale ja-JP
    ("UENGLISH", KEY_INVALID_JA, "間違えやすい文字"),  # Japanese characters win
    ("UENGLISH", "The product key you entered isn't valid", "easily confused characters"),
])
def test_reply_language_follows_slacks_rule(bot, user, text, expected):
    bot.send.event(dm_message(text, user=user))
    [post] = bot.fake.wait_calls("chat.postMessage", 1)
    assert expected in text_of(post.args)


def test_slash_command_language_choice_sticks(bot):
    url = bot.fake.response_url()
    bot.send.command("lang en", user="UJAPAN", channel="C0GENERAL", response_url=url)
    bot.send.command(KEY_INVALID_JA, user="UJAPAN", channel="C0GENERAL", response_url=url)
    [post] = bot.fake.wait_calls("chat.postMessage", 1)
    assert "easily confused characters" in text_of(post.args)
