"""The figures of one blind set kept in ``tests/blind/`` (its first messages, its typed answers)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

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


Floors = dict[str, dict[str, float]]


def floor_tests(floors: Floors) -> tuple[Callable[..., None], Callable[..., None]]:
    """The two checks each kept blind set runs against its floors, parametrized by set: its
    first messages (in-scope, out-of-scope, ambiguous at or above, confident-wrong at or
    below) and its typed answers. A test module binds them to its test names."""

    @pytest.mark.parametrize("name", sorted(floors))
    def first_messages(recogniser: Recogniser, name: str) -> None:
        figs = first_message_figures(recogniser, name)
        for figure in ("in-scope", "out-of-scope", "ambiguous"):
            assert figs[figure] >= floors[name][figure], (figure, figs)
        assert figs["confident-wrong"] <= floors[name]["confident-wrong"], figs

    @pytest.mark.parametrize("name", sorted(floors))
    def typed_answers(tmp_path: Path, name: str) -> None:
        assert typed_answer_share(tmp_path, name) >= floors[name]["answers"]

    return first_messages, typed_answers
