"""OCR slips corrected against the screen's own texts: which exact error message a read is.

A screenshot shows one of the rules file's exact messages, so OCR's slips (「有効期限」 read
as 「有効馬要」, "used" as "weed") are best undone by asking which exact message the read
text is closest to, character by character. Only a clear winner counts; anything less
is left to the recogniser, as typed text would be.
"""

from __future__ import annotations

from typing import NamedTuple

from bot.knowledge.model import Knowledge
from bot.understand.normalise import fold
from bot.understand.phrases import dense_view, message_view, partial_ratio

# Measured on generated pages: wrong winners scored at most 64; the closest pair of exact
# messages (「既に入力」/「既に使用」) is 5.3 apart, so a lead of 5 still tells them apart.
MIN_SIMILARITY = 75.0  # 0–100: how much of a message must be read right
MIN_LEAD = 5.0  # over the closest message of any other intent


class Closest(NamedTuple):
    """The exact message a read text most likely is."""

    intent: str
    lang: str  # the locale the message is written in
    text: str  # the message as the rules file has it


def _dense(text: str) -> str:
    return dense_view(message_view(fold(text)))


def _similarity(message: str, read: str) -> float:
    """How well ``message`` is found in ``read``; a read shorter than it scores less."""
    if not message or not read:
        return 0.0
    score = partial_ratio(message, read)
    return score * min(1.0, len(read) / len(message))


def closest_message(knowledge: Knowledge, folded: str) -> Closest | None:
    """The exact message ``folded`` (a masked, folded read) shows, if one clearly wins."""
    read = _dense(folded)
    best: dict[str, tuple[float, Closest]] = {}
    for intent in knowledge.intents.values():
        for message in intent.messages:
            for lang, text in message.texts.items():
                score = _similarity(_dense(text), read)
                if score > best.get(intent.id, (-1.0, None))[0]:
                    best[intent.id] = (score, Closest(intent.id, lang, text))
    ranked = sorted(best.values(), key=lambda pair: -pair[0])
    if not ranked or ranked[0][0] < MIN_SIMILARITY:
        return None
    runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
    return ranked[0][1] if ranked[0][0] - runner_up >= MIN_LEAD else None
