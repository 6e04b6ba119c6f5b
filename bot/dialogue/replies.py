"""What keyhelp says in one turn, as data: small immutable records, one per reply kind.

Adapters (CLI, Slack) never build wording: they get a list of replies from
``Assistant.handle`` and turn each into a message with
``bot.render.renderer.render(reply, channel)``.
Replies are built with keywords only (``kw_only``); their fields are exactly the variables of their
templates (``templates/<channel>/<kind>.j2``, then ``templates/default/<kind>.j2``). Every reply
carries ``lang`` (the reply language) and ``choices``: buttons as ``Choice(value, label)``.
``value`` is opaque — hand it back unchanged as ``Assistant.handle(..., action=value)``.
``label`` is domain text already in ``lang`` unless ``interface`` is true; then it is an
English gettext msgid the renderer translates. A pasted key appears only as
``bot.understand.keys.KeyCheck``: masked, with its flaws, never whole.

Kinds (``reply.kind``): ask, remedy, clarify, not-recognised, escalate, closed, explanation,
welcome, image. Action values: ``answer:<question>:<answer>``, ``intent:<intent>``, ``why``,
``solved:yes``, ``solved:no``, ``restart``, ``lang:<locale>``.

The records are frozen dataclasses: a reply is a value, not a tuple (no unpacking, no
indexing, and a reply equals only a reply of its own kind). Each kind extends ``BaseReply``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.understand.keys import KeyCheck

WHY = "why"
SOLVED_YES = "solved:yes"
SOLVED_NO = "solved:no"
RESTART = "restart"


@dataclass(frozen=True, slots=True)
class Choice:
    """A button: ``value`` goes back to ``Assistant.handle(action=...)``; ``label`` is shown."""

    value: str
    label: str
    interface: bool = False  # True: label is an English msgid, translated when rendered


@dataclass(frozen=True, slots=True)
class LinkRef:
    """A link as shown: its label already in the reply language."""

    id: str
    url: str
    label: str


@dataclass(frozen=True, slots=True)
class AnswerLine:
    """One question answered on the way: both texts in the reply language."""

    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    """One line of the case, for the escalation summary, in the summary's language."""

    role: str  # user | bot
    text: str  # user: as typed, any key masked; bot: the step's text ("" if it has none)
    kind: str = ""  # bot: what keyhelp did: ask, remedy, closed, escalate, not-recognised,
    #                 clarify, why-question, why-path ("" for a line stored as plain text)
    choice: Choice | None = None  # user: the choice picked (by button, number or label)


@dataclass(frozen=True, slots=True, kw_only=True)
class BaseReply:
    """What every reply kind has: its language and its buttons."""

    kind: ClassVar[str]
    lang: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Welcome(BaseReply):
    """The opening prompt, also after "start over" or a language change."""

    kind: ClassVar[str] = "welcome"
    reason: str = "start"  # start | restart | lang


@dataclass(frozen=True, slots=True, kw_only=True)
class Ask(BaseReply):
    """A question of the diagnosis, with its answers as choices."""

    kind: ClassVar[str] = "ask"
    intent: str
    intent_title: str
    question: str  # question id
    text: str
    accepts_key: bool  # the user may paste a product key instead of choosing
    key: KeyCheck | None = None
    hint: bool = False  # asked again: the reply was not one of the answers


@dataclass(frozen=True, slots=True, kw_only=True)
class Remedy(BaseReply):
    """Advice to try; its choices always include "did this solve it?" yes/no."""

    kind: ClassVar[str] = "remedy"
    intent: str
    intent_title: str
    remedy: str  # remedy id
    text: str
    links: tuple[LinkRef, ...]
    key: KeyCheck | None = None
    hint: bool = False  # asked again whether it worked: the reply said neither


@dataclass(frozen=True, slots=True)
class ClarifyOption:
    """One message the user may have seen: its title and exact on-screen texts."""

    intent: str
    title: str
    messages: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Clarify(BaseReply):
    """Several messages fit: the user picks one (choices are ``intent:<id>``)."""

    kind: ClassVar[str] = "clarify"
    options: tuple[ClarifyOption, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class NotRecognised(BaseReply):
    """The message matched nothing; ``at_step`` is true when a question is still open."""

    kind: ClassVar[str] = "not-recognised"
    at_step: bool = False
    prompt: str = ""  # the open question or remedy text, repeated
    topics: tuple[str, ...] = ()  # titles of what keyhelp can help with
    links: tuple[LinkRef, ...] = ()  # the rules file's fallback links (support)


@dataclass(frozen=True, slots=True, kw_only=True)
class EscalationSummary:
    """Everything a helpdesk agent needs to act without asking the user again."""

    conversation_id: str
    # unsolved: the suggested remedy did not solve it; outcome: the diagnosis ended at an
    # outcome only a person can carry out; unrecognised: ``in_a_row`` messages in a row not
    # recognised (the rules file's policy.hand_off_after_unrecognised)
    reason: str
    intent: str | None
    intent_title: str | None
    lang: str
    answers: tuple[AnswerLine, ...]
    masked_key: str | None
    key: KeyCheck | None
    transcript: tuple[TranscriptLine, ...]  # the current case only
    links: tuple[LinkRef, ...]
    outcome: str | None = None  # outcome id when the case ended at an outcome
    lang_name: str = ""  # the language's own name (日本語, English)
    next_step: str = ""  # the outcome's text: what the person has to do
    in_a_row: int = 0  # reason unrecognised: how many messages in a row


@dataclass(frozen=True, slots=True, kw_only=True)
class Escalate(BaseReply):
    """A person has to take over; ``text`` is the outcome's text for the user (may be empty).

    What the user is told about the hand-off depends on the channel (a terminal cannot pass
    anything on; Slack can, when a support channel is set): the templates decide, with
    ``support`` (the rules file's fallback links) as where to turn.
    """

    kind: ClassVar[str] = "escalate"
    text: str
    summary: EscalationSummary
    support: tuple[LinkRef, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Closed(BaseReply):
    """A conversation end without a human (e.g. solved)."""

    kind: ClassVar[str] = "closed"
    outcome: str
    text: str
    links: tuple[LinkRef, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Explanation(BaseReply):
    """Answer to "why?": at a question the causes it separates; at a remedy the path taken."""

    kind: ClassVar[str] = "explanation"
    about: str  # question | path
    intent_title: str
    causes: tuple[str, ...]  # about == question
    path: tuple[AnswerLine, ...]  # about == path


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageNote(BaseReply):
    """A screenshot that gave no diagnosis, and why; the user is asked for the text instead.

    ``reason``: no-error (read, but no error message in it), too-large, not-image,
    too-many-pixels, unreadable (damaged file), cannot-open (no such file), not-downloaded
    (Slack's file could not be fetched), busy (too many screenshots being read: try again),
    unavailable (OCR is not installed here).
    """

    kind: ClassVar[str] = "image"
    reason: str
    max_megabytes: int = 0  # the size limit, for too-large


Reply = (Welcome | Ask | Remedy | Clarify | NotRecognised | Escalate | Closed | Explanation
         | ImageNote)
KINDS: tuple[type[Reply], ...] = (Welcome, Ask, Remedy, Clarify, NotRecognised, Escalate,
                                  Closed, Explanation, ImageNote)
