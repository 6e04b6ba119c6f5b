"""Reading what bounds an answer: the ``scope`` section, each locale's ``negation`` and the
``calibration`` of confidence. Every mistake is reported where it stands (FILE:LINE:COLUMN).
"""

from __future__ import annotations

import yaml

from bot.knowledge.model import VETOES, Negation, Scope, frozen_map
from bot.knowledge.reader import RulesReader
from bot.knowledge.yaml_nodes import pos

SCOPE_PARTS = ("products", "context", "other_products", "other_topics", "resolved", "courtesy")
MAX_REACH = 40


def read_scope(b: RulesReader, node: yaml.Node | None) -> Scope:
    """The ``scope`` section: per-locale phrases for each of ``SCOPE_PARTS``; where each
    vetoing phrase stands is noted for the check that no cue says the opposite."""
    entries = b.mapping(node, "scope", optional=SCOPE_PARTS) or {}
    parts = {name: frozen_map(b.per_locale_texts(entries[name], f"the {name} of scope"))
             for name in SCOPE_PARTS if name in entries}
    for name in (v for v in VETOES if v in entries):
        for lang, value in (b.mapping(entries[name], name, optional=None) or {}).items():
            if isinstance(value, yaml.SequenceNode):
                for item in value.value:
                    if isinstance(item, yaml.ScalarNode):
                        b.where[("scope", name, lang, str(item.value).casefold())] = pos(item)
    return Scope(**parts)


def _words(b: RulesReader, node: yaml.Node | None, what: str,
           reaches: dict[str, int]) -> tuple[str, ...]:
    """A list of denying words; an entry ``{WORD: REACH}`` gives the word its own reach."""
    out: list[str] = []
    for item in b.sequence(node, what):
        if isinstance(item, yaml.MappingNode) and len(item.value) == 1:
            key, value = item.value[0]
            word = b.text(key, f"an entry of {what}")
            reach = _reach(b, value, f"the reach of '{word}' in {what}")
            if word is not None and reach is not None:
                reaches[word.casefold()] = reach
        else:
            word = b.text(item, f"an entry of {what}")
        if word is not None:
            out.append(word.casefold())
    return tuple(out)


def _reach(b: RulesReader, node: yaml.Node | None, what: str) -> int | None:
    reach = b.integer(node, what)
    if reach is not None and not 0 <= reach <= MAX_REACH:
        b.report(node, f"{what} is {reach}", f"a number from 0 to {MAX_REACH}")  # type: ignore[arg-type]
        return None
    return reach


def read_negation(b: RulesReader, node: yaml.Node, what: str) -> Negation | None:
    """A locale's ``negation``: the words that deny, on which side, how far they reach in a
    first message and in a typed answer."""
    entries = b.mapping(node, what, optional=("before", "after", "reach", "answer_reach",
                                              "stop", "except_after", "contrast", "asks",
                                              "quoting"))
    if entries is None:
        return None
    reaches: dict[str, int] = {}
    before = _words(b, entries.get("before"), f"the before of {what}", reaches)
    after = _words(b, entries.get("after"), f"the after of {what}", reaches)
    contrast = _words(b, entries.get("contrast"), f"the contrast of {what}", reaches)
    stop = frozenset(t.casefold() for t, _ in b.texts(entries.get("stop"), f"the stop of {what}"))
    unless = frozenset(t.casefold() for t, _ in b.texts(entries.get("except_after"),
                                                        f"the except_after of {what}"))
    asks = tuple(t.casefold() for t, _ in b.texts(entries.get("asks"), f"the asks of {what}"))
    quoting = tuple(t.casefold() for t, _ in b.texts(entries.get("quoting"),
                                                    f"the quoting of {what}"))
    reach = _reach(b, entries.get("reach"), f"the reach of {what}") if "reach" in entries else 3
    answer_reach = _reach(b, entries.get("answer_reach"), f"the answer_reach of {what}") \
        if "answer_reach" in entries else 2
    if "before" not in entries and "after" not in entries:
        b.report(node, f"{what} names no denying words", "a 'before' or an 'after' list")
        return None
    if reach is None or answer_reach is None:
        return None
    return Negation(before, after, reach, stop, unless, frozen_map(reaches), answer_reach,
                    contrast, asks, quoting)


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
