"""Reading what bounds an answer: the ``scope`` section, each locale's ``negation`` and the
``calibration`` of confidence. Every mistake is reported where it stands (FILE:LINE:COLUMN).
"""

from __future__ import annotations

import yaml

from bot.knowledge.model import Negation, Scope, frozen_map
from bot.knowledge.reader import RulesReader
from bot.knowledge.yaml_nodes import pos

SCOPE_PARTS = ("products", "context", "other_products", "other_topics")
MAX_REACH = 40


def read_scope(b: RulesReader, node: yaml.Node | None) -> Scope:
    """The ``scope`` section: per-locale phrases for each of ``SCOPE_PARTS``."""
    entries = b.mapping(node, "scope", optional=SCOPE_PARTS) or {}
    parts = {name: frozen_map(b.per_locale_texts(entries[name], f"the {name} of scope"))
             for name in SCOPE_PARTS if name in entries}
    return Scope(**parts)


def read_negation(b: RulesReader, node: yaml.Node, what: str) -> Negation | None:
    """A locale's ``negation``: the words that deny, on which side, and how far they reach."""
    entries = b.mapping(node, what, optional=("before", "after", "reach", "stop", "except_after"))
    if entries is None:
        return None
    before = tuple(t.casefold() for t, _ in b.texts(entries.get("before"), f"the before of {what}"))
    after = tuple(t.casefold() for t, _ in b.texts(entries.get("after"), f"the after of {what}"))
    stop = frozenset(t.casefold() for t, _ in b.texts(entries.get("stop"), f"the stop of {what}"))
    unless = frozenset(t.casefold() for t, _ in b.texts(entries.get("except_after"),
                                                        f"the except_after of {what}"))
    reach = b.integer(entries.get("reach"), f"the reach of {what}") if "reach" in entries else 3
    if reach is not None and not 0 <= reach <= MAX_REACH:
        b.report(entries["reach"], f"the reach of {what} is {reach}",
                 f"a number from 0 to {MAX_REACH}")
        reach = None
    if "before" not in entries and "after" not in entries:
        b.report(node, f"{what} names no denying words", "a 'before' or an 'after' list")
        return None
    if reach is None:
        return None
    return Negation(before, after, reach, stop, unless)


def _number(b: RulesReader, node: yaml.Node, what: str) -> float | None:
    """A number from 0 to 1 (written as 0.9 or 1)."""
    value = b.text(node, what)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0.0 <= number <= 1.0:
        b.report(node, f"{what} is '{value}'", "a number from 0 to 1")
        return None
    return number


def read_calibration(b: RulesReader, node: yaml.Node | None) -> tuple[tuple[float, float], ...]:
    """``calibration: {answer: [[raw, right], ...]}``: raw ascending, right never falling."""
    entries = b.mapping(node, "calibration", required=("answer",)) or {}
    points: list[tuple[float, float]] = []
    for item in b.sequence(entries.get("answer"), "the answer points of calibration"):
        pair = b.sequence(item, "a calibration point")
        if len(pair) != 2:
            b.report(item, "a calibration point is not a pair",
                     "[raw confidence, share right], e.g. [0.9, 0.97]")
            continue
        raw = _number(b, pair[0], "a raw confidence")
        right = _number(b, pair[1], "a share right")
        if raw is None or right is None:
            continue
        if points and (raw <= points[-1][0] or right < points[-1][1]):
            b.report(item, f"calibration point [{raw}, {right}] is out of order",
                     "raw confidence rising and share right never falling")
            continue
        points.append((raw, right))
    if "answer" in entries and not points and not b.problems:
        b.report(pos(entries["answer"]), "calibration has no points", "at least one point")
    return tuple(points)
