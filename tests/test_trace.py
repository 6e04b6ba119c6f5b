"""The trace of fired rules: what "how did we get here?" and ``diagnose`` are built from."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.dialogue.assistant import Assistant
from bot.dialogue.replies import Explanation, Remedy
from bot.render.renderer import render
from tests.assistant_helpers import make_assistant, only

SUSPICIOUS_KEY = "BCDFG-HJKMP-QRTVW-XY2O4-6789S"
PATH_RULES = ["start:subscription-unavailable",
              "answer:subscription-unavailable:trial-before:no",
              "answer:subscription-unavailable:country:offered"]


@pytest.fixture
def assistant(tmp_path: Path) -> Assistant:
    return make_assistant(tmp_path)


def _walk_to_check_offer(assistant: Assistant) -> Remedy:
    only(assistant.handle("c", text="The requested subscription is not available"))
    only(assistant.handle("c", action="answer:trial-before:no"))
    remedy = only(assistant.handle("c", action="answer:country:offered"))
    assert isinstance(remedy, Remedy) and remedy.remedy == "check-offer"
    return remedy


def test_the_conversation_keeps_the_rule_that_chose_each_step(assistant: Assistant) -> None:
    _walk_to_check_offer(assistant)
    conv = assistant.store.load("c")  # type: ignore[union-attr]
    assert conv is not None and conv.fired == PATH_RULES


def test_how_we_got_here_lists_the_answers_of_the_rules_on_the_path(
        assistant: Assistant) -> None:
    _walk_to_check_offer(assistant)
    why = only(assistant.handle("c", text="how did we get here"))
    assert isinstance(why, Explanation) and why.about == "path"
    rules = assistant.brain.engine.rules
    expected = [(rules[name].at.id, rules[name].answer) for name in PATH_RULES[1:]]  # type: ignore[union-attr]
    assert expected == [("trial-before", "no"), ("country", "offered")]
    assert [line.answer for line in why.path] == ["No / not sure", "Yes / not sure"]
    text = render(why, "cli").text
    assert not any(name in text for name in ("start:", "answer:", "subscription-unavailable"))


def test_a_new_case_starts_a_new_trace(assistant: Assistant) -> None:
    _walk_to_check_offer(assistant)
    only(assistant.handle("c", action="solved:yes"))
    only(assistant.handle("c", text="my key has expired"))
    only(assistant.handle("c", action="answer:other-key:has-other"))
    conv = assistant.store.load("c")  # type: ignore[union-attr]
    assert conv is not None
    assert conv.fired == ["start:key-expired", "answer:key-expired:other-key:has-other"]


def test_diagnose_reports_every_rule_the_turn_fired_key_check_included(
        assistant: Assistant) -> None:
    result = assistant.diagnose(f"The product key you entered isn't valid {SUSPICIOUS_KEY}")
    assert result.fired == ("start-with-key:key-invalid",
                            "check:key-invalid:check-characters:suspicious")
    assert isinstance(result.replies[0], Remedy)
    assert result.replies[0].remedy == "fix-characters"
