"""`keyhelp slack serve` as a real process: start-up, health check, dedupe across a restart."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from slack_requests import SlackSender, dm_message

LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+)/slack/events")


@contextmanager
def serving(env: dict[str, str]) -> Iterator[SlackSender]:
    """Run the CLI on a free port; yield a sender once it prints where it listens."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "slack", "serve", "--host", "127.0.0.1", "--port", "0"],
        env={**os.environ, **env}, stderr=subprocess.PIPE, text=True)
    try:
        port = None
        for line in process.stderr:  # blocks until the server reports, or exits
            if match := LISTENING.search(line):
                port = int(match.group(1))
                break
        assert port, f"no 'listening' line; exit code {process.poll()}"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as health:
            assert health.status == 200
        yield SlackSender(port=port)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            assert process.wait(timeout=15) == 0
        finally:
            if process.poll() is None:
                process.kill()
            process.stderr.close()


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
