"""Which answer of a question a typed reply stands for ("nope", 「ないです」, "about an hour").

Everything it knows is the rules file's: each answer's ``cues`` and label, what it ``means``
(yes / no / unsure, matched by the locales' shared ``words.answers``), its ``range`` when the
question measures something, and for "did this solve it?" the locales' ``solved`` and
``unsolved`` words. A reply is cut into clauses; in each, phrases are found word by word
(stems, contractions spelled out) or, for scripts without spaces, as written, the longest
first (「わからない」 is not read as 「ない」). A phrase with a denying word near it
("not on the list", 「使って|いない」) counts for the opposite meaning; one near an unsure
phrase ("not sure if we used it") counts as unsure. Each answer collects votes; the clear
leader is the reading, a tie or nothing is no reading. A question ("why?", 「なんで？」) is
told apart by the locales' ``why`` words, a question back ("can't you just renew it for me?") by
their ``asks_back`` words: no reading, unless a later clause answers and the reply does not
end asking (「一覧ってどこ？まだ見てない」). The denying words are each locale's ``negation``,
the same list first messages are read with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal, NamedTuple

from bot.knowledge.model import MEANINGS, AnswerWords, Knowledge, Question
from bot.understand.loose import WordReader
from bot.understand.phrases import dense_view, is_dense, spaced_view, weight_of
from bot.understand.quantities import QuantityReader
from bot.understand.readings import hiragana
from bot.understand.spelling import Speller

SOLVED, UNSOLVED = "solved", "unsolved"  # the answers to "did this solve it?" after a remedy
CUE, WORD, QUANTITY = 2.0, 1.0, 3.0  # votes: an answer's own phrase, a shared word, a measure
HEDGE = 2  # an unsure phrase reaches this many times as far as a denial
SHORT = 2  # yes/no/unsure words this short (no spaces) count only at a clause's start or end
ENDING = 4  # characters a polite ending (ですか, でしょうか) adds after a closing why word
_CLAUSE = re.compile(r"[。．!?！？;；:\n、，,]|(?<!\d)\.|\.(?!\d)|\s+-\s+")
MAX_CHARS = 1000  # an answer longer than this is read from its start only
MAX_WORDS = 200


class Reading(NamedTuple):
    """What a reply says: an answer id, "why?", or nothing recognisable."""

    kind: Literal["answer", "why", "none"]
    answer: str = ""
    votes: float = 0.0  # the answer's votes: an answer's own phrase gives at least CUE


class _Cue(NamedTuple):
    kind: str  # cue (an answer's own phrase) | yes | no | unsure | why
    target: str  # the answer id for a cue, else the kind
    words: tuple[str, ...]  # stems, for a phrase with spaces between its words
    dense: str  # the phrase without spaces, for scripts without them ("" otherwise)
    weight: float = 1.0  # a longer phrase says more (1 to 2, as the recogniser weighs)


class _Match(NamedTuple):
    cue: _Cue
    start: int  # word positions (spaced) or characters (dense) in the clause
    end: int
    dense: bool


class _Option(NamedTuple):
    """An answer as the votes see it."""

    id: str
    means: tuple[str, ...]


class _Cues:
    """A question's phrases, indexed: spaced ones by their first word, dense ones listed."""

    def __init__(self, cues: Iterable[_Cue]) -> None:
        self.by_first: dict[str, list[_Cue]] = {}
        self.dense: list[_Cue] = []
        self.speller: Speller | None = None  # the answers' own words, to put typos right
        for cue in cues:
            if cue.dense:
                self.dense.append(cue)
            elif cue.words:
                self.by_first.setdefault(cue.words[0], []).append(cue)

    def find(self, stems: list[str], surface: list[str], dense: str) -> list[_Match]:
        """Every occurrence of every phrase in a clause (one word as written, more by stems)."""
        # a membership test first: most of a question's phrases are not in a given clause
        found = [m for cue in self.dense if cue.dense in dense for m in _find_dense(cue, dense)]
        for at in range(len(stems)):
            for first in dict.fromkeys((stems[at], surface[at])):  # in a fixed order
                for cue in self.by_first.get(first, ()):
                    words = surface if len(cue.words) == 1 else stems
                    end = at + len(cue.words)
                    if words[at] == first and tuple(words[at:end]) == cue.words:
                        found.append(_Match(cue, at, end, False))
        return found


