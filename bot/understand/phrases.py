"""The phrase index the recogniser matches against, compiled from the rules file alone.

Every exact message is cut into clauses; a clause shown by several intents points at all of
them, and so does an opening several messages share (a screenshot cut after "The product key
you entered"). Cues point at their intent, ambiguity cues at their group, out-of-scope phrases
at nobody (``OUT_OF_SCOPE``), scope phrases at nobody but name their part of the ``scope``
section. Nothing here knows any intent: it is all read from the rules.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from functools import cache
from itertools import chain
from typing import NamedTuple

from bot.knowledge.model import Knowledge
from bot.understand.message_index import MessageIndex
from bot.understand.normalise import fold

OUT_OF_SCOPE = ""
_LATIN = re.compile(r"[a-z]")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_NON_WORD = re.compile(r"[\W_]+")
_SCRIPT_EDGE = re.compile(r"(?<=[a-z0-9])(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])(?=[a-z0-9])")
_CLAUSE_END = re.compile(r"[。．.!?！？:：;；\n、,，]|\s+-\s+")


@cache
def _wide() -> re.Pattern[str]:
    """Characters of scripts written without spaces between words (CJK, kana, full-width forms):
    phrases containing them are matched on the text with every space removed.

    Compiled on first use: a class this wide takes ~5 ms to compile, longer than recognising
    a pasted message exactly, which never needs it.
    """
    return re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f"
                      r"\uff00-\uff60\uffe0-\uffe6]")

WINDOW = 3000  # characters of a message matched: bounds the work on huge inputs
FUZZY_MIN_SPACED = 12  # shorter latin phrases must appear exactly (typos in short words mislead)
FUZZY_MIN_DENSE = 6
FUZZY_FLOOR = 0.1  # quality of a fuzzy match right at the cutoff (an exact one is 1.0)
DISCOUNT_IN_OTHER_MESSAGE = 0.4  # a cue that also occurs in another intent's message says less
VERIFY_CUTOFF = 75  # a fuzzy match must find the phrase's own words at least this well
COMMON_INTENTS = 3  # a word (or CJK character pair) in this many intents' messages tells nothing
# Share of q-grams a phrase must have in common with the text before rapidfuzz compares
# them: an 80+ partial ratio implies well over half, so 0.4 loses nothing and saves time.
GRAM_SHARE = 0.4
FREQUENT_GRAM = 0.1  # a q-gram in more than this share of the phrases is not indexed
OPENING_MIN_DENSE = 5  # characters a shared opening needs in a script without spaces


def spaced_view(text: str) -> str:
    """Folded text for word-wise matching: apostrophes dropped, punctuation to single spaces."""
    text = _APOSTROPHE.sub("", fold(text))
    text = _NON_WORD.sub(" ", text)
    return " " + _SCRIPT_EDGE.sub(" ", text).strip() + " "


def message_view(folded: str) -> str:
    """The spaced view of the start of a folded message (``WINDOW`` bounds the work)."""
    return spaced_view(folded[:WINDOW])


def dense_view(spaced: str) -> str:
    """The spaced view without spaces, for scripts that do not separate words."""
    return spaced.replace(" ", "")


def is_dense(phrase: str) -> bool:
    """Written in a script without spaces between words, so matched on the dense view."""
    return bool(_wide().search(phrase))


def weight_of(phrase: str) -> float:
    """Longer phrases are more specific: a wide character counts like 2.5 latin ones."""
    wide = len(_wide().findall(phrase))
    length = len(phrase.replace(" ", "")) - wide + 2.5 * wide
    return min(4.0, max(0.8, length / 8))


@dataclass
class Phrase:
    """One matchable phrase and the intents it points at (in the order they should be offered)."""

    text: str
    dense: bool
    targets: tuple[str, ...]
    weight: float
    group: str | None = None
    sources: set[str] = field(default_factory=set)  # "message" | "cue" | "group" | "oos" | "scope"
    # its stretches of words that few intents' messages share; None: the whole phrase is
    specific: tuple[str, ...] | None = None
    scope: str | None = None  # the part of the scope section it belongs to ("products", …)
    verbatim: bool = False  # word for word in an on-screen message of an intent it points at


class Hit(NamedTuple):
    """A phrase found in a message; its evidence is ``phrase.weight * quality``."""

    phrase: Phrase
    quality: float  # 1.0 for an exact occurrence, less for a fuzzy one


class CommonParts:
    """Words and CJK character pairs that many intents' messages share ("product key", "この")."""

    def __init__(self, message_views: dict[str, list[str]]) -> None:
        words: dict[str, set[str]] = {}
        pairs: dict[str, set[str]] = {}
        for intent_id, views in message_views.items():
            for view in views:
                for word in view.split():
                    words.setdefault(word, set()).add(intent_id)
                dense = dense_view(view)
                for i in range(len(dense) - 1):
                    pairs.setdefault(dense[i:i + 2], set()).add(intent_id)
        self.words = {w for w, owners in words.items() if len(owners) >= COMMON_INTENTS}
        self.pairs = {p for p, owners in pairs.items() if len(owners) >= COMMON_INTENTS}

    def specific(self, text: str, dense: bool) -> tuple[str, ...]:
        """The stretches of ``text`` made of parts that are not common."""
        if dense:
            common = [False] * len(text)
            for i in range(len(text) - 1):
                if text[i:i + 2] in self.pairs:
                    common[i] = common[i + 1] = True
            runs, run = [], ""
            for ch, is_common in zip(text, common, strict=True):
                if is_common:
                    runs.append(run)
                    run = ""
                else:
                    run += ch
            runs.append(run)
        else:
            runs, current = [], []
            for word in text.split():
                if word in self.words:
                    runs.append(" ".join(current))
                    current = []
                else:
                    current.append(word)
            runs.append(" ".join(current))
        return tuple(r for r in runs if len(r) >= (2 if dense else 3))


