"""Turn latency and conversation scale, in-process: ``python benchmarks/engine.py``.

Prints turn p50/p99 (normalise → recognise → engine → store → render, target p99 ≤ 5 ms),
beside two figures from the same run: a baseline (one bare durable-rules post and delete on a
one-rule ruleset: what the machine gives durable right now) and the engine's own decision
(``Engine.decide``: one session, its rules and chained events), so figures from a busy
machine can be compared as ratios; then memory per open conversation (RSS growth and SQLite
bytes with 10,000 open at once), and whether 100,000 conversations over the process's life
run with no error and flat memory.
Options: --open N (default 10000), --total N (default 100000), --turns N (latency sample).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Settings
from bot.dialogue.assistant import Assistant
from bot.dialogue.rulebook import Facts
from bot.paths import rules_path
from bot.render.renderer import render

SCRIPT = [  # one conversation: message, answer, remedy not solved -> if_unsolved outcome
    {"text": "The requested subscription is not available"},
    {"action": "answer:trial-before:no"},
    {"text": "2"},
    {"text": "why?"},
    {"action": "solved:no"},
]
OPENERS = ["このプロダクト キーは既に使用されています", "my key has expired",
           "The product key you entered isn't valid", "I lost my product key"]


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def db_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("bench.db*"))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def figures(samples: list[float]) -> str:
    return f"p50 {statistics.median(samples):.3f} ms, p99 {percentile(samples, 0.99):.3f} ms"


def durable_baseline(count: int) -> None:
    """One bare durable post + delete_state of a trivial ruleset, as the engine does per turn."""
    from durable.engine import Host

    class QuietHost(Host):
        def _run(self) -> None:  # no timer threads, as in bot/dialogue/engine.py
            return None

    host = QuietHost()
    host.set_rulesets({"baseline": {"only": {"all": [{"m": {"turn": 1}}],
                                             "run": lambda c: None}}})
    samples = []
    for n in range(count):
        sid = str(n)
        start = time.perf_counter()
        host.post("baseline", {"sid": sid, "id": sid, "turn": 1})
        host.delete_state("baseline", sid)
        samples.append((time.perf_counter() - start) * 1000)
    print(f"baseline, bare durable post + delete (trivial ruleset): {figures(samples)}")


def engine_decisions(assistant: Assistant, count: int) -> None:
    """``Engine.decide`` alone over the script's kinds of turn, a chained key check included."""
    engine = assistant.brain.engine
    turns = [Facts(event="message", recog="answer", recognised="subscription-unavailable"),
             Facts(event="answer", intent="subscription-unavailable", step_kind="ask",
                   step="trial-before", answer="no"),
             Facts(event="why", intent="subscription-unavailable", step_kind="remedy",
                   step="check-offer"),
             Facts(event="message", recog="answer", recognised="key-invalid",
                   check="key-suspicious"),
             Facts(event="message", recog="unknown", streak=1)]
    samples = []
    for n in range(count):
        start = time.perf_counter()
        engine.decide(turns[n % len(turns)])
        samples.append((time.perf_counter() - start) * 1000)
    print(f"engine decision (one session, chained rules included): {figures(samples)}")


def latency(assistant: Assistant, turns: int) -> None:
    samples: list[float] = []
    n = 0
    while len(samples) < turns:
        cid = f"lat-{n}"
        n += 1
        for step in SCRIPT:
            start = time.perf_counter()
            for reply in assistant.handle(cid, **step):
                render(reply, "slack")
            samples.append((time.perf_counter() - start) * 1000)
    print(f"turn latency over {len(samples)} turns: p50 {statistics.median(samples):.2f} ms, "
          f"p99 {percentile(samples, 0.99):.2f} ms, max {max(samples):.2f} ms")


def open_many(assistant: Assistant, count: int, folder: Path) -> None:
    rss0, db0 = rss_kib(), db_bytes(folder)
    for n in range(count):
        assistant.handle(f"open-{n}", text=OPENERS[n % len(OPENERS)])
    errors = 0
    for n in range(count):  # every conversation is still where it was: answer its question
        replies = assistant.handle(f"open-{n}", text="1")
        errors += replies[-1].kind not in ("remedy", "ask", "escalate", "closed")
    rss1, db1 = rss_kib(), db_bytes(folder)
    print(f"{count} open conversations: {errors} errors; RSS +{(rss1 - rss0) / count * 1024:.0f} "
          f"B/conversation, SQLite {(db1 - db0) / count:.0f} B/conversation")


def lifetime(assistant: Assistant, total: int, clock: Clock) -> None:
    samples = []
    started = time.perf_counter()
    for n in range(total):
        cid = f"life-{n}"
        assistant.handle(cid, text=OPENERS[n % len(OPENERS)])
        assistant.handle(cid, text="1")
        clock.now += 2.0  # ~1 conversation per 2 s: older ones expire and are purged
        if n % max(1, total // 10) == 0:
            samples.append(rss_kib())
    spent = time.perf_counter() - started
    growth = samples[-1] - samples[1] if len(samples) > 2 else 0
    print(f"{total} conversations over the process life in {spent:.0f} s: no error; "
          f"RSS samples (MiB) {[round(s / 1024, 1) for s in samples]}, growth after warm-up "
          f"{growth / 1024:.1f} MiB; {assistant.store.count()} conversations stored")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=10_000)
    parser.add_argument("--total", type=int, default=100_000)
    parser.add_argument("--turns", type=int, default=5_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="keyhelp-bench-"))
    os.environ.setdefault("KEYHELP_CACHE_DIR", str(folder / "cache"))
    clock = Clock()
    settings = Settings(db_path=folder / "bench.db", rules_path=rules_path(),
                        idle_seconds=24 * 3600)
    assistant = Assistant.from_settings(settings, clock=clock)
    durable_baseline(args.turns)
    engine_decisions(assistant, args.turns)
    latency(assistant, args.turns)
    if args.open:
        open_many(assistant, args.open, folder)
    if args.total:
        lifetime(assistant, args.total, clock)


if __name__ == "__main__":
    main()
