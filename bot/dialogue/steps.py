"""Builds reply objects from the knowledge for a conversation's current step (no wording here).

Everything a reply says comes from the rules file (domain text, in the conversation's
language) or is an interface msgid the renderer translates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.dialogue.conversation import Conversation
from bot.dialogue.replies import (
    RESTART,
    SOLVED_NO,
    SOLVED_YES,
    WHY,
    AnswerLine,
    Ask,
    Choice,
    Closed,
    LinkRef,
    Remedy,
    Reply,
    Welcome,
)
from bot.knowledge.model import Intent, Knowledge, Target
from bot.understand.keys import KeyCheck

WHY_CHOICE = Choice(WHY, "Why?", interface=True)
PATH_CHOICE = Choice(WHY, "How did we get here?", interface=True)
RESTART_CHOICE = Choice(RESTART, "Start over", interface=True)
SOLVED_CHOICES = (Choice(SOLVED_YES, "Yes, it's solved", interface=True),
                  Choice(SOLVED_NO, "No, it still fails", interface=True))


def links(knowledge: Knowledge, ids: tuple[str, ...], lang: str) -> tuple[LinkRef, ...]:
    fallback = knowledge.default_locale
    return tuple(LinkRef(i, knowledge.links[i].url, knowledge.links[i].label.get(lang, fallback))
                 for i in ids if i in knowledge.links)


def lang_choices(knowledge: Knowledge, current: str) -> tuple[Choice, ...]:
    return tuple(Choice(f"lang:{loc.id}", loc.name) for loc in knowledge.locales
                 if loc.id != current)


def welcome(knowledge: Knowledge, conv: Conversation, reason: str = "start") -> Welcome:
    return Welcome(lang=conv.lang, choices=lang_choices(knowledge, conv.lang), reason=reason)


def answer_lines(knowledge: Knowledge, conv: Conversation,
                 answered: Iterable[Sequence[str]] | None = None) -> tuple[AnswerLine, ...]:
    """The questions answered (``answered``: question and answer ids; default: every answer
    so far), as texts in the conversation's language."""
    intent = knowledge.intents.get(conv.intent)
    if intent is None:
        return ()
    fb, lines = knowledge.default_locale, []
    for question_id, answer_id in conv.answers if answered is None else answered:
        question = intent.questions.get(question_id)
        answer = question.answer(answer_id) if question else None
        if question and answer:
            lines.append(AnswerLine(question.text.get(conv.lang, fb),
                                    answer.label.get(conv.lang, fb)))
    return tuple(lines)


def step_reply(knowledge: Knowledge, conv: Conversation) -> Reply:
    """The reply that shows the conversation's current step (its question, remedy or end)."""
    intent = knowledge.intents.get(conv.intent)
    if intent is None or not conv.step_kind:
        return welcome(knowledge, conv)
    return target_reply(knowledge, intent, Target(conv.step_kind, conv.step), conv)  # type: ignore[arg-type]


def target_reply(knowledge: Knowledge, intent: Intent, target: Target,
                 conv: Conversation) -> Reply:
    lang, fb = conv.lang, knowledge.default_locale
    title = intent.title.get(lang, fb)
    if target.kind == "ask":
        question = intent.questions[target.id]
        choices = tuple(Choice(f"answer:{question.id}:{a.id}", a.label.get(lang, fb))
                        for a in question.answers if a.when is None)
        return Ask(lang=lang, choices=(*choices, WHY_CHOICE), intent=intent.id,
                   intent_title=title, question=question.id, text=question.text.get(lang, fb),
                   accepts_key=question.check == "product-key", key=None)
    if target.kind == "remedy":
        remedy = intent.remedies[target.id]
        return Remedy(lang=lang, choices=(*SOLVED_CHOICES, PATH_CHOICE), intent=intent.id,
                      intent_title=title, remedy=remedy.id, text=remedy.text.get(lang, fb),
                      links=links(knowledge, remedy.links, lang), key=KeyCheck.from_data(conv.key))
    outcome = knowledge.outcomes[target.id]
    return Closed(lang=lang, choices=(RESTART_CHOICE,), outcome=outcome.id,
                  text=outcome.text.get(lang, fb), links=links(knowledge, outcome.links, lang))
