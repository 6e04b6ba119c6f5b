"""Text wrapped to a terminal's width: at word boundaries, and between two characters of
Japanese (or other wide) text where Japanese line breaking allows it.

A line never starts with a closing mark (。、」）！？ー, small kana) nor ends with an opening one
(「（); a URL is never broken, even when longer than the line; list items keep their indent.
Display widths come from ``wcwidth`` (East Asian wide characters take two columns), whose
wrapper also keeps ANSI colour sequences out of the count.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

from wcwidth import SequenceTextWrapper, iter_graphemes, iter_sequences, width

_URL = re.compile(r"https?://\S+")
# a list item's marker: "- ", "  1) ", "1. ", "  > ", or just indentation
_MARKER = re.compile(r"^\s*(?:(?:[-*•>]|\d+[.)])\s+)?")
_NO_START = ("Pe", "Pf", "Po", "Lm")  # closing marks, 。、！？, ー: never first on a line
_NO_END = ("Ps", "Pi")  # opening marks such as 「（: never last on a line


def wrap(text: str, columns: int) -> str:
    """``text`` wrapped to ``columns`` display columns, line by line."""
    return "\n".join(_wrap_line(line, columns) for line in text.split("\n"))


def _wrap_line(line: str, columns: int) -> str:
    if width(line) <= columns:
        return line
    marker = _MARKER.match(line)
    prefix = marker.group(0) if marker else ""
    wrapper = _Wrapper(width=columns, initial_indent=prefix,
                       subsequent_indent=" " * width(prefix), break_long_words=False,
                       break_on_hyphens=False)
    return "\n".join(wrapper.wrap(line[len(prefix):])) or line


class _Wrapper(SequenceTextWrapper):
    """wcwidth's wrapper, with breaks also allowed between wide characters (not in URLs)."""

    def _split(self, text: str) -> list[str]:
        chunks: list[str] = []
        for chunk in super()._split(text):
            chunks.extend([chunk] if chunk.isspace() else _pieces(chunk))
        return chunks


def _pieces(chunk: str) -> list[str]:
    """A run without spaces cut where a line may break: around wide characters only."""
    units: list[tuple[str, str]] = []  # (text with any escape sequences before it, grapheme)
    pending = ""
    for segment, is_sequence in iter_sequences(chunk):
        if is_sequence:
            pending += segment
            continue
        for grapheme in iter_graphemes(segment):
            units.append((pending + grapheme, grapheme))
            pending = ""
    if not units:
        return [chunk]
    visible = "".join(g for _, g in units)
    inside_url = set()
    for match in _URL.finditer(visible):
        inside_url.update(range(match.start() + 1, match.end()))
    pieces, offset = [units[0][0]], len(units[0][1])
    for (_, before), (text, grapheme) in itertools.pairwise(units):
        if offset not in inside_url and _may_break(before, grapheme):
            pieces.append(text)
        else:
            pieces[-1] += text
        offset += len(grapheme)
    pieces[-1] += pending
    return pieces


def _may_break(before: str, after: str) -> bool:
    """A line may break between two graphemes without a space: one of them is wide text, the
    second is no closing mark, the first no opening one."""
    if width(before) < 2 and width(after) < 2:
        return False
    return (unicodedata.category(after[0]) not in _NO_START
            and unicodedata.category(before[0]) not in _NO_END
            and "LETTER SMALL" not in unicodedata.name(after[0], ""))  # ぁ ッ ャ
