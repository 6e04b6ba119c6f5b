"""Free text typed while a question or "did this solve it?" is open: an answer, "why?",
another error, or the question again with a hint.

Order matters both ways. A reply is read as an answer (``bot.understand.answers``) and as a
message (the recogniser). Another error wins over an answer when its on-screen message is
quoted, or when it is recognised with high confidence and the answer rests only on shared
words ("no, now it says the key has expired"): a pasted message is never an answer. An
answer's own phrase wins over a cue another error shares (見当たらない is "not on the list"
here, not a lost key) and over a vague recognition ("it's already on the list" is not a new
"already …" error). Several other errors are offered only for a quoted fragment of their
messages ("sorry, we can't process your…"), not for "I still get an error". Text that is
neither gets the open step again with a hint, and never counts toward the hand-off for
messages keyhelp cannot place: the case is known.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from bot.understand.answers import CUE, SOLVED, answer_reader

if TYPE_CHECKING:
    from bot.dialogue.conversation import Conversation
    from bot.dialogue.reload import Brain
    from bot.dialogue.replies import Reply
    from bot.understand.normalise import Normalised
    from bot.understand.recognise import Recognition

# A recognised other error at least this confident replaces the case when the answer read
# rests on shared words only (the recogniser's answers start at 0.7).
SWITCH_CONFIDENCE = 0.9
QUOTED = 0.9  # a message clause found at least this well (1.0: as written) is a quote
REASK = "stale"  # the engine's event for "show the open step again" (no rule moves on it)


@dataclasses.dataclass(frozen=True, slots=True)
class Typed:
    """The turn's event as the engine takes it; ``message`` goes on to recognition."""

    event: str  # answer | solved | unsolved | why | stale (ask again) | message
    answer: str = ""
    recognition: Recognition | None = None
    hint: bool = False  # the step is shown again with a word on how to answer


def applies(conv: Conversation) -> bool:
    """A question or a remedy's "did this solve it?" is open in a case under way (and no
    choice between other errors is: then the reply is about that choice)."""
    return conv.status == "open" and conv.step_kind in ("ask", "remedy") and not conv.candidates


def read(brain: Brain, conv: Conversation, normalised: Normalised) -> Typed:
    """What the typed text does at the open step."""
    intent = brain.knowledge.intents[conv.intent]
    question = intent.questions[conv.step] if conv.step_kind == "ask" else None
    reading = answer_reader(brain.knowledge).read(question, normalised.text)
    recognition = brain.recogniser.recognise(normalised)
    weak = reading.votes < CUE  # nothing, "why?", or shared words only ("no", "not")
    if recognition.action == "answer" and recognition.intent != conv.intent and (
            reading.kind == "none" or _quotes(brain, normalised, {recognition.intent})
            or (recognition.confidence >= SWITCH_CONFIDENCE and weak)):
        return Typed("message", recognition=recognition)
    offered = {c.intent for c in recognition.candidates}
    if recognition.action == "clarify" and conv.intent not in offered and weak and \
            _quotes(brain, normalised, offered, sources={"message"}):  # other errors' messages
        return Typed("message", recognition=recognition)
    if reading.kind == "why":
        return Typed("why")
    if reading.kind == "answer":
        if question is None:
            return Typed("solved" if reading.answer == SOLVED else "unsolved")
        return Typed("answer", reading.answer)
    if question is None and recognition.action == "answer" and intent.kind == "error":
        return Typed("unsolved")  # the same error again after the remedy: it did not help
    return Typed(REASK, hint=True)


def _quotes(brain: Brain, normalised: Normalised, intents: set[str | None],
            sources: frozenset[str] | set[str] = frozenset({"message", "group"})) -> bool:
    """The text quotes a clause of an on-screen message, or (in ``sources``) a phrase of the
    rules file's ``ambiguities``, that belongs to ``intents`` only (not "an error": that fits
    them all). Mid-conversation, a choice between other errors needs an on-screen message:
    an ambiguity's everyday words ("try later") are as likely a reply to the question."""
    _, _, hits = brain.recogniser.evidence(normalised)
    return any(hit.phrase.sources & sources and set(hit.phrase.targets) <= intents
               and hit.quality >= QUOTED for hit in hits)


def with_hint(replies: list[Reply]) -> list[Reply]:
    """The open step shown again, marked so its template adds how to answer."""
    return [dataclasses.replace(r, hint=True) if r.kind in ("ask", "remedy") else r
            for r in replies]
