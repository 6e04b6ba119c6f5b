"""Blind set B, the fresh set for the final figure (issue 11), kept as a regression set.

``tests/blind/set_b_first_messages.jsonl`` (365 first messages) and
``tests/blind/set_b_answers.jsonl`` (148 typed answers) were written by a second writer who
saw only the reference facts and the questions as users see them — never the rules, the dev
set, set A or the code. They were scored once, after all the work on set A, with no change
made afterwards (first pass = final):

    first messages: in-scope 95.8 %, out-of-scope 90.5 %, ambiguous → clarify 70.5 %,
    confident-wrong 3.6 %, ECE 0.080; by category admin-howto 81.8 %, fragment 70.5 %,
    in-scope 95.8 %, negation 75.0 %, ood 100 %, other-product 96.0 %.
    typed answers: 94.6 % to the right next step (answers 94.8 %, why 80 %, reask 100 %,
    switch 100 %).

After round two (by category, with sight of set B's misses, no text copied; so optimistic):
98.6 / 100 / 70.5 / 0.8 %, by category admin-howto 100 %, negation 100 %, other-product 100 %,
fragment 70.5 %; typed answers 100 %; unasked answers at the watch default 133, 99.2 % right
(the calibration cross-validated: fitted without B). The floors below are those figures less
two or three messages; fragments (ambiguous → clarify) still miss the target.
Round three (fragments, denials, typos, by category): 99.1 / 100 / 84.1 / 0.0 %, typed
answers 100 %.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.config import DEFAULT_WATCH_MIN_CONFIDENCE
from bot.dialogue.answer_eval import score
from bot.understand.evaluation import figures, precision_at
from bot.understand.recognise import Recogniser
from tests.assistant_helpers import make_assistant

BLIND = Path(__file__).parent / "blind"
FLOORS = {"in-scope": 0.98, "out-of-scope": 0.98, "ambiguous": 0.79}
MAX_CONFIDENT_WRONG = 0.015
ANSWERS_FLOOR = 0.98
WATCH_TARGET = 0.99


def _lines(name: str) -> list[dict]:
    return [json.loads(line) for line in (BLIND / name).read_text(encoding="utf-8").splitlines()
            if line.strip()]


@pytest.fixture(scope="module")
def scored(recogniser: Recogniser) -> tuple[list[dict], list[dict]]:
    items = _lines("set_b_first_messages.jsonl")
    return items, [recogniser.classify(item["text"]).to_json() for item in items]


def test_blind_set_b_first_messages_do_not_fall_back(scored) -> None:
    figs = figures(*scored)
    for name, floor in FLOORS.items():
        assert figs[name] >= floor, (name, figs)
    assert figs["confident-wrong"] <= MAX_CONFIDENT_WRONG, figs


def test_blind_set_b_typed_answers_do_not_fall_back(tmp_path) -> None:
    items = _lines("set_b_answers.jsonl")
    for item in items:  # the writer's question list spelled trial-before's yes/no as booleans
        item["expect"] = {"True": "yes", "False": "no"}.get(item["expect"], item["expect"])
    assert score(make_assistant(tmp_path), items)["figures"]["all"] >= ANSWERS_FLOOR


def test_unasked_answers_at_the_watch_default_are_right_99_percent_of_the_time(scored) -> None:
    given, right = precision_at(*scored, DEFAULT_WATCH_MIN_CONFIDENCE)
    assert given >= 100 and right >= WATCH_TARGET, (given, right)
