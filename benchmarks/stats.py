"""`keyhelp stats` over many recorded conversations: time to compute the figures and render.

Usage::

    python benchmarks/stats.py [--cases 100000]

Fills a fresh SQLite analytics file with synthetic cases (every intent, outcome, channel and
language; misses and clarifications beside them), then times ``figures`` + the terminal
table, and the whole ``keyhelp stats --json`` process. Target: ≤ 1 s for 100,000 cases.
Baselines measured in the same run: one full scan of the table (``SUM(turns)``), and a bare
``python -c pass``. The process's CPU time (user + system) is printed beside its wall time:
on a shared, loaded host the wall time mostly measures the wait for a core.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.analytics.report import render  # noqa: E402
from bot.analytics.stats import figures  # noqa: E402
from bot.analytics.store import SqliteAnalytics  # noqa: E402

INTENTS = ["key-invalid", "key-already-entered", "key-expired", "key-already-used",
           "request-failed-retry", "subscription-unavailable", "license-limit-exceeded",
           "admin-role-required", "account-creation-failed", "order-failed", "redeem-how",
           "key-lost", "sccm-download"]
OUTCOMES = ["solved", "escalated", "restarted", None]


def fill(path: Path, cases: int, now: float) -> None:
    rng = random.Random(7)
    store = SqliteAnalytics(path=path)
    db = store._db  # bulk insert: one transaction, as a benchmark set-up only
    rows = []
    for n in range(cases):
        started = now - rng.uniform(0, 6.5 * 86400)
        outcome = rng.choice(OUTCOMES)
        ended = started + rng.uniform(20, 900) if outcome else None
        intent = rng.choice(INTENTS)
        rows.append((f"case{n}", rng.choice(["cli", "slack", "web"]), rng.choice(["ja", "en"]),
                     intent, started, ended or started + 30, rng.randint(1, 8),
                     json.dumps([["q1", "a1"]] * rng.randint(0, 2)),
                     json.dumps(["remedy-" + str(rng.randint(1, 2))]), "ask:q1", outcome,
                     "unsolved" if outcome == "escalated" else None, ended))
    rows.sort(key=lambda row: row[4])  # recorded as they happen: in the order they started
    db.execute("BEGIN")
    db.executemany("INSERT INTO cases VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    misses = sorted((now - rng.uniform(0, 6 * 86400), "slack", "en",
                     f"message {rng.randint(1, 500)}") for _ in range(cases // 10))
    db.executemany("INSERT INTO misses VALUES (?,?,?,?)", misses)
    db.execute("COMMIT")
    store.close()


def timed(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def cpu_of(command: list[str], **kwargs) -> float:
    """CPU seconds (user + system) one run of ``command`` took."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, **kwargs)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    now = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "conversations.db"
        fill(path, args.cases, now)
        store = SqliteAnalytics(path=path)
        scan = timed(lambda: store._db.execute("SELECT SUM(turns) FROM cases").fetchone())
        compute = timed(lambda: render(figures(store, since=now - 7 * 86400, now=now,
                                                idle_seconds=86400), html=False))
        store.close()
        env = {**os.environ, "KEYHELP_DB": str(path)}
        command = [sys.executable, "-m", "bot", "stats", "--json"]
        cpu: list[float] = []
        process = timed(lambda: cpu.append(cpu_of(command, env=env, cwd=ROOT,
                                                  stdout=subprocess.DEVNULL)), runs=3)
        bare = timed(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), runs=5)
    print(f"{args.cases:,} cases")
    print(f"figures + table in-process: {compute * 1000:8.1f} ms   (baseline: one full scan, "
          f"SUM(turns), {scan * 1000:.1f} ms)")
    print(f"keyhelp stats --json process: {process * 1000:6.1f} ms   (baseline: python -c pass "
          f"{bare * 1000:.1f} ms)   target <= 1000 ms: "
          f"{'ok' if process <= 1.0 else 'MISSED'}")
    print(f"  its CPU time (user + system): {statistics.median(cpu) * 1000:6.1f} ms   "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
