"""Reading one typed reply at a question, as the tests of typed answers ask it."""

from __future__ import annotations

from bot.knowledge.model import Knowledge, Question
from bot.understand.answers import Reading, answer_reader
from bot.understand.normalise import fold


def read(knowledge: Knowledge, intent: str, question: str, text: str) -> Reading:
    """The reading of ``text`` at ``intent``'s ``question`` ("solved": after a remedy)."""
    asked: Question | None = None if question == "solved" else \
        knowledge.intents[intent].questions[question]
    return answer_reader(knowledge).read(asked, fold(text))


def answered(knowledge: Knowledge, intent: str, question: str, text: str) -> str:
    """The answer id it stands for, or "why" / "none"."""
    reading = read(knowledge, intent, question, text)
    return reading.answer if reading.kind == "answer" else reading.kind
