"""Where keys may be in free text: one plain view of every way people separate a key's groups.

Pasted keys come split over lines (``\\r\\n``, a dash before the break), joined by any dash
(‐ – — − ー －, …) or space (tab, NBSP, ideographic space), with zero-width characters inside,
in full-width letters. The view folds all of that to ASCII letters and digits, ``-``, ``.``,
spaces and line breaks (a key's groups may be on two lines; a sentence's words are not),
remembering where each character came from, so a key is found in one shape only. It is then
cut into *runs*: letter-digit groups joined by separators, words beside them left out.

Example::

    >>> view, index = plain_view("key 7KX2M-QH4PD-R9TBW\\r\\nC6FYJ-38VGK")
    >>> [r.chars for r in key_runs(view, fmt)]
    ['7KX2MQH4PDR9TBWC6FYJ38VGK']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from bot.knowledge.model import KeyFormat

# Dash-like characters outside Unicode's dash punctuation (Pd) class, after NFKC folding:
# minus signs, the long-vowel mark a Japanese IME types for "-", box-drawing lines, bullets.
_MORE_DASHES = frozenset("\u2212\u2796\u2043\u02d7\u30fc\u2500\u2501\u2053")
_MARKS = "./_·・"  # other marks put between groups (after the dashes are folded to "-")
_TOKEN = re.compile(r"[A-Za-z0-9]+")
_JOIN = re.compile(rf"[ \n]*[\-{_MARKS}]{{1,3}}[ \n]*|[ \n]+")
_LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"


def _plain(ch: str) -> str:
    """One folded character as the key finder sees it: alnum, "-", a mark, a space, or gone."""
    if ch.isascii() and (ch.isalnum() or ch in "-./_"):
        return ch
    category = unicodedata.category(ch)
    if category == "Cf":  # zero-width and other invisible format characters
        return ""
    if ch in _LINE_BREAKS:
        return "\n"
    if ch.isspace() or category == "Cc":
        return " "
    if category == "Pd" or ch in _MORE_DASHES:
        return "-"
    return ch


@lru_cache(maxsize=4096)
def _folded(ch: str) -> str:
    return "".join(_plain(f) for f in unicodedata.normalize("NFKC", ch))


_ASCII = str.maketrans({c: _plain(c) for c in map(chr, range(128)) if _plain(c) != c})


def plain_view(text: str) -> tuple[str, Sequence[int]]:
    """``text`` NFKC-folded with separators made plain, and each view character's index in it.

    The index has one entry more (the end of the text), so a view span maps back whole.
    """
    if text.isascii():  # the usual message: one character for one
        return text.translate(_ASCII), range(len(text) + 1)
    parts = [_folded(ch) for ch in text]
    lengths = list(map(len, parts))
    if lengths.count(1) == len(lengths):
        return "".join(parts), range(len(text) + 1)
    index = [i for i, n in enumerate(lengths) for _ in range(n)]
    index.append(len(text))
    return "".join(parts), index


class Run(NamedTuple):
    """Groups that may be (part of) a key: their view span and texts as typed."""

    start: int
    end: int
    groups: tuple[str, ...]

    @property
    def chars(self) -> str:
        return "".join(self.groups)


@lru_cache(maxsize=8)
def _group_lengths(size: int) -> frozenset[int]:
    """A group's length, or a few groups' typed together, give or take a character."""
    return frozenset(k * size + d for k in range(1, 6) for d in (-1, 0, 1))


def _groupable(n: int, size: int) -> bool:
    return n in _group_lengths(size)


@lru_cache(maxsize=8)
def _alphabet_gone(alphabet: frozenset[str]) -> dict[int, None]:
    return str.maketrans("", "", "".join(alphabet))


def _outside(chars: str, alphabet: frozenset[str]) -> int:
    """How many characters a key never has (counted by deleting the others, for speed)."""
    return len(chars.upper().translate(_alphabet_gone(alphabet)))


def _wordlike(token: str, size: int, alphabet: frozenset[str]) -> bool:
    """More characters a key never has than one typo per group: a word, not groups of a key."""
    return _outside(token, alphabet) > max(1, round(len(token) / size))


def _case(group: str) -> str:
    return "lower" if group != group.upper() else "upper" if group != group.lower() else ""


class _Chain(NamedTuple):
    groups: list[re.Match[str]]
    joins: list[str]  # joins[i] is between groups[i] and groups[i + 1]
    hyphenated: bool = False  # to a token no key has: the middle of a GUID, say


def _chains(view: str) -> list[_Chain]:
    """Maximal chains of letter-digit tokens, each joined to the next by one separator."""
    chains: list[_Chain] = []
    previous: re.Match[str] | None = None
    for token in _TOKEN.finditer(view):
        between = view[previous.end():token.start()] if previous else ""
        if previous is not None and _JOIN.fullmatch(between):
            chains[-1].groups.append(token)
            chains[-1].joins.append(between)
        else:
            chains.append(_Chain([token], []))
        previous = token
    return chains


def _sized(chain: _Chain, size: int) -> list[bool]:
    """Which tokens are as long as a group (or a few typed together), or a key's cut-off end."""
    sizes = [len(g.group()) for g in chain.groups]
    groupable = [_groupable(n, size) for n in sizes]
    marked = [bool(j.strip()) for j in chain.joins]
    sized = list(groupable)
    for i, n in enumerate(sizes):
        left = i > 0 and marked[i - 1] and groupable[i - 1]
        right = i < len(sizes) - 1 and marked[i] and groupable[i + 1]
        open_left, open_right = i == 0 or not marked[i - 1], i == len(sizes) - 1 or not marked[i]
        if n < size and ((left and open_right) or (right and open_left)):
            sized[i] = True  # "…-C6FYJ-3 fails": a key cut short, hyphenated to the rest
    return sized


