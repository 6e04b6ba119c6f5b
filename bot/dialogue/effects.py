"""Carries out what the engine decided: each fired rule's effect, in order, on a conversation.

Nothing here chooses a next step: the rules (``bot.dialogue.rulebook``) did. An effect moves
the conversation (``go``), ends or begins a case, or says something about where it stands;
the turn's reply is the one the last effect that shows something gives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.dialogue import cases, steps
from bot.dialogue.conversation import Conversation
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
from bot.knowledge.model import Knowledge, Target

if TYPE_CHECKING:
    from bot.dialogue.engine import Decision
    from bot.dialogue.reload import Brain
    from bot.dialogue.rulebook import Rule
    from bot.understand.keys import KeyCheck
    from bot.understand.recognise import Recognition


def reset(conv: Conversation) -> None:
    """Forget where the case stood (its transcript is the caller's: see ``cases.end_case``)."""
    conv.intent = conv.step_kind = conv.step = ""
    conv.answers, conv.candidates, conv.fired, conv.shown = [], [], [], []
    conv.key, conv.streak, conv.status = None, 0, "new"


def apply(brain: Brain, conv: Conversation, decision: Decision, *, event: str,
          key: KeyCheck | None, recognition: Recognition | None, said: bool) -> list[Reply]:
    """Carry out every fired rule; the reply of the last one that shows something.

    ``event`` is the turn's event, ``key`` a key pasted this turn, ``said``: the user sent
    something (its transcript line is the last one).
    """
    reply: Reply | None = None
    unrecognised = False
    for rule in decision.rules:
        unrecognised = unrecognised or rule.effect == "not-recognised"
        shown = _carry_out(brain, conv, rule, event=event, key=key, recognition=recognition,
                           said=said)
        reply = shown if shown is not None else reply
    if not unrecognised:
        conv.streak = 0
    assert reply is not None, "the catch-all rule shows where the conversation stands"
    return [reply]


def _carry_out(brain: Brain, conv: Conversation, rule: Rule, *, event: str,
               key: KeyCheck | None, recognition: Recognition | None,
               said: bool) -> Reply | None:
    knowledge = brain.knowledge
    effect = rule.effect
    if effect == "go":
        return _go(knowledge, conv, rule, event=event, key=key, said=said)
    if effect == "new-case":  # the message after a case ended begins the next one
        cases.end_case(conv, conv.status, keep=1 if said else 0)
        reset(conv)
        return None
    if effect == "check-key":
        return None  # the check result is the next rule's to act on
    if effect == "clarify":
        assert recognition is not None
        conv.candidates = [c.intent for c in recognition.candidates]
        return clarify(knowledge, conv)
    if effect == "not-recognised":
        conv.streak += 1
        return _not_recognised(knowledge, conv)
    if effect in ("hand-off-unrecognised", "hand-off-unsolved"):
        unrecognised = effect == "hand-off-unrecognised"
        conv.status = "escalated"
        remedy_links: tuple[str, ...] = ()
        if conv.step_kind == "remedy":
            remedy_links = knowledge.intents[conv.intent].remedies[conv.step].links
        return escalate(knowledge, conv, "unrecognised" if unrecognised else "unsolved", "",
                        remedy_links, in_a_row=conv.streak + 1 if unrecognised else 0)
    if effect in ("explain-causes", "explain-path"):
        return _explain(brain, conv, about_question=effect == "explain-causes")
    if effect == "restart":
        cases.end_case(conv, "restarted")
        reset(conv)
        return steps.welcome(knowledge, conv, "restart")
    # repeat: show where the conversation stands (after a language change, in the new language)
    if not conv.step_kind and not conv.candidates:
        return steps.welcome(knowledge, conv, "lang" if event == "lang" else "start")
    return clarify(knowledge, conv) if conv.candidates and not conv.step_kind \
        else show(knowledge, conv)


def _go(knowledge: Knowledge, conv: Conversation, rule: Rule, *, event: str,
        key: KeyCheck | None, said: bool) -> Reply:
    if rule.begins:
        if conv.intent:  # a case was under way: the new error replaces it
            cases.end_case(conv, "replaced", keep=1 if said else 0)
        reset(conv)
        conv.intent, conv.status = rule.intent, "open"
    elif rule.answer and rule.at is not None:
        conv.answers.append([rule.at.id, rule.answer])
    if key is not None:
        conv.key = key.to_data()
    conv.candidates = []
    conv.fired.append(rule.name)  # the trace "how did we get here?" is read from
    assert rule.target is not None
    conv.step_kind, conv.step = rule.target.kind, rule.target.id
    # an outcome reached by "no, it still fails" hands over because the remedy failed
    return show(knowledge, conv, "unsolved" if event == "unsolved" else "outcome")


def show(knowledge: Knowledge, conv: Conversation, reason: str = "outcome") -> Reply:
    """The current step; at an outcome that needs a person, the hand-off."""
    target = Target(conv.step_kind, conv.step)  # type: ignore[arg-type]
    if target.kind == "outcome":
        outcome = knowledge.outcomes[target.id]
        conv.status = "escalated" if outcome.escalate else "closed"
        if outcome.escalate:
            return escalate(knowledge, conv, reason, outcome.id, outcome.links)
    return steps.step_reply(knowledge, conv)


def clarify(knowledge: Knowledge, conv: Conversation) -> Clarify:
    """Which of the candidate errors the user sees."""
    fb = knowledge.default_locale
    intents = [knowledge.intents[i] for i in conv.candidates]
    return Clarify(lang=conv.lang, choices=tuple(
        Choice(f"intent:{i.id}", i.title.get(conv.lang, fb)) for i in intents),
        options=tuple(ClarifyOption(i.id, i.title.get(conv.lang, fb),
                                    tuple(m.get(conv.lang, fb) for m in i.messages))
                      for i in intents))


def _not_recognised(knowledge: Knowledge, conv: Conversation) -> NotRecognised:
    current = steps.step_reply(knowledge, conv) if conv.step_kind else None
    fb = knowledge.default_locale
    return NotRecognised(lang=conv.lang, choices=current.choices if current else (),
                         at_step=current is not None,
                         prompt=getattr(current, "text", "") if current else "",
                         topics=tuple(i.title.get(conv.lang, fb)
                                      for i in knowledge.intents.values()),
                         links=steps.links(knowledge, knowledge.fallback_links, conv.lang))


def _explain(brain: Brain, conv: Conversation, *, about_question: bool) -> Explanation:
    """At a question, the causes it tells apart; else the answers that chose each step, read
    from the trace of the rules that fired (``conv.fired``)."""
    knowledge = brain.knowledge
    intent = knowledge.intents[conv.intent]
    fb = knowledge.default_locale
    causes: tuple[str, ...] = ()
    answered: list[tuple[str, str]] = []
    if about_question:
        question = intent.questions[conv.step]
        causes = tuple(intent.causes[c].text.get(conv.lang, fb) for c in question.separates
                       if c in intent.causes)
    else:
        rules = (brain.engine.rules.get(name) for name in conv.fired)
        answered = [(rule.at.id, rule.answer) for rule in rules
                    if rule is not None and rule.answer and rule.at is not None]
    choices = tuple(c for c in show(knowledge, conv).choices if c.value != WHY)
    return Explanation(lang=conv.lang, choices=choices,
                       about="question" if about_question else "path",
                       intent_title=intent.title.get(conv.lang, fb), causes=causes,
                       path=steps.answer_lines(knowledge, conv, answered))
