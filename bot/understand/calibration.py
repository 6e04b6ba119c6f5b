"""Confidence as the probability that an answer is right.

The recogniser's raw confidence orders answers well but is no probability. The rules file's
``calibration`` maps it onto the share of answers that were right, as measured on labelled
sets (``benchmarks/calibrate.py`` fits the map on the dev set and our own held-out wording,
never on a blind set): Platt scaling, a logistic curve that keeps the raw order (so a
threshold still separates) and, with Platt's smoothed targets, never claims certainty.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence

Points = Sequence[tuple[float, float]]


def calibrated(raw: float, points: Points) -> float:
    """``raw`` mapped through the points (straight lines between them, flat beyond them)."""
    if not points:
        return raw
    xs = [x for x, _ in points]
    at = bisect_right(xs, raw)
    if at == 0:
        return points[0][1]
    if at == len(points):
        return points[-1][1]
    (x0, y0), (x1, y1) = points[at - 1], points[at]
    return y0 + (y1 - y0) * (raw - x0) / (x1 - x0)


def fit(samples: Iterable[tuple[float, bool]], *, step: float = 0.05,
        decimals: int = 3) -> list[tuple[float, float]]:
    """Platt scaling (a logistic curve over the raw confidence, with Platt's smoothed targets
    (N+1)/(N+2) and 1/(N+2) so a set with few wrong answers cannot claim certainty), written as
    points every ``step`` of raw confidence from the lowest seen to 1."""
    pairs = list(samples)
    if not pairs:
        return []
    right = sum(1 for _, r in pairs if r)
    wrong = len(pairs) - right
    hi, lo = (right + 1) / (right + 2), 1 / (wrong + 2)
    targets = [(raw, hi if r else lo) for raw, r in pairs]
    a, b = _logistic(targets)
    if a < 0:  # more confidence was no more often right: one share for every answer
        mean = sum(t for _, t in targets) / len(targets)
        a, b = 0.0, math.log(mean / (1 - mean))
    start = min(raw for raw, _ in pairs)
    xs = [round(start + k * step, decimals) for k in range(int((1.0 - start) / step) + 1)]
    if xs[-1] < 1.0:
        xs.append(1.0)
    # beyond the data the curve may run on towards 0 or 1: no share is surer than the
    # smoothed targets themselves
    top, bottom = min(hi, 1 - 10 ** -decimals), max(lo, 10 ** -decimals)  # also as rounded
    return [(x, round(min(top, max(bottom, _sigmoid(a * x + b))), decimals)) for x in xs]


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


def _logistic(targets: list[tuple[float, float]], ridge: float = 1e-3,
              rounds: int = 100) -> tuple[float, float]:
    """(a, b) minimising cross-entropy of sigmoid(a*x+b) against soft targets (Newton)."""
    a, b = 0.0, 0.0
    for _ in range(rounds):
        ga = gb = haa = hab = hbb = 0.0
        for x, t in targets:
            p = _sigmoid(a * x + b)
            w = p * (1 - p)
            ga += (p - t) * x
            gb += p - t
            haa += w * x * x
            hab += w * x
            hbb += w
        ga += ridge * a
        haa += ridge
        hbb += ridge
        det = haa * hbb - hab * hab
        if det <= 1e-12:
            break
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        a, b = a - da, b - db
        if abs(da) + abs(db) < 1e-9:
            break
    return a, b
