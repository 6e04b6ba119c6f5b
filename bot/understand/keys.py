"""Find, mask and check product keys in free text: keys are secrets, never kept in full.

Masking keeps the last five characters of a complete key (or of a longer run of groups) and
fewer of a shorter one: a key missing *d* characters shows only 5 − *d*, so a fragment (a key
cut short, or split over two messages) never shows a character a complete key's mask hides.

Example::

    >>> masked, check = find_key("key 7KX2M-QH4PD-R9TBW-C6FYJ-38VGK fails", knowledge.key_format)
    >>> masked
    'key XXXXX-XXXXX-XXXXX-XXXXX-38VGK fails'
"""

from __future__ import annotations

from typing import Any, NamedTuple

from bot.knowledge.model import KeyFormat
from bot.understand.key_text import Run, continuation, ends_view, key_runs, plain_view

MASK_CHAR = "X"
VISIBLE_TAIL = 5


class Suspect(NamedTuple):
    """A key character outside the alphabet, with the characters it was probably meant to be."""

    position: int  # 1-based among the key's characters (separators not counted)
    char: str
    suggestions: tuple[str, ...]


class KeyCheck(NamedTuple):
    """What can be said about a pasted key without keeping it: its masked form and its flaws.

    Safe to store and show (replies and the escalation summary carry it as it is): lengths
    and look-alike pairs, never a character beyond the masked form's visible tail.
    """

    masked: str
    well_formed: bool
    length: int
    expected_length: int
    suspects: tuple[Suspect, ...]
    groups: tuple[int, ...] = ()  # each group's length as typed
    expected_groups: int = 0  # the key format's groups and group size (from the rules file)
    group_size: int = 0
    alike: tuple[str, ...] = ()  # look-alikes that are all valid, as "B/8": the check can't tell

    @property
    def clean(self) -> bool:
        """Right shape and every character from the alphabet: the key itself must be checked."""
        return self.well_formed and not self.suspects

    @property
    def length_ok(self) -> bool:
        return self.length == self.expected_length

    def to_data(self) -> dict[str, Any]:
        """As plain JSON values, for the conversation store."""
        return {"masked": self.masked, "well_formed": self.well_formed, "length": self.length,
                "expected_length": self.expected_length,
                "suspects": [{"position": s.position, "char": s.char,
                              "suggestions": list(s.suggestions)} for s in self.suspects],
                "groups": list(self.groups), "expected_groups": self.expected_groups,
                "group_size": self.group_size, "alike": list(self.alike)}

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> KeyCheck | None:
        """Back from ``to_data`` (``None`` when the conversation holds no key).

        Conversations stored before the grouping was kept read back without it.
        """
        if not data:
            return None
        return cls(masked=data["masked"], well_formed=data["well_formed"],
                   length=data["length"], expected_length=data["expected_length"],
                   suspects=tuple(Suspect(s["position"], s["char"], tuple(s["suggestions"]))
                                  for s in data["suspects"]),
                   groups=tuple(data.get("groups", ())),
                   expected_groups=data.get("expected_groups", 0),
                   group_size=data.get("group_size", 0), alike=tuple(data.get("alike", ())))


def visible_tail(length: int, key_format: KeyFormat) -> int:
    """How many trailing characters a mask may show: fewer for each one a key is short of.

    A key missing a character may be missing it anywhere; showing one character fewer keeps
    every shown character among the last five of the complete key.
    """
    return max(0, VISIBLE_TAIL - max(0, key_format.length - length))


def mask(groups: tuple[str, ...], key_format: KeyFormat, visible: int | None = None) -> str:
    """Every character but the visible tail replaced by X, grouped as the key format prints it
    (or as typed, when the grouping is wrong)."""
    chars = "".join(groups).upper()
    if visible is None:
        visible = visible_tail(len(chars), key_format)
    if len(chars) == key_format.length and all(len(g) % key_format.group_size == 0
                                               for g in groups):
        size = key_format.group_size
        groups = tuple(chars[i:i + size] for i in range(0, len(chars), size))
    hidden = len(chars) - visible
    out, seen = [], 0
    for group in groups:
        out.append("".join(c if seen + j >= hidden else MASK_CHAR
                           for j, c in enumerate(group.upper())))
        seen += len(group)
    return key_format.separator.join(out)


