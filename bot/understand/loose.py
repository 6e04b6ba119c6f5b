"""Phrases found with their words inflected or spread apart ("entered it before").

People rarely repeat a message's grammar: "the key is not a valid one" for "isn't valid",
"it was entered before" for "entered before". Latin words are cut to their stem (entered,
enters, entering → enter) and contractions spelled out (isn't → is not), as the rules file's
``words`` of each locale say (``WordReader``); a phrase is found when its stems occur in order
with at most ``MAX_GAP`` other words between neighbours. Phrases of languages written
without spaces are compared without their particles (が・は・を) and with one negative ending
matching any (見つからない ~ 見つからず), again as the rules file says.
It is weaker evidence than an exact or typo match, and knows no intent.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from bot.knowledge.model import Knowledge
from bot.understand.phrases import Hit, Phrase

MAX_GAP = 3  # other words allowed between two words of a phrase
LOOSE_QUALITY = 0.7  # a phrase found loosely says less than one found as written
MAX_WORDS = 400  # words of a message looked at: bounds the work on huge inputs
# Short phrases found loosely mislead ("in use" in "in the us"): a phrase needs this many
# letters of stems, a one-word phrase this many (it then only differs by its ending).
MIN_LETTERS = 6
MIN_LETTERS_ONE_WORD = 5
MIN_DENSE_STEM = 3  # characters a phrase without spaces must keep to be matched loosely
WORD_CUTOFF = 75  # a typo-matched phrase must find each of its words at least this well


@cache
def _stemmer(algorithm: str) -> tuple[Any, threading.Lock]:
    """A Snowball stemmer and the lock it needs (it keeps the word being stemmed in itself).

    Imported on first use: a message found exactly never needs loose matching.
    """
    import snowballstemmer

    return snowballstemmer.stemmer(algorithm), threading.Lock()


@lru_cache(maxsize=8192)
def _stem(algorithm: str, word: str) -> str:
    stemmer, lock = _stemmer(algorithm)
    with lock:
        return stemmer.stemWord(word)


class WordReader:
    """Words as loose matching compares them, by the rules file's ``words`` of each locale.

    What every locale declares applies together; the stemmer is the first one declared
    (text in a latin script is not told apart by language).
    """

    def __init__(self, knowledge: Knowledge) -> None:
        rules = [loc.words for loc in knowledge.locales if loc.words is not None]
        self.stemmer = next((r.stemmer for r in rules if r.stemmer), None)
        self.spelled_out: dict[str, tuple[str, ...]] = {
            short: full for r in rules for short, full in r.spelled_out.items()}
        self.shorthand: dict[str, str] = {
            short: full for r in rules for short, full in r.shorthand.items()}
        function = {word for r in rules for word in r.function_words}
        self.function_stems = frozenset(self.words(" ".join(sorted(function))))
        self.particles = "|".join(f"(?:{r.particles})" for r in rules if r.particles) or None
        # longest first: "ありません" is cut whole, not as "ません"
        self.negative_endings = tuple(sorted({e for r in rules for e in r.negative_endings},
                                             key=len, reverse=True))
        self.negative_forms = tuple(f for r in rules for f in r.negative_forms)

    def drop_particles(self, dense: str) -> str:
        """The text without the particles between its words."""
        # compiled on first use by re's own cache: a cached start never pays for the pattern
        return re.sub(self.particles, "", dense) if self.particles else dense

    def cut_negative(self, dense: str) -> str:
        """The text without its negative ending, if it has one."""
        ending = next((e for e in self.negative_endings if dense.endswith(e)), "")
        return dense[:len(dense) - len(ending)]

    def negative_at(self, dense: str, at: int) -> bool:
        """A negative form begins at ``at`` (見つから|ない, 見つから|ず)."""
        return any(dense.startswith(form, at) for form in self.negative_forms)

    def write_out(self, spaced: str) -> str:
        """A spaced view with chat shorthand written out (" ur order " → " your order ")."""
        if not any(f" {short} " in spaced for short in self.shorthand):
            return spaced  # the common case, decided by a few substring searches
        return " " + " ".join(self.shorthand.get(w, w) for w in spaced.split()) + " "

    def stem(self, word: str) -> str:
        """The word's stem ("entered" → "enter"; "apply" stays apart from "app")."""
        return _stem(self.stemmer, word) if self.stemmer else word

    def words(self, spaced: str) -> list[str]:
        """The stems of a spaced view, contractions spelled out (isnt → is not)."""
        out: list[str] = []
        for word in spaced.split()[:MAX_WORDS]:
            spelled = self.spelled_out.get(word)
            if spelled is not None:
                out.extend(spelled)
            else:
                out.append(self.stem(word))
        return out


PREFIX = (2, 3)  # letters of a prefix that makes another word (in-, un-, non-, dis-)


def words_found(phrase: str, views: tuple[str, str], exact: frozenset[str] = frozenset()) -> bool:
    """Every word of a latin phrase (of 3+ letters) is in the text, typos allowed; but a word
    in ``exact`` (the denying words: "not" is no typo of "now") only as written."""
    # a typo match of a whole phrase can hide a different word: "where do i put" in
    # "where do i register", "key not working" in "display is not working"
    from rapidfuzz import fuzz, process  # on first use, like bot.understand.phrases.partial_ratio

    text = views[0].split()
    if any(word in exact and word not in text for word in phrase.split()):
        return False
    return all((word in views[1] and not _prefixed(word, text))
               or any(not _prefixed(found, [word]) for found, _, _ in process.extract(
                   word, text, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF, limit=3))
               for word in phrase.split() if len(word) >= 3)


