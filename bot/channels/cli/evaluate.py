"""`keyhelp eval`: score the rules in effect on a labelled file and list the misses.

Example::

    keyhelp eval my-helpdesk-set.jsonl
    keyhelp eval --json ../shared/eval/dev.jsonl

A helpdesk grows its own regression set: export what keyhelp did not understand, label it,
and keep scoring every edit of the rules against it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.channels.cli.classify import _recogniser
from bot.channels.cli.main import CliError, add_rules_option
from bot.understand.evaluation import (
    TARGETS,
    LabelledSetError,
    calibration_error,
    counts,
    figures,
    judge,
    meets,
    read_labelled,
    reliability,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keyhelp eval",
        description="Score the rules in effect on a labelled JSON-lines file "
                    '({"text", "expect", "acceptable"} per line) and list the misses.')
    parser.add_argument("file", metavar="FILE.jsonl", help="labelled messages, one JSON a line")
    parser.add_argument("--json", action="store_true", help="figures and misses as JSON")
    add_rules_option(parser)
    return parser


def _describe(result: dict[str, Any]) -> str:
    if result["action"] == "answer":
        return f"answer {result['intent']}"
    if result["action"] == "clarify":
        return "clarify " + "/".join(c["intent"] for c in result["candidates"])
    return "unknown"


def evaluate(argv: list[str]) -> int:
    """Exit 0 when every figure meets its target, 1 otherwise (usable in a CI job)."""
    args = _parser().parse_args(argv)
    path = Path(args.file)
    try:
        items = read_labelled(path.read_text(encoding="utf-8").splitlines(), source=str(path))
    except OSError as err:
        raise CliError(f"cannot read {path}: {err.strerror}") from err
    except UnicodeDecodeError as err:
        raise CliError(f"{path} is not UTF-8 text") from err
    except LabelledSetError as err:
        raise CliError(str(err)) from err
    if not items:
        raise CliError(f"{path} holds no labelled messages")
    recogniser = _recogniser(args.rules)
    normalised = [recogniser.normaliser.normalise(item["text"]) for item in items]
    results = [recogniser.recognise(n).to_json() for n in normalised]
    figs = figures(items, results)
    sizes = counts(items)
    table = reliability(items, results)
    misses = [{"id": item.get("id"), "text": norm.original_masked,  # no full key in output
               "expect": item.get("expect"), "acceptable": item.get("acceptable"),
               "got": _describe(result)}
              for item, norm, result in zip(items, normalised, results, strict=True)
              if not judge(item, result).right]
    passed = all(meets(name, figs[name]) for name in TARGETS if name in figs)
    if args.json:
        json.dump({"items": len(items), "groups": sizes, "figures": figs,
                   "calibration_error": calibration_error(table), "misses": misses,
                   "targets_met": passed}, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0 if passed else 1
    print(f"{len(items)} labelled messages ({path})")
    for name, (target, op) in TARGETS.items():
        if name in figs:
            size = f"of {sizes[name]}" if name in sizes else f"of {len(items)}"
            mark = "ok" if meets(name, figs[name]) else "MISSED"
            print(f"  {name:<16} {figs[name]:7.1%}  {size:<8} target {op} {target:.0%}  {mark}")
    print(f"  {'calibration':<16} {calibration_error(table):7.3f}  (expected calibration error "
          "of the answers)")
    for miss in misses:
        wanted = miss["expect"] or ("clarify " + "/".join(miss["acceptable"])
                                    if miss["acceptable"] else "unknown")
        print(f"miss {miss['id'] or '-'}: wanted {wanted}, got {miss['got']}: "
              f"{json.dumps(miss['text'][:100], ensure_ascii=False)}")
    return 0 if passed else 1
