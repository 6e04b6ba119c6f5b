"""A second guard for keys read by OCR: a line that is mostly a key is masked even when
misread.

The normaliser masks what is shaped like a key. OCR misreads a key field in ways no key
pattern expects ("7KX2M-QH4 PD:R9TBW", a group glued to the next, a kana in the middle),
and each leftover group would be a piece of the secret in the transcript. On a screenshot
the key sits alone in its field, so a line made mostly of capitals and digits, as long as
most of a key, is masked whole (all but the last characters, as a key is: fewer of
them for a line shorter than a key).
"""

from __future__ import annotations

import re

from bot.knowledge.model import KeyFormat
from bot.understand.keys import MASK_CHAR, visible_tail

_ALNUM = re.compile(r"[A-Za-z0-9]")
MIN_SHARE = 0.6  # of a key's length: a line with fewer letters and digits holds no key
UPPER_SHARE = 0.6  # capitals and digits among them (sentences are mostly small letters)
# Small letters shaped like their capitals: OCR cannot tell their case, so they count as both.
_CASELESS = frozenset("ckopsuvwxz")
LINE_SHARE = 0.6  # letters and digits among the line's characters
ALPHABET_SHARE = 0.85  # of them from the key alphabet: a key, however many "words" OCR made


def _looks_like_key(line: str, key_format: KeyFormat) -> bool:
    chars = _ALNUM.findall(line)
    if len(chars) < key_format.length * MIN_SHARE or len(chars) > key_format.length * 2:
        return False
    digits = sum(c.isdigit() for c in chars)
    upper = sum(c.isupper() or c in _CASELESS for c in chars)
    # capitals without digits are a key as one or two runs, or when nearly all are of the
    # key alphabet (no vowels in Microsoft's), not as the words of a heading
    words = sum(len(_ALNUM.findall(token)) >= 3 for token in line.split())
    alphabet = set(key_format.alphabet.upper())
    keyish = sum(c.upper() in alphabet for c in chars) >= ALPHABET_SHARE * len(chars)
    return ((digits + upper) >= UPPER_SHARE * len(chars)
            and (digits >= 2 or words <= 2 or keyish)
            and len(chars) >= LINE_SHARE * len("".join(line.split())))


def _masked(line: str, key_format: KeyFormat) -> str:
    total = len(_ALNUM.findall(line))
    # as for a typed key: one character fewer shown for each one the line is short of a key
    hidden = total - visible_tail(total, key_format)
    seen = 0

    def hide(match: re.Match[str]) -> str:
        nonlocal seen
        seen += 1
        return match.group() if seen > hidden else MASK_CHAR
    return _ALNUM.sub(hide, line)


def mask_key_lines(text: str, key_format: KeyFormat) -> str:
    """``text`` with every line that is mostly a (mis)read key masked."""
    return "\n".join(_masked(line, key_format) if _looks_like_key(line, key_format) else line
                     for line in text.split("\n"))
