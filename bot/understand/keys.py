"""Find, mask and check product keys in free text: keys are secrets, never kept in full.

Example::

    >>> masked, check = find_key("key 7KX2M-QH4PD-R9TBW-C6FYJ-38VGK fails", knowledge.key_format)
    >>> masked
    'key XXXXX-XXXXX-XXXXX-XXXXX-38VGK fails'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, NamedTuple

from bot.knowledge.model import KeyFormat

MASK_CHAR = "X"
VISIBLE_TAIL = 5
# Hyphen look-alikes, spaces and dots people type or paste between the groups of a key.
_SEP = r"[ \t\-\u2010-\u2015\u2212\u30fc\uff70.·_/]{1,3}"
_ALNUM = "A-Za-z0-9"


class Suspect(NamedTuple):
    """A key character outside the alphabet, with the characters it was probably meant to be."""

    position: int  # 1-based among the key's characters (separators not counted)
    char: str
    suggestions: tuple[str, ...]


class KeyCheck(NamedTuple):
    """What can be said about a pasted key without keeping it: its masked form and its flaws.

    Safe to store and show (replies and the escalation summary carry it as it is).
    """

    masked: str
    well_formed: bool
    length: int
    expected_length: int
    suspects: tuple[Suspect, ...]

    @property
    def clean(self) -> bool:
        """Right shape and every character from the alphabet: the key itself must be checked."""
        return self.well_formed and not self.suspects

    def to_data(self) -> dict[str, Any]:
        """As plain JSON values, for the conversation store."""
        return {"masked": self.masked, "well_formed": self.well_formed, "length": self.length,
                "expected_length": self.expected_length,
                "suspects": [{"position": s.position, "char": s.char,
                              "suggestions": list(s.suggestions)} for s in self.suspects]}

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> KeyCheck | None:
        """Back from ``to_data`` (``None`` when the conversation holds no key)."""
        if not data:
            return None
        return cls(masked=data["masked"], well_formed=data["well_formed"],
                   length=data["length"], expected_length=data["expected_length"],
                   suspects=tuple(Suspect(s["position"], s["char"], tuple(s["suggestions"]))
                                  for s in data["suspects"]))


class _Patterns(NamedTuple):
    """Key-shaped regexes built from one key format; iterating gives them most certain first."""

    uniform: re.Pattern[str]  # exact groups, one separator used throughout: tried first
    grouped: re.Pattern[str]
    lenient: re.Pattern[str]


@lru_cache(maxsize=8)
def _patterns(groups: int, size: int) -> _Patterns:
    """Regexes for one key shape: exact groups with optional separators, or near-miss groups."""
    edge_l, edge_r = f"(?<![{_ALNUM}])", f"(?![{_ALNUM}])"
    exact = f"[{_ALNUM}]{{{size}}}"
    near = f"[{_ALNUM}]{{{max(1, size - 1)},{size + 1}}}"
    # more groups than a key has are allowed here: the best window is picked (see _best_window)
    uniform = f"{edge_l}{exact}({_SEP}){exact}(?:\\1{exact}){{{groups - 2},}}{edge_r}"
    grouped = f"{edge_l}{exact}(?:(?:{_SEP})?{exact}){{{groups - 1}}}{edge_r}"
    lenient = f"{edge_l}{near}(?:{_SEP}{near}){{{groups - 1}}}{edge_r}"
    return _Patterns(re.compile(uniform), re.compile(grouped), re.compile(lenient))


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """NFKC per character, with each folded character's index in the original text."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text, list(range(len(text) + 1))
    folded: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        out = unicodedata.normalize("NFKC", ch)
        folded.append(out)
        index.extend([i] * len(out))
    index.append(len(text))
    return "".join(folded), index


def _key_shaped(chars: str, separators: str, alphabet: set[str], exact: bool) -> bool:
    """Tell a key from words: keys mix digits in; unseparated or spaced letters alone are words."""
    if set(chars.upper()) <= {MASK_CHAR}:
        return False  # the placeholder XXXXX-XXXXX-… people write when describing the format
    digits = sum(c.isdigit() for c in chars)
    letters = len(chars) - digits
    if letters == 0 and not separators and not set(chars) <= alphabet:
        return False  # a long number (order id, phone number), not a key
    if digits >= 2:
        return True
    # exact groups joined by hyphens or dots (not spaces) are a key whatever their case;
    # near-miss groups without digits must be upper case ("long-range-check-based-query")
    joined = bool(separators) and not any(c.isspace() for c in separators)
    return joined and (exact or chars.isupper())


