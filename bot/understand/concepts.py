"""Last-resort evidence from content words an intent's texts use ("order" + "processed").

When no phrase is found at all, a message may still use the words of one intent's
messages and cues in its own grammar: "the order we placed was never processed". Each
latin word stem of the rules file is weighted by how few intents use it (IDF over
intents); a stem most intents share tells nothing. The channel speaks only when two or
more of one intent's stems are present and that intent clearly leads, and only for a
message nothing else recognised and no out-of-scope phrase marked.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from bot.understand.loose import WordReader
from bot.understand.phrases import OUT_OF_SCOPE, Hit, Phrase

COMMON_INTENTS = 3  # a stem used by this many intents ("key", "product", "the") is ignored
MIN_STEM = 4  # shorter stems ("us", "can", "not") are grammar, not content
MIN_WORDS = 2  # distinct stems of one intent a message must use
MIN_SCORE = 1.5  # summed stem weights the leading intent needs
MARGIN = 0.75  # ... and by how much it must lead the next intent
SCALE = 0.4  # evidence per unit of stem weight: weak, like a loose phrase


class Concepts:
    """Stems of each intent's own phrases, weighted by how specific they are."""

    def __init__(self, phrases: Iterable[Phrase], intents: Iterable[str],
                 reader: WordReader) -> None:
        """``reader``: the rules file's word rules (its function words are never content)."""
        self.reader = reader
        function = reader.function_stems
        owners: dict[str, set[str]] = {}
        for phrase in phrases:
            if phrase.dense or phrase.group is not None or len(phrase.targets) != 1 \
                    or phrase.targets[0] == OUT_OF_SCOPE:
                continue
            for stem_ in reader.words(phrase.text):
                if len(stem_) >= MIN_STEM and stem_.isalpha() and stem_ not in function:
                    owners.setdefault(stem_, set()).add(phrase.targets[0])
        total = max(2, len(list(intents)))
        self._weights: dict[str, list[tuple[str, float]]] = {
            stem_: [(intent, math.log(total / len(who)) / math.log(total)) for intent in who]
            for stem_, who in owners.items() if len(who) < COMMON_INTENTS}
        self._phrases: dict[str, Phrase] = {}

    def match(self, spaced: str) -> list[Hit]:
        """One weak hit for the intent whose stems the message clearly uses most, or none."""
        score: dict[str, float] = {}
        count: dict[str, int] = {}
        for stem_ in set(self.reader.words(spaced)):
            for intent, weight in self._weights.get(stem_, ()):
                score[intent] = score.get(intent, 0.0) + weight
                count[intent] = count.get(intent, 0) + 1
        ranked = sorted(score.items(), key=lambda kv: -kv[1])
        if not ranked:
            return []
        best, value = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        if count[best] < MIN_WORDS or value < MIN_SCORE or value - second < MARGIN:
            return []
        phrase = self._phrases.setdefault(best, Phrase(f"~{best}", False, (best,), 1.0))
        return [Hit(phrase, min(1.0, SCALE * value))]
