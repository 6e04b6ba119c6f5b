"""A message the user stopped reading: the words beside the cut name the errors.

People quote what they caught of a message and mark where they stopped: 「有効…なんとか」,
「〜を処理できません」, "Sorry, we can't ... right now". The words just before the mark (their
longest ending found in an on-screen message) and just after it (their longest opening) are
looked up in every intent's messages; the errors whose messages hold them (both sides, when
both are found) are offered together, as an ambiguity group of the rules file would be.
The marks are each locale's ``words: cut_off``.
"""

from __future__ import annotations

import re

from bot.knowledge.model import Knowledge
from bot.understand.loose import WordReader
from bot.understand.message_index import MessageIndex
from bot.understand.normalise import fold
from bot.understand.phrases import Hit, Phrase, dense_view, is_dense, spaced_view

GROUP = "cut-off"  # the group name the hits carry (one piece of evidence however many)
MAX_OFFERED = 4  # more errors than this hold the words: they say nothing
MIN_DENSE = 2  # characters of a dense fragment (使用, 有効): one kanji is in every message
LONGEST = 24  # characters (dense) or words (latin) beside a cut that are looked up
MIN_KANA = 5  # characters of a fragment in kana alone (できません, not ません)
CUT_GAP = 16  # characters a cut may stand for between the words before it and after it
WEIGHT = 1.0  # as a found group cue: enough to ask, never enough to answer
_HIRAGANA = re.compile("[\u3041-\u309f]")  # kana that may be a particle, not content


class CutOff:
    """Finds the fragments beside each locale's cut marks and the errors they fit."""

    def __init__(self, knowledge: Knowledge, messages: MessageIndex, reader: WordReader) -> None:
        marks = {fold(m) for loc in knowledge.locales if loc.words for m in loc.words.cut_off}
        self._marks = sorted((m for m in marks if m.strip()), key=len, reverse=True)
        self._messages = messages
        self._function = reader.function_stems
        self._stem = reader.stem

    def hits(self, folded: str) -> list[Hit]:
        """One group hit per cut mark whose neighbouring words fit 2–4 errors' messages."""
        if not self._marks or not any(m in folded for m in self._marks):
            return []
        found: dict[tuple[str, ...], Hit] = {}
        for at, mark in self._cuts(folded):
            before = self._fits(folded[:at], last=True)
            after = self._fits(folded[at + len(mark):], last=False)
            sides = [side for side in (before, after) if side]
            if not sides:
                continue
            owners = set(sides[0][1]).intersection(*(o for _, o in sides[1:])) \
                or set(max(sides, key=lambda s: len(s[0]))[1])
            if before and after:  # the two sides close together in one message (お客様の…
                # できません: the request and account messages, not the subscription one)
                close = {i for i in owners if self._messages.near(
                    i, before[0], after[0], is_dense(before[0]), CUT_GAP)}
                owners = close or owners
            ordered = tuple(i for s in sides for i in s[1] if i in owners)
            targets = tuple(dict.fromkeys(ordered))
            if 2 <= len(targets) <= MAX_OFFERED and targets not in found:
                text = (before[0] if before else "") + mark + (after[0] if after else "")
                found[targets] = Hit(Phrase(text, is_dense(text), targets, WEIGHT, GROUP,
                                            {"group"}), 1.0)
        return list(found.values())

    def _dense_fit(self, run: str, last: bool) -> tuple[str, list[str]] | None:
        """The longest end (``last``) or start of ``run`` found in a message, its owners."""
        spans = [run[-n:] if last else run[:n]
                 for n in range(min(len(run), LONGEST), MIN_DENSE - 1, -1)]
        # short kana alone is grammar (ません, ください): some kanji or katakana, or a longer
        # stretch of kana (できません)
        return next(((t, o) for t in spans if (_HIRAGANA.sub("", t) or len(t) >= MIN_KANA)
                     and (o := self._messages.containing(t, True))), None)

    def _cuts(self, folded: str) -> list[tuple[int, str]]:
        """(position, mark) of every mark, longer marks first where they overlap."""
        taken: set[int] = set()
        cuts = []
        for mark in self._marks:
            for m in re.finditer(re.escape(mark), folded):
                if not taken.intersection(range(m.start(), m.end())):
                    taken.update(range(m.start(), m.end()))
                    cuts.append((m.start(), mark))
        return sorted(cuts)

    def _fits(self, side: str, *, last: bool) -> tuple[str, list[str]] | None:
        """The longest run of words next to the cut found in some message, with its owners."""
        view = spaced_view(side).strip()
        if not view:
            return None
        if is_dense(view[-1] if last else view[0]):
            run = dense_view(view.split(" ")[-1] if last else view.split(" ")[0])
            # the kana at the cut may be a particle of the part not read (「〜を処理できません」)
            edge = run[-1] if last else run[0]
            runs = [run, run[:-1] if last else run[1:]] if _HIRAGANA.match(edge) else [run]
            fits = [fit for r in runs if (fit := self._dense_fit(r, last))]
            return max(fits, key=lambda f: len(f[1]) <= MAX_OFFERED and len(f[1]), default=None)
        words = view.split(" ")
        spans = [" ".join(words[-n:] if last else words[:n])
                 for n in range(min(len(words), LONGEST), 0, -1)]
        for text in spans:
            if len(text.split()) == 1 and self._stem(text) in self._function:
                return None  # "the…", "your…": in every message
            owners = self._messages.containing(text, False)
            if owners:
                return text, owners
        return None
