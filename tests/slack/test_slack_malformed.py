"""Signed but malformed payloads: 400 (malformed) or 200 (ignored), one WARNING, never a 500."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from slack_payloads import MISSING, paths, replaced, send, shape, shapes
from slack_requests import APP_ID, TEAM_ID, dm_message, event_envelope, mention, sign

from bot.channels.slack.listeners import SHORTCUT_CALLBACK

MARKER = "PAYLOAD-MARKER-7H3KJ"  # a value that must never reach the log
SKIP = "answer:check-characters:skip"
RELAXED = settings(max_examples=300, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])


@pytest.fixture
def bot(start_bot):
    return start_bot()


def problems(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Errors and tracebacks logged so far (there must be none)."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def warnings_from_keyhelp(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records
            if r.levelno == logging.WARNING and r.name.startswith("keyhelp")]


def still_answers(bot) -> None:
    """A valid request after the bad one is answered as usual."""
    body = {"token": "t", "challenge": "c-after", "type": "url_verification"}
    answer = bot.send.post_json(body)
    assert answer.status == 200 and "c-after" in answer.body


def command_fields(text: str) -> dict[str, str]:
    return {"token": "legacy", "team_id": TEAM_ID, "channel_id": "C0GENERAL", "user_id": "UENGLISH",
            "user_name": "uenglish", "command": "/keyhelp", "text": text, "api_app_id": APP_ID,
            "response_url": "http://127.0.0.1:9/r", "trigger_id": "1.1.t"}


def owned_click() -> dict[str, Any]:
    """A click on key-invalid's first question in UENGLISH's DM (shape: slack-bolt's)."""
    body = shape("block_actions_message").copy()
    body["user"] = {"id": "UENGLISH"}
    body["channel"] = {"id": "D0DIRECT"}
    body["container"]["channel_id"] = "D0DIRECT"
    body["response_url"] = "http://127.0.0.1:9/r"
    body["actions"][0] |= {"action_id": "choice-0", "block_id": "kh|dm:UENGLISH", "value": SKIP,
                           "text": {"type": "plain_text", "text": MARKER}}
    return body


def owned_shortcut(kind: str) -> dict[str, Any]:
    body = shape(kind).copy()
    body["callback_id"] = SHORTCUT_CALLBACK
    if "response_url" in body:
        body["response_url"] = "http://127.0.0.1:9/r"
    return body


def variants() -> list[tuple[str, Any]]:
    """Every kind of request keyhelp accepts, as Slack sends it: (encoding, body)."""
    safe = [(s.encoding, s.copy()) for s in shapes() if "hooks.slack.com" not in json.dumps(s.body)]
    return [*safe,
            ("json", event_envelope(dm_message(f"key invalid {MARKER}", user="UENGLISH"))),
            ("json", event_envelope(mention("key invalid", user="UENGLISH", channel="C0GENERAL"))),
            ("form", command_fields(f"key invalid {MARKER}")),
            ("payload", owned_click()),
            ("payload", owned_shortcut("shortcut_message")),
            ("payload", owned_shortcut("shortcut_global"))]


@pytest.mark.parametrize(("content_type", "body"), [
    pytest.param("application/json", json.dumps([{"type": "event_callback", "text": MARKER}]),
                 id="json-array"),
    pytest.param("application/json", json.dumps(event_envelope(None) | {"token": MARKER}),
                 id="event-null"),
    pytest.param("application/json",
                 json.dumps(event_envelope(dm_message(MARKER, user="UENGLISH") | {"ts": 1})),
                 id="ts-int"),
    pytest.param("application/json",
                 json.dumps(event_envelope(dm_message(MARKER, user=["UENGLISH"]))), id="user-list"),
    pytest.param("application/json",
                 json.dumps(event_envelope(dm_message(MARKER, user="UENGLISH") | {"files": 5})),
                 id="files-int"),
    pytest.param("application/json",
                 json.dumps(event_envelope(dm_message(MARKER, user="UENGLISH")
                                           | {"files": [{"size": 1, "url_private": 7}]})),
                 id="file-url-int"),
    pytest.param("application/x-www-form-urlencoded",
                 urlencode({"payload": json.dumps(owned_click() | {"user": 5})}),
                 id="click-user-int"),
    pytest.param("application/x-www-form-urlencoded",
                 urlencode({"payload": json.dumps(owned_click() | {"actions": None})}),
                 id="click-actions-null"),
    pytest.param("application/x-www-form-urlencoded", urlencode({"payload": f'["{MARKER}"]'}),
                 id="payload-array"),
    pytest.param("application/x-www-form-urlencoded",
                 json.dumps(event_envelope(dm_message(MARKER, user="UENGLISH"))),
                 id="form-type-json-body"),
    pytest.param("application/json", urlencode({"payload": json.dumps(owned_click())}),
                 id="json-type-form-body"),
    pytest.param("application/x-www-form-urlencoded",
                 urlencode({k: v for k, v in command_fields(MARKER).items() if k != "user_id"}),
                 id="command-without-user"),
    pytest.param("text/plain", json.dumps(event_envelope(dm_message(MARKER, user="UENGLISH"))),
                 id="other-content-type"),
])
def test_malformed_payload_is_400_with_one_warning_and_no_payload_logged(bot, caplog,
                                                                          content_type, body):
    with caplog.at_level(logging.WARNING):
        answer = bot.send.raw(body, content_type=content_type, headers=sign(body))
        bot.idle()
    assert answer.status == 400
    assert not problems(caplog)
    [warning] = warnings_from_keyhelp(caplog)
    assert MARKER not in caplog.text and "UENGLISH" not in warning.getMessage()
    assert bot.fake.calls_to("chat.postMessage") == []
    still_answers(bot)


JUNK = st.one_of(st.just(MISSING), st.none(), st.integers(), st.booleans(), st.text(max_size=12),
                 st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=4)), max_size=3),
                 st.dictionaries(st.text(max_size=4), st.one_of(st.none(), st.integers()),
                                 max_size=2))
VARIANTS = variants()


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    """One accepted kind of request with 1-3 fields replaced by a wrong type or removed."""
    encoding, body = draw(st.sampled_from(VARIANTS))
    for _ in range(draw(st.integers(1, 3))):
        places = [p for p in paths(body) if p or encoding != "form"]
        if not places or not isinstance(body, dict | list):
            break
        where = draw(st.sampled_from(places))
        new = draw(JUNK)
        if encoding == "form" and new is not MISSING:
            new = new if isinstance(new, str) else json.dumps(new)  # form fields are text
        body = replaced(body, where, new)
    return encoding, body


@RELAXED
@given(request=mutated())
def test_any_accepted_payload_with_wrong_or_missing_fields_is_200_or_400(bot, caplog, request):
    encoding, body = request
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        if encoding == "form" and not isinstance(body, dict):
            body = {}
        answer = send(bot.send, encoding, body)
        bot.idle()
    assert answer.status in (200, 400), answer
    event(f"HTTP {answer.status}")  # --hypothesis-show-statistics: both answers occur
    assert not problems(caplog)
    if answer.status == 400:
        assert len(warnings_from_keyhelp(caplog)) == 1
    assert MARKER not in "".join(r.getMessage() for r in warnings_from_keyhelp(caplog))
    still_answers(bot)
