"""The typed-answer scorer walks a conversation to the labelled question and judges the step."""

from __future__ import annotations

from bot.dialogue.answer_eval import expected_step, score
from tests.assistant_helpers import make_assistant


def test_expected_steps_follow_the_rules_file(knowledge):
    listed = {"intent": "key-already-entered", "question": "listed"}
    assert expected_step(knowledge, {**listed, "expect": "not-checked"}) == (
        "remedy:check-entered-keys")
    assert expected_step(knowledge, {**listed, "expect": "not-listed"}) == "escalate"
    assert expected_step(knowledge, {**listed, "expect": "why"}) == "why"
    solved = {"intent": "key-already-entered", "question": "solved"}
    assert expected_step(knowledge, {**solved, "expect": "solved"}) == "outcome:solved"
    assert expected_step(knowledge, {**solved, "expect": "not-solved"}) == "escalate"


def test_score_counts_a_label_typed_as_the_answer_and_a_miss(tmp_path):
    assistant = make_assistant(tmp_path)
    items = [
        {"id": "1", "intent": "key-already-entered", "question": "listed", "lang": "en",
         "text": "I haven't checked", "expect": "not-checked"},
        {"id": "2", "intent": "key-already-entered", "question": "listed", "lang": "en",
         "text": "why?", "expect": "why"},
        {"id": "3", "intent": "key-already-entered", "question": "listed", "lang": "en",
         "text": "why?", "expect": "listed"},  # labelled wrongly on purpose: must be a miss
    ]
    result = score(assistant, items)
    assert result["counts"]["all"] == 3
    assert [m["id"] for m in result["misses"]] == ["3"]
    assert result["misses"][0]["got"] == "why"
