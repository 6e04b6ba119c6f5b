"""One turn of a conversation: input → engine facts → the winning rule's effect → replies.

Understanding the input (buttons, numbers, answer labels, commands, a pasted key, free text
for the recogniser) is generic; which step comes next is decided only by the engine's
compiled rules. Works on a ``Conversation`` in place; storing it is the caller's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from bot.dialogue import steps
from bot.dialogue.conversation import Conversation
from bot.dialogue.engine import FALLBACK_RULE, Decision, Facts
from bot.dialogue.replies import (
    WHY,
    Choice,
    Clarify,
    ClarifyOption,
    Escalate,
    EscalationSummary,
    Explanation,
    ImageNote,
    NotRecognised,
    Reply,
    TranscriptLine,
)
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
_TRANSCRIPT_CHARS = 300
SCREENSHOT_MARK = "(screenshot)"  # a screenshot's line in the transcript: this, then its text


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


def repair(knowledge: Knowledge, conv: Conversation) -> bool:
    """After a rules reload, a conversation whose step no longer exists starts over (True)."""
    intent = knowledge.intents.get(conv.intent)
    steps_of = {"ask": intent.questions if intent else {},
                "remedy": intent.remedies if intent else {}, "outcome": knowledge.outcomes}
    if conv.lang not in knowledge.locale_ids:
        conv.lang, conv.lang_explicit = knowledge.default_locale, False
    conv.candidates = [c for c in conv.candidates if c in knowledge.intents]
    if conv.intent and (intent is None or conv.step not in steps_of.get(conv.step_kind, {})):
        _reset(conv)
        return True
    return False


def _reset(conv: Conversation) -> None:
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
    recognition = brain.recogniser.recognise(normalised)
    if not conv.lang_explicit and recognition.action != "unknown":
        conv.lang = recognition.lang
    return _Input(_facts(conv, "message", recog=recognition.action,
                         recognised=recognition.intent or ""),
                  key=normalised.key, recognition=recognition)


def _history(conv: Conversation, role: str, text: str, limit: int) -> None:
    conv.history.append([role, text[:_TRANSCRIPT_CHARS]])
    del conv.history[:-limit]


def take_turn(brain: Brain, conv: Conversation, *, text: str | None, action: str | None,
              history_lines: int, screenshot: Normalised | None = None) -> TurnResult:
    """Advance ``conv`` by one user turn and return what to say.

    ``screenshot``: a screenshot's text, already normalised and masked, read like a typed
    message; one that shows no error gets an ``ImageNote`` asking for the text instead.
    """
    knowledge = brain.knowledge
    choices = current_choices(knowledge, conv)
    labels = {c.value: c.label for c in choices}
    if screenshot is not None:
        return _screenshot_turn(brain, conv, screenshot, choices, history_lines)
    if action:
        user_line = f"[{labels.get(action, action)}]"
        given = _from_action(knowledge, conv, action)
    elif text is not None and text.strip():
        normalised = brain.recogniser.normaliser.normalise(text)  # once per turn
        user_line = normalised.original_masked
        number = text.strip()
        if number.isdecimal() and 1 <= int(number) <= len(conv.shown):  # say what was picked
            user_line += f" [{labels.get(conv.shown[int(number) - 1], '')}]"
        given = _from_text(brain, conv, text, normalised, choices)
    else:
        given, user_line = _Input(_facts(conv, "stale")), ""
    if user_line:
        _history(conv, "user", user_line, history_lines)
    replies = _apply(brain, conv, given, brain.engine.decide(given.facts))
    for reply in replies:
        _history(conv, "bot", _summary(reply), history_lines)
    conv.shown = [choice.value for choice in replies[-1].choices]
    return TurnResult(tuple(replies), given.recognition)


def _screenshot_turn(brain: Brain, conv: Conversation, screenshot: Normalised,
                     choices: tuple[Choice, ...], history_lines: int) -> TurnResult:
    _history(conv, "user", f"{SCREENSHOT_MARK} {screenshot.original_masked}".strip(),
             history_lines)
    given = _from_text(brain, conv, screenshot.original_masked, screenshot, choices)
    if given.recognition is not None and not _shows_error(brain.knowledge, given.recognition):
        lang = conv.lang if conv.lang_explicit or not screenshot.text else screenshot.lang
        replies: list[Reply] = [ImageNote(lang=lang, choices=choices, reason="no-error")]
    else:
        replies = _apply(brain, conv, given, brain.engine.decide(given.facts))
    for reply in replies:
        _history(conv, "bot", _summary(reply), history_lines)
    conv.shown = [choice.value for choice in replies[-1].choices]
    return TurnResult(tuple(replies), given.recognition)


def _shows_error(knowledge: Knowledge, recognition: Recognition) -> bool:
    """A screenshot counts for the error it shows: a page's own words ("Enter your product
    key") pointing at a topic (how to redeem) are no error message."""
    if recognition.action == "unknown":
        return False
    return any(knowledge.intents[c.intent].kind == "error" for c in recognition.candidates
               if c.intent in knowledge.intents and (recognition.action == "clarify"
                                                     or c.intent == recognition.intent))


def _summary(reply: Reply) -> str:
    text = getattr(reply, "text", "") or getattr(reply, "prompt", "")
    return f"{reply.kind}: {text}" if text else reply.kind


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
        return [_escalate(knowledge, conv, reason, "", remedy_links)]
    if effect in ("explain-question", "explain-path"):
        return [_explain(knowledge, conv, effect == "explain-question")]
    if effect == "restart":
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
    return _show(knowledge, conv)


def _show(knowledge: Knowledge, conv: Conversation) -> Reply:
    target = Target(conv.step_kind, conv.step)  # type: ignore[arg-type]
    if target.kind == "outcome":
        outcome = knowledge.outcomes[target.id]
        conv.status = "escalated" if outcome.escalate else "closed"
        if outcome.escalate:
            return _escalate(knowledge, conv, "outcome", outcome.id, outcome.links)
    return steps.step_reply(knowledge, conv)


def _clarify(knowledge: Knowledge, conv: Conversation) -> Clarify:
    fb = knowledge.default_locale
    intents = [knowledge.intents[i] for i in conv.candidates]
    return Clarify(lang=conv.lang, choices=tuple(
        Choice(f"intent:{i.id}", i.title.get(conv.lang, fb)) for i in intents),
        options=tuple(ClarifyOption(i.id, i.title.get(conv.lang, fb),
                                    tuple(m.get(conv.lang, fb) for m in i.messages))
                      for i in intents))


def _escalate(knowledge: Knowledge, conv: Conversation, reason: str, outcome: str,
              link_ids: tuple[str, ...]) -> Escalate:
    intent = knowledge.intents.get(conv.intent)
    fb = knowledge.default_locale
    text = knowledge.outcomes[outcome].text.get(conv.lang, fb) if outcome else ""
    summary = EscalationSummary(
        conversation_id=conv.id, reason=reason, intent=intent.id if intent else None,
        intent_title=intent.title.get(conv.lang, fb) if intent else None, lang=conv.lang,
        answers=steps.answer_lines(knowledge, conv),
        masked_key=conv.key["masked"] if conv.key else None, key=KeyCheck.from_data(conv.key),
        transcript=tuple(TranscriptLine(role, line) for role, line in conv.history),
        links=steps.links(knowledge, link_ids, conv.lang), outcome=outcome or None)
    return Escalate(lang=conv.lang, choices=(steps.RESTART_CHOICE,), text=text, summary=summary)


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
                       path=() if about_question else steps.answer_lines(knowledge, conv),
                       rules=tuple(conv.fired))
