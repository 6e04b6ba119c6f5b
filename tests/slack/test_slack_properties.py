"""Whatever a user sends the bot, it answers within Block Kit's limits and pings nobody."""

from __future__ import annotations

import json
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_checks import assert_fits_block_kit, buttons
from slack_requests import block_action, dm_message

# Slack markup and the characters that break naive escaping, mixed into arbitrary text
MARKUP = st.sampled_from(["<!channel>", "<!here>", "<!everyone>", "<@U0OTHER>", "<#C1|general>",
                          "<https://evil.example|click>", "&", "<", ">", "&lt;", "*", "_", "~",
                          "`", "```", "> ", "\n", "🔑", "\u202e", "\x00",
                          "BCDFG-HJKMP-QRTVW-XY2O4-6789S", "キーが通らない", "why", "最初から",
                          "The product key you entered isn't valid"])
TEXT = st.lists(st.one_of(MARKUP, st.text(max_size=40)), min_size=1, max_size=8).map("".join)
# button values as a stale or tampered message could send them back
VALUES = st.sampled_from(["why", "restart", "solved:yes", "solved:no", "lang:ja", "lang:xx",
                          "intent:key-invalid", "intent:nope", "answer:nope:nope", "", "::",
                          "<!channel>"])
STEP = st.one_of(st.tuples(st.just("dm"), TEXT), st.tuples(st.just("command"), TEXT),
                 st.tuples(st.just("click"), st.one_of(st.none(), VALUES)))
RELAXED = settings(max_examples=40, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])


@pytest.fixture
def started(start_bot):
    """One bot for all examples: each example is one more message in the same DM."""
    return start_bot()


def _answered_safely(calls: list, caplog: pytest.LogCaptureFixture) -> None:
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    for call in calls:
        if "blocks" in call.args:
            assert_fits_block_kit(call["blocks"])
        assert len(call.get("text", "")) <= 4000
    sent = json.dumps([call.args for call in calls])
    for raw in ("<!", "<@U0OTHER", "<#C1", "<https://evil"):  # quoted text arrives escaped
        assert raw not in sent


@RELAXED
@given(text=TEXT)
def test_any_direct_message_is_answered_safely(started, caplog, text: str) -> None:
    before = len(started.fake.calls_to("chat.postMessage"))
    with caplog.at_level(logging.ERROR):
        assert started.send.event(dm_message(text, user="UENGLISH")).status == 200
        started.idle()
    posts = started.fake.calls_to("chat.postMessage")[before:]
    assert posts or not any(ch.isalnum() for ch in text)
    _answered_safely(posts, caplog)


@RELAXED
@given(steps=st.lists(STEP, min_size=1, max_size=6))
def test_any_mix_of_messages_commands_and_clicks_is_handled(started, caplog,
                                                           steps: list[tuple[str, object]]) -> None:
    fake, send = started.fake, started.send
    before = len(fake.calls)
    with caplog.at_level(logging.ERROR):
        for kind, value in steps:
            if kind == "dm":
                answer = send.event(dm_message(str(value), user="UENGLISH"))
            elif kind == "command":
                answer = send.command(str(value), user="UENGLISH", channel="C0GENERAL",
                                      response_url=fake.response_url())
            else:
                posts = [c for c in fake.calls_to("chat.postMessage") if buttons(c.args)]
                if not posts:
                    continue
                block_id, element = buttons(posts[-1].args)[0]
                if value is not None:
                    element = {**element, "value": value}
                answer = send.interactive(block_action(
                    posts[-1].posted, element, user="UENGLISH",
                    response_url=fake.response_url(), block_id=block_id))
            assert answer.status == 200
            started.idle()
    _answered_safely(fake.calls[before:], caplog)
