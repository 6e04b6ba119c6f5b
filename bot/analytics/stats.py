"""The helpdesk lead's figures, computed from the analytics store: one plain dict.

``figures(store, since=…, now=…, idle_seconds=…)`` is what ``keyhelp stats --json`` prints,
what the HTML report draws and what Slack's App Home shows. Only counts: no user ids.
"""

from __future__ import annotations

import json
import re
import statistics
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


def figures(store: Any, *, since: float, now: float, idle_seconds: float) -> dict[str, Any]:
    """Every figure of the report for cases started since ``since``.

    The store groups the cases (``grouped``), so the work here grows with the number of
    distinct groups, not of cases: 100,000 cases cost no more Python than a hundred.
    """
    idle_before = now - idle_seconds
    by_intent: dict[str, Counter] = defaultdict(Counter)
    by_lang: dict[str, Counter] = defaultdict(Counter)
    by_channel: dict[str, Counter] = defaultdict(Counter)
    daily: dict[str, Counter] = defaultdict(Counter)
    reasons: Counter = Counter()
    for intent, lang, channel, day_number, reason, outcome, n in store.grouped(
            "outcomes", since=since, idle_before=idle_before):
        day = datetime.fromtimestamp(day_number * 86400, UTC).date().isoformat()
        for table, key in ((by_intent, intent), (by_lang, lang), (by_channel, channel),
                           (daily, day)):
            table[key]["started"] += n
            table[key][outcome] += n
        if outcome == "escalated":
            reasons[reason or "unknown"] += n
    turns: dict[str, list[int]] = defaultdict(list)
    seconds: dict[str, list[float]] = defaultdict(list)
    for intent, n_turns, duration in store.durations(since=since):
        turns[intent].append(n_turns)
        seconds[intent].append(duration)
    remedies: Counter = Counter()
    remedies_solved: Counter = Counter()
    for intent, shown, outcome, n in store.grouped("remedies", since=since,
                                                   idle_before=idle_before):
        shown = json.loads(shown)
        for remedy in shown:
            remedies[(intent, remedy)] += n
        if outcome == "solved" and shown:
            remedies_solved[(intent, shown[-1])] += n  # the last remedy is the one that worked
    reached: dict[str, Counter] = defaultdict(Counter)
    left: dict[str, Counter] = defaultdict(Counter)
    for intent, answers, step, outcome, n in store.grouped("steps", since=since,
                                                           idle_before=idle_before):
        answered = {f"ask:{question}" for question, _answer in json.loads(answers)}
        for passed in answered:
            reached[intent][passed] += n
        if step.startswith(("ask:", "remedy:")):
            if step not in answered:
                reached[intent][step] += n
            if outcome == "abandoned":
                left[intent][step] += n

    def counts(counter: Counter) -> dict[str, int]:
        return {"started": counter["started"], **{o: counter[o] for o in OUTCOMES}}

    intents = {}
    for intent in sorted(by_intent):
        row = counts(by_intent[intent])
        row.update(_rates(row))
        row["median_turns"] = statistics.median(turns[intent]) if turns[intent] else None
        row["median_seconds"] = (statistics.median(seconds[intent])
                                 if seconds[intent] else None)
        intents[intent] = row
    misses = Counter(text for _channel, _lang, text in store.misses_since(since))
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
        "unrecognised": [{"text": text, "count": n} for text, n in misses.most_common(TOP)],
        "unrecognised_total": sum(misses.values()),
        "clarifications": [{"candidates": list(c), "chosen": dict(chosen.most_common())}
                           for c, chosen in clarified.items()],
        "unasked": {"answers": len(unasked),
                    "thumbs_up": sum(1 for *_, f in unasked if f == 1),
                    "thumbs_down": sum(1 for *_, f in unasked if f == -1)},
    }
