"""The figures of one blind set kept in ``tests/blind/`` (its first messages, its typed answers)."""

from __future__ import annotations

import json
from pathlib import Path

from bot.dialogue.answer_eval import score
from bot.understand.evaluation import figures
from bot.understand.recognise import Recogniser
from tests.assistant_helpers import make_assistant

BLIND = Path(__file__).parent / "blind"


def _lines(name: str) -> list[dict]:
    return [json.loads(line) for line in (BLIND / name).read_text(encoding="utf-8").splitlines()
            if line.strip()]


def first_message_figures(recogniser: Recogniser, name: str) -> dict[str, float]:
    """in-scope / out-of-scope / ambiguous / confident-wrong of set ``name``'s first messages."""
    items = _lines(f"set_{name}_first_messages.jsonl")
    return figures(items, [recogniser.classify(item["text"]).to_json() for item in items])


def typed_answer_share(tmp_path: Path, name: str) -> float:
    """The share of set ``name``'s typed answers taken to the right next step."""
    return score(make_assistant(tmp_path), _lines(f"set_{name}_answers.jsonl"))["figures"]["all"]
