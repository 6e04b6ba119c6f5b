"""Posting and updating Slack messages, with what failed logged without its text.

Retries (429, 5xx, refused connections) happen inside the client, in the conversation's
worker; if a message still fails, its job keeps it and the ones after it for the next try
(bot/channels/slack/jobs.py), so the user never sees a later message without the one before.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels.slack.blocks import Message
from bot.channels.slack.places import Place

logger = logging.getLogger("keyhelp.slack.delivery")


class Outbox:
    """Posts and updates messages; what to post, in which order, is the jobs' (jobs.py)."""

    def __init__(self, *, client: WebClient) -> None:
        self._client = client

    def post(self, place: Place, message: Message) -> tuple[str, str] | None:
        """chat.postMessage (chat.postEphemeral for a private place); (channel, ts) or None
        after the client's bounded retries failed."""
        method = "chat.postEphemeral" if place.private_to else "chat.postMessage"
        try:
            if place.private_to:
                response = self._client.chat_postEphemeral(**place.post_args(), **message.kwargs())
                return place.channel, str(response["message_ts"])
            response = self._client.chat_postMessage(
                **place.post_args(), **message.kwargs(), unfurl_links=False, unfurl_media=False
            )
        except (SlackApiError, OSError) as err:
            logger.error("%s: %s failed: %s", place.conversation, method, describe(err))
            return None
        return str(response["channel"]), str(response["ts"])

    def update(self, *, channel: str, ts: str, message: Message) -> bool:
        """chat.update of an earlier message (a question after its answer was clicked)."""
        try:
            self._client.chat_update(channel=channel, ts=ts, **message.kwargs())
        except (SlackApiError, OSError) as err:
            logger.error("chat.update of %s failed: %s", ts, describe(err))
            return False
        return True


def describe(err: Exception) -> str:
    """Status and Slack error code only: API errors can echo message text, logs must not."""
    if isinstance(err, SlackApiError):
        status = getattr(err.response, "status_code", "?")
        code = err.response.get("error") if hasattr(err.response, "get") else None
        return f"HTTP {status} {code or ''}".strip()
    return type(err).__name__
