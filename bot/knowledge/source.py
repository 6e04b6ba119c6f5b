"""A rules file's bytes, read with a size limit, and its text with every unreadable spot positioned.

Both run before YAML parsing: a huge file is refused without being read whole, and a stray
control character or a non-UTF-8 byte becomes a ``FILE:LINE:COLUMN`` problem for each
place it occurs, instead of an exception from the parser at the first one.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import os
import re
from pathlib import Path

from bot.config import DEFAULT_RULES_MAX_BYTES, RULES_MAX_ENV
from bot.knowledge.problems import Problem, RulesError

LISTED = 20  # unreadable spots listed one by one; the rest are counted in one more line
# line breaks as YAML counts them, so these positions agree with the parser's
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_NOT_UTF8 = re.compile("[\udc80-\udcff]+")  # undecodable bytes, as surrogateescape keeps them


def read_limited(path: Path, max_bytes: int = DEFAULT_RULES_MAX_BYTES) -> bytes:
    """The file's bytes; ``OSError`` if unreadable, ``RulesError`` if over ``max_bytes``.

    The size is checked before reading, and the read stops one byte past the limit, so a
    huge file (or a pipe that never ends) costs no time and no memory.
    """
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        content = b"" if size > max_bytes else handle.read(max_bytes + 1)
    if size > max_bytes or len(content) > max_bytes:
        what = f"{size:,} bytes" if size > max_bytes else f"more than {max_bytes:,} bytes"
        raise RulesError(path, [Problem(
            str(path), 1, 1, f"the file is {what}, over the limit for a rules file",
            f"at most {max_bytes:,} bytes; {RULES_MAX_ENV} sets the limit")])
    return content


class _Positions:
    """Offsets in a text to 1-based line and column, the way YAML and editors count them."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in _BREAK.finditer(text)]

    def __call__(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def decode(content: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """The UTF-8 text (a leading BOM dropped), or a problem at every spot YAML cannot read."""
    text = content.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    found = _unreadable().finditer(text)
    spots = list(itertools.islice(found, LISTED + 1))  # a binary file has millions
    if not spots:
        return text, []
    at = _Positions(text)
    problems = [_problem(file, *at(spot.start()), spot.group()) for spot in spots[:LISTED]]
    if len(spots) > LISTED:
        more = 1 + sum(1 for _ in found)
        problems.append(Problem(file, *at(spots[LISTED].start()),
                                f"{more} more unreadable characters from here on",
                                "a text file saved as UTF-8"))
    return None, problems


@functools.cache
def _unreadable() -> re.Pattern[str]:
    """A run of non-UTF-8 bytes, or one character YAML does not allow in a file."""
    from yaml.reader import Reader  # YAML's own definition of a printable character

    return re.compile(f"{_NOT_UTF8.pattern}|{Reader.NON_PRINTABLE.pattern}")


def _problem(file: str, line: int, column: int, found: str) -> Problem:
    if _NOT_UTF8.fullmatch(found):
        raw = " ".join(f"0x{ord(ch) - 0xDC00:02X}" for ch in found)
        what = f"byte {raw} is" if len(found) == 1 else f"bytes {raw} are"
        return Problem(file, line, column, f"{what} not UTF-8", "the file saved as UTF-8 text")
    return Problem(file, line, column,
                   f"control character U+{ord(found):04X} (invisible in most editors)",
                   "printable text: delete the character")
