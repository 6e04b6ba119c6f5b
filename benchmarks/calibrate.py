"""Fit the rules file's ``calibration``: raw answer confidence -> share of answers right.

Usage::

    python benchmarks/calibrate.py [--dev PATH] [--write]

Scores the dev set and our own held-out wording (tests/test_recognise.py), never a blind set,
with the raw confidence, fits Platt scaling (bot.understand.calibration.fit) and prints the
``answer:`` line; ``--write`` puts it into the rules file in place of the current one.
"""

from __future__ import annotations

import argparse
import json
import re
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.knowledge.loader import load_knowledge  # noqa: E402
from bot.paths import rules_path  # noqa: E402
from bot.understand.calibration import fit  # noqa: E402
from bot.understand.evaluation import judge  # noqa: E402
from bot.understand.recognise import Recogniser  # noqa: E402

DEFAULT_DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
HELD_OUT = ROOT / "tests" / "test_recognise.py"
ANSWER_LINE = re.compile(r"(?m)^(  answer: ).*$")


def samples(items: list[dict], recogniser: Recogniser) -> list[tuple[float, bool]]:
    """(raw confidence, right) of every answer the recogniser gives on the items."""
    out = []
    for item in items:
        result = recogniser.classify(item["text"]).to_json()
        if result["action"] == "answer":
            out.append((result["confidence"], judge(item, result).right))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--write", action="store_true", help="replace the rules file's line")
    args = parser.parse_args()
    path = rules_path()
    recogniser = Recogniser(load_knowledge(path), calibrate=False)
    dev = [json.loads(line) for line in args.dev.read_text(encoding="utf-8").splitlines()
           if line.strip()]
    held = runpy.run_path(str(HELD_OUT))["HELD_OUT"]
    pairs = samples(dev, recogniser) + samples(held, recogniser)
    wrong = sum(1 for _, right in pairs if not right)
    points = fit(pairs)
    line = "[" + ", ".join(f"[{x}, {y}]" for x, y in points) + "]"
    print(f"{len(pairs)} answers ({wrong} wrong) from {args.dev.name} and the held-out set")
    print(f"  answer: {line}")
    if args.write:
        text = path.read_text(encoding="utf-8")
        if not ANSWER_LINE.search(text):
            sys.exit(f"{path}: no '  answer:' line under calibration to replace")
        path.write_text(ANSWER_LINE.sub(lambda m: m.group(1) + line, text, count=1),
                        encoding="utf-8")
        print(f"written to {path}")


if __name__ == "__main__":
    main()
