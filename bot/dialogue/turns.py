"""One turn of a conversation: input → engine facts → the fired rules' effects → replies.

Understanding the input (buttons, numbers, answer labels, commands, a pasted key, free text
for the recogniser) is generic; what happens next is decided only by the engine's compiled
rules (``bot.dialogue.rulebook``) and carried out by ``bot.dialogue.effects``. Works on a
``Conversation`` in place; storing it is the caller's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.dialogue import cases, effects, steps, typed
from bot.dialogue.conversation import Conversation
from bot.dialogue.language import follow_message
from bot.dialogue.replies import Choice, ImageNote, Reply
from bot.dialogue.rulebook import Facts
from bot.knowledge.catalogs import fold_command
from bot.knowledge.model import Knowledge
from bot.understand.keys import KeyCheck

if TYPE_CHECKING:
    from bot.dialogue.reload import Brain
    from bot.understand.normalise import Normalised
    from bot.understand.recognise import Recognition

_ACTION_EVENTS = {"restart": "restart", "why": "why", "solved:yes": "solved",
                  "solved:no": "unsolved"}
_COMMAND_EVENTS = {"restart": "restart", "why": "why", "yes": "solved", "no": "unsolved"}
SCREENSHOT_MARK = "(screenshot)"  # a screenshot's line in the transcript: this, then its text


@dataclass(frozen=True, slots=True)
class TurnResult:
    """The replies of one turn, the recognition behind them and the rules that fired."""

    replies: tuple[Reply, ...]
    recognition: Recognition | None
    fired: tuple[str, ...] = ()


@dataclass
class _Input:
    """One turn's input as the engine sees it, with the pasted key's check."""

    facts: Facts
    key: KeyCheck | None = None  # pasted this turn
    recognition: Recognition | None = None
    said: bool = False  # the user sent something this turn (its transcript line is the last)
    hint: bool = False  # the open step is shown again with a word on how to answer it


def repair(knowledge: Knowledge, conv: Conversation) -> bool:
    """After a rules reload, a conversation whose step no longer exists starts over (True)."""
    intent = knowledge.intents.get(conv.intent)
    steps_of = {"ask": intent.questions if intent else {},
                "remedy": intent.remedies if intent else {}, "outcome": knowledge.outcomes}
    if conv.lang not in knowledge.locale_ids:
        conv.lang, conv.lang_explicit = knowledge.default_locale, False
    conv.candidates = [c for c in conv.candidates if c in knowledge.intents]
    if conv.intent and (intent is None or conv.step not in steps_of.get(conv.step_kind, {})):
        cases.end_case(conv, "restarted")
        effects.reset(conv)
        return True
    return False


def current_choices(knowledge: Knowledge, conv: Conversation) -> tuple[Choice, ...]:
    if conv.candidates:
        return effects.clarify(knowledge, conv).choices
    return steps.step_reply(knowledge, conv).choices


def _facts(conv: Conversation, event: str, **more: object) -> Facts:
    return Facts(event=event, intent=conv.intent, step_kind=conv.step_kind, step=conv.step,
                 status=conv.status, streak=conv.streak, **more)  # type: ignore[arg-type]


def _check(key: KeyCheck) -> str:
    """A pasted key's check result, as the rules file's ``when:`` answers name it."""
    return "key-clean" if key.clean else "key-suspicious"


def _from_action(knowledge: Knowledge, conv: Conversation, action: str) -> _Input:
    if action in _ACTION_EVENTS:
        return _Input(_facts(conv, _ACTION_EVENTS[action]))
    kind, _, rest = action.partition(":")
    if kind == "lang" and rest in knowledge.locale_ids:
        conv.lang, conv.lang_explicit = rest, True
        return _Input(_facts(conv, "lang"))
    if kind == "answer":
        question, _, answer = rest.partition(":")
        if conv.step_kind == "ask" and question == conv.step:
            return _Input(_facts(conv, "answer", answer=answer))
    if kind == "intent" and rest in knowledge.intents:
        return _Input(_facts(conv, "message", recog="answer", recognised=rest))
    return _Input(_facts(conv, "stale"))  # an old button: show where we are


def _from_text(brain: Brain, conv: Conversation, text: str, normalised: Normalised,
               choices: tuple[Choice, ...]) -> _Input:
    """``choices``: the conversation's current choices (as ``current_choices`` gives them)."""
    knowledge = brain.knowledge
    folded = fold_command(text)
    for locale in knowledge.locales:
        if folded in (fold_command(locale.name), locale.id.casefold()):
            return _from_action(knowledge, conv, f"lang:{locale.id}")
    if folded.isdecimal() and 1 <= int(folded) <= len(conv.shown):
        return _from_action(knowledge, conv, conv.shown[int(folded) - 1])
    for choice in choices:
        if not choice.interface and folded == fold_command(choice.label):
            return _from_action(knowledge, conv, choice.value)
    if conv.step_kind == "ask":  # an answer label in any language
        question = knowledge.intents[conv.intent].questions[conv.step]
        for answer in question.answers:
            if answer.when is None and folded in {fold_command(t)
                                                  for t in answer.label.texts.values()}:
                return _Input(_facts(conv, "answer", answer=answer.id))
    command = brain.catalogs.command(text)
    if command is not None and (command not in ("yes", "no") or conv.step_kind == "remedy"):
        return _Input(_facts(conv, _COMMAND_EVENTS[command]))
    if conv.step_kind == "ask" and normalised.key is not None:
        question = knowledge.intents[conv.intent].questions[conv.step]
        if question.check == "product-key":
            return _Input(_facts(conv, "key", check=_check(normalised.key)), key=normalised.key)
    read = typed.read(brain, conv, normalised) if typed.applies(conv) else None
    if read is not None and read.event != "message":  # an answer, "why?", or ask again
        return _Input(_facts(conv, read.event, answer=read.answer), hint=read.hint)
    recognition = read.recognition if read else brain.recogniser.recognise(normalised)
    follow_message(knowledge, conv, recognition, normalised)
    return _Input(_facts(conv, "message", recog=recognition.action,
                         recognised=recognition.intent or "",
                         check=_check(normalised.key) if normalised.key else ""),
                  key=normalised.key, recognition=recognition)