class AnswerReader:
    """Built once per rules file; ``read`` is safe to call from many threads."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.reader = WordReader(knowledge)
        self.words: tuple[AnswerWords, ...] = tuple(
            loc.words.answers for loc in knowledge.locales
            if loc.words is not None and loc.words.answers is not None)
        shared = [(meaning, p) for w in self.words for meaning in MEANINGS
                  for p in w.means.get(meaning, ())]
        shared += [("why", p) for w in self.words for p in w.why]
        shared += [("back", p) for w in self.words for p in w.asks_back]
        self._shared = [self._cue(kind, kind, p) for kind, p in shared]
        # the locales' denying words (the same as in first messages), at an answer's reach
        deny = [(p, n.answer_reach, side) for n in (
                    loc.words.negation for loc in knowledge.locales if loc.words is not None)
                if n is not None for side, phrases in (("before", n.before), ("after", n.after))
                for p in phrases]
        self._deny = {side: {hiragana(p) for p, _, s in deny if s == side and is_dense(p)} |
                      {word for p, _, s in deny if s == side and not is_dense(p)
                       for word in self.reader.words(spaced_view(p))}
                      for side in ("before", "after")}
        self._reach = {dense: max((r for p, r, _ in deny if is_dense(p) == dense), default=0)
                       for dense in (True, False)}
        self._solved = (
            [_Option(SOLVED, ("yes",)), _Option(UNSOLVED, ("no",))],
            _Cues([*(self._cue("cue", SOLVED, p) for w in self.words for p in w.solved),
                   *(self._cue("cue", UNSOLVED, p) for w in self.words for p in w.unsolved),
                   *self._shared]))
        self._questions: dict[int, tuple[list[_Option], _Cues]] = {}
        self._measures: dict[str, QuantityReader] = {}

    def _cue(self, kind: str, target: str, phrase: str) -> _Cue:
        view = spaced_view(phrase)
        weight = max(1.0, min(2.0, weight_of(phrase)))
        if is_dense(phrase):
            return _Cue(kind, target, (), hiragana(self.reader.drop_particles(dense_view(view))),
                        weight)
        stems, surface = self._words(view)
        # one word is matched as written ("fixed" is not "how do i fix"), longer phrases by
        # their stems ("have not checked" finds "haven't check")
        return _Cue(kind, target, tuple(surface if len(surface) == 1 else stems), "", weight)

    def _words(self, view: str) -> tuple[list[str], list[str]]:
        """A spaced view's words as stems and as written, contractions spelled out."""
        stems: list[str] = []
        surface: list[str] = []
        for word in self.reader.write_out(view).split()[:MAX_WORDS]:
            spelled = self.reader.spelled_out.get(word)
            surface.extend(spelled or (word,))
            stems.extend(spelled or (self.reader.stem(word),))
        return stems, surface

    def _question(self, question: Question) -> tuple[list[_Option], _Cues]:
        known = self._questions.get(id(question))
        if known is None:
            typed = [a for a in question.answers if a.when is None]
            options = [_Option(a.id, a.means) for a in typed]
            phrases = [(a.id, phrase) for a in typed
                       for phrase in (*a.label.texts.values(),
                                      *(p for ps in a.cues.values() for p in ps))]
            cues = _Cues([*(self._cue("cue", i, p) for i, p in phrases), *self._shared])
            cues.speller = Speller((spaced_view(p).strip() for _, p in phrases
                                    if not is_dense(p)), self.reader.stem)
            known = self._questions[id(question)] = (options, cues)
        return known

    def read(self, question: Question | None, folded: str) -> Reading:
        """The reading of ``folded`` (a normalised reply) at ``question``; ``None`` stands
        for "did this solve it?" after a remedy. A reply read as nothing is read again with
        its misspelled words put right ("intnue" at the product question)."""
        reading = self._read(question, folded)
        speller = self._question(question)[1].speller if question is not None else None
        if reading.kind == "none" and speller is not None:
            spaced = spaced_view(folded[:MAX_CHARS])
            fixed = speller.correct(spaced)
            if fixed != spaced:
                return self._read(question, fixed.strip())
        return reading

    def _read(self, question: Question | None, folded: str) -> Reading:
        options, cues = self._solved if question is None else self._question(question)
        votes = dict.fromkeys((o.id for o in options), 0.0)
        said_why = asks_why = said_unsure = answered_after = False
        back_at = -1  # the clause that asked back, if one did
        first: dict[str, int] = {}  # the order in which answers first gained a vote
        clauses = [c for c in _CLAUSE.split(folded[:MAX_CHARS]) if c.strip()]
        for n, clause in enumerate(clauses):
            for match, how in sorted(self._clause(clause, cues), key=lambda mh: mh[0].start):
                if match.cue.kind == "why":  # a question when it leads, ends or the reply asks
                    said_why = True
                    asks_why |= match.start == 0 or folded.rstrip().endswith("?") or (
                        n == len(clauses) - 1 and _ends(clause, match))
                elif match.cue.kind == "back":  # a question back, unless answered after it
                    back_at = n
                else:
                    said_unsure |= match.cue.kind == "unsure" or how == "hedged"
                    before = dict(votes)
                    _vote(votes, options, match.cue, how)
                    for option, count in votes.items():
                        if count > before[option]:
                            first.setdefault(option, len(first))
                            # 「一覧ってどこ？まだ見てない」: the question, then the answer
                            answered_after |= 0 <= back_at < n
        if question is not None and question.measures:
            for said in self._measure(question.measures).read(folded):
                for answer in question.answers:
                    if answer.range is not None and answer.range.contains(said):
                        votes[answer.id] += QUANTITY
        ranked = sorted(votes.items(), key=lambda kv: -kv[1])
        best = ranked[0] if ranked else ("", 0.0)
        clear = best[1] > 0 and (len(ranked) == 1 or ranked[1][1] < best[1])
        if best[1] > 0 and not clear:  # "I think so? not sure": said both ways is not sure
            tied = [o for o in options if votes[o.id] == best[1]]
            unsure = [o for o in tied if "unsure" in o.means]
            if said_unsure and len(unsure) == 1:
                best, clear = (unsure[0].id, best[1]), True
            elif not said_unsure:  # "no way, I'm the only admin we have": the answer comes
                # first, the explanation after it
                lead = min(tied, key=lambda o: first.get(o.id, len(options)))
                best, clear = (lead.id, best[1]), lead.id in first
        if asks_why or (said_why and not clear):
            return Reading("why")
        # ... but a reply that ends asking ("could you just extend it? no?") still asks
        if back_at >= 0 and not (clear and answered_after and not folded.rstrip().endswith("?")):
            return Reading("none")
        return Reading("answer", best[0], best[1]) if clear else Reading("none")

    def _measure(self, measure: str) -> QuantityReader:
        reader = self._measures.get(measure)
        if reader is None:
            reader = self._measures[measure] = QuantityReader(self.words, measure)
        return reader

    def _clause(self, clause: str, cues: _Cues) -> list[tuple[_Match, str]]:
        """The phrases found in one clause, each with how it is said: plain, denied, hedged."""
        view = spaced_view(clause)
        words, surface = self._words(view)
        # エラー(が)出ます; katakana as hiragana: いんちゅーん is インチューン typed unconverted
        dense = hiragana(self.reader.drop_particles(dense_view(view)))
        found = cues.find(words, surface, dense)
        # the longest first; at equal length an answer's own phrase before a shared word, then
        # the one read first (自信ない|です, not 自信|ないです)
        found.sort(key=lambda m: (-(m.end - m.start), m.cue.kind != "cue", m.start))
        taken: list[_Match] = []
        for match in found:
            if not any(t.dense == match.dense and t.start < match.end and match.start < t.end
                       for t in taken):
                taken.append(match)
        return [(m, self._how(m, taken, words, dense)) for m in taken]

    def _how(self, match: _Match, taken: list[_Match], words: list[str], dense: str) -> str:
        """plain | denied | hedged (an unsure phrase near it governs it)."""
        if match.cue.kind in ("unsure", "why"):
            return "plain"
        reach = self._reach[match.dense]
        hedges = [t for t in taken if t.dense == match.dense and t.cue.kind == "unsure"]
        if any(0 <= match.start - t.end <= HEDGE * reach or 0 <= t.start - match.end <= HEDGE *
               reach for t in hedges):
            return "hedged"
        covered = {i for t in hedges for i in range(t.start, t.end)}
        if match.dense:
            denied = any(_near(dense, d, match.end, reach, covered) for d in self._deny["after"])\
                or any(_near_before(dense, d, match.start, reach) for d in self._deny["before"])
        else:
            ahead = range(max(0, match.start - reach - 1), match.start)
            behind = range(match.end, min(len(words), match.end + reach + 1))
            denied = any(words[i] in self._deny["before"] and i not in covered for i in ahead) \
                or any(words[i] in self._deny["after"] and i not in covered for i in behind) \
                or (match.cue.kind == "yes" and match.end < len(words)  # "it is| not", "we do| not"
                    and words[match.end] in self._deny["before"] and match.end not in covered)
        return "denied" if denied else "plain"


