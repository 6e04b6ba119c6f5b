"""The same message gets the same verdict and the same evidence in every process: nothing in
the recogniser follows the order of a set of strings, which Python shuffles per process
(PYTHONHASHSEED). A helpdesk lead comparing two runs of `keyhelp classify` sees no noise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

MESSAGES = [
    # quoted messages that share words with others: found exactly, loosely and with typos
    "portal shows \"Sorry, we can't process your order\" and the tenant is there, log in works",
    "`Sorry, we can't process your request right now` again after lunch",
    "申し訳ございません。ご注文は処理できません、と出ました",
    "it says the product key you entered has already been usd, pls enter a diffrent one",
]


def _classify(tmp_path: Path, seed: str) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYHELP_")}
    env.update(PYTHONHASHSEED=seed, KEYHELP_CACHE_DIR=str(tmp_path / seed))
    lines = "".join(json.dumps({"text": m}) + "\n" for m in MESSAGES)
    done = subprocess.run([sys.executable, "-m", "bot", "classify", "--jsonl"], input=lines,
                          capture_output=True, text=True, env=env, timeout=120, check=True)
    results = [json.loads(line)["result"] for line in done.stdout.splitlines()]
    for result in results:  # the list's order is presentation; its content must not vary
        result["evidence"].sort(key=lambda e: json.dumps(e, sort_keys=True))
    return results


def test_recognition_is_the_same_in_processes_with_different_string_hashing(
        tmp_path: Path) -> None:
    first = _classify(tmp_path, "1")
    for seed in ("3", "5"):
        assert _classify(tmp_path, seed) == first
