"""Whatever a user sends the bot, it answers within Block Kit's limits and pings nobody."""

from __future__ import annotations

import json
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_checks import assert_fits_block_kit
from slack_requests import dm_message

# Slack markup and the characters that break naive escaping, mixed into arbitrary text
MARKUP = st.sampled_from(["<!channel>", "<!here>", "<!everyone>", "<@U0OTHER>", "<#C1|general>",
                          "<https://evil.example|click>", "&", "<", ">", "&lt;", "*", "_", "~",
                          "`", "```", "> ", "\n", "🔑", "\u202e", "\x00",
                          "BCDFG-HJKMP-QRTVW-XY2O4-6789S", "キーが通らない", "why", "最初から",
                          "The product key you entered isn't valid"])
TEXT = st.lists(st.one_of(MARKUP, st.text(max_size=40)), min_size=1, max_size=8).map("".join)
RELAXED = settings(max_examples=40, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])


@pytest.fixture
def started(start_bot):
    """One bot for all examples: each example is one more message in the same DM."""
    return start_bot()


@RELAXED
@given(text=TEXT)
def test_any_direct_message_is_answered_safely(started, caplog, text: str) -> None:
    before = len(started.fake.calls_to("chat.postMessage"))
    with caplog.at_level(logging.ERROR):
        assert started.send.event(dm_message(text, user="UENGLISH")).status == 200
        started.idle()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    posts = started.fake.calls_to("chat.postMessage")[before:]
    assert posts or not any(ch.isalnum() for ch in text)
    for post in posts:
        assert_fits_block_kit(post["blocks"])
        assert len(post["text"]) <= 4000
    sent = json.dumps([post.args for post in posts])
    for raw in ("<!", "<@U0OTHER", "<#C1", "<https://evil"):  # quoted text arrives escaped
        assert raw not in sent
