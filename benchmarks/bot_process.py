"""``keyhelp slack serve`` in a subprocess for the Slack benchmarks, started and awaited.

Imported by ``benchmarks/slack.py`` and ``benchmarks/slack_screenshots.py`` (run as scripts,
so this folder is on ``sys.path``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

START_SECONDS = 30


def free_port() -> int:
    """A TCP port free on 127.0.0.1 at this moment."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_slack_bot(env: dict[str, str], *, code: Path,
                    launcher: Sequence[str] = ()) -> tuple[int, subprocess.Popen]:
    """The bot of the checkout ``code`` (through ``launcher``, a script that runs it, if
    given) on a free port, once its /healthz answers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, *launcher, "-m", "bot", "slack", "serve", "--host", "127.0.0.1",
         "--port", str(port), "--threads", "4"],
        env={**os.environ, **env, "PYTHONPATH": str(code)}, cwd=code, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return port, process
        except OSError:
            if process.poll() is not None:
                raise SystemExit("the bot exited during start-up") from None
            time.sleep(0.05)  # polling a port that is not open yet: no event to wait on
    process.kill()
    raise SystemExit(f"the bot did not start within {START_SECONDS} s")
