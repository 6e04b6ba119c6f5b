"""Whatever a user types or clicks, in any order, every turn gets replies that render."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.dialogue.assistant import Assistant
from bot.render.renderer import render
from tests.assistant_helpers import make_assistant

MESSAGES = ["The product key you entered isn't valid. Try entering it again",
            "このプロダクト キーは既に使用されています。別のプロダクト キーを入力してください",
            "Sorry, we can't process your request right now", "my key doesn't work",
            "BCDFG-HJKMP-QRTVW-XY2O4-6789S", "BCDFG-HJKMP-QRTVW-XY234-6789B"]
COMMANDS = ["why", "why?", "なぜ？", "start over", "最初から", "yes", "no", "1", "2", "3", "99",
            "日本語", "English", "ja", "en", "", "   ", "quit"]
ACTIONS = ["why", "restart", "solved:yes", "solved:no", "lang:ja", "lang:en", "lang:xx",
           "intent:key-invalid", "intent:nope", "answer:nope:nope", "garbage", ":"]
TURN = st.one_of(
    st.tuples(st.just("text"), st.sampled_from(MESSAGES + COMMANDS)),
    st.tuples(st.just("text"), st.text(max_size=300)),
    st.tuples(st.just("action"), st.sampled_from(ACTIONS)),
)
RELAXED = settings(max_examples=60, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])
_ids = itertools.count()


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return make_assistant(Path(tmp_path_factory.mktemp("properties")))


def _renders(replies: list) -> None:
    assert replies
    for reply in replies:
        for channel in ("cli", "slack"):
            assert render(reply, channel).fallback.strip()


@RELAXED
@given(st.lists(TURN, min_size=1, max_size=8))
def test_any_sequence_of_turns_gets_replies_that_render(assistant: Assistant,
                                                         turns: list[tuple[str, str]]) -> None:
    conversation = f"prop-{next(_ids)}"
    for kind, value in turns:
        if kind == "text":
            _renders(assistant.handle(conversation, text=value))
        else:
            _renders(assistant.handle(conversation, action=value))


@RELAXED
@given(st.one_of(st.sampled_from(MESSAGES + COMMANDS), st.text(max_size=300)))
def test_diagnose_gives_a_recognition_and_replies_for_any_text(assistant: Assistant,
                                                               text: str) -> None:
    result = assistant.diagnose(text)
    assert result.recognition.action in ("answer", "clarify", "unknown")
    _renders(list(result.replies))
