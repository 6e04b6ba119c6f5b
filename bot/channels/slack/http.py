"""A WebClient that keeps its HTTP connections open between Web API calls.

The SDK opens a new TCP (and TLS) connection for every call; under load that was a fifth
of the bot's CPU (name lookup, connect, close). Each worker thread keeps one connection per
host instead. Only the transport changes: the SDK still builds requests, parses answers and
runs the retry handlers (an HTTP error is raised as the same ``HTTPError`` urllib raises).
"""

from __future__ import annotations

import http.client
import io
import ssl
import threading
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import Request

from slack_sdk import WebClient

# A reused connection the server has meanwhile closed fails like this before any answer.
STALE = (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected)


class KeepAliveWebClient(WebClient):
    """``WebClient`` with one persistent connection per thread and host (no proxy support)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._local = threading.local()

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        if self.proxy is not None or not url.lower().startswith(("http://", "https://")):
            return super()._perform_urllib_http_request_internal(url, req)
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = dict(req.header_items())
        for attempt in (1, 2):
            conn, reused = self._connection(parts.scheme, parts.netloc)
            try:
                conn.request("POST", path, body=req.data, headers=headers)
                response = conn.getresponse()
                body = response.read()
            except STALE:
                self._forget(parts.netloc)
                if reused and attempt == 1:
                    continue  # the server closed the idle connection: once more, fresh
                raise
            except (OSError, http.client.HTTPException):
                self._forget(parts.netloc)
                raise
            break
        if response.will_close:
            self._forget(parts.netloc)
        if response.status >= 400:
            raise HTTPError(url, response.status, response.reason, response.msg, io.BytesIO(body))
        charset = response.msg.get_content_charset() or "utf-8"
        return {"status": response.status, "headers": response.msg,
                "body": body.decode(charset)}

    def _connection(self, scheme: str, netloc: str) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's open connection to ``netloc`` (and whether it was used before)."""
        pool: dict[str, http.client.HTTPConnection] = self._local.__dict__.setdefault("pool", {})
        conn = pool.get(netloc)
        if conn is not None:
            return conn, True
        if scheme == "https":
            context = self.ssl or ssl.create_default_context()
            conn = http.client.HTTPSConnection(netloc, timeout=self.timeout, context=context)
        else:
            conn = http.client.HTTPConnection(netloc, timeout=self.timeout)
        pool[netloc] = conn
        return conn, False

    def _forget(self, netloc: str) -> None:
        conn = self._local.__dict__.get("pool", {}).pop(netloc, None)
        if conn is not None:
            conn.close()