def _split_groups(span: str) -> list[str]:
    return [g for g in re.split(f"[^{_ALNUM}]+", span) if g]


def _masked(groups: list[str], key_format: KeyFormat) -> str:
    """Every character but the last five replaced by X, grouped as the key format prints it."""
    chars = "".join(groups).upper()
    if len(chars) == key_format.length or len(groups) == 1:
        size = key_format.group_size
        groups = [chars[i:i + size] for i in range(0, len(chars), size)]
    hidden = max(0, len(chars) - VISIBLE_TAIL)
    out, seen = [], 0
    for group in groups:
        g = group.upper()
        keep = "".join(c if seen + j >= hidden else MASK_CHAR for j, c in enumerate(g))
        out.append(keep)
        seen += len(g)
    return key_format.separator.join(out)


def _suspects(chars: str, key_format: KeyFormat) -> tuple[Suspect, ...]:
    alphabet = set(key_format.alphabet.upper())
    found = []
    for pos, ch in enumerate(chars.upper(), start=1):
        if ch in alphabet:
            continue
        suggestions: list[str] = []
        for group in key_format.confusables:
            members = [m.upper() for m in group]
            if ch in members:
                suggestions.extend(m for m in members if m != ch and m in alphabet
                                   and m not in suggestions)
        found.append(Suspect(pos, ch, tuple(suggestions)))
    return tuple(found)


def check_key(groups: list[str], key_format: KeyFormat) -> KeyCheck:
    """Check a key given as its character groups (separators already removed)."""
    chars = "".join(groups).upper()
    sizes_ok = (len(groups) == key_format.groups
                and all(len(g) == key_format.group_size for g in groups))
    unseparated = len(groups) == 1 and len(chars) == key_format.length
    return KeyCheck(
        masked=_masked(groups, key_format),
        well_formed=sizes_ok or unseparated,
        length=len(chars),
        expected_length=key_format.length,
        suspects=_suspects(chars, key_format),
    )


def _best_window(m: re.Match[str], key_format: KeyFormat, alphabet: set[str]) -> tuple[int, int]:
    """In "ORDER 7KX2M QH4PD R9TBW C6FYJ 38VGK", the five groups most like a key (or all)."""
    size, step = key_format.group_size, key_format.group_size + len(m.group(1))
    count = (len(m.group()) + len(m.group(1))) // step
    if count <= key_format.groups or count > 3 * key_format.groups:
        return m.span() if count <= key_format.groups else (m.start(), m.start() + (
            key_format.groups - 1) * step + size)  # a long list: masked chunk by chunk

    def keyness(first: int) -> int:
        window = m.group()[first * step:(first + key_format.groups) * step]
        return sum(c.upper() in alphabet for c in window)

    scores = [keyness(first) for first in range(count - key_format.groups + 1)]
    if scores.count(max(scores)) > 1:
        return m.span()  # no window stands out: mask the whole run rather than guess
    start = m.start() + scores.index(max(scores)) * step
    return start, start + (key_format.groups - 1) * step + size


def find_key(text: str, key_format: KeyFormat) -> tuple[str, KeyCheck | None]:
    """Mask every key-like span in ``text``; return the masked text and a check of the first key."""
    folded, index = _fold_with_map(text)
    pats = _patterns(key_format.groups, key_format.group_size)
    spans: list[tuple[int, int, list[str]]] = []
    taken = bytearray(len(folded) + 1)  # characters already inside a found key
    alphabet = set(key_format.alphabet.upper())
    for pattern in pats:
        for m in pattern.finditer(folded):
            start, end = m.span()
            if pattern is pats.uniform:
                start, end = _best_window(m, key_format, alphabet)
            if taken.find(1, start, end) != -1:
                continue
            span = folded[start:end]
            groups = _split_groups(span)
            chars = "".join(groups)
            separators = re.sub(f"[{_ALNUM}]", "", span)
            if abs(len(chars) - key_format.length) > 2 and pattern is not pats.uniform:
                continue
            exact = len(groups) == key_format.groups and all(
                len(g) == key_format.group_size for g in groups)
            if not _key_shaped(chars, separators, alphabet, exact):
                continue
            spans.append((start, end, groups))
            taken[start:end] = b"\x01" * (end - start)
    if not spans:
        return text, None
    spans.sort()
    first = check_key(spans[0][2], key_format)
    out, last = [], 0
    for start, end, groups in spans:
        o_start, o_end = index[start], index[end - 1] + 1
        out.append(text[last:o_start])
        out.append(_masked(groups, key_format))
        last = o_end
    out.append(text[last:])
    return "".join(out), first
