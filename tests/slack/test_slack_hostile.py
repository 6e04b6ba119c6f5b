"""Bad and hostile requests: right status, no crash, nothing oversized sent to Slack."""

from __future__ import annotations

import hashlib
import json

import pytest
from slack_chat import Chat
from slack_checks import text_of
from slack_ids import SUPPORT
from slack_requests import dm_message, sign

from bot.paths import rules_path


@pytest.fixture
def bot(start_bot):
    return start_bot()  # the shipped orchestrator, rules and templates; a temporary SQLite file


def test_health_endpoint_names_the_rules_in_force(bot):
    answer = bot.send.raw("", content_type="text/plain", path="/healthz", method="GET")
    digest = hashlib.sha256(rules_path().read_bytes()).hexdigest()
    assert answer.status == 200
    assert answer.json() == {"status": "ok", "database": "ok", "rules": digest}


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/slack/events", 405), ("GET", "/", 404), ("POST", "/other", 404),
])
def test_other_paths_and_methods(bot, method, path, status):
    answer = bot.send.raw("{}", content_type="application/json", path=path, method=method)
    assert answer.status == status


@pytest.mark.parametrize("body", [
    '{"type": "event_callback", "event": {', "{not json", '{"a": [1, 2'])
def test_malformed_json_signed_is_400_unsigned_is_401(bot, body):
    assert bot.send.raw(body, content_type="application/json", headers=sign(body)).status == 400
    assert bot.send.raw(body, content_type="application/json").status == 401


def test_malformed_interactive_payload_is_400(bot):
    body = "payload=%7Bbroken"
    assert bot.send.raw(body, content_type="application/x-www-form-urlencoded",
                        headers=sign(body)).status == 400


def test_bad_signature_headers_are_401(bot):
    body = json.dumps({"type": "event_callback", "event": {"type": "message"}})
    wrong = sign(body, secret="0" * 32)
    assert bot.send.raw(body, content_type="application/json", headers=wrong).status == 401
    junk = {"X-Slack-Request-Timestamp": "yesterday", "X-Slack-Signature": "v0=00"}
    assert bot.send.raw(body, content_type="application/json", headers=junk).status == 401
    assert bot.send.raw("{bad", content_type="application/json", headers=junk).status == 401
    superscript = {"X-Slack-Request-Timestamp": "\u00b2", "X-Slack-Signature": "v0=00"}
    assert bot.send.raw(body, content_type="application/json", headers=superscript).status == 401


def test_url_verification_challenge(bot):
    body = json.dumps({"token": "t", "challenge": "c-123", "type": "url_verification"})
    answer = bot.send.raw(body, content_type="application/json", headers=sign(body))
    assert answer.status == 200 and "c-123" in answer.body


@pytest.mark.parametrize("event", [
    {"type": "reaction_added", "user": "U1", "reaction": "thumbsup",
     "item": {"type": "message", "channel": "C1", "ts": "1.2"}, "event_ts": "1.3"},
    {"type": "totally_new_event_type", "event_ts": "1.3"},
    {"type": "message"},  # no channel, no user, no text
])
def test_unknown_or_odd_events_are_acknowledged(bot, event):
    assert bot.send.event(event).status == 200


def test_unknown_interactive_payload_does_not_crash(bot):
    assert bot.send.interactive({"type": "view_closed", "user": {"id": "U1"}}).status == 200
    assert bot.send.interactive({"type": "block_actions", "user": {"id": "U1"}, "actions": [
        {"action_id": "choice-0", "block_id": "foreign", "value": "x"}],
        "container": {"channel_id": "C1", "message_ts": "1.1"}}).status == 200
    # no type: not a body Slack sends
    assert bot.send.raw("{}", content_type="application/json", headers=sign("{}")).status == 400


def test_40000_character_messages_fit_block_kit_and_ping_nobody(bot):
    chat = Chat(bot, user="UENGLISH")
    text = ("<!channel> & <https://evil.example|x> " * 1200)[:40_000]
    for _ in range(2):  # two misses in a row: the summary quotes the user's text
        assert bot.send.event(dm_message(text, user="UENGLISH")).status == 200
    posts = chat.posts(3)  # Chat.posts checks every message against Block Kit's limits
    assert posts[2]["channel"] == SUPPORT and "&lt;!channel&gt; &amp;" in text_of(posts[2].args)
    for post in posts:
        assert len(post["text"]) <= 4000
    assert "<!channel>" not in json.dumps([c.args for c in bot.fake.calls])
