"""Requests as Slack sends them: signed bodies and the payload shapes Slack documents."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fake_slack import BOT_USER_ID, TEAM_ID

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
APP_ID = "A0KEYHELP"
_ids = itertools.count(1)


def sign(body: str, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature: HMAC-SHA256 over ``v0:{timestamp}:{body}`` with the signing secret."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


@dataclass(frozen=True)
class Answer:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


class SlackSender:
    """Posts to the bot's /slack/events the way Slack's servers do."""

    def __init__(self, *, port: int, secret: str = SECRET, host: str = "127.0.0.1") -> None:
        self.port = port
        self.secret = secret
        self.host = host

    def raw(self, body: str, *, content_type: str, headers: dict[str, str] | None = None,
            path: str = "/slack/events", method: str = "POST") -> Answer:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request(method, path, body=body.encode("utf-8"),
                         headers={"Content-Type": content_type, **(headers or {})})
            response = conn.getresponse()
            return Answer(response.status, response.read().decode("utf-8"))
        finally:
            conn.close()

    def event(self, event: dict[str, Any], *, event_id: str | None = None,
              retry_num: int | None = None, signed: bool = True,
              timestamp: int | None = None) -> Answer:
        body = json.dumps(event_envelope(event, event_id=event_id))
        headers = sign(body, secret=self.secret, timestamp=timestamp) if signed else {}
        if retry_num:
            headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.raw(body, content_type="application/json", headers=headers)

    def post_json(self, body: Any) -> Answer:
        """Any JSON value, signed, as ``application/json`` (the Events API's encoding)."""
        text = json.dumps(body)
        return self.raw(text, content_type="application/json",
                        headers=sign(text, secret=self.secret))

    def form(self, fields: dict[str, str]) -> Answer:
        body = urlencode(fields)
        return self.raw(body, content_type="application/x-www-form-urlencoded",
                        headers=sign(body, secret=self.secret))

    def interactive(self, payload: dict[str, Any]) -> Answer:
        """Block actions and shortcuts arrive form-encoded as ``payload=<json>``."""
        return self.form({"payload": json.dumps(payload)})

    def command(self, text: str, *, user: str, channel: str, response_url: str) -> Answer:
        return self.form({
            "token": "legacy", "team_id": TEAM_ID, "team_domain": "fake", "channel_id": channel,
            "channel_name": "directmessage" if channel.startswith("D") else "general",
            "user_id": user, "user_name": user.lower(), "command": "/keyhelp", "text": text,
            "api_app_id": APP_ID, "is_enterprise_install": "false", "response_url": response_url,
            "trigger_id": f"{next(_ids)}.1.trigger",
        })


def event_envelope(event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    """The Events API ``event_callback`` wrapper."""
    return {
        "token": "legacy", "team_id": TEAM_ID, "api_app_id": APP_ID, "event": event,
        "type": "event_callback", "event_id": event_id or f"Ev{next(_ids):08d}",
        "event_time": int(time.time()), "event_context": f"4-{next(_ids)}",
        "authorizations": [{"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER_ID,
                            "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
    }


def new_ts() -> str:
    return f"{int(time.time())}.{next(_ids):06d}"


def dm_message(text: str, *, user: str, channel: str = "D0DIRECT", ts: str | None = None,
               thread_ts: str | None = None) -> dict:
    ts = ts or new_ts()
    event = {"type": "message", "channel": channel, "user": user, "text": text, "ts": ts,
             "event_ts": ts, "channel_type": "im", "client_msg_id": f"m{next(_ids)}",
             "team": TEAM_ID}
    if thread_ts:  # written in a thread of the DM
        event |= {"thread_ts": thread_ts, "parent_user_id": BOT_USER_ID}
    return event


def channel_message(text: str, *, user: str, channel: str, ts: str | None = None,
                    thread_ts: str | None = None) -> dict:
    ts = ts or new_ts()
    event = {"type": "message", "channel": channel, "user": user, "text": text, "ts": ts,
             "event_ts": ts, "channel_type": "channel", "team": TEAM_ID}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def mention(text: str, *, user: str, channel: str, ts: str | None = None,
            thread_ts: str | None = None) -> dict:
    ts = ts or new_ts()
    event = {"type": "app_mention", "channel": channel, "user": user, "ts": ts, "event_ts": ts,
             "text": f"<@{BOT_USER_ID}> {text}", "team": TEAM_ID}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def block_action(posted: dict[str, Any], button: dict[str, Any], *, user: str,
                 response_url: str, block_id: str, ephemeral: bool = False) -> dict[str, Any]:
    """A ``block_actions`` payload for a click on ``button`` in the message ``posted``.

    ``posted`` is what the bot sent (chat.postMessage args plus the ts the API returned).
    """
    channel = posted["channel"]
    container = {"type": "message", "message_ts": posted["ts"], "channel_id": channel,
                 "is_ephemeral": ephemeral}
    message = {"type": "message", "user": BOT_USER_ID, "bot_id": "BKEYHELP", "ts": posted["ts"],
               "text": posted.get("text", ""), "blocks": posted.get("blocks", [])}
    if posted.get("thread_ts"):
        container["thread_ts"] = message["thread_ts"] = posted["thread_ts"]
    payload = {
        "type": "block_actions", "api_app_id": APP_ID, "token": "legacy",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID},
        "container": container, "trigger_id": f"{next(_ids)}.1.trigger",
        "team": {"id": TEAM_ID, "domain": "fake"},
        "enterprise": None, "is_enterprise_install": False,
        "channel": {"id": channel, "name": "directmessage" if channel.startswith("D") else "c"},
        "state": {"values": {}}, "response_url": response_url,
        "actions": [{"action_id": button["action_id"], "block_id": block_id,
                     "text": button["text"], "value": button.get("value", ""), "type": "button",
                     "action_ts": new_ts()}],
    }
    if not ephemeral:
        payload["message"] = message
    return payload


def message_shortcut(*, callback_id: str, agent: str, author: str, text: str, channel: str,
                     ts: str, response_url: str, thread_ts: str | None = None) -> dict[str, Any]:
    """A ``message_action`` payload: an agent ran a message shortcut on someone's message."""
    message = {"type": "message", "user": author, "text": text, "ts": ts, "team": TEAM_ID}
    if thread_ts:
        message["thread_ts"] = thread_ts
    return {
        "type": "message_action", "callback_id": callback_id, "token": "legacy",
        "action_ts": new_ts(), "trigger_id": f"{next(_ids)}.1.trigger",
        "team": {"id": TEAM_ID, "domain": "fake"}, "user": {"id": agent, "name": agent.lower()},
        "channel": {"id": channel, "name": "support"}, "is_enterprise_install": False,
        "message": message, "message_ts": ts, "response_url": response_url,
    }
