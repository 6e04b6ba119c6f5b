"""The escalation summary: the current case as a person needs it, wholly in one language.

Everything the summary shows is taken from the rules file in the summary's language when it is
built, including the transcript (stored as references by ``bot.dialogue.cases``), so that a
Japanese summary never shows an English answer label, whatever language a line was said in.
"""

from __future__ import annotations

from bot.dialogue import steps
from bot.dialogue.conversation import Conversation
from bot.dialogue.replies import Choice, Escalate, EscalationSummary, TranscriptLine
from bot.knowledge.model import Intent, Knowledge
from bot.understand.keys import KeyCheck

BOT_CHARS = 300  # a step's text in the transcript is cut here: the summary is not the manual


def escalate(knowledge: Knowledge, conv: Conversation, reason: str, outcome: str,
             link_ids: tuple[str, ...], *, in_a_row: int = 0) -> Escalate:
    """The hand-off reply: the outcome's text (if any) and the summary of the current case.

    ``in_a_row``: for reason ``unrecognised``, how many messages in a row were not recognised.
    """
    intent = knowledge.intents.get(conv.intent)
    lang, fb = conv.lang, knowledge.default_locale
    text = knowledge.outcomes[outcome].text.get(lang, fb) if outcome else ""
    locale = next(loc for loc in knowledge.locales if loc.id == lang)
    summary = EscalationSummary(
        conversation_id=conv.id, reason=reason, intent=intent.id if intent else None,
        intent_title=intent.title.get(lang, fb) if intent else None, lang=lang,
        answers=steps.answer_lines(knowledge, conv),
        masked_key=conv.key["masked"] if conv.key else None, key=KeyCheck.from_data(conv.key),
        transcript=transcript(knowledge, conv), links=steps.links(knowledge, link_ids, lang),
        outcome=outcome or None, lang_name=locale.name, next_step=text, in_a_row=in_a_row)
    return Escalate(lang=lang, choices=(steps.RESTART_CHOICE,), text=text, summary=summary,
                    support=steps.links(knowledge, knowledge.fallback_links, lang))


def transcript(knowledge: Knowledge, conv: Conversation) -> tuple[TranscriptLine, ...]:
    """The current case's lines, put into words in the conversation's language."""
    intent = knowledge.intents.get(conv.intent)
    lines = []
    for entry in conv.history:
        if entry[0] == "user":
            value = entry[2] if len(entry) > 2 else ""
            lines.append(TranscriptLine("user", entry[1],
                                        choice=choice_for(knowledge, intent, value, conv.lang)))
        elif len(entry) == 2:  # stored as text by an earlier keyhelp
            lines.append(TranscriptLine("bot", entry[1]))
        else:
            text = _step_text(knowledge, intent, entry[1], entry[2], conv.lang)
            lines.append(TranscriptLine("bot", _cut(text), kind=entry[1]))
    return tuple(lines)


def choice_for(knowledge: Knowledge, intent: Intent | None, value: str,
               lang: str) -> Choice | None:
    """The choice a stored action value stands for, labelled in ``lang``."""
    fb = knowledge.default_locale
    interface = {c.value: c for c in (steps.WHY_CHOICE, steps.RESTART_CHOICE,
                                      *steps.SOLVED_CHOICES)}
    if value in interface:
        return interface[value]
    kind, _, rest = value.partition(":")
    if kind == "answer" and intent is not None:
        question_id, _, answer_id = rest.partition(":")
        question = intent.questions.get(question_id)
        answer = question.answer(answer_id) if question else None
        return Choice(value, answer.label.get(lang, fb)) if answer else None
    if kind == "intent" and rest in knowledge.intents:
        return Choice(value, knowledge.intents[rest].title.get(lang, fb))
    if kind == "lang":
        return next((Choice(value, loc.name) for loc in knowledge.locales if loc.id == rest),
                    None)
    return None


def _step_text(knowledge: Knowledge, intent: Intent | None, kind: str, ref: str,
               lang: str) -> str:
    """The text of the step a keyhelp line showed ("" when it has none or is gone)."""
    fb = knowledge.default_locale
    if kind in ("closed", "escalate") and ref in knowledge.outcomes:
        return knowledge.outcomes[ref].text.get(lang, fb)
    if intent is None:
        return ""
    if kind == "ask" and ref in intent.questions:
        return intent.questions[ref].text.get(lang, fb)
    if kind == "remedy" and ref in intent.remedies:
        return intent.remedies[ref].text.get(lang, fb)
    return ""


def _cut(text: str) -> str:
    return text if len(text) <= BOT_CHARS else text[:BOT_CHARS - 1] + "…"
