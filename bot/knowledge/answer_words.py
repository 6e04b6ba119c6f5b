"""Reading what lets people type their answers: each locale's ``words.answers`` and each
answer's ``cues``, ``means`` and ``range``. Every mistake is reported where it stands.

A range is written as the helpdesk lead would say it, with the unit words of any locale:
``">= 15 minutes"``, ``"< 15 min"``, ``">= 5 minutes, < 1 hour"``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

import yaml

from bot.knowledge.model import MEANINGS, Answer, AnswerWords, Interval, frozen_map
from bot.knowledge.reader import RulesReader

PHRASE_LISTS = ("solved", "unsolved", "why", "asks_back", "more", "less")
_CONDITION = re.compile(r"^(<=|>=|<|>|≤|≥)\s*(\d+(?:\.\d+)?)\s*(.*)$")
_SEPARATOR = re.compile(r"\s*,\s*|\s+and\s+")
RANGE_EXPECTED = "conditions such as \">= 15 minutes\" or \">= 5, < 60 minutes\""


def _folded(b: RulesReader, node: yaml.Node | None, what: str) -> tuple[str, ...]:
    return tuple(text.casefold() for text, _ in b.texts(node, what))


def _number(b: RulesReader, node: yaml.Node, what: str) -> float | None:
    """A positive number (``2``, ``0.5``)."""
    text = b.text(node, what)
    try:
        value = float(text) if text is not None else None
    except ValueError:
        value = None
    if text is not None and (value is None or not 0 < value < float("inf")):
        b.report(node, f"{what} is '{text}'", "a number above 0, e.g. 2 or 0.5")
        return None
    return value


def _numbers(b: RulesReader, node: yaml.Node | None, what: str) -> dict[str, float]:
    out: dict[str, float] = {}
    entries = b.mapping(node, what, optional=None) if node is not None else None
    for word, value in (entries or {}).items():
        number = _number(b, value, f"the number of '{word}' in {what}")
        if number is not None:
            out[word.casefold()] = number
    return out


def read_answer_words(b: RulesReader, node: yaml.Node, what: str) -> AnswerWords | None:
    """A locale's ``words.answers`` (see AnswerWords)."""
    entries = b.mapping(node, what, optional=(*MEANINGS, *PHRASE_LISTS, "deny", "numbers",
                                              "units"))
    if entries is None:
        return None
    if "deny" in entries:  # one list denies in first messages and answers alike
        b.report(entries["deny"], f"the deny of {what} is read from the locale's negation now",
                 "the denying words under words.negation (answer_reach: how far in an answer)")
    means = {m: _folded(b, entries[m], f"the {m} of {what}") for m in MEANINGS if m in entries}
    lists = {key: _folded(b, entries.get(key), f"the {key} of {what}") for key in PHRASE_LISTS}
    units: dict[str, Mapping[str, float]] = {}
    if "units" in entries:
        for measure, table in (b.mapping(entries["units"], f"the units of {what}",
                                         optional=None) or {}).items():
            if b.key_ident(measure, table, "measure"):
                units[measure] = frozen_map(_numbers(b, table, f"the {measure} units of {what}"))
    return AnswerWords(
        means=frozen_map(means), **lists,
        numbers=frozen_map(_numbers(b, entries.get("numbers"), f"the numbers of {what}")),
        units=frozen_map(units))


def parse_range(text: str, units: Mapping[str, float]) -> Interval | str:
    """The interval a range text stands for, or what is wrong with it."""
    interval = Interval()
    for part in _SEPARATOR.split(text.strip()):
        found = _CONDITION.match(part)
        if found is None:
            return f"'{part}' is not a condition"
        operator, number, unit = found.groups()
        size = units.get(unit.casefold(), 0.0) if unit else 1.0
        if not size:
            return f"'{unit}' is not a unit of the measure"
        value = float(number) * size
        if operator in (">", ">=", "≥"):
            interval = dataclasses.replace(interval, low=value, low_open=operator == ">")
        else:
            interval = dataclasses.replace(interval, high=value, high_open=operator == "<")
    if interval.low > interval.high or (interval.low == interval.high and (
            interval.low_open or interval.high_open)):
        return "no value satisfies it"
    return interval


def _means(b: RulesReader, node: yaml.Node, what: str) -> tuple[str, ...]:
    items = [(b.text(node, what), node)] if isinstance(node, yaml.ScalarNode) else \
        b.texts(node, what)
    out = []
    for meaning, item in items:
        if meaning is not None and meaning not in MEANINGS:
            b.report(item, f"{what} is '{meaning}'",
                     "yes, no or unsure, or a list of them: [no, unsure]")
        elif meaning is not None:
            out.append(meaning)
    return tuple(out)


def read_answer_extras(b: RulesReader, entries: dict[str, yaml.Node], what: str,
                       measure: str | None) -> dict[str, object]:
    """An answer's ``cues``, ``means`` and ``range`` (for ``Answer(**...)``)."""
    extras: dict[str, object] = {}
    if "when" in entries:  # chosen by a check: typed words cannot select it
        for key in ("cues", "means", "range"):
            if key in entries:
                b.report(entries[key].key_pos, f"{what} is chosen by its check, not by {key}",
                         "no cues, means or range beside 'when'")
        return extras
    if "cues" in entries:
        extras["cues"] = frozen_map(b.per_locale_texts(entries["cues"], f"the cues of {what}"))
    if "means" in entries:
        extras["means"] = _means(b, entries["means"], f"the means of {what}")
    if "range" in entries:
        text = b.text(entries["range"], f"the range of {what}")
        if measure is None:
            b.report(entries["range"], f"{what} has a range but its question measures nothing",
                     "measures: MEASURE on the question (e.g. measures: duration)")
        elif text is not None and measure in b.measures:
            parsed = parse_range(text, b.measures[measure])
            if isinstance(parsed, str):
                b.report(entries["range"], f"the range of {what} does not parse: {parsed}",
                         RANGE_EXPECTED)
            else:
                extras["range"] = parsed
    return extras


def check_answers(b: RulesReader, answers: list[Answer],
                  nodes: dict[str, dict[str, yaml.Node]], question: str,
                  measures: yaml.Node | None) -> None:
    """One meaning per answer of a question, ranges that do not overlap, a known measure.

    ``nodes``: each answer's entries by answer id, for the positions of the problems.
    """
    meant: dict[str, str] = {}
    for answer in answers:
        for meaning in answer.means:
            if meaning in meant:
                b.report(nodes[answer.id]["means"],
                         f"answers '{meant[meaning]}' and '{answer.id}' of {question} both "
                         f"mean {meaning}", "each meaning on one answer")
            meant.setdefault(meaning, answer.id)
    if measures is None:
        return
    measure = measures.value if isinstance(measures, yaml.ScalarNode) else None
    if measure not in b.measures:
        b.report(measures, f"{question} measures '{measure}', which no locale has units for",
                 "a measure under words.answers.units: " + (", ".join(sorted(b.measures))
                                                            or "none declared"))
        return
    ranged = [a for a in answers if a.range is not None]
    if not any("range" in nodes[a.id] for a in answers):
        b.report(measures, f"{question} measures {measure} but no answer has a range",
                 "a range on the answers, e.g. range: \">= 15 minutes\"")
    for index, answer in enumerate(ranged):
        for earlier in ranged[:index]:
            if answer.range.overlaps(earlier.range):  # type: ignore[union-attr]
                b.report(nodes[answer.id]["range"], f"the ranges of answers '{earlier.id}' and "
                         f"'{answer.id}' of {question} overlap", "ranges with no value in common")
