"""Durations and counts in typed answers: "about an hour", 「30分くらい」, "5 mins", 「1時間以上」.

Number words, unit words and the words for "more than" / "less than" are the rules file's
(each locale's ``words.answers``); digits (full-width ones are folded before) and numerals
that Unicode gives a value (一, 十, 五 …, as written in Japanese and Chinese) are read
without being listed. A quantity is a number followed by a unit of the asked measure;
numbers next to each other combine ("a couple" = 2, "half an" = 0.5, "twenty five" = 25),
a fraction after a quantity adds to it ("an hour and a half", 「1時間半」), and adjacent
quantities add up ("1 hour 30 minutes"). What is said becomes an ``Interval``: a point
("about an hour" is [60, 60]), or with a qualifier "over an hour" [60, ∞), "under 10
minutes" [0, 10).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from bot.knowledge.model import AnswerWords, Interval

_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_GLUE = re.compile(r"[\s\-・]*")  # what may stand between the parts of one quantity
_ASCII_LETTER = re.compile(r"[a-z]")
MAX_CHARS = 400  # characters of an answer read for quantities: bounds the work


class _Token(NamedTuple):
    kind: str  # num | unit | more | less
    value: float
    start: int
    end: int


def numeral_value(run: str) -> float:
    """A run of numerals such as 十五 or 二十 (positional with 十/百/千 as multipliers)."""
    total, digit = 0.0, 0.0
    for char in run:
        value = unicodedata.numeric(char)
        if value >= 10:
            total += (digit or 1.0) * value
            digit = 0.0
        else:
            digit = digit * 10 + value
    return total + digit


def _is_numeral(char: str) -> bool:
    return not char.isascii() and unicodedata.numeric(char, None) is not None


class QuantityReader:
    """Finds the quantities of one measure in a folded answer, with every locale's words."""

    def __init__(self, words: Iterable[AnswerWords], measure: str) -> None:
        table: dict[str, tuple[str, float]] = {}
        for rules in words:
            for word, value in rules.numbers.items():
                table.setdefault(word, ("num", value))
            for word, size in rules.units.get(measure, {}).items():
                table.setdefault(word, ("unit", size))
            for kind in ("more", "less"):
                for word in getattr(rules, kind):
                    table.setdefault(word, (kind, 0.0))
        self._table = table
        self._longest = max(map(len, table), default=0)

    def _word_at(self, text: str, at: int) -> tuple[str, str, float] | None:
        """The longest listed word at ``at``; a latin one must stand as a whole word."""
        for size in range(min(self._longest, len(text) - at), 0, -1):
            word = text[at:at + size]
            found = self._table.get(word)
            if found is None:
                continue
            if _ASCII_LETTER.match(word[0]) and at and _ASCII_LETTER.match(text[at - 1]):
                continue
            if _ASCII_LETTER.match(word[-1]) and _ASCII_LETTER.match(text[at + size:][:1]):
                continue
            return word, *found
        return None

    def _tokens(self, text: str) -> list[_Token]:
        tokens: list[_Token] = []
        at = 0
        while at < len(text):
            digits = _DIGITS.match(text, at)
            if digits:
                tokens.append(_Token("num", float(digits.group()), at, digits.end()))
                at = digits.end()
                continue
            if _is_numeral(text[at]):
                end = at
                while end < len(text) and _is_numeral(text[end]):
                    end += 1
                tokens.append(_Token("num", numeral_value(text[at:end]), at, end))
                at = end
                continue
            found = self._word_at(text, at)
            if found:
                word, kind, value = found
                tokens.append(_Token(kind, value, at, at + len(word)))
                at += len(word)
            else:
                at += 1
        return tokens

    def read(self, folded: str) -> list[Interval]:
        """Each quantity said in ``folded`` (lower-cased, NFKC), as an interval."""
        text = folded[:MAX_CHARS]
        tokens = self._tokens(text)
        found: list[tuple[float, float, int, int]] = []  # value, last unit size, start, end
        number: tuple[float, int] | None = None  # pending number and where it starts
        last_end = -1
        for token in tokens:
            glued = _GLUE.fullmatch(text, last_end, token.start) is not None
            if token.kind == "num":
                if number is not None and glued:
                    value, start = number
                    # "twenty five" adds, "a couple" and "half an" multiply
                    combined = value + token.value if value >= 20 > token.value else \
                        value * token.value
                    number = (combined, start)
                else:
                    self._fraction(number, found)
                    number = (token.value, token.start)
            elif token.kind == "unit" and number is not None and glued:
                value, start = number
                if found and _GLUE.fullmatch(text, found[-1][3], start):
                    total = found.pop()  # "1 hour 30 minutes": one quantity
                    found.append((total[0] + value * token.value, token.value, total[2],
                                  token.end))
                else:
                    found.append((value * token.value, token.value, start, token.end))
                number = None
            else:
                self._fraction(number, found)
                number = None
            last_end = token.end
        self._fraction(number, found)
        return [self._qualified(value, start, end, tokens, text)
                for value, _, start, end in found]

    @staticmethod
    def _fraction(number: tuple[float, int] | None,
                  found: list[tuple[float, float, int, int]]) -> None:
        """A number below one left without a unit halves (or quarters) the quantity's unit."""
        if number is not None and 0 < number[0] < 1 and found:
            value, size, start, end = found[-1]
            found[-1] = (value + number[0] * size, size, start, end)

    @staticmethod
    def _qualified(value: float, start: int, end: int, tokens: list[_Token],
                   text: str) -> Interval:
        """The quantity as an interval: "more than" / "less than" right before or after it."""
        for token in tokens:
            if token.kind not in ("more", "less"):
                continue
            before = token.end <= start and _GLUE.fullmatch(text, token.end, start)
            after = token.start >= end and _GLUE.fullmatch(text, end, token.start)
            if before or after:
                if token.kind == "more":
                    return Interval(low=value)
                return Interval(low=0.0, high=value, high_open=True)
        return Interval(low=value, high=value, high_open=False)
