"""The texts of a rules file that people read, for tests of wording and language."""

from __future__ import annotations

from collections.abc import Iterator

from bot.knowledge.model import Knowledge, Localized


def shown_texts(knowledge: Knowledge, *, messages: bool = True) -> Iterator[Localized]:
    """Every localized text keyhelp shows: titles, causes, questions, answers, remedies,
    outcomes, link labels and (with ``messages``) the errors' exact on-screen messages."""
    yield from (link.label for link in knowledge.links.values())
    yield from (outcome.text for outcome in knowledge.outcomes.values())
    for intent in knowledge.intents.values():
        yield intent.title
        if messages:
            yield from intent.messages
        yield from (cause.text for cause in intent.causes.values())
        for question in intent.questions.values():
            yield question.text
            yield from (answer.label for answer in question.answers)
        yield from (remedy.text for remedy in intent.remedies.values())
