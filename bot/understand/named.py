"""Two or more errors named as alternatives: "the order one or the request one",
「期限切れだったか無効だったか」, "admin? or licenses?", 「すでに登録？使用？」.

People who did not read the message to the end name what they think it was, by the errors'
short names (each intent's ``names`` in the rules file) joined by an "or" (each locale's
``words: alternatives``) or a question mark. The name nearest before such a mark and the one
nearest after it are the alternatives; two or more different errors named so are offered
together. Latin text is read word by word ("or" is a word, not part of "order"); text in a
script without spaces character by character, where a mark must stand right after a name
(「注文か」, 「無効だったか」, 「invalidなのか」).
"""

from __future__ import annotations

import re

from bot.knowledge.model import Knowledge
from bot.understand.normalise import fold
from bot.understand.phrases import is_dense

QUESTION = "?"
WORDS_APART = 4  # latin words allowed between a name and the mark (or a mark and a name)
DENSE_BEFORE = 4  # characters between a dense name and its mark (無効|だった|か, 管理|がどうと|か)
DENSE_AFTER = 2  # characters between a dense mark and the next name (か|、|リクエスト)
_WORD = re.compile(r"[^\W_]+|\?", re.UNICODE)
_NOT_WORD = re.compile(r"[^\w?]|_")


class NamedAlternatives:
    """The errors a message names as alternatives, from the rules file's names and "or"s."""

    def __init__(self, knowledge: Knowledge) -> None:
        spaced: list[tuple[tuple[str, ...], str]] = []  # (words of a name, intent)
        self._owner: dict[str, str] = {}  # every name without spaces -> its intent
        for intent in knowledge.intents.values():
            for names in intent.names.values():
                for name in names:
                    text = fold(name)
                    self._owner.setdefault(text.replace(" ", ""), intent.id)
                    if not is_dense(text):
                        spaced.append((tuple(_WORD.findall(text)), intent.id))
        words = [fold(w) for loc in knowledge.locales if loc.words
                 for w in loc.words.alternatives]
        self._or_words = frozenset(w for w in words if not is_dense(w)) | {QUESTION}
        self._or_dense = tuple(sorted({w for w in words if is_dense(w)} | {QUESTION},
                                      key=len, reverse=True))
        latin = sorted(w for w in self._or_words if w != QUESTION)
        self._or_latin = re.compile(r"\b(?:" + "|".join(map(re.escape, latin)) + r")\b") \
            if latin else None
        # every name in one pattern, longest first: one pass over the dense text
        self._pattern = re.compile("|".join(
            re.escape(n) for n in sorted(self._owner, key=len, reverse=True) if n)) \
            if self._owner else None
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}  # latin, by 1st word
        for words, intent in spaced:
            self._by_first.setdefault(words[0], []).append((words, intent))

    def named(self, folded: str) -> list[str]:
        """The intents named on either side of an "or" or a question mark, in the order they
        stand; fewer than two: none."""
        text = folded.replace("？", QUESTION)
        if self._pattern is None or not self._marked(text):
            return []
        # in the dense text only words and question marks count (無効…だったか = 無効だったか)
        found = self._latin(text) + self._dense_pairs(self._pattern, _NOT_WORD.sub("", text))
        found.sort()
        intents = list(dict.fromkeys(intent for _, intent in found))
        return intents if len(intents) >= 2 else []

    def _marked(self, text: str) -> bool:
        """Any "or" mark at all: a question mark, a dense one, or a latin one as a word."""
        return any(mark in text for mark in self._or_dense) or (
            self._or_latin is not None and self._or_latin.search(text) is not None)

    def _latin(self, text: str) -> list[tuple[float, str]]:
        """(position, intent) of the names next to each run of "or" words and question marks."""
        tokens = _WORD.findall(text)
        places = [(at, at + len(words), intent) for at in range(len(tokens))
                  for words, intent in self._by_first.get(tokens[at], ())
                  if tuple(tokens[at:at + len(words)]) == words]
        out: list[tuple[float, str]] = []
        at = 0
        while at < len(tokens):
            if tokens[at] not in self._or_words:
                at += 1
                continue
            end = at
            while end + 1 < len(tokens) and tokens[end + 1] in self._or_words:
                end += 1
            # a question mark alone joins only what stands right beside it ("expired?
            # invalid?"), not a new sentence ("expired?? we never used it")
            apart = WORDS_APART if any(t != QUESTION for t in tokens[at:end + 1]) else 0
            before = [p for p in places if at - apart <= p[1] <= at]
            after = [p for p in places if end < p[0] <= end + 1 + apart]
            if before and after:
                last = max(before, key=lambda p: (p[1], p[1] - p[0]))
                first = min(after, key=lambda p: (p[0], p[0] - p[1]))
                out += [(last[0], last[2]), (first[0], first[2])]
            at = end + 1
        return out

    def _dense_pairs(self, names: re.Pattern[str], dense: str) -> list[tuple[float, str]]:
        """(position, intent) of names with a mark right after them and a name right after it."""
        places = [(m.start(), m.end(), self._owner[m.group()]) for m in names.finditer(dense)]
        out: list[tuple[float, str]] = []
        for start, end, intent in places:
            mark = self._mark_after(dense, end)
            if mark is None:
                continue
            nxt = [p for p in places if mark <= p[0] <= mark + DENSE_AFTER]
            if nxt:
                out += [(start, intent), (nxt[0][0], nxt[0][2])]
        return out

    def _mark_after(self, dense: str, end: int) -> int | None:
        """Where the text goes on after an "or" mark that stands at most DENSE_BEFORE
        characters after ``end``, if one does."""
        window = dense[end:end + DENSE_BEFORE + max(map(len, self._or_dense))]
        for gap in range(DENSE_BEFORE + 1):
            for mark in self._or_dense:
                if window.startswith(mark, gap):
                    return end + gap + len(mark)
        return None
