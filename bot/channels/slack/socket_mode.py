"""Socket Mode: the same Bolt app over Slack's websocket, for workspaces without a public URL."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.channels.slack import payloads
from bot.channels.slack.app import SlackBot

logger = logging.getLogger("keyhelp.slack.socket")
# envelope type -> the check its payload gets (the same as over HTTP)
CHECKS: dict[str, Callable[[Any], payloads.Payload]] = {
    "events_api": payloads.events_api, "interactive": payloads.interactive,
    "slash_commands": payloads.command,
}


class CheckedSocketModeHandler(SocketModeHandler):
    """Bolt's handler, after the payload check HTTP mode does: a malformed envelope is
    acknowledged (Slack would only redeliver it) with one WARNING, and never reaches Bolt."""

    def handle(self, client: BaseSocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        check = CHECKS.get(req.type)
        if check is not None:
            try:
                payload = check(req.payload)
            except payloads.Malformed as err:
                logger.warning("Socket Mode %s envelope ignored: %s", req.type, err)
                client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
                return
            if not payload.handled:
                logger.info("%s payload acknowledged: not keyhelp's", payload.kind)
                client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
                return
        super().handle(client, req)


class SocketRunner:
    """Connects with the app-level token (``apps.connections.open``) and serves envelopes.

    Envelopes are handled concurrently by the SDK's pool; an event is claimed with one
    atomic insert in the shared state (bot/channels/slack/ordering.py), so a redelivered
    envelope racing its original is still answered once, on this instance or another.
    """

    def __init__(self, *, bot: SlackBot, app_token: str, concurrency: int = 10) -> None:
        self._bot = bot
        self._handler = CheckedSocketModeHandler(bot.app, app_token=app_token,
                                                 web_client=bot.client, concurrency=concurrency)
        self._stop = threading.Event()

    def connect(self) -> SocketRunner:
        """Open the websocket and return (tests); ``run_forever`` blocks instead."""
        self._handler.connect()
        logger.info("connected to Slack over Socket Mode")
        return self

    def wait(self, timeout: float | None = None) -> bool:
        """Block until ``close()`` (or the timeout); the SDK's threads do the work meanwhile."""
        return self._stop.wait(timeout)

    def close(self) -> None:
        """Disconnect; queued turns are finished by ``SlackBot.close``."""
        if not self._stop.is_set():
            self._stop.set()
            self._handler.close()
            logger.info("disconnected from Slack")
