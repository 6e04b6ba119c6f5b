"""Phrases a message denies ("the key isn't expired", 期限切れじゃない, "no 'already used' error").

A denied phrase is evidence against its intent, not for it. Each locale's ``words`` in the
rules file says how it denies (``negation``): words that deny what follows them ("not", "no")
or what precedes them (じゃない, ではない), how many words (characters, in a script without
spaces) may stand between, and which words end a denial's reach ("I don't know why it says
expired" denies nothing). A denying word inside a phrase found in the message is part of that
phrase ("isn't valid", 有効ではない): it denies nothing. Nothing here knows any intent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from itertools import pairwise
from typing import NamedTuple

from bot.knowledge.model import Knowledge
from bot.understand.loose import WordReader, follows, prefixed
from bot.understand.phrases import Hit, Phrase, clauses, dense_view, is_dense, spaced_view

# phrases found in a stretch of text, given the message's own hits (typo matches are
# looked for only among those)
Match = Callable[[tuple[str, str], list[Hit]], list[Hit]]
LONGEST = 8  # words (16 characters without spaces) of a phrase looked at beyond the reach
ALIGN_CUTOFF = 70  # a phrase found with typos is placed in the text at least this well
TYPO_CUTOFF = 85  # ... and a phrase not found at all must be this close to cover a denial
JOINED = 1  # characters (の) that join a phrase to a denied one in a script without spaces
# clause breaks a Japanese denial reaches back over: commas, and the dots of a cut-off (…);
# a sentence's end (。) stops it
COMMAS = frozenset("、,，.")


class Denial(NamedTuple):
    """A phrase found only where a denying word governs it."""

    phrase: Phrase
    by: str  # the denying word


class _Stretch(NamedTuple):
    """Text a denying word governs: after it ("before" side), before it, or (dense) up to it."""

    text: str
    by: str
    side: str  # "before" | "after" | "dense"
    reach: int


class _Rule(NamedTuple):
    reach: int
    stop: frozenset[str]
    unless: frozenset[str]  # the word just before it makes it a failure, not a denial
    full: bool  # reaches as far as its locale allows (no shorter reach of its own)


def _spans(text: str, needle: str) -> Iterable[tuple[int, int]]:
    """Every (start, end) of ``needle`` in ``text``."""
    at = text.find(needle)
    while at >= 0 and needle:
        yield at, at + len(needle)
        at = text.find(needle, at + 1)


class Negation:
    """The rules file's denying words, applied clause by clause."""

    def __init__(self, knowledge: Knowledge, reader: WordReader,
                 phrases: Iterable[Phrase] = ()) -> None:
        self.reader = reader
        self.before: dict[str, _Rule] = {}  # word -> its locale's reach and stops
        self.after_dense: dict[str, _Rule] = {}
        self.after_words: dict[str, _Rule] = {}
        asks: list[str] = []  # continuations that make a denying word ask (ませ|んか)
        quoting: list[str] = []  # words opening a clause that quotes the one before (という)
        for locale in knowledge.locales:
            negation = locale.words.negation if locale.words else None
            if negation is None:
                continue
            for word in negation.before:
                self.before[word] = _Rule(negation.reach_of(word), negation.stop,
                                          negation.except_after, word not in negation.reaches)
            asks.extend(dense_view(spaced_view(w)) for w in negation.asks)
            quoting.extend(dense_view(spaced_view(w)) for w in negation.quoting)
            for word in (*negation.after, *negation.contrast):
                rule = _Rule(negation.reach_of(word), negation.stop, negation.except_after,
                             word not in negation.reaches)
                text = dense_view(spaced_view(word)) if is_dense(word) else word
                (self.after_dense if is_dense(word) else self.after_words)[text] = rule
        self.asks, self.quoting = tuple(asks), tuple(quoting)
        # phrases with a denying word of their own, by id: their stems (to find them loosely)
        # and, by denying word, their spelled-out text (a typo "isnt vaild" must not turn
        # the message's own "not" into a denial)
        self._stems: dict[int, tuple[str, ...]] = {}
        self._own: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for phrase in phrases:
            if phrase.dense or phrase.scope is not None or not phrase.targets:
                continue
            spelled = self._spelled(phrase.text.split())
            denying = [w for w in spelled if w in self.before or w in self.after_words]
            if denying:
                self._stems[id(phrase)] = tuple(reader.words(phrase.text))
                for word in set(denying):
                    self._own.setdefault(word, []).append((" ".join(spelled),
                                                           frozenset(spelled)))
        # written forms that contain a denying word ("isnt" spells out as "is not")
        self._triggers = set(self.before) | set(self.after_words) | {
            short for short, full in reader.spelled_out.items()
            if any(w in self.before or w in self.after_words for w in full)}

    def mentions(self, views: tuple[str, str]) -> bool:
        """Any denying word in the message at all (most messages have none: nothing to do)."""
        if any(f" {w} " in views[0] for w in self._triggers):
            return True
        return any(a in views[1] for a in self.after_dense)

    def denied(self, folded: str, views: tuple[str, str], hits: list[Hit],
               match: Match) -> list[Denial]:
        """The hits found only under a denial. ``match(views)`` finds phrases in a stretch."""
        if not hits or not self.mentions(views):
            return []
        found = {id(h.phrase): h.phrase for h in hits}
        denied: dict[int, Denial] = {}
        affirmed: set[int] = set()
        for clause, joined, whole in self._units(folded):
            spaced = self.reader.write_out(spaced_view(clause))
            for phrase, by, governed in self._governed(spaced, dense_view(spaced), hits, match,
                                                       joined, whole):
                key = id(phrase)
                if key not in found:
                    continue
                if governed:
                    denied.setdefault(key, Denial(phrase, by))
                else:
                    affirmed.add(key)
        kept = {key: d for key, d in denied.items() if key not in affirmed}
        return list(self._overlapping(kept, hits, views[1]).values())

    def _units(self, folded: str) -> list[tuple[str, int, bool]]:
        """Clauses, a clause that opens with a denial joined to the one before it across a
        comma: Japanese denies a whole quoted clause so (「…できません、ではなくて」,
        「…ダメ、みたいなのは言われなかった」); so does a clause that opens with a word naming the
        one before as a quote and denies it further on (「…ダメ、というエラーは出ていません」:
        ``whole``, its denial reaches over all of it); a sentence's end stops it."""
        parts = list(clauses(folded))
        units = [(part, 0, False) for part in parts[:1]]
        at = 0
        for before, clause in pairwise(parts):
            at = folded.find(clause, folded.find(before, at) + len(before))
            dense = dense_view(spaced_view(clause))
            if folded[at - 1:at] not in COMMAS:
                units.append((clause, 0, False))
                continue
            # a denial whose reach is cut short (ない: only what stands next to it, すみ|ません)
            # never reaches back over a comma
            full = [(dense.find(text), rule.reach) for text, rule in self.after_dense.items()
                    if rule.full]
            opens = any(0 <= where <= reach for where, reach in full)
            quotes = dense.startswith(self.quoting) and any(where >= 0 for where, _ in full)
            # (the text, and how much of it the clause before is, in the dense view)
            units.append((before + clause, len(dense_view(spaced_view(before))), quotes)
                         if opens or quotes else (clause, 0, False))
        return units

    @staticmethod
    def _overlapping(denied: dict[int, Denial], hits: list[Hit],
                     dense: str) -> dict[int, Denial]:
        """Phrases found only inside the denied words, or joined to them by one character,
        deny with them (管理者 in a denied 管理者じゃないと; 全体管理者|の|権限がない): they are
        the same words read twice, or one noun phrase."""
        # an error's phrase found once: where it stands is where it was denied (キー may be
        # denied in one clause and asked about in the next)
        spans = [(b, e, d) for d in denied.values() if d.phrase.dense and d.phrase.targets
                 for places in [list(_spans(dense, d.phrase.text))] if len(places) == 1
                 for b, e in places]
        if not spans:
            return denied
        out = dict(denied)
        for hit in hits:
            phrase = hit.phrase
            if id(phrase) in out or not phrase.dense:
                continue
            places = list(_spans(dense, phrase.text))
            covering = [next((d for b, e, d in spans if b <= end + JOINED and start <= e + JOINED),
                              None)
                        for start, end in places]
            if places and all(covering):
                out[id(phrase)] = Denial(phrase, covering[0].by)
        return out

    def _governed(self, spaced: str, dense: str, hits: list[Hit], match: Match,
                  joined: int = 0, whole: bool = False) -> Iterable[tuple[Phrase, str, bool]]:
        """(phrase, denying word, denied?) for the phrases of one clause near a denial;
        ``joined``: the length of the clause before it, joined because this one opens with a
        denial, which then reaches over all of it."""
        tokens = spaced.split()
        # contractions spelled out ("isnt" -> is not), each word with the token it came from
        flat = [(t, w) for t, token in enumerate(tokens)
                for w in self.reader.spelled_out.get(token, (token,))]
        words = [w for _, w in flat]
        covered = self._covered_words(words, hits) | self._covered_dense(dense, hits)
        yield from self._split(words, covered, hits)
        stretches: list[_Stretch] = []
        for i, (t, word) in enumerate(flat):
            if ("w", i) in covered:
                continue
            rule = self.before.get(word)
            if rule is not None and not (i and words[i - 1] in rule.unless):
                end = next((j for j in range(t + 1, len(tokens)) if tokens[j] in rule.stop),
                           len(tokens))
                end = min(end, t + 1 + rule.reach + LONGEST)
                stretches.append(_Stretch(" " + " ".join(tokens[t + 1:end]) + " ", word,
                                          "before", rule.reach))
            rule = self.after_words.get(word)
            if rule is not None:
                begin = max(0, t - rule.reach - LONGEST)
                stretches.append(_Stretch(" " + " ".join(tokens[begin:t]) + " ", word,
                                          "after", rule.reach))
        found = [(begin, end, text, rule) for text, rule in self.after_dense.items()
                 if text in dense for begin, end in _spans(dense, text)
                 if not any(("d", c) in covered for c in range(begin, end))
                 and not dense.startswith(self.asks, end)]
        for begin, end, text, rule in found:
            if any(b <= begin and end <= e and (b, e) != (begin, end) and r.reach >= rule.reach
                   for b, e, _, r in found):
                continue  # ない inside じゃない: the longer denial, reaching as far, stands for it
            reach = begin if joined and rule.full and (whole or begin - joined <= rule.reach) else \
                rule.reach
            # the denial itself is kept: a phrase may run into it (エラーが出|ていない)
            stretches.append(_Stretch(dense[max(0, begin - reach - 2 * LONGEST):end],
                                      text, "dense", reach))
        for stretch in stretches:
            view = (stretch.text, stretch.text) if stretch.side == "dense" else \
                (stretch.text, dense_view(stretch.text))
            for hit in match(view, hits):
                if _near(hit.phrase, view, stretch):
                    yield hit.phrase, stretch.by, True
        if stretches:  # the same phrase found again outside every denial stands
            for hit in hits:
                if _outside(hit.phrase, spaced, dense, stretches):
                    yield hit.phrase, "", False

    def _split(self, words: list[str], covered: set[tuple[str, int]],
               hits: list[Hit]) -> Iterable[tuple[Phrase, str, bool]]:
        """Phrases found loosely with a denying word between their words ("the order did
        not fail" for "order failed"): the words are denied together."""
        free = [i for i, w in enumerate(words) if w in self.before and ("w", i) not in covered
                and not (i and words[i - 1] in self.before[w].unless)]
        if not free:
            return
        stems = [self.reader.stem(w) for w in words]
        for hit in hits:
            phrase = hit.phrase
            if phrase.dense or id(phrase) in self._stems or f" {phrase.text} " in \
                    f" {' '.join(words)} ":
                continue
            wanted = tuple(self.reader.words(phrase.text))
            for start in (k for k, s in enumerate(stems) if wanted and s == wanted[0]):
                used = follows(wanted, stems, start)
                by = next((words[i] for i in free if used and used[0] < i < used[-1]), None)
                if by is not None:
                    yield phrase, by, True
                    break

    def _spelled(self, words: list[str]) -> list[str]:
        out: list[str] = []
        for word in words:
            out.extend(self.reader.spelled_out.get(word, (word,)))
        return out

    def _covered_words(self, words: list[str], hits: list[Hit]) -> set[tuple[str, int]]:
        """Word positions inside a phrase found in the clause ("is not valid" keeps its "not"):
        as written, loosely ("not a valid product key" for the cue "not a valid key"), or
        with typos ("isnt vaild" for the message's "isn't valid")."""
        covered: set[tuple[str, int]] = set()
        stems: list[str] | None = None
        for hit in hits:
            wanted = self._stems.get(id(hit.phrase))
            if wanted is None:
                continue  # only a phrase with a denying word of its own can cover one
            if stems is None:
                stems = [self.reader.stem(w) for w in words]
            for start, stem_ in enumerate(stems):
                if stem_ == wanted[0]:
                    used = follows(wanted, stems, start)
                    if used is not None:
                        covered.update(("w", k) for k in range(used[0], used[-1] + 1))
            if hit.quality < 1.0:
                spelled = self._spelled(hit.phrase.text.split())
                covered |= _aligned_words(" ".join(spelled), set(spelled), words, ALIGN_CUTOFF)
        for i, word in enumerate(words):  # denying words still free: a typo'd phrase of theirs?
            if ("w", i) in covered or word not in self._own:
                continue
            window = max(0, i - 4)
            nearby = words[window:i + 5]
            for spelled, own in self._own[word]:
                covered |= {("w", window + k) for _, k in
                            _aligned_words(spelled, own, nearby, TYPO_CUTOFF)}
                if ("w", i) in covered:
                    break
        return covered

    def _negative_forms(self, text: str, dense: str) -> list[tuple[int, int]]:
        """Where a phrase ending negatively stands in ``dense`` with another negative form."""
        reader = self.reader
        bare_phrase = reader.drop_particles(text)
        stem = reader.cut_negative(bare_phrase)
        if stem == bare_phrase or not stem:
            return []
        kept = _kept(reader.particles, dense)
        bare = "".join(dense[i] for i in kept)
        spans = []
        for begin, end in _spans(bare, stem):
            if reader.negative_at(bare, end):
                # through the negative ending standing there (ありません), or its first form
                tail = next((len(e) for e in reader.negative_endings if bare.startswith(e, end)),
                            max(len(f) for f in reader.negative_forms if bare.startswith(f, end)))
                last = kept[min(end + tail, len(kept)) - 1]
                spans.append((kept[begin], last + 1))
        return spans

    def _covered_dense(self, dense: str, hits: list[Hit]) -> set[tuple[str, int]]:
        covered: set[tuple[str, int]] = set()
        for hit in hits:
            phrase = hit.phrase
            if not phrase.dense:
                continue
            spans = list(_spans(dense, phrase.text))
            if not spans and hit.quality < 1.0:
                # found loosely in another negative form (サブスクが使えない ~ サブスク使えません):
                # that form is the phrase's own ending, no denial
                spans = self._negative_forms(phrase.text, dense)
            if not spans and hit.quality < 1.0 and any(a in phrase.text for a in self.after_dense):
                spans = [s for s in [_aligned(phrase.text, dense)] if s is not None]
            for start, end in spans:
                covered.update(("d", c) for c in range(start, end))
        return covered


