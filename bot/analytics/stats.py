"""The helpdesk lead's figures, computed from the analytics store: one plain dict.

``figures(store, since=…, now=…, idle_seconds=…)`` is what ``keyhelp stats --json`` prints,
what the HTML report draws and what Slack's App Home shows. Only counts: no user ids.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.analytics.cases import Case

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


def outcome_of(case: Case, *, now: float, idle_seconds: float) -> str:
    """A case without an outcome is open until it has been idle past the expiry."""
    if case.outcome:
        return case.outcome
    return "abandoned" if case.updated < now - idle_seconds else "open"


def _rates(counts: dict[str, int]) -> dict[str, Any]:
    finished = counts["started"] - counts["open"]
    return {"resolution_rate": counts["solved"] / finished if finished else None,
            "escalation_rate": counts["escalated"] / finished if finished else None}


def figures(store: Any, *, since: float, now: float, idle_seconds: float) -> dict[str, Any]:
    """Every figure of the report for cases started since ``since``."""
    by_intent: dict[str, Counter] = defaultdict(Counter)
    by_lang: dict[str, Counter] = defaultdict(Counter)
    by_channel: dict[str, Counter] = defaultdict(Counter)
    daily: dict[str, Counter] = defaultdict(Counter)
    turns: dict[str, list[int]] = defaultdict(list)
    seconds: dict[str, list[float]] = defaultdict(list)
    remedies: Counter = Counter()
    remedies_solved: Counter = Counter()
    reasons: Counter = Counter()
    reached: dict[str, Counter] = defaultdict(Counter)
    left: dict[str, Counter] = defaultdict(Counter)
    total = 0
    for case in store.cases_since(since):
        total += 1
        outcome = outcome_of(case, now=now, idle_seconds=idle_seconds)
        day = datetime.fromtimestamp(case.started, UTC).date().isoformat()
        for table, key in ((by_intent, case.intent), (by_lang, case.lang),
                           (by_channel, case.channel), (daily, day)):
            table[key]["started"] += 1
            table[key][outcome] += 1
        if case.ended is not None:
            turns[case.intent].append(case.turns)
            seconds[case.intent].append(case.ended - case.started)
        for remedy in case.remedies:
            remedies[(case.intent, remedy)] += 1
        if outcome == "solved" and case.remedies:
            remedies_solved[(case.intent, case.remedies[-1])] += 1
        if outcome == "escalated":
            reasons[case.reason or "unknown"] += 1
        for question, _answer in case.answers:
            reached[case.intent][f"ask:{question}"] += 1
        if case.step.startswith(("ask:", "remedy:")):
            if case.step not in {f"ask:{q}" for q, _ in case.answers}:
                reached[case.intent][case.step] += 1
            if outcome == "abandoned":
                left[case.intent][case.step] += 1

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
        "conversations": total,
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
