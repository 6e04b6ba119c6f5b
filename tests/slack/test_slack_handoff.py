"""What Slack tells a user at a hand-off is true: a promise only when a support channel takes
the summary; the summary is in the conversation's language."""

from __future__ import annotations

import pytest
from slack_chat import FULL_KEY, KEY_INVALID_EN, KEY_INVALID_JA, MASKED_KEY, Chat, says
from slack_checks import text_of
from slack_ids import SUPPORT
from slack_requests import dm_message

PROMISES = ("taking over", "handing", "will contact", "take it from there", "引き継ぎます",
            "担当者から連絡")


def _escalate(bot, *, user: str, text: str):
    chat = Chat(bot, user=user)
    bot.send.event(dm_message(f"{text} {FULL_KEY}", user=user))
    [remedy] = chat.posts(1)
    chat.click(remedy, value="solved:no")
    return chat


def test_with_a_support_channel_the_user_is_told_once_who_takes_over(start_bot):
    bot = start_bot()
    chat = _escalate(bot, user="UENGLISH", text=KEY_INVALID_EN)
    to_user, to_support = chat.posts(2)
    shown = text_of(to_user.args)
    assert shown.count("I've passed a summary to the helpdesk") == 1
    assert f"<#{SUPPORT}>" in shown
    assert not any(promise in shown for promise in PROMISES), shown
    assert to_support["channel"] == SUPPORT


@pytest.mark.parametrize(("user", "text", "forward"), [
    ("UENGLISH", KEY_INVALID_EN, "forward the summary below to your helpdesk"),
    ("UJAPAN", KEY_INVALID_JA, "ヘルプデスクに転送"),
])
def test_without_a_support_channel_nothing_is_promised(start_bot, user, text, forward):
    bot = start_bot(env={"KEYHELP_SUPPORT_CHANNEL": ""})
    chat = _escalate(bot, user=user, text=text)
    [escalated] = chat.posts(1)
    shown = text_of(escalated.args)
    assert says(escalated, forward, MASKED_KEY)
    assert not any(promise in shown for promise in PROMISES), shown


def test_the_support_channel_gets_the_summary_in_the_conversation_language(start_bot):
    bot = start_bot()
    chat = _escalate(bot, user="UJAPAN", text=KEY_INVALID_JA)
    _to_user, to_support = chat.posts(2)
    summary = text_of(to_support.args)
    assert "ヘルプデスク向けの要約" in summary and "いいえ、解決していません" in summary
    for english in ("Summary for the helpdesk", "Reason", "Transcript", "No, it still fails"):
        assert english not in summary
