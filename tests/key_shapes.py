"""Product keys in every shape people paste them, and a test of whether any part of one leaked.

A key here: five groups of five characters from the rules file's alphabet, each group with at
most one look-alike typo (O for 0, I for 1 …), in any case, any character full width, the
groups joined by nothing, any dash, any run of spaces or line breaks (``\\r\\n``, a dash before
the break), with zero-width characters anywhere. Text around it is separated from it by a
space, a line break or punctuation, as in a sentence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from hypothesis import assume
from hypothesis import strategies as st

from bot.knowledge.loader import load_knowledge
from bot.paths import rules_path, templates_dir

KNOWLEDGE = load_knowledge(rules_path())
FORMAT = KNOWLEDGE.key_format
ALPHABET = FORMAT.alphabet.upper()
TYPOS = sorted({m.upper() for group in FORMAT.confusables for m in group} - set(ALPHABET))
DASHES = ["-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\u30fc",
          "\uff0d", "\ufe58", "\ufe63", "\uff70"]
SPACES = " \t\n\r\u00a0\u3000\u2028"
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
BEFORE = [" ", "\n", "\r\n", ": ", "：", "「", "(", "は", "\t"]
AFTER = [" ", "\n", "」", "。", ", ", ")", ".", "です", "\r\n"]
PHRASES = ["The product key you entered isn't valid", "このプロダクト キーは有効ではありません",
           "my key is", "キーは", "thanks", "please help", "Order 12345", "error 0x8007007B",
           "🔑", "<@U0OTHER>", "> quoted", "why?", "最初から"]


@dataclass(frozen=True)
class PastedKey:
    """A key as typed (``groups``, upper case) and as pasted into a message (``text``)."""

    groups: tuple[str, ...]
    text: str

    @property
    def bare(self) -> str:
        return "".join(self.groups)


def fold(text: str) -> str:
    """What a reader sees: width folded, invisible characters gone, upper case."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if unicodedata.category(c) != "Cf").upper()


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"[A-Z0-9]+", fold(text)))


def _vocabulary() -> frozenset[str]:
    """Every word keyhelp itself writes: a key group spelling one of them is no evidence."""
    texts = [rules_path().read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in Path(templates_dir()).rglob("*")
              if p.is_file()]
    return frozenset(t for text in texts for t in _tokens(text))


VOCABULARY = _vocabulary()


@st.composite
def _group(draw: st.DrawFn) -> str:
    chars = draw(st.lists(st.sampled_from(ALPHABET), min_size=5, max_size=5))
    if draw(st.booleans()):
        chars[draw(st.integers(0, 4))] = draw(st.sampled_from(TYPOS))
    return "".join(chars)


def _typed(char: str, lower: bool, wide: bool) -> str:
    char = char.lower() if lower else char
    return chr(ord(char) + 0xFEE0) if wide else char  # full-width forms of ASCII


MODES = st.sampled_from([False, True, None])
SEPARATORS = st.one_of(
    st.just(""),
    st.sampled_from(DASHES),
    st.text(SPACES, min_size=1, max_size=4),
    st.tuples(st.sampled_from(DASHES), st.sampled_from(["\n", "\r\n", " \n"])).map("".join),
    st.tuples(st.text(" \n", max_size=2), st.sampled_from(DASHES),
              st.text(" \n", max_size=2)).map("".join),
)


@st.composite
def pasted_keys(draw: st.DrawFn) -> PastedKey:
    """A key in any of the shapes above."""
    groups = tuple(draw(_group()) for _ in range(FORMAT.groups))
    separators = [draw(SEPARATORS) for _ in range(FORMAT.groups - 1)]
    case, width = draw(MODES), draw(MODES)  # each all one way, all the other, or mixed
    parts: list[str] = []
    for n, group in enumerate(groups):
        parts += [_typed(c, draw(st.booleans()) if case is None else case,
                         draw(st.booleans()) if width is None else width) for c in group]
        if n < len(separators):
            parts.append(separators[n])
    for _ in range(draw(st.integers(0, 3))):  # zero-width characters anywhere inside
        parts.insert(draw(st.integers(1, len(parts) - 1)), draw(st.sampled_from(INVISIBLE)))
    key = PastedKey(groups, "".join(parts))
    tail = groups[-1]
    assume(tail not in key.bare[:-1])  # a repeated tail would show a hidden group's letters
    assume(not set(groups) & VOCABULARY)
    return key


SURROUNDING = st.lists(st.one_of(st.sampled_from(PHRASES), st.text(max_size=12)),
                       max_size=3).map(" ".join)


@st.composite
def messages(draw: st.DrawFn) -> tuple[str, PastedKey]:
    """A message with a key somewhere in it: alone, or with text before and after it."""
    key = draw(pasted_keys())
    before, after = draw(SURROUNDING), draw(SURROUNDING)
    text = key.text
    if before:
        text = before + draw(st.sampled_from(BEFORE)) + text
    if after:
        text = text + draw(st.sampled_from(AFTER)) + after
    assume(not any(leaks(part, key) for part in (before, after)))
    return text, key


def leaks(output: str, key: PastedKey) -> list[str]:
    """Parts of ``output`` that show characters of the key beyond its last five.

    Every word of at least five letters and digits that occurs in the key before its last five
    characters, and is not one of keyhelp's own words.
    """
    hidden_from = len(key.bare) - 5
    found = []
    for token in _tokens(output):
        if len(token) < 5 or token in VOCABULARY:
            continue
        at = key.bare.find(token)
        while at != -1:
            if at < hidden_from:
                found.append(token)
                break
            at = key.bare.find(token, at + 1)
    return found
