"""Several `keyhelp slack serve` processes on one database, as behind a load balancer."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from typing import Any

from slack_requests import SlackSender

LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+)/slack/events")


class Instance:
    """One running `keyhelp slack serve`; its stderr is collected (never left to fill up)."""

    def __init__(self, env: dict[str, str], name: str) -> None:
        self.name = name
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "slack", "serve", "--port", "0"],
            env={**os.environ, **env}, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self._listening = threading.Event()
        self.port = 0
        threading.Thread(target=self._read, daemon=True).start()
        if not self._listening.wait(60):
            self.kill()
            raise AssertionError(f"{name} did not start: {''.join(self.lines[-20:])}")
        self.send = SlackSender(port=self.port)

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)
            if not self.port and (match := LISTENING.search(line)):
                self.port = int(match.group(1))
                self._listening.set()
        self._listening.set()  # exited before listening: the waiter sees no port

    @property
    def log(self) -> str:
        return "".join(self.lines)

    def health(self) -> tuple[int, dict[str, Any]]:
        """GET /healthz: the status and the JSON body."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz",
                                        timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read())

    def kill(self) -> None:
        """SIGKILL: no goodbye, nothing finished, leases left to run out."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
