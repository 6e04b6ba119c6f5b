"""Run ``python -m bot …`` counting and timing every SQLite statement it executes.

A benchmark's launcher, not part of keyhelp: ``benchmarks/slack.py --count-statements``
starts the bot through it, so statements per event can be compared between two checkouts
(every store opens its file with one ``sqlite3.connect`` in bot/dialogue/sqlite_file.py; the
connections get a subclass whose ``execute`` counts and times). On exit the counts go to a
JSON file: ``{database file: {keyword and table: [count, seconds inside execute]}}``.

    python benchmarks/sql_census.py OUT.json -m bot slack serve --port 3000
"""

from __future__ import annotations

import atexit
import json
import re
import runpy
import sqlite3
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

_lock = threading.Lock()
_counts: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0, 0.0]))


class CountingConnection(sqlite3.Connection):
    """A connection whose ``execute`` adds to the census (per file, per first keyword)."""

    def execute(self, sql: str, *args):  # type: ignore[override]
        start = time.perf_counter()
        try:
            return super().execute(sql, *args)
        finally:
            took = time.perf_counter() - start
            kind = _kind(sql)
            with _lock:
                entry = _counts[self.census_name][kind]
                entry[0] += 1
                entry[1] += took


TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)", re.IGNORECASE)


def _kind(sql: str) -> str:
    """A statement's first keyword and first table: ``INSERT slack_jobs``."""
    word = (sql.split(None, 1) or ["?"])[0].upper()
    table = TABLE.search(sql)
    return f"{word} {table.group(1)}" if table and word != "PRAGMA" else word


def _connect(database, *args, **kwargs):
    kwargs.setdefault("factory", CountingConnection)
    db = _real_connect(database, *args, **kwargs)
    db.census_name = Path(str(database)).name
    return db


def _write(out: Path) -> None:
    with _lock:
        out.write_text(json.dumps(_counts, indent=1))


_real_connect = sqlite3.connect

if __name__ == "__main__":
    target = Path(sys.argv[1])
    if sys.argv[2] != "-m":
        raise SystemExit("usage: sql_census.py OUT.json -m MODULE [ARGS…]")
    sqlite3.connect = _connect  # the stores look it up when they open their files
    atexit.register(_write, target)
    module = sys.argv[3]
    sys.argv = [module, *sys.argv[4:]]
    sys.path.insert(0, ".")
    runpy.run_module(module, run_name="__main__", alter_sys=True)
