"""The recogniser's verdicts on every dev and blind message stay exactly as recorded.

``tests/fixtures/recognition_snapshot.jsonl`` was written by the code before the recogniser's
build was made linear (issue 10, item 7): an indexing change to the build must not move a
single verdict, candidate score, confidence or piece of evidence. Regenerate it only for a
change meant to alter recognition::

    python tests/test_recognition_snapshot.py /work/shared/eval/dev.jsonl tests/blind/*.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.understand.recognise import Recogniser

SNAPSHOT = Path(__file__).parent / "fixtures" / "recognition_snapshot.jsonl"


def _recorded() -> list[dict]:
    return [json.loads(line) for line in SNAPSHOT.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def test_snapshot_covers_dev_and_blind_messages() -> None:
    sources = {row["source"] for row in _recorded()}
    assert {"dev.jsonl", "set_a_first_messages.jsonl", "set_b_first_messages.jsonl",
            "set_a_answers.jsonl", "set_b_answers.jsonl"} <= sources


def _canonical(result: dict) -> dict:
    """The result with its evidence sorted: its order follows set iteration over str hashes,
    which differs from one process to the next (PYTHONHASHSEED), not from the code."""
    evidence = sorted(result["evidence"], key=lambda e: json.dumps(e, sort_keys=True))
    return {**result, "evidence": evidence}


def test_recognition_is_unchanged_on_every_recorded_message(recogniser: Recogniser) -> None:
    changed = [f"{row['source']}:{row['id']}" for row in _recorded()
               if _canonical(recogniser.classify(row["text"]).to_json())
               != _canonical(row["result"])]
    assert not changed, f"{len(changed)} verdicts changed: {changed[:20]}"


def _record(paths: list[str]) -> None:
    """Write the snapshot from the current code over the shipped rules."""
    from bot.knowledge.loader import load_knowledge
    from bot.paths import shipped_rules_path

    recogniser = Recogniser(load_knowledge(shipped_rules_path()))
    with SNAPSHOT.open("w", encoding="utf-8") as out:
        for path in paths:
            for line in Path(path).read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                item = json.loads(line)
                result = recogniser.classify(item["text"]).to_json()
                out.write(json.dumps({"source": Path(path).name, "id": item["id"],
                                      "text": item["text"], "result": result},
                                     ensure_ascii=False) + "\n")


if __name__ == "__main__":
    _record(sys.argv[1:])
