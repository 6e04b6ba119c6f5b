"""Whether a message may be answered at all, and which intents it names as alternatives.

From the rules file's ``scope`` section: a message naming another product (and none of ours)
or asking about a neighbouring task (and quoting no on-screen message) is not answered, nor is
a status report saying the problem is gone ("「…」は出なくなりました", "never mind"); an
answer from cues alone needs the redemption context (one of our products, a context word, a
pasted key, an on-screen message, or a long cue of one error found as written, in a message
with no out-of-scope phrase). And "isn't valid or has expired" (a locale's
``alternatives``, between two intents' phrases) asks which one rather than guessing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from bot.knowledge.model import Knowledge
from bot.understand.phrases import OUT_OF_SCOPE, Hit, Phrase, dense_view, spaced_view

QUOTE_QUALITY = 0.5  # a message clause found at least this well is a quoted on-screen message
# A cue word for word in its intent's message quotes it if this long ("already been used",
# 有効期限; not "expired", which any trial banner says): weight_of 1.5 ~ 12 letters, 5 kanji.
QUOTE_WEIGHT = 1.5
QUOTE_WEIGHT_DENSE = 1.25
# a loanword spelled out in katakana (トライアル, "trial") says no more than its latin letters
_SPELLED = re.compile(r"[\u30a0-\u30ffー]+")
ALTERNATIVE_GAP = 2  # words (characters without spaces) allowed beside an "or"


class ScopeVerdict(NamedTuple):
    """What the scope phrases found in one message say."""

    vetoes: tuple[Hit, ...]  # other products / topics that take an answer away
    context: bool  # the message shows the redemption context
    quoted: bool  # it quotes one of the on-screen messages


_MARKED = re.compile(r'"([^"]+)"|(?<!\w)\'(.+?)\'(?!\w)|「([^」]+)」|『([^』]+)』')


def marked(folded: str) -> tuple[tuple[str, str], ...]:
    """What the user put in quotation marks ("isn't valid", 「既に入力されています」), each part
    in both views: words of an on-screen message marked so are a quote of it."""
    parts = (next(g for g in m.groups() if g) for m in _MARKED.finditer(folded))
    return tuple((f" {view.strip()} ", dense_view(view))
                 for view in map(spaced_view, parts))


def _in_marks(phrase: Phrase, marks: tuple[tuple[str, str], ...]) -> bool:
    return any(phrase.text in dense if phrase.dense else f" {phrase.text} " in spaced
               for spaced, dense in marks)


def judge(hits: Iterable[Hit], key_pasted: bool, needs_context: bool = True,
          marks: tuple[tuple[str, str], ...] = ()) -> ScopeVerdict:
    """The scope verdict from the (undenied) hits of a message; ``needs_context`` false (a
    rules file declaring no products or context words) lets cues alone answer; ``marks``: the
    message's parts in quotation marks (``marked``)."""
    parts: dict[str, list[Hit]] = {}
    quoted = verbatim = specific = elsewhere = False
    for hit in hits:
        phrase = hit.phrase
        if phrase.scope is not None:
            parts.setdefault(phrase.scope, []).append(hit)
        elif OUT_OF_SCOPE in phrase.targets:
            elsewhere = True
        elif hit.quality >= QUOTE_QUALITY:
            quoted = quoted or "message" in phrase.sources
            long = phrase.weight >= (QUOTE_WEIGHT_DENSE if phrase.dense else QUOTE_WEIGHT)
            # a message's own words, long or put in quotation marks ("isn't valid")
            verbatim = verbatim or (phrase.verbatim and (long or _in_marks(phrase, marks)))
            # a long cue of one error, found as written (入力済み, 使用済み): its own context
            specific = specific or (long and hit.quality >= 1.0 and "cue" in phrase.sources
                                    and len(phrase.targets) == 1
                                    and not _SPELLED.fullmatch(phrase.text))
    ours = bool(parts.get("products"))
    # a cue that repeats a message's words shows the context, but only a clause of the
    # message itself outweighs a neighbouring topic ("make him a billing admin")
    # a status report quotes the message it says is gone: it vetoes even a quoted message
    vetoes = ([] if ours else parts.get("other_products", [])) + \
        ([] if quoted or key_pasted else parts.get("other_topics", [])) + \
        parts.get("resolved", [])
    context = not needs_context or quoted or verbatim or ours or bool(parts.get("context")) \
        or key_pasted or (specific and not elsewhere)
    return ScopeVerdict(tuple(vetoes), context, quoted)


class Alternatives:
    """Each locale's words for "or", found between two intents' phrases."""

    def __init__(self, knowledge: Knowledge) -> None:
        words = [w for loc in knowledge.locales if loc.words for w in loc.words.alternatives]
        self.spaced = tuple(w for w in words if w.isascii())
        self.dense = tuple(w for w in words if not w.isascii())
        unsure = [w for loc in knowledge.locales if loc.words for w in loc.words.unsure_which]
        self._unsure_spaced = tuple(f" {w} " for w in unsure if w.isascii())
        self._unsure_dense = tuple(w for w in unsure if not w.isascii())

    def unsure(self, views: tuple[str, str]) -> str | None:
        """The words saying the user is not sure which message it was, if any."""
        return next((w.strip() for w in self._unsure_spaced if w in views[0]), None) or \
            next((w for w in self._unsure_dense if w in views[1]), None)

    def joined(self, hits: list[Hit], views: tuple[str, str]) -> list[tuple[Phrase, str, Phrase]]:
        """(phrase, or-word, phrase) of two different intents' phrases joined as alternatives."""
        spaced, dense = views
        if not any(f" {w} " in spaced for w in self.spaced) and \
                not any(w in dense for w in self.dense):
            return []
        placed = [(h.phrase, span) for h in hits if h.phrase.scope is None
                  and h.phrase.targets and OUT_OF_SCOPE not in h.phrase.targets
                  for span in _where(h.phrase, spaced, dense)]
        found = []
        for a, (a_dense, _, a_end) in placed:
            for b, (b_dense, b_start, _) in placed:
                if a_dense != b_dense or set(a.targets) & set(b.targets) or b_start < a_end:
                    continue
                between = (dense if a_dense else spaced)[a_end:b_start]
                word = self._or_word(between, a_dense)
                if word:
                    found.append((a, word, b))
        return found

    def _or_word(self, between: str, dense: bool) -> str | None:
        if dense:
            return next((w for w in self.dense if w in between
                         and len(between) - len(w) <= ALTERNATIVE_GAP), None)
        words = between.split()
        return next((w for w in self.spaced if w in words
                     and len(words) - 1 <= ALTERNATIVE_GAP), None)


def _where(phrase: Phrase, spaced: str, dense: str) -> list[tuple[bool, int, int]]:
    """Where a phrase occurs as written: (dense?, start, end) in its view."""
    text, needle = (dense, phrase.text) if phrase.dense else (spaced, f" {phrase.text} ")
    out, at = [], text.find(needle)
    while at >= 0:
        out.append((phrase.dense, at, at + len(needle)))
        at = text.find(needle, at + 1)
    return out
