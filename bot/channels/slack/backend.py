"""The orchestrator as the Slack adapter sees it: replies already rendered for Slack.

This is the one seam between keyhelp's orchestrator and Slack; if the
orchestrator's interface moves, only this module changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from bot.dialogue.language import LanguageHints


@dataclass(frozen=True, kw_only=True)
class SlackReply:
    """One reply, rendered: mrkdwn body (escaped), plain fallback and (value, label) buttons."""

    kind: str
    body: str
    fallback: str
    lang: str
    choices: tuple[tuple[str, str], ...] = ()
    escalation: str | None = None  # mrkdwn summary for the support channel (key masked)
    # (a str subclass marking trusted mrkdwn, bot/render/filters.py Mrkdwn, is not escaped again)


@dataclass(frozen=True, kw_only=True)
class AgentDraft:
    """What the agent shortcut shows: the recognised error and a reply in the author's language."""

    intent: str | None
    title: str | None
    confidence: float
    lang: str
    reply: str  # mrkdwn, ready to post


class Backend(Protocol):
    """What the Slack adapter needs from keyhelp's orchestrator."""

    languages: tuple[str, ...]
    default_lang: str

    def handle(self, conversation: str, *, text: str | None = None, action: str | None = None,
               hints: LanguageHints | None = None,
               read: tuple[int, str | None] | None = None) -> list[SlackReply]:
        """One turn; ``read``: a ``snapshot`` just taken, the state the turn starts from (if
        the conversation moved on since, the turn is taken again on what is stored)."""

    def language(self, hints: LanguageHints, text: str | None = None) -> str:
        """The language to answer in, decided from Slack's hints and the message."""

    def locale(self, tag: str) -> str | None:
        """The rules file's locale for a tag the user typed (``/keyhelp lang zh-CN``)."""

    def command_word(self, word: str) -> str | None:
        """``help`` or ``lang`` for the first word after ``/keyhelp``, in any language."""

    def confident(self, text: str) -> bool: ...

    def mask(self, text: str) -> str:
        """``text`` without its product keys (also the rest of one split over two messages):
        the only form of a user's text the adapter stores."""

    def snapshot(self, conversation: str) -> tuple[int, str | None]:
        """The conversation's stored version (moves on with every stored turn) and state as
        JSON; ``(0, None)`` when none is stored."""

    def replay(self, snapshot: str | None, conversation: str, *, text: str | None = None,
               action: str | None = None, hints: LanguageHints | None = None,
               screenshot: Any = None) -> list[SlackReply]:
        """The replies ``handle`` gave (or would give) taking the turn on the conversation as
        it was (``snapshot``), without storing anything: for a turn that was stored by an
        instance that died before its replies were."""

    def rules_digest(self) -> str:
        """sha256 of the rules file in force (checked for an edit first): ``/healthz``."""

    def close(self) -> None:
        """Release the stores; the backend is not used again."""

    def answers_question(self, value: str) -> bool: ...

    def language_choice(self, value: str) -> str | None: ...

    def diagnose(self, text: str, *, lang: str) -> AgentDraft: ...

    def wording(self, name: str, lang: str | None, **fields: Any) -> str: ...

    def unasked(self, message: str, text: str) -> None:
        """Record an answer given unasked in a watched channel (``message``: CHANNEL/TS)."""

    def unasked_feedback(self, message: str, feedback: int) -> None:
        """Record 👍 (+1) or 👎 (−1) on such an answer; other messages are ignored."""

    def week(self, lang: str) -> dict[str, Any] | None:
        """The last seven days' figures (bot/analytics/stats.py) with each intent's title in
        ``lang`` (``titles``); None when nothing is recorded."""

