"""Talking to the running bot as Slack users do, and messages the shipped rules recognise."""

from __future__ import annotations

from typing import Any

from slack_checks import assert_fits_block_kit, button, text_of
from slack_requests import block_action

KEY_INVALID_EN = "The product key you entered isn't valid"
KEY_INVALID_JA = "このプロダクト キーは有効ではありません。もう一度入力してください。"
REQUEST_FAILED_EN = ("Sorry, we can't process your request right now. "
                     "Please wait a few minutes and try again")
FULL_KEY = "BCDFG-HJKMP-QRTVW-XY2O4-6789B"  # an O where a digit belongs
MASKED_KEY = "XXXXX-XXXXX-XXXXX-XXXXX-6789B"

# What the shipped rules and templates say, to tell replies apart by what the user sees.
ASK_EN = "easily confused characters"  # key-invalid's first question
ASK_JA = "間違えやすい文字"
WHY_EN = "I ask this because"  # "why?" at a question
RESTART_EN = "OK, let's start again."  # "start over"
NOT_RECOGNISED_EN = "Sorry, I don't recognise that."


class Chat:
    """One user's side of a Slack conversation, reading what the fake API received."""

    def __init__(self, bot: Any, *, user: str) -> None:
        self.bot, self.user, self.seen = bot, user, 0

    def posts(self, count: int) -> list[Any]:
        """Wait for ``count`` new bot messages; return them; each must fit Block Kit."""
        calls = self.bot.fake.wait_calls("chat.postMessage", self.seen + count)
        new = calls[self.seen:self.seen + count]
        self.seen += count
        for call in new:
            assert_fits_block_kit(call["blocks"])
        return new

    def click(self, post: Any, *, value: str | None = None, label: str | None = None,
              user: str | None = None) -> dict[str, Any]:
        """Press a button of a posted message, as Slack reports it; return the button."""
        block_id, element = button(post.args, value=value, label=label)
        payload = block_action(post.posted, element, user=user or self.user, block_id=block_id,
                               response_url=self.bot.fake.response_url())
        assert self.bot.send.interactive(payload).status == 200
        return element


def says(post: Any, *phrases: str) -> bool:
    """Every phrase appears in the message's blocks."""
    shown = text_of(post.args)
    return all(phrase in shown for phrase in phrases)
