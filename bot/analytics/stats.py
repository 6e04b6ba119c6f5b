"""The helpdesk lead's figures, computed from the analytics store: one plain dict.

``figures(store, since=…, now=…, idle_seconds=…)`` is what ``keyhelp stats --json`` prints,
what the HTML report draws and what Slack's App Home shows. Only counts: no user ids.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

OUTCOMES = ("solved", "escalated", "abandoned", "restarted", "open", "ended")
_SPAN = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
TOP = 20


class SinceError(ValueError):
    """A ``--since`` that is neither a span (7d, 12h, 2w, 30m) nor a date (2026-11-01)."""


def parse_since(value: str, *, now: float) -> float:
    """``7d`` → seven days before ``now``; ``2026-11-01`` → that day's start (UTC)."""
    span = _SPAN.match(value)
    if span:
        delta = timedelta(**{_UNITS[span.group(2)]: int(span.group(1))})
        return now - delta.total_seconds()
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as err:
        raise SinceError(f"--since {value!r}: expected a span such as 7d, 12h, 2w or 30m, "
                         "or a date such as 2026-11-01") from err
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _rates(counts: dict[str, int]) -> dict[str, Any]:
    finished = counts["started"] - counts["open"]
    return {"resolution_rate": counts["solved"] / finished if finished else None,
            "escalation_rate": counts["escalated"] / finished if finished else None}


def _middle(count: int) -> tuple[int, int]:
    """The positions (from 0, in sorted order) whose values make the median, as
    ``statistics.median`` takes them: the middle one, or the two middle ones."""
    return (count - 1) // 2, count // 2


def _median_of_counts(histogram: dict[int, int]) -> float | None:
    """The median of values given as {value: how many}: exact, without listing them."""
    total = sum(histogram.values())
    if not total:
        return None
    low, high = _middle(total)
    middle: list[int] = []
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]  # values at positions below `seen` are now passed
        while len(middle) < 2 and seen > (low, high)[len(middle)]:
            middle.append(value)
    return middle[0] if total % 2 else (middle[0] + middle[1]) / 2


def _median_seconds(store: Any, intent: str, since: float, ended: int) -> float | None:
    """The median time to outcome of ``ended`` cases: only the middle ones are read."""
    if not ended:
        return None
    low, high = _middle(ended)
    middle = store.durations_at(intent=intent, since=since, skip=low, take=high - low + 1)
    return middle[0] if ended % 2 else (middle[0] + middle[1]) / 2


def figures(store: Any, *, since: float, now: float, idle_seconds: float) -> dict[str, Any]:
    """Every figure of the report for cases started since ``since``.

    The store groups the cases, so the work here grows with the number of distinct groups,
    not of cases: 100,000 cases cost no more Python than a hundred. Groups are taken in the
    order of their keys (as SQLite returns them; PostgreSQL hashes), so equal counts keep one
    order on either database.
    """
    idle_before = now - idle_seconds
    by_intent: dict[str, Counter] = defaultdict(Counter)
    by_lang: dict[str, Counter] = defaultdict(Counter)
    by_channel: dict[str, Counter] = defaultdict(Counter)
    daily: dict[str, Counter] = defaultdict(Counter)
    reasons: Counter = Counter()
    rows = store.outcome_counts(since=since, idle_before=idle_before)
    # by intent, language, channel, day, reason: escalation reasons of equal counts come in
    # the order they always came in
    for day_number, intent, lang, channel, reason, outcome, n, idle in sorted(
            rows, key=lambda row: (*row[1:4], row[0], row[4] or "")):
        day = datetime.fromtimestamp(day_number * 86400, UTC).date().isoformat()
        split = ((outcome, n),) if outcome else (("abandoned", idle), ("open", n - idle))
        for table, key in ((by_intent, intent), (by_lang, lang), (by_channel, channel),
                           (daily, day)):
            table[key]["started"] += n
            for name, count in split:
                table[key][name] += count
        if outcome == "escalated":
            reasons[reason or "unknown"] += n
    turns: dict[str, dict[int, int]] = defaultdict(dict)
    for intent, n_turns, n in store.turn_counts(since=since):
        turns[intent][n_turns] = n
    remedies: Counter = Counter()
    remedies_solved: Counter = Counter()
    for intent, shown, n, solved in sorted(store.remedy_counts(since=since)):
        shown = json.loads(shown)
        for remedy in shown:
            remedies[(intent, remedy)] += n
        if shown:
            remedies_solved[(intent, shown[-1])] += solved  # the last remedy is the one that worked
    reached: dict[str, Counter] = defaultdict(Counter)
    left: dict[str, Counter] = defaultdict(Counter)
    for intent, answers, step, n, abandoned in sorted(
            store.step_counts(since=since, idle_before=idle_before)):
        answered = dict.fromkeys(f"ask:{question}" for question, _answer in json.loads(answers))
        for passed in answered:
            reached[intent][passed] += n
        if step.startswith(("ask:", "remedy:")):
            if step not in answered:
                reached[intent][step] += n
            left[intent][step] += abandoned

    def counts(counter: Counter) -> dict[str, int]:
        return {"started": counter["started"], **{o: counter[o] for o in OUTCOMES}}

    intents = {}
    for intent in sorted(by_intent):
        row = counts(by_intent[intent])
        row.update(_rates(row))
        row["median_turns"] = _median_of_counts(turns[intent])
        row["median_seconds"] = _median_seconds(store, intent, since, sum(turns[intent].values()))
        intents[intent] = row
    misses, misses_total = store.top_misses(since, TOP)
    clarified: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    for candidates, chosen in store.clarifications_since(since):
        clarified[tuple(candidates)][chosen or "(none)"] += 1
    unasked = store.unasked_since(since)
    return {
        "since": datetime.fromtimestamp(since, UTC).isoformat(timespec="seconds"),
        "until": datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds"),
        "conversations": sum(row["started"] for row in intents.values()),
        "by_intent": intents,
        "by_language": {k: counts(v) for k, v in sorted(by_lang.items())},
        "by_channel": {k: counts(v) for k, v in sorted(by_channel.items())},
        "daily": [{"date": day, **counts(daily[day])} for day in sorted(daily)],
        "escalation_reasons": dict(reasons.most_common()),
        "remedies": [{"intent": intent, "remedy": remedy, "shown": shown,
                      "solved": remedies_solved[(intent, remedy)]}
                     for (intent, remedy), shown in sorted(
                         remedies.items(), key=lambda kv: (-remedies_solved[kv[0]], -kv[1]))],
        "drop_off": {intent: [{"step": step, "reached": n, "left": left[intent][step]}
                              for step, n in reached[intent].most_common()]
                     for intent in sorted(reached)},
        "unrecognised": [{"text": text, "count": n} for text, n in misses],
        "unrecognised_total": misses_total,
        "clarifications": [{"candidates": list(c), "chosen": dict(chosen.most_common())}
                           for c, chosen in clarified.items()],
        "unasked": {"answers": len(unasked),
                    "thumbs_up": sum(1 for *_, f in unasked if f == 1),
                    "thumbs_down": sum(1 for *_, f in unasked if f == -1)},
    }
