"""Posting a turn's messages in order; what Slack did not take is kept and sent first next time.

Retries (429, 5xx, refused connections) happen inside the client, in the conversation's
worker; if a message still fails, it and the ones after it wait for the next turn, so the
user never sees a later message without the one before it.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels.slack.blocks import Message
from bot.channels.slack.places import Place

logger = logging.getLogger("keyhelp.slack.delivery")
MAX_PENDING = 20


@dataclass(frozen=True, kw_only=True)
class Outgoing:
    """One message for a place; ``after`` runs once it is posted (e.g. the escalation post)."""

    message: Message
    after: Callable[[str, str], None] | None = None  # (channel, ts) of the posted message


class Outbox:
    """Ordered delivery per conversation, with a small backlog of undelivered messages."""

    def __init__(self, *, client: WebClient) -> None:
        self._client = client
        # each kept message with the place it was for: a private answer stays private
        self._pending: dict[str, deque[tuple[Place, Outgoing]]] = {}
        self._lock = threading.Lock()

    def deliver(self, place: Place, messages: list[Outgoing]) -> bool:
        """Post backlog then ``messages``; True if everything went out. Call from the worker."""
        with self._lock:
            queue = self._pending.pop(place.conversation, deque())
        queue.extend((place, item) for item in messages)
        while queue:
            where, item = queue[0]
            posted = self.post(where, item.message)
            if posted is None:
                with self._lock:
                    kept = deque(list(queue)[-MAX_PENDING:])
                    self._pending[place.conversation] = kept
                logger.error("%s: %d message(s) kept for the next turn",
                             place.conversation, len(kept))
                return False
            queue.popleft()
            if item.after is not None:
                try:
                    item.after(*posted)
                except Exception:  # the user's conversation must go on even so
                    logger.exception("%s: follow-up of a posted message failed", place.conversation)
        return True

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
