"""A key in any shape, sent to the Slack bot every way Slack delivers text, never leaves whole:
not in any request to Slack (DM, thread, support-channel summary, agent draft), nor in the
adapter's or the conversations' SQLite files, nor in the logs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from slack_chat import KEY_INVALID_EN
from slack_ids import SUPPORT, WATCHED
from slack_requests import channel_message, dm_message, mention, message_shortcut, new_ts

from bot.channels.slack.listeners import SHORTCUT_CALLBACK
from tests.key_shapes import PastedKey, leaks, messages

RELAXED = settings(max_examples=25, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])


@pytest.fixture
def started(start_bot):
    """One bot for all examples; each example adds messages to the same DM and channels."""
    return start_bot()


def _files(slack_env: dict[str, str]) -> str:
    """Every SQLite file beside KEYHELP_DB (conversations and the adapter's own, WAL too)."""
    folder = Path(slack_env["KEYHELP_DB"]).parent
    files = sorted(folder.glob("*.db*"))
    assert len(files) >= 2
    return "\n".join(p.read_bytes().decode("utf-8", errors="replace") for p in files)


@RELAXED
@given(message=messages())
def test_a_key_never_leaves_the_slack_bot_whole(started, slack_env, caplog,
                                                message: tuple[str, PastedKey]) -> None:
    text, key = message
    fake, send = started.fake, started.send
    before = len(fake.calls)
    with caplog.at_level(logging.DEBUG):
        for event in (dm_message(KEY_INVALID_EN, user="UENGLISH"),
                      dm_message(text, user="UENGLISH"),  # at the key check
                      dm_message("no", user="UENGLISH"),  # escalated: the support channel
                      mention(text, user="UJAPAN", channel="C0GENERAL"),
                      channel_message(f"{KEY_INVALID_EN} {text}", user="UJAPAN", channel=WATCHED)):
            assert send.event(event).status == 200
            started.idle()
        assert send.command(text, user="UENGLISH", channel="C0GENERAL",
                            response_url=fake.response_url()).status == 200
        shortcut = message_shortcut(callback_id=SHORTCUT_CALLBACK, agent="UAGENT",
                                    author="UJAPAN", text=text, channel="C0SUPPORT",
                                    ts=new_ts(), response_url=fake.response_url())
        assert send.interactive(shortcut).status == 200
        started.idle()
    calls = fake.calls[before:]
    assert any(c.method == "chat.postMessage" and c.get("channel") == SUPPORT for c in calls)
    assert any(c.method == "chat.postEphemeral" for c in calls)  # the agent's draft
    sent = [json.dumps(call.args, ensure_ascii=False) for call in calls]
    for output in [*sent, caplog.text, _files(slack_env)]:
        assert leaks(output, key) == []
