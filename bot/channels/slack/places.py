"""Where a keyhelp conversation lives in Slack, and how that is written into ids and buttons.

One conversation per DM and one per channel thread (never per user), so two people in two
threads never share state, and anyone in a thread continues the thread's conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

BLOCK_PREFIX = "kh|"
# message subtypes that are still a person writing; the rest (edits, joins, bots) are not
USER_SUBTYPES = (None, "file_share", "thread_broadcast")
_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


@dataclass(frozen=True, kw_only=True)
class Place:
    """A conversation's id, and the channel (and thread) its messages are posted to.

    ``private_to``: a user who alone sees the messages (a click in an ephemeral message
    is answered ephemerally, never in the channel it came from).
    """

    conversation: str
    channel: str
    thread_ts: str | None = None
    private_to: str | None = None

    @classmethod
    def dm(cls, *, user: str, channel: str | None = None, thread_ts: str | None = None) -> Place:
        """A user's DM with keyhelp (posting to the user id opens it), in a thread if given."""
        return cls(conversation=f"dm:{user}", channel=channel or user, thread_ts=thread_ts)

    @classmethod
    def thread(cls, *, channel: str, thread_ts: str) -> Place:
        return cls(conversation=f"thread:{channel}:{thread_ts}", channel=channel,
                   thread_ts=thread_ts)

    @classmethod
    def from_block_id(cls, block_id: str, *, channel: str | None,
                      thread_ts: str | None = None) -> Place | None:
        """The place written into an actions block by ``block_id``; None for foreign blocks.

        ``channel`` and ``thread_ts`` say where the click was, for a DM (a channel thread's
        block id names both itself).
        """
        if not block_id.startswith(BLOCK_PREFIX):
            return None
        conversation = block_id[len(BLOCK_PREFIX):].split("#", 1)[0]
        kind, _, rest = conversation.partition(":")
        if kind == "dm" and rest:
            return cls.dm(user=rest, channel=channel, thread_ts=thread_ts)
        if kind == "thread":
            thread_channel, _, ts = rest.partition(":")
            if thread_channel and ts:
                return cls.thread(channel=thread_channel, thread_ts=ts)
        return None

    def privately(self, user: str) -> Place:
        """The same place, with messages only ``user`` sees."""
        return replace(self, private_to=user)

    @property
    def block_id(self) -> str:
        return BLOCK_PREFIX + self.conversation

    def post_args(self) -> dict[str, Any]:
        """``channel`` and, in a thread, ``thread_ts`` (and the one reader's ``user``)."""
        args: dict[str, Any] = {"channel": self.channel}
        if self.thread_ts:
            args["thread_ts"] = self.thread_ts
        if self.private_to:
            args["user"] = self.private_to
        return args


def without_mentions(text: str) -> str:
    """The message with ``<@U…>`` mentions removed (the bot's own name is not the question)."""
    return _MENTION.sub(" ", text).strip()


def from_a_bot(event: dict[str, Any]) -> bool:
    """Messages by bots (keyhelp included), and edits/joins/deletions, are never answered."""
    if event.get("bot_id") or event.get("bot_profile"):
        return True
    return event.get("subtype") not in USER_SUBTYPES