def _ends(clause: str, match: _Match) -> bool:
    """The phrase closes the clause but for a polite ending (…はなぜですか)."""
    if not match.dense:
        return match.end >= len(spaced_view(clause).split()) - 1
    return len(dense_view(spaced_view(clause))) - match.end <= ENDING


def _near(dense: str, word: str, end: int, reach: int, covered: set[int]) -> bool:
    """``word`` begins at most ``reach`` characters after ``end``, not inside an unsure phrase."""
    at = dense.find(word, end, end + reach + len(word))
    return at >= 0 and at not in covered


def _near_before(dense: str, word: str, start: int, reach: int) -> bool:
    """``word`` ends at most ``reach`` characters before ``start``."""
    return dense.find(word, max(0, start - reach - len(word)), start) >= 0


def _find_dense(cue: _Cue, dense: str) -> Iterable[_Match]:
    """Every occurrence of a phrase of a script without spaces in a clause's text."""
    at = dense.find(cue.dense)
    while at >= 0:
        end = at + len(cue.dense)
        if len(cue.dense) > SHORT or cue.kind not in MEANINGS or at == 0 or end == len(dense):
            yield _Match(cue, at, end, True)
        at = dense.find(cue.dense, at + 1)


def _vote(votes: dict[str, float], options: list[_Option], cue: _Cue, how: str) -> None:
    """Add what one phrase says to the answers' votes."""
    if cue.kind == "cue":
        own = next(o for o in options if o.id == cue.target)
        if how == "denied" and own.means and "yes" not in own.means:
            how = "plain"  # a denial confirms a "no" answer's phrase (まだ…ていない, 誰も…ない)
        if how == "plain":
            votes[own.id] += CUE * cue.weight
        elif how == "hedged":
            _for_meaning(votes, options, "unsure", WORD)
        else:  # denied: against this answer, for the one meaning no
            votes[own.id] -= CUE
            if own.means:
                _for_meaning(votes, options, "no", CUE)
        return
    meaning = cue.kind  # a shared yes / no / unsure word
    if how == "hedged":
        meaning = "unsure"
    elif how == "denied" and meaning == "yes":
        meaning = "no"
    _for_meaning(votes, options, meaning, WORD)


def _for_meaning(votes: dict[str, float], options: list[_Option], meaning: str,
                 amount: float) -> None:
    for option in options:
        if meaning in option.means:
            votes[option.id] += amount


_readers: dict[int, tuple[Knowledge, AnswerReader]] = {}


def answer_reader(knowledge: Knowledge) -> AnswerReader:
    """The reader for this rules file, built on first use (a reload brings a new one)."""
    known = _readers.get(id(knowledge))
    if known is None or known[0] is not knowledge:
        if len(_readers) >= 4:  # old rules files after reloads: forget them
            _readers.clear()
        known = _readers[id(knowledge)] = (knowledge, AnswerReader(knowledge))
    return known[1]

