"""One turn of a conversation: input → engine facts → the winning rule's effect → replies.

Understanding the input (buttons, numbers, answer labels, commands, a pasted key, free text
for the recogniser) is generic; which step comes next is decided only by the engine's
compiled rules. Works on a ``Conversation`` in place; storing it is the caller's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from bot.dialogue import cases, steps
from bot.dialogue.conversation import Conversation
from bot.dialogue.engine import FALLBACK_RULE, Decision, Facts
from bot.dialogue.language import follow_message
from bot.dialogue.replies import (
    WHY,
    Choice,
    Clarify,
    ClarifyOption,
    Explanation,
    NotRecognised,
    Reply,
)
from bot.dialogue.summary import escalate
from bot.knowledge.catalogs import fold_command
from bot.knowledge.model import Knowledge, Target
from bot.understand.keys import KeyCheck

if TYPE_CHECKING:
    from bot.dialogue.reload import Brain
    from bot.understand.normalise import Normalised
    from bot.understand.recognise import Recognition

_ACTION_EVENTS = {"restart": "restart", "why": "why", "solved:yes": "solved",
                  "solved:no": "unsolved"}
_COMMAND_EVENTS = {"restart": "restart", "why": "why", "yes": "solved", "no": "unsolved"}


class TurnResult(NamedTuple):
    """The replies of one turn and the recognition behind them."""

    replies: tuple[Reply, ...]
    recognition: Recognition | None


@dataclass
class _Input:
    """One turn's input as the engine sees it, with the pasted key's check."""

    facts: Facts
    key: KeyCheck | None = None  # pasted this turn
    recognition: Recognition | None = None
    lang_changed: bool = False
    said: bool = False  # the user sent something this turn (its transcript line is the last)


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
        _reset(conv)
        return True
    return False


def _reset(conv: Conversation) -> None:
    """Forget where the case stood (its transcript is the caller's: see ``cases.end_case``)."""
    conv.intent = conv.step_kind = conv.step = ""
    conv.answers, conv.candidates, conv.fired, conv.shown = [], [], [], []
    conv.key, conv.streak, conv.status = None, 0, "new"


def current_choices(knowledge: Knowledge, conv: Conversation) -> tuple[Choice, ...]:
    if conv.candidates:
        return _clarify(knowledge, conv).choices
    return steps.step_reply(knowledge, conv).choices


def _facts(conv: Conversation, event: str, **more: object) -> Facts:
    return Facts(event=event, intent=conv.intent, step_kind=conv.step_kind, step=conv.step,
                 streak=conv.streak, lang=conv.lang, **more)  # type: ignore[arg-type]


def _from_action(knowledge: Knowledge, conv: Conversation, action: str) -> _Input:
    if action in _ACTION_EVENTS:
        return _Input(_facts(conv, _ACTION_EVENTS[action]))
    kind, _, rest = action.partition(":")
    if kind == "lang" and rest in knowledge.locale_ids:
        conv.lang, conv.lang_explicit = rest, True
        return _Input(_facts(conv, "lang"), lang_changed=True)
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
            check = "key-clean" if normalised.key.clean else "key-suspicious"
            return _Input(_facts(conv, "key", check=check), key=normalised.key)
    if conv.status in ("closed", "escalated"):  # a new message after the end: a new case
        cases.end_case(conv, conv.status, keep=1)
        _reset(conv)
    recognition = brain.recogniser.recognise(normalised)
    follow_message(knowledge, conv, recognition, normalised)
    return _Input(_facts(conv, "message", recog=recognition.action,
                         recognised=recognition.intent or ""),
                  key=normalised.key, recognition=recognition)


def take_turn(brain: Brain, conv: Conversation, *, text: str | None, action: str | None,
              history_lines: int) -> TurnResult:
    """Advance ``conv`` by one user turn and return what to say."""
    knowledge = brain.knowledge
    choices = current_choices(knowledge, conv)
    if action:
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
    given.said = bool(action) or bool(text and text.strip())
    replies = _apply(brain, conv, given, brain.engine.decide(given.facts))
    for reply in replies:
        cases.say_bot(conv, reply, history_lines)
    conv.shown = [choice.value for choice in replies[-1].choices]
    return TurnResult(tuple(replies), given.recognition)


def _apply(brain: Brain, conv: Conversation, given: _Input, decision: Decision) -> list[Reply]:
    knowledge = brain.knowledge
    effect = decision.effect
    if effect != "not-recognised":
        conv.streak = 0
    if effect == "go":
        return [_go(brain, conv, given, decision)]
    if effect == "clarify":
        assert given.recognition is not None
        conv.candidates = [c.intent for c in given.recognition.candidates]
        return [_clarify(knowledge, conv)]
    if effect == "not-recognised":
        conv.streak += 1
        current = steps.step_reply(knowledge, conv) if conv.step_kind else None
        fb = knowledge.default_locale
        return [NotRecognised(lang=conv.lang, choices=current.choices if current else (),
                              at_step=current is not None,
                              prompt=getattr(current, "text", "") if current else "",
                              topics=tuple(i.title.get(conv.lang, fb)
                                           for i in knowledge.intents.values()),
                              links=steps.links(knowledge, knowledge.fallback_links, conv.lang))]
    if effect in ("escalate-unrecognised", "escalate-unsolved"):
        conv.status = "escalated"
        reason = "unrecognised" if effect == "escalate-unrecognised" else "unsolved"
        remedy_links = ()
        if conv.step_kind == "remedy":
            remedy_links = knowledge.intents[conv.intent].remedies[conv.step].links
        return [escalate(knowledge, conv, reason, "", remedy_links)]
    if effect in ("explain-question", "explain-path"):
        return [_explain(knowledge, conv, effect == "explain-question")]
    if effect == "restart":
        cases.end_case(conv, "restarted")
        _reset(conv)
        return [steps.welcome(knowledge, conv, "restart")]
    # stay: show where the conversation stands (after a language change, in the new language)
    if not conv.step_kind and not conv.candidates:
        return [steps.welcome(knowledge, conv, "lang" if given.lang_changed else "start")]
    return [_clarify(knowledge, conv) if conv.candidates and not conv.step_kind
            else _show(knowledge, conv)]


def _go(brain: Brain, conv: Conversation, given: _Input, decision: Decision) -> Reply:
    knowledge = brain.knowledge
    if decision.rule.startswith("start:"):
        if conv.intent or conv.status in ("closed", "escalated"):  # a case was under way
            how = conv.status if conv.status in ("closed", "escalated") else "replaced"
            cases.end_case(conv, how, keep=1 if given.said else 0)
        _reset(conv)
        conv.intent, conv.status = decision.intent, "open"
    elif decision.answer and conv.step_kind == "ask":
        conv.answers.append([conv.step, decision.answer])
    if given.key is not None:
        conv.key = given.key.to_data()
    conv.candidates = []
    conv.fired = [name for name in decision.fired if name != FALLBACK_RULE]
    assert decision.target is not None
    conv.step_kind, conv.step = decision.target.kind, decision.target.id
    if given.key is not None and given.facts.event != "key" and conv.step_kind == "ask":
        question = knowledge.intents[conv.intent].questions[conv.step]
        if question.check == "product-key":  # the key came with the message: check it now
            check = "key-clean" if given.key.clean else "key-suspicious"
            facts = _facts(conv, "key", check=check)
            again = brain.engine.decide(facts)
            if again.effect == "go":
                first = conv.fired
                reply = _go(brain, conv, _Input(facts, key=given.key), again)
                conv.fired = first + conv.fired
                return reply
    # an outcome reached by "no, it still fails" hands over because the remedy failed
    return _show(knowledge, conv, "unsolved" if given.facts.event == "unsolved" else "outcome")


def _show(knowledge: Knowledge, conv: Conversation, reason: str = "outcome") -> Reply:
    target = Target(conv.step_kind, conv.step)  # type: ignore[arg-type]
    if target.kind == "outcome":
        outcome = knowledge.outcomes[target.id]
        conv.status = "escalated" if outcome.escalate else "closed"
        if outcome.escalate:
            return escalate(knowledge, conv, reason, outcome.id, outcome.links)
    return steps.step_reply(knowledge, conv)


def _clarify(knowledge: Knowledge, conv: Conversation) -> Clarify:
    fb = knowledge.default_locale
    intents = [knowledge.intents[i] for i in conv.candidates]
    return Clarify(lang=conv.lang, choices=tuple(
        Choice(f"intent:{i.id}", i.title.get(conv.lang, fb)) for i in intents),
        options=tuple(ClarifyOption(i.id, i.title.get(conv.lang, fb),
                                    tuple(m.get(conv.lang, fb) for m in i.messages))
                      for i in intents))


def _explain(knowledge: Knowledge, conv: Conversation, about_question: bool) -> Explanation:
    intent = knowledge.intents[conv.intent]
    fb = knowledge.default_locale
    causes: tuple[str, ...] = ()
    if about_question:
        question = intent.questions[conv.step]
        causes = tuple(intent.causes[c].text.get(conv.lang, fb) for c in question.separates
                       if c in intent.causes)
    choices = tuple(c for c in _show(knowledge, conv).choices if c.value != WHY)
    return Explanation(lang=conv.lang, choices=choices,
                       about="question" if about_question else "path",
                       intent_title=intent.title.get(conv.lang, fb), causes=causes,
                       path=() if about_question else steps.answer_lines(knowledge, conv))