def _kept(pattern: str | None, dense: str) -> list[int]:
    """Positions of ``dense`` left once the particles matching ``pattern`` are dropped."""
    if not pattern:
        return list(range(len(dense)))
    dropped = {i for m in re.finditer(pattern, dense) for i in range(m.start(), m.end())}
    return [i for i in range(len(dense)) if i not in dropped]


def _aligned_words(phrase: str, own: set[str] | frozenset[str], words: list[str],
                   cutoff: float) -> set[tuple[str, int]]:
    """Word positions of the phrase's own words where it is found with typos in ``words``."""
    text = " ".join(words)
    span = _aligned(phrase, text, cutoff)
    if span is None:
        return set()
    first, last = text[:span[0]].count(" "), text[:span[1]].count(" ")
    inside = range(first, min(last + 1, len(words)))
    if any(prefixed(words[k], w) for k in inside for w in own):
        return set()  # "isn't invalid" is no typo of "isn't valid": in- makes another word
    return {("w", k) for k in inside if words[k] in own}


def _aligned(phrase: str, text: str, cutoff: float = 0) -> tuple[int, int] | None:
    """Where a phrase found with typos (or by its reading) stands in the text, if it does."""
    from rapidfuzz import fuzz  # on first use, like bot.understand.phrases.partial_ratio

    found = fuzz.partial_ratio_alignment(phrase, text, score_cutoff=cutoff or ALIGN_CUTOFF)
    return (found.dest_start, found.dest_end) if found is not None else None