def clauses(message: str) -> Iterator[str]:
    """Sentences and comma clauses: users paste parts, and parts are shared between messages."""
    for part in _CLAUSE_END.split(message):
        if part.strip():
            yield part


def _common_start(a: str, b: str) -> str:
    """The longest start two texts share."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _opening_key(view: str, dense: bool, words: int) -> str:
    """What two views that share an opening have in common: their first ``words`` words
    (latin), or their first OPENING_MIN_DENSE characters."""
    return view[:OPENING_MIN_DENSE] if dense else " ".join(view.split()[:words])


def openings(knowledge: Knowledge) -> dict[str, list[str]]:
    """Starts that messages of different intents share, beyond one word, with the intents
    whose messages begin so: what a message cut short can still tell ("Sorry, we can't")."""
    starts: list[tuple[str, bool, str]] = []  # (view, dense, intent) of every message
    for intent in knowledge.intents.values():
        for message in intent.messages:
            for text in message.texts.values():
                dense = is_dense(text)
                view = spaced_view(text)
                starts.append((dense_view(view) if dense else view, dense, intent.id))
    # only messages that begin alike can share an opening (two whole words, or
    # OPENING_MIN_DENSE characters): each is compared with its bucket, not with all
    buckets: dict[tuple[bool, str], list[int]] = {}
    by_first: dict[tuple[bool, str], list[int]] = {}  # who begins with an opening found
    for n, (view, dense, _) in enumerate(starts):
        buckets.setdefault((dense, _opening_key(view, dense, 2)), []).append(n)
        by_first.setdefault((dense, _opening_key(view, dense, 1)), []).append(n)

    def owners_bucket(common: str, dense: bool) -> list[int]:
        return by_first.get((dense, _opening_key(common, dense, 1)), [])

    found: dict[str, list[str]] = {}
    for i, (a, dense, owner) in enumerate(starts):
        for j in buckets[(dense, _opening_key(a, dense, 2))]:
            b, other = starts[j][0], starts[j][2]
            if j <= i or owner == other:
                continue
            common = _common_start(a, b)
            if not dense:  # whole words only, and at least two of them
                common = common[:common.rfind(" ")].strip()
                if common.count(" ") < 1:
                    continue
            elif len(common) < OPENING_MIN_DENSE:
                continue
            if common not in found:  # the messages beginning so are in its first word's bucket
                found[common] = [starts[k][2] for k in owners_bucket(common, dense)
                                 if starts[k][0].startswith(common if dense else f" {common}")]
    return {text: list(dict.fromkeys(owners)) for text, owners in found.items()}


def partial_ratio(phrase: str, view: str, score_cutoff: float = 0) -> float:
    """rapidfuzz's best-window similarity (0-100), 0 under the cutoff.

    rapidfuzz is imported on first use: a pasted message is usually found exactly, and a
    one-shot ``keyhelp diagnose`` then never pays for loading it.
    """
    from rapidfuzz import fuzz

    return fuzz.partial_ratio(phrase, view, score_cutoff=score_cutoff)


def _specific_score(parts: tuple[str, ...], view: str) -> float:
    """How well the worst-found of a phrase's own stretches of words is found in the view."""
    return min(partial_ratio(p, view) for p in parts)


