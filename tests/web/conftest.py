"""Web page fixtures: the page served by a real waitress server on a free 127.0.0.1 port."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # helper modules beside the tests

from hook_receiver import HookReceiver
from web_client import Browser
from web_secrets import SECRET

from bot.channels.web.app import WebApp
from bot.channels.web.build import build_app
from bot.channels.web.server import WebServer
from bot.channels.web.settings import WebSettings


@dataclass
class Running:
    """The web page serving on ``port``; ``browser()`` opens a fresh cookie jar."""

    app: WebApp
    server: WebServer

    @property
    def port(self) -> int:
        return self.server.port

    def browser(self, accept_language: str | None = None) -> Browser:
        return Browser(port=self.port, accept_language=accept_language)

    def close(self) -> None:
        self.server.close()
        self.app.conversations.close()


@pytest.fixture
def web_env(tmp_path: Path) -> dict[str, str]:
    """What a deployment sets: the secret and where conversations live."""
    # tests send many requests from one address: the rate limit has its own test
    return {"KEYHELP_WEB_SECRET": SECRET, "KEYHELP_DB": str(tmp_path / "keyhelp.db"),
            "KEYHELP_WEB_RATE_LIMIT": "100000"}


@pytest.fixture
def start_web(web_env: dict[str, str]) -> Iterator[Callable[..., Running]]:
    """Factory: ``start_web(env={...})`` serves the page; closed after the test."""
    started: list[Running] = []

    def start(*, env: dict[str, str] | None = None, trusted_proxy: str | None = None) -> Running:
        settings = WebSettings.from_env({**web_env, **(env or {})})
        app = build_app(settings, webhook_backoff=0.01)
        server = WebServer(app=app, host="127.0.0.1", port=0, max_bytes=settings.max_bytes,
                           upload_bytes=app.upload_bytes,
                           trusted_proxy=trusted_proxy, loop_timeout=0.05).start()
        running = Running(app=app, server=server)
        started.append(running)
        return running

    yield start
    for running in started:
        running.close()


@pytest.fixture
def web(start_web: Callable[..., Running]) -> Running:
    """The page with default settings."""
    return start_web()


@pytest.fixture
def receiver() -> Iterator[HookReceiver]:
    hook = HookReceiver().start()
    yield hook
    hook.close()
