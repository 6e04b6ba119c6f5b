"""Scoring recognition on a labelled set, as ``../shared/eval/README.md`` defines it.

A labelled line is ``{"id", "text", "lang", "expect": INTENT | null, "acceptable": [...],
"kind"}``: ``expect`` an intent to answer; ``acceptable`` (with ``expect`` null) the intents a
clarifying question may offer; neither: out of scope. Used by ``keyhelp eval`` (a helpdesk's
own regression set) and ``benchmarks/recognition.py``.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

# figure -> (target, "at least" | "at most"), the targets of the issue that set them
TARGETS = {"in-scope": (0.97, ">="), "out-of-scope": (0.97, ">="), "ambiguous": (0.85, ">="),
           "confident-wrong": (0.01, "<=")}


class LabelledSetError(ValueError):
    """A labelled file that cannot be scored; the message names the line."""


class Verdict(NamedTuple):
    """One item judged: was the reply right, and was it an answer with the wrong intent."""

    right: bool
    confident_wrong: bool
    group: str  # in-scope | ambiguous | out-of-scope


def read_labelled(lines: Iterable[str], *, source: str = "<input>") -> list[dict[str, Any]]:
    """Parse a JSON-lines labelled set; a bad line is an error naming ``source:line``."""
    items: list[dict[str, Any]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as err:
            raise LabelledSetError(f"{source}:{number}: not valid JSON ({err})") from err
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise LabelledSetError(f'{source}:{number}: expected an object with a "text" string')
        expect, acceptable = item.get("expect"), item.get("acceptable")
        if expect is not None and not isinstance(expect, str):
            raise LabelledSetError(f'{source}:{number}: "expect" must be an intent id or null')
        if acceptable is not None and not (isinstance(acceptable, list)
                                           and all(isinstance(a, str) for a in acceptable)):
            raise LabelledSetError(f'{source}:{number}: "acceptable" must be a list of intents')
        items.append(item)
    return items


def judge(item: dict[str, Any], result: dict[str, Any]) -> Verdict:
    """Judge one ``classify`` result against its label, by the evaluation's rules."""
    action, intent = result["action"], result["intent"]
    offered = [c["intent"] for c in result["candidates"]]
    expect, acceptable = item.get("expect"), item.get("acceptable")
    if expect:
        group, right = "in-scope", action == "answer" and intent == expect
    elif acceptable:
        group = "ambiguous"
        right = action == "clarify" and all(i in acceptable for i in offered)
    else:
        group, right = "out-of-scope", action == "unknown"
    wrong_answer = action == "answer" and intent != expect and intent not in (acceptable or [])
    return Verdict(right, wrong_answer, group)


def figures(items: Sequence[dict[str, Any]],
            results: Sequence[dict[str, Any]]) -> dict[str, float]:
    """The four figures that count (share of each group right; confident-wrong over all)."""
    groups: dict[str, list[bool]] = defaultdict(list)
    wrong = 0
    for item, result in zip(items, results, strict=True):
        verdict = judge(item, result)
        groups[verdict.group].append(verdict.right)
        groups["overall"].append(verdict.right)
        wrong += verdict.confident_wrong
    out = {name: sum(v) / len(v) for name, v in groups.items() if v}
    out["confident-wrong"] = wrong / max(1, len(items))
    return out


def counts(items: Sequence[dict[str, Any]]) -> dict[str, int]:
    """How many items each group holds (a figure over few items says little)."""
    tally: dict[str, int] = defaultdict(int)
    for item in items:
        tally["in-scope" if item.get("expect") else
              "ambiguous" if item.get("acceptable") else "out-of-scope"] += 1
    return dict(tally)


def meets(name: str, value: float) -> bool:
    target, op = TARGETS[name]
    return value >= target if op == ">=" else value <= target


def reliability(items: Sequence[dict[str, Any]], results: Sequence[dict[str, Any]],
                bins: int = 10) -> list[tuple[float, float, int, float, float]]:
    """Answers only, binned by confidence: (low, high, n, mean confidence, share right)."""
    buckets: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for item, result in zip(items, results, strict=True):
        if result["action"] != "answer":
            continue
        conf = float(result["confidence"])
        buckets[min(bins - 1, int(conf * bins))].append((conf, judge(item, result).right))
    return [(b / bins, (b + 1) / bins, len(rows), statistics.fmean(c for c, _ in rows),
             statistics.fmean(r for _, r in rows)) for b, rows in sorted(buckets.items())]


def calibration_error(table: Sequence[tuple[float, float, int, float, float]]) -> float:
    """Expected calibration error of the answers: |confidence − accuracy|, weighted by bin."""
    total = sum(n for _, _, n, _, _ in table)
    return sum(n / total * abs(conf - acc) for _, _, n, conf, acc in table) if total else 0.0


def precision_at(items: Sequence[dict[str, Any]], results: Sequence[dict[str, Any]],
                 threshold: float) -> tuple[int, float]:
    """Answers with confidence ≥ ``threshold``: how many, and the share that is right."""
    chosen = [judge(i, r).right for i, r in zip(items, results, strict=True)
              if r["action"] == "answer" and r["confidence"] >= threshold]
    return len(chosen), (sum(chosen) / len(chosen) if chosen else 1.0)
