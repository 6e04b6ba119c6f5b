"""Incoming Slack request bodies: parsed once, by their content type, and checked by kind.

A signed body can still be malformed (a JSON array, ``"event": null``, ``"ts": 1``, a JSON
body sent as a form). Those are refused here with one reason that names the field and the
rule, never a value, so Bolt and the listeners only ever see the shapes they read. Kinds
keyhelp does not use (modal submissions, rate-limit notices) are recognised and ignored.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import fastjsonschema

from bot.channels.slack.payload_shapes import (
    BLOCK_ACTIONS,
    COMMAND,
    EVENT_CALLBACK,
    MESSAGE_ACTION,
    SHORTCUT,
    URL_VERIFICATION,
    Schema,
    compiled_schema,
)

JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"
COMMAND_KIND = "command"
SSL_CHECK_KIND = "ssl_check"  # Slack's periodic check of a slash command's URL; Bolt answers it

# Events API bodies (JSON over HTTP, "events_api" envelopes in Socket Mode); None: ignored
EVENTS_API: dict[str, Schema | None] = {
    "event_callback": EVENT_CALLBACK, "url_verification": URL_VERIFICATION,
    "app_rate_limited": None,
}
# Interactivity (form field ``payload`` over HTTP, "interactive" envelopes); other types
# (view_submission, block_suggestion, ...) belong to features keyhelp does not have
INTERACTIVE: dict[str, Schema] = {
    "block_actions": BLOCK_ACTIONS, "message_action": MESSAGE_ACTION, "shortcut": SHORTCUT,
}
Validator = Callable[[Any], Any]
_VALIDATORS: dict[str, Validator] = {
    kind: fastjsonschema.compile(compiled_schema(shape))
    for kind, shape in [*INTERACTIVE.items(), *EVENTS_API.items(), (COMMAND_KIND, COMMAND)]
    if shape is not None
}


class Malformed(ValueError):
    """A signed body keyhelp cannot read; the message names the problem, not the payload."""


@dataclass(frozen=True)
class Payload:
    """A parsed, checked body; ``handled`` is False for kinds keyhelp acknowledges only."""

    kind: str
    body: dict[str, Any]
    handled: bool = True


def from_http(body: str, content_type: str | None) -> Payload:
    """The body of a POST to /slack/events, read the way its content type says."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type == JSON_TYPE:
        return events_api(_json(body, "body"))
    if media_type == FORM_TYPE:
        if body.lstrip().startswith(("{", "[")):
            raise Malformed("a JSON body sent with a form content type")
        return _form(body)
    raise Malformed("content type is neither JSON nor form-encoded")


def events_api(body: Any) -> Payload:
    """An Events API body: event_callback, url_verification or a notice keyhelp ignores."""
    kind = _kind(body)
    if kind in INTERACTIVE:
        raise Malformed(f"an interactive {kind} payload sent as an Events API body")
    if kind not in EVENTS_API:
        raise Malformed("not an Events API body type")
    return _checked(kind, body)


def interactive(body: Any) -> Payload:
    """An interactivity payload: a click, a shortcut, or a kind keyhelp only acknowledges."""
    kind = _kind(body)
    if kind in EVENTS_API:
        raise Malformed(f"an Events API {kind} body sent as an interactive payload")
    return _checked(kind, body)


def command(fields: Any) -> Payload:
    """A slash command's fields (form fields over HTTP, a JSON object in Socket Mode)."""
    return _checked(COMMAND_KIND, fields)


def _form(body: str) -> Payload:
    try:
        fields = dict(parse_qsl(body, keep_blank_values=True, strict_parsing=True))
    except ValueError:
        raise Malformed("not form-encoded") from None
    if "payload" in fields:
        return interactive(_json(fields["payload"], "the payload field"))
    if "command" in fields:
        return command(fields)
    if "ssl_check" in fields:
        return Payload(SSL_CHECK_KIND, fields)
    raise Malformed("a form with neither payload, command nor ssl_check")


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise Malformed(f"{what} is not JSON") from None


def _kind(body: Any) -> str:
    if not isinstance(body, dict):
        raise Malformed(f"a JSON {_json_type(body)}, not an object")
    kind = body.get("type")
    if not isinstance(kind, str):
        raise Malformed("no type, or a type that is not a string")
    return kind


def _checked(kind: str, body: Any) -> Payload:
    if not isinstance(body, dict):
        raise Malformed(f"a JSON {_json_type(body)}, not an object")
    validator = _VALIDATORS.get(kind)
    if validator is None:
        return Payload(kind, body, handled=kind == SSL_CHECK_KIND)
    try:
        validator(body)
    except fastjsonschema.JsonSchemaValueException as err:
        # err.message names the field ("data.event.ts") and the rule, never the value
        raise Malformed(f"{kind}: {err.message}") from None
    except RecursionError:
        raise Malformed(f"{kind}: nested too deeply") from None
    return Payload(kind, body)


def _json_type(value: Any) -> str:
    """JSON's name for the type of a parsed value (never the value itself)."""
    if value is None:
        return "null"
    return {bool: "boolean", int: "number", float: "number", str: "string",
            list: "array"}.get(type(value), "value")
