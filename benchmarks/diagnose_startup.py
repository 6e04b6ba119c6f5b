"""Whole-process time of ``keyhelp diagnose``: ``python benchmarks/diagnose_startup.py [-n 21]``.

Runs the real command in fresh processes (start-up, imports, rules from the validated cache,
recognition, engine, rendering, exit) and prints the median wall time; target ≤ 250 ms. The
first run fills the on-disk cache and is reported separately. The CPU time (user + system) of
the same runs is printed too: on a shared machine it shows the cost without the waiting. A bare
``python -c pass``, timed between the runs, tells how fast the machine is at that moment (on
this shared host the same code measures up to 1.5x slower from one minute to the next).
The runs are made without PYTHONDONTWRITEBYTECODE, as an installed program is.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MESSAGE = "このプロダクト キーは既に使用されています。別のプロダクト キーを入力してください"


def command() -> list[str]:
    """The installed ``keyhelp`` script (what users run); ``python -m bot`` if there is none."""
    script = Path(sys.executable).with_name("keyhelp")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def run_once(env: dict[str, str], argv: list[str] | None = None) -> tuple[float, float]:
    """Wall and CPU milliseconds of one process (default: ``keyhelp diagnose MESSAGE``)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv or [*command(), "diagnose", MESSAGE], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    wall = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=21, help="timed runs (after one cold run)")
    args = parser.parse_args()
    env = dict(os.environ, KEYHELP_CACHE_DIR=tempfile.mkdtemp(prefix="keyhelp-cache-"))
    # An installed keyhelp is byte-compiled by pip; under PYTHONDONTWRITEBYTECODE a checkout
    # would instead compile every module of the package again on each start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cold, _ = run_once(env)
    runs, bare = [], []
    for _ in range(args.n):
        runs.append(run_once(env))
        bare.append(run_once(env, [sys.executable, "-c", "pass"])[0])
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    print(f"keyhelp diagnose: cold (cache empty) {cold:.0f} ms; warm median "
          f"{statistics.median(walls):.0f} ms, min {min(walls):.0f} ms, max {max(walls):.0f} ms "
          f"over {args.n} runs (target median <= 250 ms); CPU median "
          f"{statistics.median(cpus):.0f} ms; bare python start median "
          f"{statistics.median(bare):.0f} ms; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