def look_alikes(key_format: KeyFormat) -> tuple[str, ...]:
    """Confusable characters that are all valid ("B/8"): a typo between them passes the check."""
    alphabet = key_format.alphabet.upper()
    found = []
    for group in key_format.confusables:
        valid = [m.upper() for m in group if m.upper() in alphabet]
        if len(valid) > 1:
            found.append("/".join(valid))
    return tuple(found)


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


def check_key(groups: list[str] | tuple[str, ...], key_format: KeyFormat,
              masked: str | None = None) -> KeyCheck:
    """Check a key given as its character groups (separators already removed).

    Groups typed together without a separator ("7KX2MQH4PD") are fine; a separator in the
    wrong place ("7KX2MQ-H4PD") is not.
    """
    chars = "".join(groups).upper()
    size = key_format.group_size
    return KeyCheck(
        masked=masked if masked is not None else mask(tuple(groups), key_format),
        well_formed=len(chars) == key_format.length and all(len(g) % size == 0 for g in groups),
        length=len(chars),
        expected_length=key_format.length,
        suspects=_suspects(chars, key_format),
        groups=tuple(len(g) for g in groups),
        expected_groups=key_format.groups,
        group_size=size,
        alike=look_alikes(key_format),
    )


def _window(run: Run, key_format: KeyFormat) -> tuple[int, int]:
    """In a run longer than a key ("12345 7KX2M QH4PD …"), the groups most like one key."""
    n, length = len(run.groups), key_format.length
    if len(run.chars) <= length + 2:
        return 0, n
    alphabet = set(key_format.alphabet.upper())
    best, best_score = (0, n), -1
    for first in range(n):
        total = 0
        for last in range(first, n):
            total += len(run.groups[last])
            if total > length + 2:
                break
            if total >= length - 2:
                window = "".join(run.groups[first:last + 1]).upper()
                score = sum(c in alphabet for c in window) - abs(total - length)
                if score > best_score:
                    best, best_score = (first, last + 1), score
    return best


def check_run(run: Run, key_format: KeyFormat) -> KeyCheck:
    """The check of the key in a run; its mask shows a tail only where the run's own ends."""
    first, last = _window(run, key_format)
    groups = run.groups[first:last]
    visible = visible_tail(sum(map(len, groups)), key_format) if last == len(run.groups) else 0
    return check_key(groups, key_format, mask(groups, key_format, visible))


class Found(NamedTuple):
    """A message with its keys masked, the first key's check, and whether it stops mid-key."""

    masked: str
    key: KeyCheck | None
    unfinished: int  # characters of a key the text ends with, short of a whole one (or 0)


def find_keys(text: str, key_format: KeyFormat, unfinished: int = 0) -> Found:
    """Mask every key-like run in ``text`` (a whole run, not only the groups most like a key:
    were that guess wrong, the mask would show a character of the key).

    ``unfinished``: the previous message of the conversation ended with that many characters
    of a key (a key pasted over two chat lines or Slack messages); groups this text starts
    with are its rest, and masked as such.
    """
    view, index = plain_view(text)
    runs = key_runs(view, key_format)
    carried = continuation(view, key_format, key_format.length - unfinished) \
        if 0 < unfinished < key_format.length else None
    if carried is not None:
        if any(r.start == carried.start and r.end > carried.end for r in runs):
            carried = None  # a whole new key, not the rest of the old one
        else:
            runs = [carried, *(r for r in runs if r.start >= carried.end)]
    if not runs:
        return Found(text, None, 0)
    out, last = [], 0
    for run in runs:
        before = unfinished if run is carried else 0
        shown = min(len(run.chars), visible_tail(before + len(run.chars), key_format))
        start, end = index[run.start], index[run.end - 1] + 1
        out += [text[last:start], mask(run.groups, key_format, shown)]
        last = end
    out.append(text[last:])
    checked = [r for r in runs if r is not carried]
    end = runs[-1]
    total = len(end.chars) + (unfinished if end is carried else 0)
    still = total if ends_view(view, end) and total < key_format.length - 2 else 0
    return Found("".join(out), check_run(checked[0], key_format) if checked else None, still)


def find_key(text: str, key_format: KeyFormat) -> tuple[str, KeyCheck | None]:
    """Mask every key-like run in ``text``; return the masked text and a check of the first."""
    found = find_keys(text, key_format)
    return found.masked, found.key