def _near(phrase: Phrase, view: tuple[str, str], stretch: _Stretch) -> bool:
    """The phrase starts within reach after the denial, or ends within reach before it."""
    if stretch.side == "dense":
        text = view[1]
        at = text.rfind(phrase.text) if phrase.dense else -1
        denial_at = len(text) - len(stretch.by)
        return at < 0 or denial_at - (at + len(phrase.text)) <= stretch.reach
    spaced = view[0]
    at = spaced.find(f" {phrase.text} ") if not phrase.dense else -1
    if at < 0:
        return True  # found loosely or with typos: it is inside the stretch, near enough
    if stretch.side == "before":
        return spaced[:at + 1].count(" ") - 1 <= stretch.reach
    return spaced[at + len(phrase.text) + 1:].count(" ") - 1 <= stretch.reach


def _outside(phrase: Phrase, spaced: str, dense: str, stretches: list[_Stretch]) -> bool:
    """Found as written more often in the clause than inside its denied stretches."""
    if phrase.dense:
        total = dense.count(phrase.text)
        inside = sum(s.text.count(phrase.text) for s in stretches if s.side == "dense")
    else:
        needle = f" {phrase.text} "
        total = spaced.count(needle)
        inside = sum(s.text.count(needle) for s in stretches if s.side != "dense")
    return total > inside