def take_turn(brain: Brain, conv: Conversation, *, text: str | None, action: str | None,
              history_lines: int, screenshot: Normalised | None = None) -> TurnResult:
    """Advance ``conv`` by one user turn and return what to say.

    ``screenshot``: a screenshot's text, already normalised and masked, read like a typed
    message; one that shows no error gets an ``ImageNote`` asking for the text instead.
    """
    knowledge = brain.knowledge
    choices = current_choices(knowledge, conv)
    if screenshot is not None:
        cases.say_user(conv, f"{SCREENSHOT_MARK} {screenshot.original_masked}".strip(), "",
                       history_lines)
        given = _from_text(brain, conv, screenshot.original_masked, screenshot, choices)
        if given.recognition is not None and not _shows_error(knowledge, given.recognition):
            return _no_error(conv, screenshot, choices, given.recognition, history_lines)
    elif action:
        # recorded before the action is taken: a "start over" belongs to the case it ends
        cases.say_user(conv, "", action, history_lines)
        given = _from_action(knowledge, conv, action)
    elif text is not None and text.strip():
        # once per turn, first: from here on only the masked text is used
        normalised = brain.recogniser.normaliser.normalise(text, conv.key_unfinished)
        conv.key_unfinished = normalised.unfinished
        text = normalised.original_masked
        number = text.strip()
        picked = ""
        if number.isdecimal() and 1 <= int(number) <= len(conv.shown):  # say what was picked
            picked = conv.shown[int(number) - 1]
        cases.say_user(conv, normalised.original_masked, picked, history_lines)
        given = _from_text(brain, conv, text, normalised, choices)
    else:
        given = _Input(_facts(conv, "stale"))
    given.said = screenshot is not None or bool(action) or bool(text and text.strip())
    decision = brain.engine.decide(given.facts)
    replies = effects.apply(brain, conv, decision, event=given.facts.event, key=given.key,
                            recognition=given.recognition, said=given.said)
    if given.hint:
        replies = typed.with_hint(replies)
    for reply in replies:
        cases.say_bot(conv, reply, history_lines)
    conv.shown = [choice.value for choice in replies[-1].choices]
    return TurnResult(tuple(replies), given.recognition, decision.names)


def _no_error(conv: Conversation, screenshot: Normalised, choices: tuple[Choice, ...],
              recognition: Recognition, history_lines: int) -> TurnResult:
    """A screenshot with no error message on it: ask for the text; the step stays open."""
    lang = conv.lang if conv.lang_explicit or not screenshot.text else screenshot.lang
    reply = ImageNote(lang=lang, choices=choices, reason="no-error")
    cases.say_bot(conv, reply, history_lines)
    conv.shown = [choice.value for choice in choices]
    return TurnResult((reply,), recognition)


def _shows_error(knowledge: Knowledge, recognition: Recognition) -> bool:
    """A screenshot counts for the error it shows: a page's own words ("Enter your product
    key") pointing at a topic (how to redeem) are no error message."""
    if recognition.action == "unknown":
        return False
    return any(knowledge.intents[c.intent].kind == "error" for c in recognition.candidates
               if c.intent in knowledge.intents and (recognition.action == "clarify"
                                                     or c.intent == recognition.intent))
