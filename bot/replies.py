"""What keyhelp says in one turn, as data: small frozen dataclasses, one per reply kind.

Adapters (CLI, Slack) never build wording: they get a list of replies from
``Assistant.handle`` and turn each into a message with ``bot.render.render(reply, channel)``.
Replies are built with keywords only; their fields are exactly the variables of their
templates (``templates/<channel>/<kind>.j2``, then ``templates/default/<kind>.j2``). Every reply
carries ``lang`` (the reply language) and ``choices``: buttons as ``Choice(value, label)``.
``value`` is opaque — hand it back unchanged as ``Assistant.handle(..., action=value)``.
``label`` is domain text already in ``lang`` unless ``interface`` is true; then it is an
English gettext msgid the renderer translates.

Kinds (``reply.kind``): ask, remedy, clarify, not-recognised, escalate, closed, explanation,
welcome. Action values: ``answer:<question>:<answer>``, ``intent:<intent>``, ``why``,
``solved:yes``, ``solved:no``, ``restart``, ``lang:<locale>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

WHY = "why"
SOLVED_YES = "solved:yes"
SOLVED_NO = "solved:no"
RESTART = "restart"


@dataclass(frozen=True)
class Choice:
    """A button: ``value`` goes back to ``Assistant.handle(action=...)``; ``label`` is shown."""

    value: str
    label: str
    interface: bool = False  # True: label is an English msgid, translated when rendered


@dataclass(frozen=True)
class LinkRef:
    """A link as shown: its label already in the reply language."""

    id: str
    url: str
    label: str


@dataclass(frozen=True)
class SuspectChar:
    """One character of a pasted key outside the alphabet and what it probably should be."""

    position: int  # 1-based, separators not counted
    char: str
    suggestions: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class KeyReport:
    """A pasted key as it may be shown: masked, with its flaws; never the full key."""

    masked: str
    well_formed: bool
    length: int
    expected_length: int
    suspects: tuple[SuspectChar, ...]

    @property
    def clean(self) -> bool:
        return self.well_formed and not self.suspects


@dataclass(frozen=True)
class AnswerLine:
    """One question answered on the way: both texts in the reply language."""

    question: str
    answer: str


@dataclass(frozen=True)
class TranscriptLine:
    """One line of the conversation, for the escalation summary."""

    role: str  # user | bot
    text: str  # user text with any key masked; bot text as a short summary


@dataclass(frozen=True, kw_only=True)
class Reply:
    """What every reply kind has: its language and its buttons."""

    kind: ClassVar[str] = "reply"
    lang: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True, kw_only=True)
class Welcome(Reply):
    """The opening prompt, also after "start over" or a language change."""

    kind: ClassVar[str] = "welcome"
    reason: str = "start"  # start | restart | lang


@dataclass(frozen=True, kw_only=True)
class Ask(Reply):
    """A question of the diagnosis, with its answers as choices."""

    kind: ClassVar[str] = "ask"
    intent: str
    intent_title: str
    question: str  # question id
    text: str
    accepts_key: bool  # the user may paste a product key instead of choosing
    key: KeyReport | None = None


@dataclass(frozen=True, kw_only=True)
class Remedy(Reply):
    """Advice to try; its choices always include "did this solve it?" yes/no."""

    kind: ClassVar[str] = "remedy"
    intent: str
    intent_title: str
    remedy: str  # remedy id
    text: str
    links: tuple[LinkRef, ...]
    key: KeyReport | None = None


@dataclass(frozen=True)
class ClarifyOption:
    """One message the user may have seen: its title and exact on-screen texts."""

    intent: str
    title: str
    messages: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Clarify(Reply):
    """Several messages fit: the user picks one (choices are ``intent:<id>``)."""

    kind: ClassVar[str] = "clarify"
    options: tuple[ClarifyOption, ...] = ()


@dataclass(frozen=True, kw_only=True)
class NotRecognised(Reply):
    """The message matched nothing; ``at_step`` is true when a question is still open."""

    kind: ClassVar[str] = "not-recognised"
    at_step: bool = False
    prompt: str = ""  # the open question or remedy text, repeated
    topics: tuple[str, ...] = ()  # titles of what keyhelp can help with
    links: tuple[LinkRef, ...] = ()  # the rules file's fallback links (support)


@dataclass(frozen=True, kw_only=True)
class EscalationSummary:
    """Everything a helpdesk agent needs to act without asking the user again."""

    conversation_id: str
    reason: str  # outcome | unsolved | unrecognised
    intent: str | None
    intent_title: str | None
    lang: str
    answers: tuple[AnswerLine, ...]
    masked_key: str | None
    key: KeyReport | None
    transcript: tuple[TranscriptLine, ...]
    links: tuple[LinkRef, ...]
    outcome: str | None = None  # outcome id when an outcome asked for a human


@dataclass(frozen=True, kw_only=True)
class Escalate(Reply):
    """A human takes over; ``text`` is the outcome's text for the user (may be empty)."""

    kind: ClassVar[str] = "escalate"
    text: str
    summary: EscalationSummary


@dataclass(frozen=True, kw_only=True)
class Closed(Reply):
    """A conversation end without a human (e.g. solved)."""

    kind: ClassVar[str] = "closed"
    outcome: str
    text: str
    links: tuple[LinkRef, ...]


@dataclass(frozen=True, kw_only=True)
class Explanation(Reply):
    """Answer to "why?": at a question the causes it separates; at a remedy the path taken."""

    kind: ClassVar[str] = "explanation"
    about: str  # question | path
    intent_title: str
    causes: tuple[str, ...]  # about == question
    path: tuple[AnswerLine, ...]  # about == path
    rules: tuple[str, ...]  # the engine rules that fired for the current step (trace)


KINDS: tuple[type[Reply], ...] = (Welcome, Ask, Remedy, Clarify, NotRecognised, Escalate,
                                  Closed, Explanation)
