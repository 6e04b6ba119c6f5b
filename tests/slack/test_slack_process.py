"""`keyhelp slack serve` as a real process: start-up, health check, dedupe across a restart."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from slack_requests import SlackSender, dm_message

LISTENING = re.compile(r"listening on http://([0-9.]+):(\d+)/slack/events")


@contextmanager
def serving(env: dict[str, str], *options: str,
            host: str = "127.0.0.1") -> Iterator[SlackSender]:
    """Run the CLI on a free port; yield a sender once it prints where it listens on ``host``."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "slack", "serve", "--port", "0", *options],
        env={**os.environ, **env}, stderr=subprocess.PIPE, text=True)
    try:
        port = None
        for line in process.stderr:  # blocks until the server reports, or exits
            if match := LISTENING.search(line):
                assert match.group(1) == host, line
                port = int(match.group(2))
                break
        assert port, f"no 'listening' line; exit code {process.poll()}"
        with urllib.request.urlopen(f"http://{host}:{port}/healthz", timeout=5) as health:
            assert health.status == 200
        yield SlackSender(port=port, host=host)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            assert process.wait(timeout=15) == 0
        finally:
            if process.poll() is None:
                process.kill()
            process.stderr.close()


def test_serve_listens_on_loopback_unless_told_otherwise(fake_slack, slack_env):
    # no --host: 127.0.0.1 only; 0.0.0.0 would also answer on 127.0.0.2
    with serving(slack_env) as send, pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", send.port), timeout=5).close()
    with serving(slack_env, "--host", "127.0.0.2", host="127.0.0.2") as send:
        event = dm_message("The product key you entered isn't valid", user="UENGLISH")
        assert send.event(event).status == 200
        fake_slack.wait_calls("chat.postMessage", 1, timeout=20)


def test_retry_after_a_process_restart_is_not_answered_again(fake_slack, slack_env):
    event = dm_message("The product key you entered isn't valid", user="UENGLISH")
    with serving(slack_env) as send:
        assert send.event(event, event_id="EvPROC").status == 200
        fake_slack.wait_calls("chat.postMessage", 1, timeout=20)
    with serving(slack_env) as send:
        assert send.event(event, event_id="EvPROC", retry_num=1).status == 200
        later = dm_message("hello again", user="UENGLISH")
        assert send.event(later, event_id="EvLATER").status == 200
        posts = fake_slack.wait_calls("chat.postMessage", 2, timeout=20)
    assert len(fake_slack.calls_to("chat.postMessage")) == 2  # the retry got no second answer
    assert posts[1]["channel"] == "D0DIRECT"
