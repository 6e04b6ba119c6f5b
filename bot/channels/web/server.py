"""The web page served by waitress, runnable in a thread (tests, benchmark) or in the foreground.

waitress also caps the body size itself (``max_request_body_size``, a few times the page's own
cap): the page answers 413 with its own page and headers up to there, and past it waitress
cuts even a chunked upload off without buffering it all. Behind a TLS proxy, ``trusted_proxy`` lets
``X-Forwarded-For``/``-Proto`` through: the rate limit then sees each client's own address
and cookies are marked Secure.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from waitress.server import create_server

logger = logging.getLogger("keyhelp.web.server")


class WebServer:
    """A waitress server on ``host:port`` (port 0 picks a free one)."""

    def __init__(self, *, app: Callable, host: str = "127.0.0.1", port: int = 8080,
                 threads: int = 8, max_bytes: int = 16 * 1024, trusted_proxy: str | None = None,
                 url_prefix: str = "", loop_timeout: float = 1.0) -> None:
        proxy: dict[str, object] = {}
        if trusted_proxy:
            proxy = {"trusted_proxy": trusted_proxy, "trusted_proxy_count": 1,
                     "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto",
                                               "x-forwarded-host"}}
        # loop_timeout: how soon the accept loop notices close() (tests use a short one)
        self._server = create_server(app, host=host, port=port, threads=threads,
                                     ident="keyhelp", max_request_body_size=4 * max_bytes,
                                     clear_untrusted_proxy_headers=True, url_prefix=url_prefix,
                                     asyncore_loop_timeout=loop_timeout, **proxy)
        self._thread: threading.Thread | None = None
        self._closing = False

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    def serve_forever(self) -> None:
        self._server.run()

    def start(self) -> WebServer:
        """Serve from a daemon thread; returns self once the socket is listening."""
        self._thread = threading.Thread(target=self._run, name="keyhelp-web", daemon=True)
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
