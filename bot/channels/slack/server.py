"""HTTP mode: the Bolt app as a WSGI application served by waitress, plus /healthz (503 while
the database does not answer; the rules file's digest).

Bolt's ``app.start()`` is a development server (it drops the connection on malformed
JSON); waitress is a production WSGI server that needs no compiler and runs anywhere.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier
from waitress.server import create_server

from bot.channels.health import Health
from bot.channels.slack import payloads
from bot.channels.waitress_server import WaitressServer

logger = logging.getLogger("keyhelp.slack.server")
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1 << 20  # Slack's largest payloads (views) are far below 1 MiB
TEXT = {"content-type": ["text/plain; charset=utf-8"]}
JSON = {"content-type": ["application/json"], "cache-control": ["no-store"]}


class SlackWsgi:
    """Routes /slack/events to Bolt and /healthz to a health answer; never raises.

    ``health``: what /healthz says (bot/channels/health.py), e.g. ``SlackBot.health``.
    ``direct``: takes what it can of a checked body without Bolt (``SlackBot.direct``: a
    person's direct message); what it declines (False) goes to Bolt.
    """

    def __init__(self, *, app: App, signing_secret: str,
                 health: Callable[[], Health] | None = None,
                 direct: Callable[[dict[str, Any]], bool] | None = None) -> None:
        self._app = app
        self._verifier = SignatureVerifier(signing_secret)
        self._health = health or (lambda: Health(database=True, rules=""))
        self._direct = direct

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        response = self._respond(WsgiHttpRequest(environ))
        start_response(response.status, response.get_headers())
        return response.get_body()

    def _respond(self, request: WsgiHttpRequest) -> WsgiHttpResponse:
        if request.path == HEALTH_PATH and request.method in ("GET", "HEAD"):
            health = self._health()
            return WsgiHttpResponse(health.status, JSON, health.body())
        if request.path != EVENTS_PATH:
            return WsgiHttpResponse(404, TEXT, "Not Found")
        if request.method != "POST":
            return WsgiHttpResponse(405, {**TEXT, "allow": ["POST"]}, "Method Not Allowed")
        length = int(request.environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY_BYTES:
            return WsgiHttpResponse(413, TEXT, "Payload Too Large")
        try:
            body = request.get_body()
        except (UnicodeDecodeError, ValueError):
            return WsgiHttpResponse(400, TEXT, "Bad Request")
        headers = request.get_headers()
        if not self._signed(body, headers):
            # checked here as well as in Bolt: Bolt answers 500 to a non-numeric timestamp
            return WsgiHttpResponse(401, {"content-type": ["application/json"]},
                                    json.dumps({"error": "invalid request"}))
        try:
            payload = payloads.from_http(body, headers.get("content-type"))
        except payloads.Malformed as err:  # signed, yet not a shape Slack sends
            logger.warning("signed request rejected (400): %s", err)
            return WsgiHttpResponse(400, TEXT, "Bad Request")
        if not payload.handled:
            logger.info("%s payload acknowledged: not keyhelp's", payload.kind)
            return WsgiHttpResponse(200, TEXT, "")
        try:
            if self._direct is not None and self._direct(payload.body):
                acked = BoltResponse(status=200, body="")  # as Bolt answers an event it took
                return WsgiHttpResponse(acked.status, acked.headers, acked.body)
            # Bolt takes the body parsed above as it takes a Socket Mode envelope's: parsed
            # once, the same way as it was checked (the signature was checked above, on the
            # raw body)
            bolt_response = self._app.dispatch(BoltRequest(
                body=payload.body, query=request.query_string, headers=headers,
                mode="socket_mode"))
        except Exception:
            logger.exception("dispatch failed")
            return WsgiHttpResponse(500, TEXT, "")
        return WsgiHttpResponse(bolt_response.status, bolt_response.headers, bolt_response.body)

    def _signed(self, body: str, headers: dict[str, Any]) -> bool:
        """Slack's v0 signature over the body, made less than 5 minutes ago."""
        timestamp = str(headers.get("x-slack-request-timestamp", ""))
        if not (timestamp.isascii() and timestamp.isdigit()):  # "²" is a digit to Python
            return False
        return self._verifier.is_valid(
            body=body, timestamp=timestamp, signature=str(headers.get("x-slack-signature", "")))


class HttpServer(WaitressServer):
    """A waitress server on ``host:port`` (port 0 picks a free one), runnable in a thread.

    Loopback by default: it runs behind a TLS proxy on the same machine.
    """

    def __init__(self, *, wsgi: SlackWsgi, host: str = "127.0.0.1", port: int = 3000,
                 threads: int = 8, loop_timeout: float = 1.0) -> None:
        super().__init__()
        # loop_timeout: how soon the accept loop notices close() (tests use a short one)
        self._server = create_server(wsgi, host=host, port=port, threads=threads,
                                     ident="keyhelp", clear_untrusted_proxy_headers=True,
                                     asyncore_loop_timeout=loop_timeout)

    def serve_forever(self) -> None:
        logger.info("listening on port %d (%s, %s)", self.port, EVENTS_PATH, HEALTH_PATH)
        super().serve_forever()
