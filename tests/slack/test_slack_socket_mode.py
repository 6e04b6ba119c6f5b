"""Socket Mode against a local websocket server speaking Slack's envelope protocol."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Iterator

import pytest
from slack_chat import ASK_EN, WHY_EN, says
from slack_requests import APP_ID, dm_message, event_envelope
from websockets.sync.server import ServerConnection, serve

from bot.channels.slack.app import build_bot
from bot.channels.slack.settings import SlackSettings
from bot.channels.slack.socket_mode import SocketRunner


class FakeSocketServer:
    """Slack's side of Socket Mode: says hello, sends envelopes, collects the acks."""

    def __init__(self) -> None:
        self.acks: dict[str, dict] = {}
        self._cond = threading.Condition()
        self.connected = threading.Event()
        self._conn: ServerConnection | None = None
        self._server = serve(self._handle, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/link/?ticket=t"

    def _handle(self, conn: ServerConnection) -> None:
        conn.send(json.dumps({"type": "hello", "num_connections": 1,
                              "connection_info": {"app_id": APP_ID},
                              "debug_info": {"host": "fake", "approximate_connection_time": 3600}}))
        self._conn = conn
        self.connected.set()
        for raw in conn:
            ack = json.loads(raw)
            with self._cond:
                self.acks[ack.get("envelope_id")] = ack
                self._cond.notify_all()

    def send(self, kind: str, payload: dict, *, retry_attempt: int = 0) -> str:
        envelope_id = str(uuid.uuid4())
        assert self.connected.wait(10) and self._conn is not None
        self._conn.send(json.dumps({
            "envelope_id": envelope_id, "type": kind, "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": retry_attempt, "retry_reason": "timeout" if retry_attempt else ""}))
        return envelope_id

    def ack_for(self, envelope_id: str, timeout: float = 10.0) -> dict:
        with self._cond:
            assert self._cond.wait_for(lambda: envelope_id in self.acks, timeout), "no ack"
            return self.acks[envelope_id]

    def close(self) -> None:
        self._server.shutdown()


@pytest.fixture
def socket_bot(fake_slack, slack_env) -> Iterator[FakeSocketServer]:
    """The bot with the shipped orchestrator, connected to a local Socket Mode server."""
    server = FakeSocketServer()
    fake_slack.socket_url = server.url
    settings = SlackSettings.from_env(slack_env, mode="socket")
    bot = build_bot(settings=settings, retry_backoff=0.01)
    runner = SocketRunner(bot=bot, app_token=settings.app_token).connect()
    yield server
    runner.close()
    bot.close()
    server.close()


def test_socket_mode_event_is_acked_answered_and_deduplicated(socket_bot, fake_slack):
    server = socket_bot
    assert len(fake_slack.calls_to("apps.connections.open")) == 1
    envelope = event_envelope(dm_message("key invalid", user="UENGLISH"), event_id="EvSOCK")
    first = server.send("events_api", envelope)
    again = server.send("events_api", envelope, retry_attempt=1)
    assert server.ack_for(first) == {"envelope_id": first}
    assert server.ack_for(again) == {"envelope_id": again}
    # both acked: the next message of the conversation is queued behind any duplicate
    after = server.send("events_api", event_envelope(dm_message("why?", user="UENGLISH")))
    assert server.ack_for(after) == {"envelope_id": after}
    asked, why = fake_slack.wait_calls("chat.postMessage", 2)
    assert asked["channel"] == "D0DIRECT" and says(asked, ASK_EN) and says(why, WHY_EN)
    assert len(fake_slack.calls_to("chat.postMessage")) == 2


def test_socket_mode_slash_command_acks_with_the_help_text(socket_bot):
    server = socket_bot
    envelope_id = server.send("slash_commands", {
        "command": "/keyhelp", "text": "help", "user_id": "UENGLISH", "channel_id": "C0GENERAL",
        "team_id": "T0KEYHELP", "api_app_id": APP_ID, "response_url": "http://127.0.0.1:9/r",
        "trigger_id": "1.1.t"})
    ack = server.ack_for(envelope_id)
    assert "/keyhelp lang" in ack["payload"]["text"]


@pytest.mark.parametrize(("kind", "payload"), [
    ("events_api", event_envelope(None)),  # "event": null
    ("interactive", {"type": "block_actions", "user": 5, "actions": [{"action_id": "choice-0"}]}),
    ("slash_commands", {"command": "/keyhelp", "text": "help", "channel_id": "C0GENERAL"}),
])
def test_socket_mode_malformed_payload_is_acked_with_one_warning(socket_bot, fake_slack, caplog,
                                                                 kind, payload):
    server = socket_bot
    with caplog.at_level(logging.WARNING):
        envelope_id = server.send(kind, payload)
        assert server.ack_for(envelope_id) == {"envelope_id": envelope_id}
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not bad, [r.getMessage() for r in bad]
    [warning] = [r for r in caplog.records if r.name.startswith("keyhelp")]
    assert "UENGLISH" not in warning.getMessage()
    # still serving: the next envelope is handled as usual
    after = server.send("events_api", event_envelope(dm_message("key invalid", user="UENGLISH")))
    assert server.ack_for(after) == {"envelope_id": after}
    [asked] = fake_slack.wait_calls("chat.postMessage", 1)
    assert says(asked, ASK_EN)