def _word(chain: _Chain, i: int, size: int, alphabet: frozenset[str],
          sized: list[bool]) -> bool:
    """A word next to the key ("valid 7KQ2M-…", "…-38VGK.Thanks"), not one of its groups."""
    groups, joins = chain.groups, chain.joins
    text = groups[i].group()
    if not _wordlike(text, size, alphabet):
        return False  # a group of a key has at most one look-alike typo in it
    sides = [joins[k] for k in (i - 1, i) if 0 <= k < len(joins)]
    spaced = bool(sides) and all(not side.strip() for side in sides)
    # its case against the neighbours that could be groups, not words themselves: a key glued
    # whole and typed with look-alikes stays a key beside lower-case words ("…IUX8 keeps")
    cased = [_case(groups[k].group()) for k in (i - 1, i + 1)
             if 0 <= k < len(groups) and sized[k]
             and not _wordlike(groups[k].group(), size, alphabet)]
    other_case = bool(_case(text)) and bool(cased) and all(c and c != _case(text)
                                                           for c in cased)
    # upper-case words are weighed against the key's length instead (see _trimmed)
    return other_case or (spaced and _case(text) != "upper")


def _pieces(chain: _Chain, fmt: KeyFormat, alphabet: frozenset[str]) -> list[_Chain]:
    """A chain cut at what cannot be part of a key: odd-length tokens, words beside groups."""
    groups, joins = chain.groups, chain.joins
    sized = _sized(chain, fmt.group_size)
    keep = [ok and not _word(chain, i, fmt.group_size, alphabet, sized)
            for i, ok in enumerate(sized)]
    pieces: list[_Chain] = []
    current = _Chain([], [])
    hyphenated = False
    for i, g in enumerate(groups):
        if keep[i]:
            if current.groups:
                current.joins.append(joins[i - 1])
            current.groups.append(g)
            hyphenated = hyphenated or any(
                set(joins[k]) == {"-"} and not sized[j]
                for k, j in ((i - 1, i - 1), (i, i + 1)) if 0 <= k < len(joins))
        elif current.groups:
            pieces.append(current._replace(hyphenated=hyphenated))
            current, hyphenated = _Chain([], []), False
    if current.groups:
        pieces.append(current._replace(hyphenated=hyphenated))
    return [_trimmed(p, fmt, alphabet) for p in pieces]


