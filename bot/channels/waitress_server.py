"""A waitress server run in the foreground or from a daemon thread, and closed completely.

Shared by the Slack events endpoint and the web page, so both stop the same way: the accept
loop, its thread, and waitress's request threads (its own ``close()`` leaves those waiting).
"""

from __future__ import annotations

import threading
from typing import Any, Self


class WaitressServer:
    """Subclasses build ``self._server`` with ``waitress.server.create_server``."""

    thread_name = "keyhelp-http"
    _server: Any

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._closing = False

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    def serve_forever(self) -> None:
        self._server.run()

    def start(self) -> Self:
        """Serve from a daemon thread (tests, benchmark); returns self once listening."""
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self._server.run()
        except (OSError, ValueError):
            if not self._closing:  # sockets closed under the loop during close() are expected
                raise

    def close(self) -> None:
        self._closing = True
        self._server.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        # waitress's close() leaves its request threads waiting for work: stop them too
        self._server.task_dispatcher.shutdown(timeout=5)
