"""Recognition quality, calibration and speed, scored as ../shared/eval/README.md defines.

Usage::

    python benchmarks/recognition.py [--dev PATH] [--lines 20000] [--no-speed]

Prints a table per intent, language and kind, the four figures (with targets), the
expected calibration error of ``confidence``, the recogniser's build time, and the
throughput of ``keyhelp classify --jsonl`` run as a subprocess.
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import DEFAULT_WATCH_MIN_CONFIDENCE  # noqa: E402
from bot.knowledge.loader import load_knowledge  # noqa: E402
from bot.paths import rules_path  # noqa: E402
from bot.understand.evaluation import (  # noqa: E402
    TARGETS,
    calibration_error,
    figures,
    judge,
    precision_at,
    reliability,
)
from bot.understand.recognise import Recogniser  # noqa: E402

DEFAULT_DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
HELD_OUT = ROOT / "tests" / "test_recognise.py"  # its HELD_OUT table: our own wording
def table(items: list[dict[str, Any]], results: list[dict[str, Any]], field: str) -> None:
    rows: dict[str, list[bool]] = defaultdict(list)
    for item, result in zip(items, results, strict=True):
        label = item.get(field) or ("(ambiguous)" if item.get("acceptable") else "(out of scope)")
        rows[str(label)].append(judge(item, result).right)
    print(f"\n{field:<26} {'n':>4} {'right':>6} {'acc':>7}")
    for label in sorted(rows):
        ok = rows[label]
        print(f"{label:<26} {len(ok):>4} {sum(ok):>6} {sum(ok) / len(ok):>7.1%}")


def report(name: str, items: list[dict[str, Any]], recogniser: Recogniser,
           verbose: bool) -> None:
    results = [recogniser.classify(item["text"]).to_json() for item in items]
    print(f"\n=== {name}: {len(items)} items ===")
    if verbose:
        for field in ("expect", "lang", "kind"):
            table(items, results, field)
    figs = figures(items, results)
    print()
    for label, (target, op) in TARGETS.items():
        value = figs.get(label)
        if value is None:
            continue
        ok = value >= target if op == ">=" else value <= target
        print(f"{label:<16} {value:7.1%}   target {op} {target:.0%}   {'ok' if ok else 'MISSED'}")
    print(f"{'overall':<16} {figs['overall']:7.1%}")
    rel = reliability(items, results)
    print(f"{'calibration ECE':<16} {calibration_error(rel):7.3f}  (answers only)")
    print("  confidence bin     n   mean conf   right")
    for low, high, n, conf, acc in rel:
        print(f"  {low:.1f}-{high:.1f}      {n:>5}   {conf:9.3f}   {acc:6.1%}")
    for threshold in (0.8, 0.9, 0.95, DEFAULT_WATCH_MIN_CONFIDENCE):
        n, precision = precision_at(items, results, threshold)
        print(f"  answers with confidence >= {threshold}: {n}, right {precision:.1%}"
              + (" (the default KEYHELP_WATCH_MIN_CONFIDENCE)"
                 if threshold == DEFAULT_WATCH_MIN_CONFIDENCE else ""))
    misses = [(i, r) for i, r in zip(items, results, strict=True) if not judge(i, r).right]
    for item, result in misses:
        offered = ",".join(c["intent"] for c in result["candidates"])
        print(f"  miss {item.get('id', '?')} [{item.get('kind')}] expect={item.get('expect')} "
              f"got={result['action']}:{result['intent']} ({offered}) {item['text'][:70]!r}")


def by_set(items: list[dict[str, Any]], recogniser: Recogniser) -> None:
    """The four figures for each held-out set (ids share a letter: h, g, k, m, n …)."""
    sets: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        sets[str(item.get("id", "?"))[:1]].append(item)
    print(f"\n{'set':<4} {'n':>4} " + " ".join(f"{label:>16}" for label in TARGETS))
    for name, group in sets.items():
        figs = figures(group, [recogniser.classify(i["text"]).to_json() for i in group])
        print(f"{name:<4} {len(group):>4} " + " ".join(
            f"{figs[label]:>16.1%}" if label in figs else f"{'-':>16}" for label in TARGETS))


def build_time(path: Path) -> tuple[float, float]:
    """Median milliseconds to load the rules file, and to build the recogniser from it."""
    loads, builds = [], []
    for _ in range(7):
        t0 = time.perf_counter()
        knowledge = load_knowledge(path)
        t1 = time.perf_counter()
        Recogniser(knowledge)
        t2 = time.perf_counter()
        loads.append((t1 - t0) * 1000)
        builds.append((t2 - t1) * 1000)
    return statistics.median(loads), statistics.median(builds)


def throughput(items: list[dict[str, Any]], lines: int) -> tuple[float, float]:
    """(msg/s including start-up, msg/s of the stream alone) of `classify --jsonl`."""
    exe = [sys.executable, "-m", "bot", "classify", "--jsonl"]
    payload = "".join(json.dumps(items[n % len(items)], ensure_ascii=False) + "\n"
                      for n in range(lines)).encode()
    env = dict(os.environ)

    def run(data: bytes) -> float:
        with tempfile.TemporaryFile() as f:
            f.write(data)
            f.seek(0)
            t0 = time.perf_counter()
            subprocess.run(exe, stdin=f, stdout=subprocess.DEVNULL, check=True, env=env,
                           cwd=ROOT)
            return time.perf_counter() - t0

    startup = min(run(b"") for _ in range(3))
    total = min(run(payload) for _ in range(2))
    return lines / total, lines / max(1e-9, total - startup)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--set", type=Path, action="append", default=[], metavar="PATH",
                        help="another labelled set to score (repeatable), e.g. a blind set")
    parser.add_argument("--lines", type=int, default=20000)
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--quiet", action="store_true", help="figures only, no tables")
    args = parser.parse_args()
    path = rules_path()
    recogniser = Recogniser(load_knowledge(path))
    dev = [json.loads(line) for line in args.dev.read_text(encoding="utf-8").splitlines()
           if line.strip()]
    report(f"dev ({args.dev})", dev, recogniser, not args.quiet)
    for extra in args.set:
        items = [json.loads(line) for line in extra.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
        report(str(extra), items, recogniser, not args.quiet)
    held = runpy.run_path(str(HELD_OUT)).get("HELD_OUT", []) if HELD_OUT.exists() else []
    if held:
        report("held-out (our own wording, tests/test_recognise.py)", held, recogniser,
               not args.quiet)
        by_set(held, recogniser)
    load_ms, build_ms = build_time(path)
    print(f"\nrules load {load_ms:.1f} ms; recogniser build {build_ms:.1f} ms (target <= 100 ms)")
    if not args.no_speed:
        with_start, stream = throughput(dev, args.lines)
        print(f"classify --jsonl: {with_start:,.0f} msg/s over {args.lines} lines incl. start-up;"
              f" {stream:,.0f} msg/s excluding start-up (target >= 2,000)")


if __name__ == "__main__":
    main()