class PhraseIndex:
    """All phrases of a knowledge base, with exact and typo-tolerant lookup in a message."""

    def __init__(self, knowledge: Knowledge, *, spaced_cutoff: float = 86,
                 dense_cutoff: float = 82) -> None:
        self.spaced_cutoff = spaced_cutoff
        self.dense_cutoff = dense_cutoff
        by_text: dict[tuple[str, str | None], Phrase] = {}
        message_views: dict[str, list[str]] = {}

        def add(raw: str, targets: Iterable[str], source: str, group: str | None = None,
                scope: str | None = None) -> None:
            dense = is_dense(raw)
            view = spaced_view(raw)
            text = dense_view(view) if dense else view.strip()
            if not text:
                return
            phrase = by_text.setdefault((text, group or (scope and f"scope:{scope}")),
                                        Phrase(text, dense, (), weight_of(text), group,
                                               scope=scope))
            phrase.targets += tuple(t for t in targets if t not in phrase.targets)
            phrase.sources.add(source)

        for intent in knowledge.intents.values():
            for message in intent.messages:
                for text in message.texts.values():
                    view = spaced_view(text)
                    message_views.setdefault(intent.id, []).extend([view, dense_view(view)])
                    for clause in clauses(text):
                        add(clause, [intent.id], "message")
            for cues in intent.cues.values():
                for cue in cues:
                    add(cue, [intent.id], "cue")
        for group in knowledge.ambiguities.values():
            for cues in group.cues.values():
                for cue in cues:
                    add(cue, group.intents, "group", group.id)
        for phrases in knowledge.out_of_scope.values():
            for raw in phrases:
                add(raw, [OUT_OF_SCOPE], "oos")
        for part in fields(knowledge.scope):
            for phrases in getattr(knowledge.scope, part.name).values():
                for raw in phrases:
                    add(raw, [], "scope", scope=part.name)
        for opening, owners in openings(knowledge).items():
            add(opening, owners, "message")

        in_messages = self.in_messages = MessageIndex(message_views)
        for phrase in by_text.values():
            if "message" in phrase.sources:
                if len(phrase.targets) > 1:  # a clause several messages share tells less
                    phrase.weight /= len(phrase.targets) ** 0.5
                continue
            if in_messages.containing(phrase.text, phrase.dense, phrase.targets):
                phrase.weight *= DISCOUNT_IN_OTHER_MESSAGE
        for phrase in by_text.values():
            if phrase.sources & {"cue", "message"} and phrase.scope is None:
                needle = phrase.text if phrase.dense else f" {phrase.text} "
                phrase.verbatim = any(needle in v for t in phrase.targets
                                      for v in message_views.get(t, ()))
        common = CommonParts(message_views)
        for phrase in by_text.values():
            specific = common.specific(phrase.text, phrase.dense)
            phrase.specific = specific if specific != (phrase.text,) else None
        self.phrases = list(by_text.values())
        # exact lookup, indexed by how a phrase starts: only phrases that can occur are tried
        self._exact_spaced: dict[str, list[tuple[str, Phrase]]] = {}
        self._exact_dense: dict[str, list[tuple[str, Phrase]]] = {}
        for p in self.phrases:
            if p.dense:
                self._exact_dense.setdefault(p.text[:2], []).append((p.text, p))
            else:
                self._exact_spaced.setdefault(p.text.split()[0][:3], []).append((f" {p.text}", p))
        # scope phrases are fixed words: found as written, or they mislead (サブスクリプションの
        # 更新 is not サブスクリプションが使えない); only product names are found with typos
        typo_prone = [p for p in self.phrases if p.scope in (None, "products")]
        self._fuzzy_spaced = _FuzzySet([p for p in typo_prone if not p.dense
                                        and len(p.text) >= FUZZY_MIN_SPACED], 3, spaced_cutoff)
        self._fuzzy_dense = _FuzzySet([p for p in typo_prone if p.dense
                                       and len(p.text) >= FUZZY_MIN_DENSE], 2, dense_cutoff)

    @staticmethod
    def views(folded: str) -> tuple[str, str]:
        """The spaced and the dense view of (the start of) a folded message."""
        spaced = message_view(folded)
        return spaced, dense_view(spaced)

    def match(self, folded: str) -> list[Hit]:
        """Every phrase found in a folded message, exactly or with typos."""
        views = self.views(folded)
        return self.match_fuzzy(views, self.match_exact(views))

    def match_exact(self, views: tuple[str, str]) -> list[Hit]:
        """Phrases occurring as they are (latin ones from a word start)."""
        spaced, dense = views
        hits: list[Hit] = []
        # word starts in the order they stand (a dict, not a set: the same order every run)
        index = self._exact_spaced
        for start in dict.fromkeys(w[:k] for w in spaced.split() for k in (1, 2, 3)):
            if start in index:
                hits.extend(Hit(p, 1.0) for needle, p in index[start] if needle in spaced)
        index = self._exact_dense
        for start in dict.fromkeys(dense[i:i + n] for i in range(len(dense)) for n in (1, 2)):
            if start in index:
                hits.extend(Hit(p, 1.0) for needle, p in index[start] if needle in dense)
        return hits

    def match_fuzzy(self, views: tuple[str, str], exact: list[Hit]) -> list[Hit]:
        """``exact`` plus the phrases found only with typos."""
        spaced, dense = views
        hits = {id(h.phrase): h for h in exact}
        if _LATIN.search(spaced):
            self._fuzzy_spaced.match(spaced.strip(), hits)
        if _wide().search(dense):
            self._fuzzy_dense.match(dense, hits)
        return list(hits.values())