def prefixed(longer: str, word: str) -> bool:
    """``longer`` is ``word`` behind a short prefix: "invalid" of "valid", "unavailable" of
    "available" — another word, often its opposite, never a typo of it."""
    return longer.endswith(word) and PREFIX[0] <= len(longer) - len(word) <= PREFIX[1]


def _prefixed(word: str, text: list[str]) -> bool:
    """``word`` stands in the text only behind a short prefix of another word (and the other
    way round, asked with ``text`` = [phrase word]: "unavailable" is no typo of "available")."""
    inside = [t for t in text if word in t]
    return bool(inside) and all(prefixed(t, word) for t in inside)


class LooseIndex:
    """Latin phrases by their first stem, for in-order, gap-tolerant lookup."""

    def __init__(self, phrases: Iterable[Phrase], reader: WordReader) -> None:
        self.reader = reader
        self._by_first: dict[str, list[tuple[tuple[str, ...], frozenset[str], Phrase]]] = {}
        # written without spaces: (stem, negative, phrase) by the stem's first two characters
        self._dense: dict[str, list[tuple[str, bool, Phrase]]] = {}
        for phrase in phrases:
            if phrase.sources == {"oos"} or phrase.scope is not None:
                continue  # out-of-scope and scope phrases: exact ("valid keys" ≠ "a valid key")
            if phrase.dense:
                bare = reader.drop_particles(phrase.text)
                stem_ = reader.cut_negative(bare)
                if len(stem_) >= MIN_DENSE_STEM and (stem_ != phrase.text):
                    self._dense.setdefault(stem_[:2], []).append((stem_, stem_ != bare, phrase))
                continue
            stems = tuple(reader.words(phrase.text))
            letters = sum(map(len, stems))
            if letters >= (MIN_LETTERS if len(stems) > 1 else MIN_LETTERS_ONE_WORD):
                self._by_first.setdefault(stems[0], []).append((stems, frozenset(stems), phrase))

    def match(self, views: tuple[str, str], found: list[Hit]) -> list[Hit]:
        """Phrases found loosely in a message's views where better than ``found`` already."""
        hits: dict[int, Hit] = {}
        quality = {id(h.phrase): h.quality for h in found}
        self._match_dense(views[1], quality, hits)
        # phrases of two or more words found as written claim their words (see _claimed)
        exact = [h.phrase for h in found if h.quality >= 1.0 and not h.phrase.dense
                 and h.phrase.group is None and h.phrase.scope is None and " " in h.phrase.text]
        self._match_spaced(views[0], quality, exact, hits)
        return list(hits.values())

    def _match_dense(self, dense: str, found: dict[int, float], hits: dict[int, Hit]) -> None:
        if not self._dense or dense.isascii():
            return
        bare = self.reader.drop_particles(dense)
        starts = {bare[i:i + 2] for i in range(len(bare) - 1)}
        for start in starts & self._dense.keys():
            for stem_, negative, phrase in self._dense[start]:
                if found.get(id(phrase), 0.0) >= LOOSE_QUALITY:
                    continue
                at = bare.find(stem_)
                while at >= 0:
                    if not negative or self.reader.negative_at(bare, at + len(stem_)):
                        hits[id(phrase)] = Hit(phrase, LOOSE_QUALITY)
                        break
                    at = bare.find(stem_, at + 1)

    def _match_spaced(self, spaced: str, found: dict[int, float], exact: list[Phrase],
                      hits: dict[int, Hit]) -> None:
        text = self.reader.words(spaced)
        present = set(text)
        claimed: dict[int, tuple[str, ...]] | None = None
        by_first = self._by_first
        for start, first in enumerate(text):
            for stems, needed, phrase in by_first.get(first, ()):
                key = id(phrase)
                if key in hits or found.get(key, 0.0) >= LOOSE_QUALITY or not needed <= present:
                    continue
                used = follows(stems, text, start)
                if used is None:
                    continue
                if claimed is None:
                    claimed = _claimed(exact, text, self.reader)
                # "entered … already" must not borrow the "already" of "already used"
                if not any(p in claimed and claimed[p] != phrase.targets for p in used):
                    hits[key] = Hit(phrase, LOOSE_QUALITY)


def _claimed(exact: list[Phrase], text: list[str],
             reader: WordReader) -> dict[int, tuple[str, ...]]:
    """Word positions taken by a phrase found exactly, with the intents that phrase names."""
    claimed: dict[int, tuple[str, ...]] = {}
    for phrase in exact:
        stems = reader.words(phrase.text)
        for at in range(len(text) - len(stems) + 1):
            if text[at:at + len(stems)] == stems:
                claimed.update(dict.fromkeys(range(at, at + len(stems)), phrase.targets))
    return claimed


def follows(stems: tuple[str, ...], text: list[str], start: int) -> list[int] | None:
    """Positions of ``stems`` in order from ``start``, each within the allowed gap; or None."""
    at, used = start, [start]
    for wanted in stems[1:]:
        end = min(len(text), at + 2 + MAX_GAP)
        for pos in range(at + 1, end):
            if text[pos] == wanted:
                at = pos
                used.append(pos)
                break
        else:
            return None
    return used
