"""Which intent a message is about: answer it, ask the user to pick (clarify), or say unknown.

Example::

    >>> r = Recogniser(knowledge).classify("キーの期限が切れてるって出た")
    >>> r.action, r.intent, r.lang
    ('answer', 'key-expired', 'ja')
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

from bot.knowledge.model import VETOES, Knowledge
from bot.understand.calibration import calibrated
from bot.understand.cut_off import CutOff
from bot.understand.evidence import ANSWER, Evidence
from bot.understand.keys import KeyCheck
from bot.understand.loose import LooseIndex, WordReader, words_found
from bot.understand.named import NamedAlternatives
from bot.understand.negation import Denial, Negation
from bot.understand.normalise import Normalised, Normaliser
from bot.understand.phrases import (
    OUT_OF_SCOPE,
    Hit,
    Phrase,
    PhraseIndex,
    dense_view,
    is_dense,
    message_view,
    partial_ratio,
    spaced_view,
)
from bot.understand.readings import READING_QUALITY, Readings
from bot.understand.scope import QUOTE_QUALITY, Alternatives, judge, marked
from bot.understand.spelling import Speller

Action = Literal["answer", "clarify", "unknown"]
MAX_CHOICES = 4


class Thresholds(NamedTuple):
    """Decision constants in evidence units (a weight-1 phrase found exactly adds 1)."""

    minimum: float = 0.3  # less evidence than this for every intent: unknown
    margin: float = 0.75  # intents within this of the best are offered together (clarify)
    near_share: float = 0.5  # ... if they also have at least this share of the best's evidence
    clarify_minimum: float = 0.6  # less evidence than this for the intents to offer: unknown
    decisive: float = 3.0  # exact evidence this strong and this far ahead skips typo matching
    scope_ratio: float = 0.5  # out-of-scope evidence at least this share of the best: unknown
    # Raw confidence starts at these floors and rises with evidence and margin; an answer's
    # is then mapped by the rules file's calibration to the share of such answers right.
    answer_floor: float = 0.7
    clarify_floor: float = 0.6
    unknown_ceiling: float = 0.97  # even no evidence at all may be wording we lack
    # An error's own words outweigh a topic's general ones ("where can I check…", "redeem"):
    # while some error's message or cue is found this well, topic evidence counts this share.
    quoted: float = 0.5
    topic_share: float = 0.25
    # "not sure which" words ask between the best and the next intent if it has this share
    unsure_share: float = 0.25


class Candidate(NamedTuple):
    """An intent with its evidence squashed to 0..1 (comparable within one message only)."""

    intent: str
    score: float


class Recognition(NamedTuple):
    """The recogniser's verdict; ``to_json`` is the machine contract of ``classify --jsonl``."""

    action: Action
    intent: str | None
    candidates: tuple[Candidate, ...]
    confidence: float
    lang: str
    key: KeyCheck | None
    evidence: tuple[Evidence, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The ``result`` object of issue 3 plus ``evidence`` (scores rounded for stable output)."""
        return {
            "action": self.action,
            "intent": self.intent,
            "candidates": [{"intent": c.intent, "score": round(c.score, 3)}
                           for c in self.candidates],
            "confidence": round(self.confidence, 4),  # calibrated shares differ in the 4th
            "lang": self.lang,
            "key": {"present": self.key is not None,
                    "masked": self.key.masked if self.key is not None else None},
            "evidence": [e.to_json() for e in self.evidence],
        }


def _as_said(hits: list[Hit]) -> list[Hit]:
    """The longer phrase is what was said: a status or neighbouring-topic phrase inside a cue
    found ("never got the" in "never got the key") vetoes nothing, and a message's words inside
    the user's own politeness (the scope section's ``courtesy``: 大変申し訳ございません) quote no
    screen."""
    cues = [h.phrase.text for h in hits if h.phrase.scope is None and h.quality >= 1.0]
    courtesy = [h.phrase.text for h in hits if h.phrase.scope == "courtesy"]

    def inside(phrase: Phrase, longer: list[str]) -> bool:
        return any(phrase.text in text and phrase.text != text for text in longer)

    return [h for h in hits
            if not (h.phrase.scope in VETOES and inside(h.phrase, cues))
            and not (h.phrase.sources == {"message"} and inside(h.phrase, courtesy))]


def _tally(hits: list[Hit], topics: frozenset[str] = frozenset(),
           topic_share: float = 1.0) -> tuple[dict[str, float], float]:
    """Sum each hit's evidence onto the intents it points at (or onto out-of-scope)."""
    per_intent: dict[str, float] = {}
    out_of_scope = 0.0
    # one ambiguity (the same intents to choose between) is one piece of evidence, however
    # many of its cues are found, in however many groups offering those intents
    best_of_group: dict[frozenset[str], float] = {}
    for hit in hits:
        if hit.phrase.group is not None:
            amount = hit.phrase.weight * hit.quality
            offered = frozenset(hit.phrase.targets)
            best_of_group[offered] = max(best_of_group.get(offered, 0.0), amount)
    for hit in hits:
        amount = hit.phrase.weight * hit.quality
        if hit.phrase.group is not None:
            offered = frozenset(hit.phrase.targets)
            if best_of_group.get(offered) != amount:
                continue
            best_of_group[offered] = -1.0  # counted once
        for target in hit.phrase.targets:  # scope phrases have none: they only judge
            if target == OUT_OF_SCOPE:
                out_of_scope += amount
            else:
                share = topic_share if target in topics else 1.0
                per_intent[target] = per_intent.get(target, 0.0) + amount * share
    return per_intent, out_of_scope