def _grams(text: str, n: int) -> set[str]:
    """Every n-character substring: the filter's unit of overlap."""
    return {text[i:i + n] for i in range(len(text) - n + 1)}


class _FuzzySet:
    """Phrases for typo-tolerant lookup; a q-gram filter keeps rapidfuzz to likely candidates."""

    def __init__(self, phrases: list[Phrase], n: int, cutoff: float) -> None:
        self.phrases = phrases
        self.n = n
        self.cutoff = cutoff
        grams = [_grams(p.text, n) for p in phrases]
        owners = Counter(g for gs in grams for g in gs)
        # grams most phrases share ("the", "プロ") filter nothing and cost most: not indexed
        frequent = {g for g, c in owners.items() if c > max(3, len(phrases) * FREQUENT_GRAM)}
        self.postings: dict[str, list[int]] = {}
        self.sizes: list[int] = []
        for index, gs in enumerate(grams):
            kept = gs - frequent
            self.sizes.append(len(kept))
            for gram in kept:
                self.postings.setdefault(gram, []).append(index)

    def candidates(self, view: str) -> list[int]:
        """Phrases sharing enough q-grams with ``view`` to possibly reach the cutoff."""
        postings = self.postings
        text_grams = [g for g in _grams(view, self.n) if g in postings]
        counts = Counter(chain.from_iterable(postings[g] for g in text_grams))
        size = len(text_grams)
        sizes = self.sizes  # a short message needs a share of its grams, a long one of the phrase's
        need = GRAM_SHARE * size
        return [i for i, c in counts.items() if c >= need or c >= GRAM_SHARE * sizes[i]]

    def match(self, view: str, hits: dict[int, Hit]) -> None:
        cutoff = self.cutoff
        for index in self.candidates(view):
            phrase = self.phrases[index]
            if id(phrase) in hits:
                continue
            score = partial_ratio(phrase.text, view, score_cutoff=cutoff)
            if not score:
                continue
            if phrase.specific is not None and (
                    not phrase.specific
                    or _specific_score(phrase.specific, view) < VERIFY_CUTOFF):
                continue  # it matched on words many messages share, not on its own words
            quality = FUZZY_FLOOR + (1 - FUZZY_FLOOR) * ((score - cutoff) / (100 - cutoff))
            if len(view) < len(phrase.text):  # the message covers only part of the phrase
                quality *= len(view) / len(phrase.text)
            hits[id(phrase)] = Hit(phrase, min(quality, 0.95))
