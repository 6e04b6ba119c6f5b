"""Socket Mode: the same Bolt app over Slack's websocket, for workspaces without a public URL."""

from __future__ import annotations

import logging
import threading

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.channels.slack.app import SlackBot

logger = logging.getLogger("keyhelp.slack.socket")


class SocketRunner:
    """Connects with the app-level token (``apps.connections.open``) and serves envelopes.

    Envelopes are handled concurrently by the SDK's pool; the event_id dedupe is an atomic
    SQLite insert, so a redelivered envelope racing its original is still answered once.
    """

    def __init__(self, *, bot: SlackBot, app_token: str, concurrency: int = 10) -> None:
        self._bot = bot
        self._handler = SocketModeHandler(bot.app, app_token=app_token, web_client=bot.client,
                                          concurrency=concurrency)
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