def _better(hits: list[Hit], extra: list[Hit]) -> list[Hit]:
    """``hits`` with the phrases of ``extra`` replaced by their (better) ``extra`` hit."""
    if not extra:
        return hits
    replaced = {id(h.phrase) for h in extra}
    return [h for h in hits if id(h.phrase) not in replaced] + extra


def _stand_ins(words: Mapping[str, tuple[str, ...]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Words as the message views hold them: spaced (matched as whole words) and dense."""
    spaced = [spaced_view(w) for ws in words.values() for w in ws]
    return (tuple(v for v in spaced if not is_dense(v)),
            tuple(dense_view(v) for v in spaced if is_dense(v)))


def _score(evidence: float) -> float:
    """Evidence (0..∞) squashed to 0..1 for display and for confidence."""
    return 1.0 - math.exp(-evidence / 2.0)


class Recogniser:
    """Built once per rules file; ``classify`` is safe to call from many requests."""

    def __init__(self, knowledge: Knowledge, *, thresholds: Thresholds | None = None,
                 calibrate: bool = True) -> None:
        """``calibrate`` false: answers keep the raw confidence (what calibration is fit on)."""
        self.knowledge = knowledge
        self._calibration = knowledge.calibration if calibrate else ()
        self.thresholds = thresholds or Thresholds()
        self.normaliser = Normaliser(knowledge)
        self.index = PhraseIndex(knowledge)
        self.reader = WordReader(knowledge)
        self.loose = LooseIndex(self.index.phrases, self.reader)
        self.readings = Readings(self.index.phrases, (
            w for loc in knowledge.locales if loc.words for w in loc.words.romaji))
        self.negation = Negation(knowledge, self.reader, self.index.phrases)
        self._denying = frozenset(self.negation.before)  # "not", "no", "never", …
        self.alternatives = Alternatives(knowledge)
        self.speller = Speller((p.text for p in self.index.phrases if not p.dense),
                               self.reader.stem)
        self.cut_off = CutOff(knowledge, self.index.in_messages, self.reader)
        self.named = NamedAlternatives(knowledge)
        # groups whose cues need a pasted key, with the words that may stand in for it
        self._keyed = {g.id: _stand_ins(g.or_with) for g in knowledge.ambiguities.values()
                       if g.with_key}
        # a key pasted with nothing recognised beside it: which of these messages came up?
        self._alone = next((g.intents for g in knowledge.ambiguities.values() if g.key_alone),
                           ())
        self._needs_context = bool(knowledge.scope.products or knowledge.scope.context)
        self._topics = frozenset(i for i, intent in knowledge.intents.items()
                                 if intent.kind == "topic")
        self._order = {intent_id: n for n, intent_id in enumerate(knowledge.intents)}

    def warm_up(self) -> None:
        """Load now what an unusual message would otherwise wait for: the kana dictionary
        (about a second), the typo matcher and the stemmer. A server calls this once, in the
        background; a one-shot command never needs it."""
        self.readings.load()
        partial_ratio("warm", "warm up")
        self.reader.stem("warming")

    def classify(self, text: str | bytes) -> Recognition:
        """Normalise then recognise one raw message."""
        return self.recognise(self.normaliser.normalise(text))

    def evidence(self, normalised: Normalised) -> tuple[dict[str, float], float, list[Hit]]:
        """Evidence per intent, out-of-scope evidence, and the phrase hits behind them."""
        hits = self._phrase_hits(self._views(normalised.text), normalised.key is not None)
        return (*_tally(hits), hits)

    def _views(self, folded: str) -> tuple[str, str]:
        """The message's spaced and dense views, chat shorthand written out."""
        spaced = self.reader.write_out(message_view(folded))
        return spaced, dense_view(spaced)

    def _phrase_hits(self, views: tuple[str, str], key_pasted: bool = True) -> list[Hit]:
        """Phrases found exactly, then (unless that settles it) with typos or loosely."""
        hits = self.index.match_exact(views)
        if not key_pasted:  # cues that need a pasted key say nothing without one
            silent = self._silent(views)
            hits = [h for h in hits if h.phrase.group not in silent]
        if self._decisive(hits):
            return hits
        # a typo match must still find each of the phrase's words ("put" ≠ "register")
        hits = [h for h in self.index.match_fuzzy(views, hits) if h.quality >= 1.0
                or h.phrase.dense or words_found(h.phrase.text, views, self._denying)]
        return _better(hits, self.loose.match(views, hits))

    def recognise(self, normalised: Normalised) -> Recognition:
        """Decide answer / clarify / unknown from the evidence."""
        views = self._views(normalised.text)
        hits = self._phrase_hits(views, normalised.key is not None)
        recognition = self._judge(hits, normalised, views)
        # no single intent: read again, each way in turn, until one settles it
        for reread in (self._ime_slips, self._respelled, self._romaji):
            if recognition.action == "answer":
                break
            again = reread(views, hits, normalised)
            if again is not None:
                views, hits = again
                recognition = self._judge(hits, normalised, views)
        return recognition

    def _ime_slips(self, views: tuple[str, str], hits: list[Hit],
                   _normalised: Normalised) -> tuple[tuple[str, str], list[Hit]] | None:
        """An IME slip (仕様 for 使用) may hide the deciding clause: phrases found by reading."""
        extra = self.readings.match(views[1], {id(h.phrase): h.quality for h in hits})
        return (views, _better(hits, extra)) if extra else None

    def _respelled(self, views: tuple[str, str], _hits: list[Hit],
                   normalised: Normalised) -> tuple[tuple[str, str], list[Hit]] | None:
        """Every error word misspelled ("key has expierd"): the message with them put right."""
        spaced = self.speller.correct(views[0])
        if spaced == views[0]:
            return None
        views = (spaced, dense_view(spaced))
        return views, self._phrase_hits(views, normalised.key is not None)

    def _romaji(self, views: tuple[str, str], hits: list[Hit],
                _normalised: Normalised) -> tuple[tuple[str, str], list[Hit]] | None:
        """Japanese typed in latin letters ("kii ga mukou desu"): its romanised readings."""
        extra = self.readings.match_romaji(views[0], {id(h.phrase): h.quality for h in hits})
        return (views, _better(hits, extra)) if extra else None

    def _usable(self, hits: list[Hit], normalised: Normalised,
                views: tuple[str, str]) -> list[Hit]:
        """Without a pasted key, the cues of groups that need one say nothing."""
        if normalised.key is not None or not self._keyed:
            return hits
        # a failure beside "the key" says which errors only when no one error's own words
        # do ("order failed once I put the key in", "signing up with the key failed")
        named = any(h.phrase.group is None and h.phrase.scope is None
                    and len(h.phrase.targets) == 1 and OUT_OF_SCOPE not in h.phrase.targets
                    and h.phrase.targets[0] not in self._topics for h in hits)
        silent = frozenset(self._keyed) if named else self._silent(views)
        return [h for h in hits if h.phrase.group not in silent]

    def _silent(self, views: tuple[str, str]) -> frozenset[str]:
        """The groups needing a key that a message without one leaves silent: those whose
        stand-in words ("the key", キー) it does not name either."""
        spaced, dense = views
        return frozenset(group for group, (words, wide) in self._keyed.items()
                         if not any(w in spaced for w in words)
                         and not any(w in dense for w in wide))

    def _stretch_hits(self, views: tuple[str, str], found: list[Hit]) -> list[Hit]:
        """Phrases of a stretch of a message (for denials): exactly or loosely, and those the
        whole message had only with typos, if the stretch has them too."""
        hits = self.index.match_exact(views)
        have = {id(h.phrase) for h in hits}
        for hit in found:
            phrase = hit.phrase
            if hit.quality < 1.0 and id(phrase) not in have and partial_ratio(
                    phrase.text, views[1] if phrase.dense else views[0],
                    score_cutoff=self.index.dense_cutoff if phrase.dense
                    else self.index.spaced_cutoff):
                hits.append(Hit(phrase, hit.quality))
        return _better(hits, self.loose.match(views, hits))

    def _judge(self, hits: list[Hit], normalised: Normalised,
               views: tuple[str, str]) -> Recognition:
        """Phrases that need a key set aside without one, denied phrases too; then decide."""
        hits = _as_said(self._usable(hits + self.cut_off.hits(normalised.text), normalised,
                                     views))
        denials = self.negation.denied(normalised.text, views, hits, self._stretch_hits)
        if denials:
            gone = {id(d.phrase) for d in denials}
            hits = [h for h in hits if id(h.phrase) not in gone]
        return self._decide(hits, normalised, views, denials)

    def _decisive(self, hits: list[Hit]) -> bool:
        """Exact matches alone settle it (typo matching could not change the answer)."""
        per_intent, out_of_scope = _tally(hits)
        ranked = sorted(per_intent.values(), reverse=True)
        if not ranked or out_of_scope:
            return False
        second = ranked[1] if len(ranked) > 1 else 0.0
        return ranked[0] >= self.thresholds.decisive and ranked[0] - second >= \
            self.thresholds.decisive

    def _decide(self, hits: list[Hit], normalised: Normalised, views: tuple[str, str],
                denials: list[Denial]) -> Recognition:
        # an error's message, cue or group ("got an error") found this well: topics count less
        quoted = any(h.quality >= self.thresholds.quoted and h.phrase.targets
                     and h.phrase.scope is None and OUT_OF_SCOPE not in h.phrase.targets
                     and not self._topics.intersection(h.phrase.targets) for h in hits)
        per_intent, out_of_scope = _tally(hits, self._topics,
                                          self.thresholds.topic_share if quoted else 1.0)
        ranked = sorted(per_intent.items(), key=lambda kv: (-kv[1], self._order[kv[0]]))
        th = self.thresholds
        best = ranked[0][1] if ranked else 0.0
        scope = judge(hits, normalised.key is not None, self._needs_context,
                      marked(normalised.text))
        evidence = [Evidence.of_hit(h) for h in hits] + \
            [Evidence.denied(d.phrase, d.by) for d in denials]

        def result(action: Action, intent: str | None, chosen: list[str],
                   confidence: float, *why: Evidence) -> Recognition:
            candidates = tuple(Candidate(i, _score(per_intent.get(i, 0.0))) for i in chosen)
            return Recognition(action, intent, candidates, max(0.0, min(1.0, confidence)),
                               normalised.lang, normalised.key, (*evidence, *why))

        top = [i for i, _ in ranked[:MAX_CHOICES]]
        if not ranked and normalised.key is not None and self._alone and not scope.vetoes \
                and not out_of_scope:  # "XXXXX-…-XXXXX ??": which message did it bring?
            return result("clarify", None, list(self._alone[:MAX_CHOICES]), th.clarify_floor,
                          Evidence("", "key_alone", "for", self._alone))
        named = [] if scope.vetoes or (out_of_scope and out_of_scope >= best * th.scope_ratio) \
            else self.named.named(normalised.text)
        if named:  # "the order one or the request one", 「期限切れだったか無効だったか」
            return result("clarify", None, named[:MAX_CHOICES], th.clarify_floor,
                          Evidence(" | ".join(named), "alternatives", "against", (ANSWER,)))
        if best < th.minimum or out_of_scope >= best * th.scope_ratio or scope.vetoes:
            doubt = max(best - out_of_scope, 0.0) if not scope.vetoes else 0.0
            confidence = th.unknown_ceiling * (1.0 - _score(best) * 0.5 - _score(doubt) * 0.3)
            return result("unknown", None, top, confidence)
        near = [i for i, e in ranked if best - e < th.margin and e >= best * th.near_share]
        # how far the best stands above everything not offered, in evidence units
        spread = best - max((e for i, e in ranked if i not in near), default=0.0)
        certainty = _score(best) ** 0.5 * _score(2 * spread) ** 0.3
        # "account" beside "wait and retry": the account message; never between errors the
        # user names as alternatives, nor from a hint too weak to ask about
        told = self._told_apart(near, hits) if len(near) > 1 and best >= th.clarify_minimum \
            and not self.alternatives.joined(hits, views) else None
        if told is not None:
            raw = th.answer_floor + (1 - th.answer_floor) * certainty
            return result("answer", told[0], [told[0], *(i for i in top if i != told[0])],
                          calibrated(raw, self._calibration),
                          Evidence(told[1], "told_apart", "for", (told[0],)))
        if len(near) == 1:
            # "isn't valid or has expired": ask, unless the message itself was pasted
            joined = [] if self._pasted(near[0], hits) else [
                (a, w, b) for a, w, b in self.alternatives.joined(hits, views)
                if near[0] in a.targets + b.targets]
            named_two = len(ranked) > 1 and ranked[1][1] >= best * th.near_share
            if not scope.context and not joined and not named_two:
                # cues alone, nothing says it is about redeeming a key; two errors named as
                # alternatives ("expired or invalid?") are still worth asking about
                return result("unknown", None, top, th.unknown_ceiling * (1.0 - _score(best)),
                              Evidence("", "no-context", "against", (ANSWER,)))
            if not scope.context and not joined:
                # two errors' words about as strong, without the context ("expired?
                # invalid?"): ask which, never answer one of them from cues alone
                near = [i for i, _ in ranked[:2]]
                evidence.append(Evidence("", "no-context", "against", (ANSWER,)))
                return self._clarify(near, hits, best, certainty, result)
            unsure = None if joined or self._pasted(near[0], hits) or len(ranked) < 2 or \
                ranked[1][1] < best * th.unsure_share else self.alternatives.unsure(views)
            if not joined and not unsure:
                raw = th.answer_floor + (1 - th.answer_floor) * certainty
                return result("answer", near[0], top, calibrated(raw, self._calibration))
            if unsure:  # "either", どっちか: the best and the next it points at
                near = [i for i, _ in ranked[:2]]
                evidence.append(Evidence(unsure, "alternatives", "against", (ANSWER,)))
            else:
                near = list(dict.fromkeys(i for a, _, b in joined
                                          for i in a.targets + b.targets))
                near.sort(key=lambda i: (-per_intent.get(i, 0.0), self._order[i]))
                evidence.extend(Evidence(w, "alternatives", "against", (ANSWER,))
                                for _, w, _ in joined)
        return self._clarify(near, hits, best, certainty, result)

    def _clarify(self, near: list[str], hits: list[Hit], best: float, certainty: float,
                 result: Any) -> Recognition:
        """Ask which of ``near`` it is, unless the evidence is too weak to be worth asking."""
        th = self.thresholds
        if best < th.clarify_minimum:  # a hint this weak ("sorry") is not worth a question
            return result("unknown", None, near, th.unknown_ceiling * (1.0 - _score(best)))
        return result("clarify", None, self._choices(near, hits),
                      th.clarify_floor + (1 - th.clarify_floor) * certainty)

    def _told_apart(self, near: list[str], hits: list[Hit]) -> tuple[str, str] | None:
        """(intent, word) when of the errors whose messages share the words found, one alone
        has a context word of the message in its own message ("account", 注文): that
        word tells their messages apart. Context words many messages share (key) say nothing."""
        told: dict[str, str] = {}
        # "something about licenses" is itself a vague phrase: its words tell nothing apart
        vague = [h.phrase.text for h in hits if h.phrase.group is not None]
        vague_stems = {s for text in vague for s in self.reader.words(text)}
        for hit in hits:
            phrase = hit.phrase
            if phrase.scope != "context" or hit.quality < READING_QUALITY:
                continue
            if any(phrase.text in v for v in vague) if phrase.dense else \
                    vague_stems.issuperset(self.reader.words(phrase.text)):
                continue
            owners = self.index.in_messages.containing(phrase.text, phrase.dense)
            if len(owners) == 1 and owners[0] in near:
                told.setdefault(owners[0], phrase.text)
        return next(iter(told.items())) if len(told) == 1 else None

    @staticmethod
    def _pasted(intent: str, hits: list[Hit]) -> bool:
        """A clause of the intent's own on-screen message (of no other intent) is in the text."""
        return any("message" in h.phrase.sources and h.phrase.targets == (intent,)
                   and h.quality >= QUOTE_QUALITY for h in hits)

    def _choices(self, near: list[str], hits: list[Hit]) -> list[str]:
        """The 2–4 intents to offer: in an ambiguity group's order when a group explains them;
        only those every vague phrase points at, when two or more do and two or more are left
        ("sorry" and "try again": the request and the account message, not the invalid key)."""
        vague = [set(h.phrase.targets) for h in hits if len(h.phrase.targets) > 1
                 and h.phrase.scope is None and OUT_OF_SCOPE not in h.phrase.targets]
        common = set(near).intersection(*vague) if len(vague) > 1 else set()
        if len(common) > 1:
            near = [i for i in near if i in common]
        groups = sorted((h for h in hits if h.phrase.group is not None),
                        key=lambda h: -h.phrase.weight * h.quality)
        for hit in groups:
            if set(near) <= set(hit.phrase.targets):
                return [i for i in hit.phrase.targets if i in near][:MAX_CHOICES]
        return near[:MAX_CHOICES]
