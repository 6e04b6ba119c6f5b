"""``/admin``: the helpdesk lead's report (bot/analytics/report.py) behind ``KEYHELP_ADMIN_TOKEN``.

The token is given as HTTP Basic auth (any user name, the token as password: a browser asks
for it) or as ``Authorization: Bearer TOKEN`` (scripts). Without a token configured the page
does not exist (404). The report is one self-contained page: no script at all, styles inline,
so its own Content-Security-Policy allows inline styles and nothing else.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import time
from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

REPORT_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                 "form-action 'none'; frame-ancestors 'none'")


class AdminReport:
    """Serves the figures of the last ``since`` span (``?since=30d``; default 7 days)."""

    def __init__(self, *, token: str, figures: Callable[[float, float], dict[str, Any]],
                 clock: Callable[[], float] = time.time) -> None:
        self._token = token.encode()
        self._figures = figures
        self._clock = clock

    def respond(self, request: Request) -> Response:
        if not self._authorised(request.headers.get("Authorization", "")):
            return Response("Authentication required.\n", status=401,
                            content_type="text/plain; charset=utf-8",
                            headers={"WWW-Authenticate": 'Basic realm="keyhelp admin"',
                                     "Cache-Control": "no-store"})
        from bot.analytics.report import render
        from bot.analytics.stats import SinceError, parse_since

        now = self._clock()
        try:
            since = parse_since(request.args.get("since", "7d"), now=now)
        except SinceError as err:
            return Response(f"{err}\n", status=400, content_type="text/plain; charset=utf-8")
        page = render(self._figures(since, now), html=True)
        return Response(page, content_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": REPORT_POLICY,
                                 "Cache-Control": "no-store"})

    def _authorised(self, header: str) -> bool:
        scheme, _, value = header.partition(" ")
        given = b""
        if scheme.lower() == "bearer":
            given = value.strip().encode()
        elif scheme.lower() == "basic":
            try:
                given = base64.b64decode(value.strip(), validate=True).partition(b":")[2]
            except (binascii.Error, ValueError):
                return False
        return bool(given) and hmac.compare_digest(given, self._token)