def _trimmed(piece: _Chain, fmt: KeyFormat, alphabet: frozenset[str]) -> _Chain:
    """Words at either end of a run longer than a key ("ORDER 7KX2M … please") dropped."""
    groups, joins = list(piece.groups), list(piece.joins)

    def too_long() -> bool:
        return sum(len(g.group()) for g in groups) > fmt.length

    while len(groups) > 1 and too_long():
        if _wordlike(groups[0].group(), fmt.group_size, alphabet):
            del groups[0], joins[0]
        elif _wordlike(groups[-1].group(), fmt.group_size, alphabet):
            del groups[-1], joins[-1]
        else:
            break
    return _Chain(groups, joins, piece.hyphenated)


def _key_like(chars: str, joins: list[str], fmt: KeyFormat, alphabet: frozenset[str],
              exact: bool, hyphenated: bool) -> bool:
    """Tell a key (or a good part of one) from words, numbers and identifiers."""
    if set(chars.upper()) <= {"X"}:
        return False  # the placeholder XXXXX-XXXXX-… (or a key masked already)
    digits = sum(c.isdigit() for c in chars)
    outside = _outside(chars, alphabet)
    if digits == len(chars) and outside:
        return False  # a long number (order id, phone number), not a key
    if len(chars) >= fmt.length - 2:
        marked = bool(joins) and all(j.strip() or "\n" in j for j in joins)
        return digits >= 2 or outside <= max(1, len(chars) // fmt.group_size) \
            or (marked and (exact or chars.isupper()))
    if (not joins or hyphenated or len(chars) < 2 * fmt.group_size
            or outside > len(chars) // fmt.group_size):
        return False
    # a fragment (a key split over messages, or cut short): a digit, or no letter a key never
    # has, or capitals joined by dashes; lower-case words ("which might") have none of these
    marked = all(j.strip() or "\n" in j for j in joins)
    return digits >= 1 or outside == 0 or (marked and chars.isupper())


def key_runs(view: str, fmt: KeyFormat) -> list[Run]:
    """Every run in the plain view that is a key, more than one, or a fragment of one."""
    alphabet = frozenset(fmt.alphabet.upper())
    runs: list[Run] = []
    for chain in _chains(view):
        for piece in _pieces(chain, fmt, alphabet):
            if not piece.groups:
                continue
            texts = tuple(g.group() for g in piece.groups)
            exact = len(texts) == fmt.groups and all(len(t) == fmt.group_size for t in texts)
            if _key_like("".join(texts), piece.joins, fmt, alphabet, exact, piece.hyphenated):
                runs.append(Run(piece.groups[0].start(), piece.groups[-1].end(), texts))
    return runs


def continuation(view: str, fmt: KeyFormat, missing: int) -> Run | None:
    """The groups a message starts with, when the last message ended ``missing`` characters
    short of a key: the rest of that key ("DDDDD-EEEEE" after "AAAAA-BBBBB-CCCCC")."""
    alphabet = frozenset(fmt.alphabet.upper())
    chains = _chains(view)
    if not chains or view[:chains[0].groups[0].start()].strip(" \n-" + _MARKS):
        return None
    chain = chains[0]
    taken, total = 0, 0
    for group in chain.groups:
        text = group.group()
        if (not _groupable(len(text), fmt.group_size) or total + len(text) > missing + 1
                or _wordlike(text, fmt.group_size, alphabet)):
            break
        taken, total = taken + 1, total + len(text)
    if not taken:
        return None
    groups = chain.groups[:taken]
    return Run(groups[0].start(), groups[-1].end(), tuple(g.group() for g in groups))


def ends_view(view: str, run: Run) -> bool:
    """Nothing but separators after ``run``: the message may stop in the middle of a key."""
    return not view[run.end:].strip(" \n-" + _MARKS)
