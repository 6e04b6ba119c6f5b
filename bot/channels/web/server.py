"""The web page served by waitress, runnable in a thread (tests, benchmark) or in the foreground.

waitress also caps the body size itself (``max_request_body_size``, a few times the page's own
cap, or a quarter more than the form with a screenshot may be): the page answers 413 with its
own page and headers up to there, and past it waitress cuts even a chunked upload off without
buffering it all. With screenshots, a body up to that cap is buffered in memory, never in a
temporary file (``inbuf_overflow``): an image is not written anywhere; so that memory stays
bounded, waitress takes only as many connections at once as ``KEYHELP_WEB_MEMORY_MB`` holds
such bodies for (``connection_limit``; the others wait to be accepted). Behind a TLS proxy,
``trusted_proxy`` lets ``X-Forwarded-For``/``-Proto`` through: the rate limit then sees each
client's own address and cookies are marked Secure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from waitress.server import create_server

from bot.channels.waitress_server import WaitressServer

logger = logging.getLogger("keyhelp.web.server")


class WebServer(WaitressServer):
    """A waitress server on ``host:port`` (port 0 picks a free one)."""

    thread_name = "keyhelp-web"

    def __init__(self, *, app: Callable, host: str = "127.0.0.1", port: int = 8080,
                 threads: int = 8, max_bytes: int = 16 * 1024, trusted_proxy: str | None = None,
                 url_prefix: str = "", loop_timeout: float = 1.0, upload_bytes: int = 0,
                 memory_bytes: int = 0) -> None:
        super().__init__()
        cap = max(4 * max_bytes, upload_bytes * 5 // 4)
        # waitress spills a body over inbuf_overflow (512 KiB) to a temporary file; kept in
        # memory instead, as many connections as ``memory_bytes`` holds whole bodies for
        memory: dict[str, int] = {"inbuf_overflow": cap} if upload_bytes else {}
        if upload_bytes and memory_bytes:
            memory["connection_limit"] = max(1, memory_bytes // cap)
        proxy: dict[str, object] = {}
        if trusted_proxy:
            proxy = {"trusted_proxy": trusted_proxy, "trusted_proxy_count": 1,
                     "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto",
                                               "x-forwarded-host"}}
        # loop_timeout: how soon the accept loop notices close() (tests use a short one)
        self._server = create_server(app, host=host, port=port, threads=threads,
                                     ident="keyhelp", max_request_body_size=cap,
                                     clear_untrusted_proxy_headers=True, url_prefix=url_prefix,
                                     asyncore_loop_timeout=loop_timeout, **proxy, **memory)
