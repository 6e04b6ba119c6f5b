"""What keyhelp says in one turn, as data: small immutable records, one per reply kind.

Adapters (CLI, Slack) never build wording: they get a list of replies from
``Assistant.handle`` and turn each into a message with
``bot.render.renderer.render(reply, channel)``.
Replies are built with keywords only; their fields are exactly the variables of their
templates (``templates/<channel>/<kind>.j2``, then ``templates/default/<kind>.j2``). Every reply
carries ``lang`` (the reply language) and ``choices``: buttons as ``Choice(value, label)``.
``value`` is opaque — hand it back unchanged as ``Assistant.handle(..., action=value)``.
``label`` is domain text already in ``lang`` unless ``interface`` is true; then it is an
English gettext msgid the renderer translates. A pasted key appears only as
``bot.understand.keys.KeyCheck``: masked, with its flaws, never whole.

Kinds (``reply.kind``): ask, remedy, clarify, not-recognised, escalate, closed, explanation,
welcome, image. Action values: ``answer:<question>:<answer>``, ``intent:<intent>``, ``why``,
``solved:yes``, ``solved:no``, ``restart``, ``lang:<locale>``.

The records are ``NamedTuple``s rather than frozen dataclasses because every ``keyhelp`` start
imports this module, and a dataclass compiles its methods at import (about 1 ms each here).
A tuple has no inheritance, so each kind lists ``lang`` and ``choices`` itself. Annotations
are real objects here (no ``from __future__ import annotations``): as strings, NamedTuple would
compile each one as a forward reference at import.
"""

from typing import NamedTuple

from bot.understand.keys import KeyCheck

WHY = "why"
SOLVED_YES = "solved:yes"
SOLVED_NO = "solved:no"
RESTART = "restart"


class Choice(NamedTuple):
    """A button: ``value`` goes back to ``Assistant.handle(action=...)``; ``label`` is shown."""

    value: str
    label: str
    interface: bool = False  # True: label is an English msgid, translated when rendered


class LinkRef(NamedTuple):
    """A link as shown: its label already in the reply language."""

    id: str
    url: str
    label: str


class AnswerLine(NamedTuple):
    """One question answered on the way: both texts in the reply language."""

    question: str
    answer: str


class TranscriptLine(NamedTuple):
    """One line of the case, for the escalation summary, in the summary's language."""

    role: str  # user | bot
    text: str  # user: as typed, any key masked; bot: the step's text ("" if it has none)
    kind: str = ""  # bot: what keyhelp did: ask, remedy, closed, escalate, not-recognised,
    #                 clarify, why-question, why-path ("" for a line stored as plain text)
    choice: Choice | None = None  # user: the choice picked (by button, number or label)


class Welcome(NamedTuple):
    """The opening prompt, also after "start over" or a language change."""

    kind = "welcome"
    lang: str
    choices: tuple[Choice, ...]
    reason: str = "start"  # start | restart | lang


class Ask(NamedTuple):
    """A question of the diagnosis, with its answers as choices."""

    kind = "ask"
    lang: str
    choices: tuple[Choice, ...]
    intent: str
    intent_title: str
    question: str  # question id
    text: str
    accepts_key: bool  # the user may paste a product key instead of choosing
    key: KeyCheck | None = None
    hint: bool = False  # asked again: the reply was not one of the answers


class Remedy(NamedTuple):
    """Advice to try; its choices always include "did this solve it?" yes/no."""

    kind = "remedy"
    lang: str
    choices: tuple[Choice, ...]
    intent: str
    intent_title: str
    remedy: str  # remedy id
    text: str
    links: tuple[LinkRef, ...]
    key: KeyCheck | None = None
    hint: bool = False  # asked again whether it worked: the reply said neither


class ClarifyOption(NamedTuple):
    """One message the user may have seen: its title and exact on-screen texts."""

    intent: str
    title: str
    messages: tuple[str, ...]


class Clarify(NamedTuple):
    """Several messages fit: the user picks one (choices are ``intent:<id>``)."""

    kind = "clarify"
    lang: str
    choices: tuple[Choice, ...]
    options: tuple[ClarifyOption, ...] = ()


class NotRecognised(NamedTuple):
    """The message matched nothing; ``at_step`` is true when a question is still open."""

    kind = "not-recognised"
    lang: str
    choices: tuple[Choice, ...]
    at_step: bool = False
    prompt: str = ""  # the open question or remedy text, repeated
    topics: tuple[str, ...] = ()  # titles of what keyhelp can help with
    links: tuple[LinkRef, ...] = ()  # the rules file's fallback links (support)


class EscalationSummary(NamedTuple):
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


class Escalate(NamedTuple):
    """A person has to take over; ``text`` is the outcome's text for the user (may be empty).

    What the user is told about the hand-off depends on the channel (a terminal cannot pass
    anything on; Slack can, when a support channel is set): the templates decide, with
    ``support`` (the rules file's fallback links) as where to turn.
    """

    kind = "escalate"
    lang: str
    choices: tuple[Choice, ...]
    text: str
    summary: EscalationSummary
    support: tuple[LinkRef, ...] = ()


class Closed(NamedTuple):
    """A conversation end without a human (e.g. solved)."""

    kind = "closed"
    lang: str
    choices: tuple[Choice, ...]
    outcome: str
    text: str
    links: tuple[LinkRef, ...]


class Explanation(NamedTuple):
    """Answer to "why?": at a question the causes it separates; at a remedy the path taken."""

    kind = "explanation"
    lang: str
    choices: tuple[Choice, ...]
    about: str  # question | path
    intent_title: str
    causes: tuple[str, ...]  # about == question
    path: tuple[AnswerLine, ...]  # about == path


class ImageNote(NamedTuple):
    """A screenshot that gave no diagnosis, and why; the user is asked for the text instead.

    ``reason``: no-error (read, but no error message in it), too-large, not-image,
    too-many-pixels, unreadable (damaged file), cannot-open (no such file), not-downloaded
    (Slack's file could not be fetched), busy (too many screenshots being read: try again),
    unavailable (OCR is not installed here).
    """

    kind = "image"
    lang: str
    choices: tuple[Choice, ...]
    reason: str
    max_megabytes: int = 0  # the size limit, for too-large


Reply = (Welcome | Ask | Remedy | Clarify | NotRecognised | Escalate | Closed | Explanation
         | ImageNote)
KINDS: tuple[type[Reply], ...] = (Welcome, Ask, Remedy, Clarify, NotRecognised, Escalate,
                                  Closed, Explanation, ImageNote)
