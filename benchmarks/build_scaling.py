"""How the recogniser's build grows with the rules file: shipped intents against ten times as many.

Usage::

    python benchmarks/build_scaling.py [--copies 10] [--runs 5]

Writes, in a temporary directory, a rules file holding every intent of the shipped
``rules/product-key.yaml`` ``--copies`` times (renamed ids; every message and cue made
distinct by a per-copy word, so ``keyhelp rules check`` still finds no message in two
intents), loads both files with ``bot.knowledge.loader.load_knowledge`` and times
``Recogniser(knowledge)``: the median of ``--runs`` builds each, in this one process.
Prints both medians, their ratio (target: at most 12 for ten copies, issue 10 item 7)
and, as a same-run baseline, the median time to load the shipped rules.
"""

from __future__ import annotations

import argparse
import copy
import gc
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.knowledge.loader import check_rules, load_knowledge  # noqa: E402
from bot.paths import shipped_rules_path  # noqa: E402
from bot.understand.recognise import Recogniser  # noqa: E402

TARGET_RATIO = 12.0
# one word per copy, in each script: a copy's messages and cues differ from every other's
LATIN = ["alder", "birch", "cedar", "damson", "elder", "fir", "ginkgo", "hazel", "iroko",
         "juniper", "kauri", "larch", "maple", "nutmeg", "olive", "poplar"]
KANA = ["アルダー", "バーチ", "シーダー", "ダムソン", "エルダー", "ファー", "ギンコ", "ヘーゼル",
        "イロコ", "ジュニパー", "カウリ", "ラーチ", "メープル", "ナツメグ", "オリーブ", "ポプラ"]


def _mark(text: str, copy_no: int, *, cue: bool) -> str:
    """``text`` made this copy's own: a latin word or a katakana word, by its script."""
    latin = text.isascii()
    word = LATIN[copy_no % len(LATIN)] if latin else KANA[copy_no % len(KANA)]
    if cue:
        return f"{text} {word}" if latin else f"{text}{word}"
    return f"{word} {text}" if latin else f"{word}の{text}"


def _perturbed(intent: dict[str, Any], copy_no: int) -> dict[str, Any]:
    """A copy of one intent whose messages and cues carry the copy's word."""
    intent = copy.deepcopy(intent)
    intent["messages"] = [{loc: _mark(t, copy_no, cue=False) for loc, t in m.items()}
                          for m in intent.get("messages", [])]
    intent["cues"] = {loc: [_mark(c, copy_no, cue=True) for c in cues]
                      for loc, cues in intent.get("cues", {}).items()}
    return intent


class _Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2 booleans, as the rules reader has them: ``yes`` and ``no`` stay words."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"),
                                    list("tf"))


def scaled_rules(source: Path, copies: int, out: Path) -> int:
    """Write ``source`` with its intents ``copies`` times over to ``out``; the intent count."""
    data = yaml.load(source.read_text(encoding="utf-8"), Loader=_Yaml12Loader)
    intents: dict[str, Any] = dict(data["intents"])  # copy 0: the shipped intents as they are
    for n in range(1, copies):
        for intent_id, intent in data["intents"].items():
            intents[f"{intent_id}-{LATIN[n % len(LATIN)]}{n}"] = _perturbed(intent, n)
    data["intents"] = intents
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return len(intents)


def median_ms(work: Callable[[], object], runs: int) -> float:
    """Median wall time of ``work`` in milliseconds (collector run between, not during)."""
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    shipped = shipped_rules_path()
    with tempfile.TemporaryDirectory() as tmp:
        big_path = Path(tmp) / "scaled.yaml"
        count = scaled_rules(shipped, args.copies, big_path)
        big_bytes = big_path.stat().st_size + 1
        _, problems = check_rules(big_path, max_bytes=big_bytes)  # as `keyhelp rules check`
        if problems:
            print(f"generated rules file has {len(problems)} problems, first: {problems[0]}")
            return 1
        small, big = load_knowledge(shipped), load_knowledge(big_path, max_bytes=big_bytes)
        load = median_ms(lambda: load_knowledge(shipped), args.runs)
        small_ms = median_ms(lambda: Recogniser(small), args.runs)
        big_ms = median_ms(lambda: Recogniser(big), args.runs)
    ratio = big_ms / small_ms
    print(f"baseline: load shipped rules          {load:9.1f} ms (median of {args.runs})")
    print(f"build: shipped ({len(small.intents):4d} intents)       {small_ms:9.1f} ms")
    print(f"build: generated ({count:4d} intents)     {big_ms:9.1f} ms")
    verdict = "ok" if ratio <= TARGET_RATIO or args.copies != 10 else "OVER"
    print(f"ratio generated / shipped             {ratio:9.2f}x  (target ≤ {TARGET_RATIO:g}x "
          f"for 10 copies: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
