"""`keyhelp stats`: what keyhelp did, for the helpdesk lead who edits the rules.

Example::

    keyhelp stats                       # the last 7 days as a table
    keyhelp stats --since 30d --json
    keyhelp stats --html report.html   # one self-contained page with charts
    keyhelp stats --unrecognised --jsonl > to-label.jsonl   # then label, then `keyhelp eval`
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bot.channels.cli.main import CliError, file_path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="keyhelp stats",
                                     description="Outcomes per error, misses and trends.")
    parser.add_argument("--since", default="7d", metavar="SPAN|DATE",
                        help="7d, 12h, 2w, 30m, or a date such as 2026-11-01 (default: 7d)")
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="the figures as JSON")
    shape.add_argument("--html", metavar="FILE", type=file_path,
                       help="write a self-contained page with charts to FILE")
    shape.add_argument("--unrecognised", action="store_true",
                       help="the messages keyhelp did not recognise, one JSON a line (--jsonl) "
                            "in the labelled-set schema with 'expect' empty, to label")
    parser.add_argument("--jsonl", action="store_true", help="with --unrecognised (the default)")
    return parser


def stats(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    from bot.analytics.stats import SinceError, figures, parse_since
    from bot.analytics.store import open_analytics
    from bot.config import DatabaseUnavailable, Settings

    try:
        settings = Settings.from_env()
    except ValueError as err:
        raise CliError(str(err)) from err
    now = time.time()
    try:
        since = parse_since(args.since, now=now)
    except SinceError as err:
        raise CliError(str(err)) from err
    if not settings.database_url and not settings.db_path.exists():
        raise CliError(f"no records yet: {settings.db_path} (KEYHELP_DB) does not exist")
    try:
        store = open_analytics(settings)
    except OSError as err:
        raise CliError(f"cannot use {settings.db_path} (KEYHELP_DB): {err.strerror}") from err
    except DatabaseUnavailable as err:
        raise CliError(str(err)) from None
    try:
        store.purge(older_than=now - settings.retention_seconds)  # KEYHELP_RETENTION_DAYS
        if args.unrecognised:
            _export_misses(store, since)
            return 0
        figs = figures(store, since=since, now=now, idle_seconds=settings.idle_seconds)
    finally:
        store.close()
    if args.json:
        json.dump(figs, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    from bot.analytics.report import render

    if args.html:
        Path(args.html).write_text(render(figs, html=True), encoding="utf-8")
        print(f"wrote {args.html}")
        return 0
    sys.stdout.write(render(figs, html=False))
    return 0


def _export_misses(store, since: float) -> None:
    """Each distinct miss once (most frequent first), ready to label and score."""
    from collections import Counter

    counts = Counter((lang, text) for _channel, lang, text in store.misses_since(since))
    for number, ((lang, text), count) in enumerate(counts.most_common(), 1):
        print(json.dumps({"id": f"u{number:04d}", "text": text, "lang": lang, "expect": "",
                          "count": count}, ensure_ascii=False))
