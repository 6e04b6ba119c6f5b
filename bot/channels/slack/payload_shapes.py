"""What a Slack payload must look like before Bolt or keyhelp reads it, as JSON Schema.

Bolt reads ids from every payload while it builds the request (``build_context``) and
its listener matchers index into events, actions and shortcuts; keyhelp's listeners read
a few fields more. A field of the wrong type there is a 500 with a traceback, so each
field they read is typed here; other fields are Slack's business and pass unchecked.
Fields may be missing (a listener then ignores the payload) unless listed as required.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

TEXT: Schema = {"type": ["string", "null"]}
# Ids and timestamps end up in conversation ids and block ids ("thread:C0123:1700.0001")
SLACK_ID: Schema = {"type": ["string", "null"], "pattern": r"^[A-Z0-9]+$"}
TS: Schema = {"type": ["string", "null"], "pattern": r"^[0-9]+\.[0-9]+$"}
NESTED: Schema = {"$ref": "#/definitions/ids"}  # an object (or null) with the same rules


def _object(properties: Schema, *, required: tuple[str, ...] = (),
            nullable: bool = False) -> Schema:
    schema: Schema = {"type": ["object", "null"] if nullable else "object",
                      "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


# Every id-carrying field slack_bolt.request.internals reads, at the top and in the
# objects it descends into (authorizations, event, message, previous_message, item, ...).
IDS: Schema = _object({
    "enterprise": {"type": ["string", "object", "null"], "properties": {"id": TEXT}},
    "enterprise_id": TEXT,
    "team": {"type": ["string", "object", "null"],
             "properties": {"id": TEXT, "enterprise_id": TEXT}},
    "team_id": TEXT,
    "user": {"type": ["string", "object", "null"], "properties": {"id": TEXT, "team_id": TEXT}},
    "user_id": TEXT,
    "user_team": TEXT,
    "channel": {"type": ["string", "object", "null"], "properties": {"id": TEXT}},
    "channel_id": TEXT,
    "thread_ts": TEXT,
    "is_enterprise_install": {"type": ["boolean", "string", "null"]},
    "is_ext_shared_channel": {"type": ["boolean", "null"]},
    "authorizations": {"type": ["array", "null"],  # Bolt reads [0] as an object
                       "items": {"allOf": [{"type": "object"}, NESTED]}},
    "event": NESTED, "message": NESTED, "previous_message": NESTED, "item": NESTED,
    "assistant_thread": NESTED,
    "view": _object({"app_installed_team_id": TEXT, "team_id": TEXT}, nullable=True),
    "function_execution_id": TEXT,
    "function_data": _object({"execution_id": TEXT}, nullable=True),
    "bot_access_token": TEXT,
    "response_url": TEXT,
    "response_urls": {"type": ["array", "null"],
                      "items": _object({"response_url": TEXT})},
    "context_team_id": TEXT, "context_enterprise_id": TEXT,
}, nullable=True)

# A person's message or mention: what the message and app_mention listeners read.
MESSAGE_EVENT: Schema = _object({
    "user": SLACK_ID, "channel": SLACK_ID, "ts": TS, "thread_ts": TS, "text": TEXT,
    "channel_type": TEXT, "subtype": TEXT, "bot_id": TEXT,
    "bot_profile": {"type": ["object", "null"]},
    # shared files: what bot/channels/slack/files.py reads of a screenshot
    "files": {"type": ["array", "null"], "items": _object({
        "size": {"type": ["integer", "null"]}, "url_private_download": TEXT,
        "url_private": TEXT, "mimetype": TEXT, "filetype": TEXT})},
})

EVENT_CALLBACK: Schema = _object({
    "type": {"const": "event_callback"},
    "event_id": TEXT,
    "event": {
        **_object({"type": {"type": "string"}}, required=("type",)),
        "if": {"properties": {"type": {"enum": ["message", "app_mention"]}}},
        "then": MESSAGE_EVENT,
    },
}, required=("type", "event"))

URL_VERIFICATION: Schema = _object({"type": {"const": "url_verification"},
                                    "challenge": {"type": "string"}},
                                   required=("type", "challenge"))

COMMAND: Schema = _object({
    "command": {"type": "string"}, "user_id": {**SLACK_ID, "type": "string"},
    "channel_id": {**SLACK_ID, "type": "string"}, "text": TEXT, "response_url": TEXT,
}, required=("command", "user_id", "channel_id"))

PERSON: Schema = _object({"id": SLACK_ID}, nullable=True)
BLOCK: Schema = _object({"type": {"type": "string"}, "text": _object({"text": TEXT}),
                         "elements": {"type": "array"}}, required=("type",))

BLOCK_ACTIONS: Schema = _object({
    "user": PERSON,
    "channel": _object({"id": SLACK_ID}, nullable=True),
    "container": _object({"channel_id": SLACK_ID, "message_ts": TS, "thread_ts": TS,
                          "is_ephemeral": {"type": ["boolean", "null"]}}, nullable=True),
    "message": _object({"ts": TS, "thread_ts": TS, "text": TEXT,
                        "blocks": {"type": ["array", "null"], "items": BLOCK}}, nullable=True),
    "actions": {"type": "array", "minItems": 1, "items": _object({
        "action_id": {"type": "string"}, "block_id": TEXT, "value": TEXT,
        "text": _object({"text": TEXT}, nullable=True),
    }, required=("action_id",))},
}, required=("actions",))

SHORTCUT: Schema = _object({"callback_id": {"type": "string"}, "user": PERSON},
                           required=("callback_id",))

MESSAGE_ACTION: Schema = _object({
    "callback_id": {"type": "string"}, "user": PERSON,
    "channel": _object({"id": SLACK_ID}, nullable=True),
    "message": _object({"user": SLACK_ID, "text": TEXT, "ts": TS, "thread_ts": TS},
                       nullable=True),
    "message_ts": TS,
}, required=("callback_id",))


def compiled_schema(shape: Schema) -> Schema:
    """``shape`` and the id rules Bolt relies on, as one self-contained schema."""
    return {"$schema": "http://json-schema.org/draft-07/schema#",
            "definitions": {"ids": IDS}, "allOf": [{"$ref": "#/definitions/ids"}, shape]}
