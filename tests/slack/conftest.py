"""Slack fixtures: the fake Web API, signed requests, and the bot as a real HTTP server."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # helper modules beside the tests

from fake_slack import FakeSlack
from slack_ids import SUPPORT, WATCHED
from slack_requests import SECRET, SlackSender

from bot.channels.slack.app import SlackBot, build_bot
from bot.channels.slack.server import HttpServer, SlackWsgi
from bot.channels.slack.settings import SlackSettings


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(locales={"UJAPAN": "ja-JP", "UENGLISH": "en-US"}).start()
    yield fake
    fake.close()


@pytest.fixture
def slack_env(fake_slack: FakeSlack, tmp_path: Path) -> dict[str, str]:
    """The environment a deployment would set, pointing at the fake API."""
    return {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_APP_TOKEN": "xapp-test-token",
        "SLACK_API_URL": fake_slack.url,
        "KEYHELP_DB": str(tmp_path / "keyhelp.db"),
        "KEYHELP_SUPPORT_CHANNEL": SUPPORT,
        "KEYHELP_WATCH_CHANNELS": WATCHED,
    }


@dataclass
class Running:
    """A bot serving HTTP on a free port, with a sender that signs like Slack."""

    bot: SlackBot
    server: HttpServer
    send: SlackSender
    fake: FakeSlack

    def idle(self, timeout: float = 10.0) -> None:
        assert self.bot.workers.wait_idle(timeout), "bot still busy"

    def close(self) -> None:
        self.server.close()
        self.bot.close()


@pytest.fixture
def start_bot(fake_slack: FakeSlack, slack_env: dict[str, str]) -> Iterator[Callable[..., Running]]:
    """Factory: ``start_bot(env=...)`` serves the shipped orchestrator; closed after the test."""
    started: list[Running] = []

    def start(*, env: dict[str, str] | None = None, **kwargs: Any) -> Running:
        settings = SlackSettings.from_env({**slack_env, **(env or {})}, mode="http")
        bot = build_bot(settings=settings, retry_backoff=0.01, **kwargs)
        wsgi = SlackWsgi(app=bot.app, signing_secret=settings.signing_secret, health=bot.health,
                         direct=bot.direct)
        server = HttpServer(wsgi=wsgi, host="127.0.0.1", port=0, loop_timeout=0.05).start()
        running = Running(bot=bot, server=server, send=SlackSender(port=server.port),
                          fake=fake_slack)
        started.append(running)
        return running

    yield start
    for running in started:
        running.close()
