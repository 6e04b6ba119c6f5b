"""A database lost while the Slack bot runs: /healthz answers 503 while it lasts (a load
balancer sends Slack elsewhere), the loss is logged, and the bot carries on once it is back."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from slack_chat import ASK_EN, WHY_EN, Chat, says
from slack_requests import dm_message

from tests.tcp_proxy import TcpProxy


def health(bot) -> int:
    return bot.send.raw("", content_type="text/plain", path="/healthz", method="GET").status


def wait_health(bot, status: int, timeout: float = 30.0) -> None:
    """Poll /healthz with a deadline until it answers ``status``."""
    deadline = time.monotonic() + timeout
    while (seen := health(bot)) != status:
        assert time.monotonic() < deadline, f"/healthz still {seen}"


@pytest.fixture
def proxy(postgres_url):
    target = urlsplit(postgres_url)
    proxy = TcpProxy((target.hostname, target.port)).start()
    yield proxy, postgres_url.replace(f":{target.port}/", f":{proxy.port}/")
    proxy.close()


def test_healthz_is_503_while_the_database_is_lost_and_turns_go_on_after(proxy, start_bot,
                                                                         caplog):
    tunnel, url = proxy
    bot = start_bot(env={"KEYHELP_DATABASE_URL": url})
    chat = Chat(bot, user="UENGLISH")
    assert health(bot) == 200
    bot.send.event(dm_message("key invalid", user="UENGLISH"))
    [asked] = chat.posts(1)
    tunnel.cut()
    wait_health(bot, 503)
    assert "unreachable (KEYHELP_DATABASE_URL)" in caplog.text
    tunnel.restore()
    wait_health(bot, 200)
    assert "reachable again" in caplog.text
    bot.send.event(dm_message("why?", user="UENGLISH"))
    [why] = chat.posts(1)
    assert says(asked, ASK_EN) and says(why, WHY_EN)  # the conversation went on
