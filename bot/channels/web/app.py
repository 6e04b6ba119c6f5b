"""The web page as a WSGI application (werkzeug requests and responses; waitress serves it).

Routes: ``GET /`` the conversation page; ``POST /turn`` a message or a button, answered with
303 See Other back to the page (so a reload or the back button never sends a turn again);
``GET /static/keyhelp.js|css`` keyhelp's own script and stylesheet; ``GET /healthz`` (503
while the database does not answer; the rules file's digest).
Every response carries the security headers (bot.channels.web.headers). Refusals, in the order
they are checked: 429 over the per-client rate, 413 over the size cap, 403 without this
session's CSRF token; 422 re-shows the form (key masked) when a message is empty or too long.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from bot.channels.health import Health
from bot.channels.web.headers import PRIVATE, secure
from bot.channels.web.language import accepted_languages
from bot.channels.web.pages import MAX_MESSAGE_CHARS, Pages
from bot.channels.web.session import COOKIE, Sessions

if TYPE_CHECKING:
    from bot.channels.web.admin import AdminReport
    from bot.channels.web.limits import RateLimiter
    from bot.channels.web.turns import WebConversations

logger = logging.getLogger("keyhelp.web")
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
MAX_ACTION_CHARS = 200  # action values are short ids ("answer:q:a", "lang:ja")
HTML = "text/html; charset=utf-8"
HSTS = "max-age=31536000"


class WebApp:
    """Routes requests; never lets an exception out as a traceback."""

    def __init__(self, *, conversations: WebConversations, pages: Pages, sessions: Sessions,
                 limiter: RateLimiter, max_bytes: int, static_dir: Path,
                 admin: AdminReport | None = None) -> None:
        self.conversations = conversations
        self.admin = admin
        self.pages = pages
        self.sessions = sessions
        self.limiter = limiter
        self.max_bytes = max_bytes
        # read once: the script and stylesheet are small and never change while running
        self._static = {path.name: (path.read_bytes(), STATIC_TYPES[path.suffix])
                        for path in static_dir.iterdir() if path.suffix in STATIC_TYPES}

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        request = Request(environ)
        request.max_content_length = self.max_bytes
        request.max_form_memory_size = self.max_bytes
        try:
            response = self._route(request)
        except RequestEntityTooLarge:
            response = self._problem(request, 413)
        except Exception:
            logger.exception("%s %s failed", request.method, request.path)
            response = self._problem(request, 500)
        secure(response.headers)
        if request.scheme == "https":  # behind the TLS proxy: browsers stay on HTTPS
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response(environ, start_response)

    def _route(self, request: Request) -> Response:
        path, method = request.path, request.method
        if path == "/healthz" and method in ("GET", "HEAD"):  # bot/channels/health.py
            health = Health(database=self.conversations.store.healthy(),
                            rules=self.conversations.assistant.watcher.settled().digest)
            return Response(health.body(), health.status, content_type="application/json",
                            headers=[PRIVATE])
        if path == "/admin" and method in ("GET", "HEAD"):
            return self.admin.respond(request) if self.admin else self._problem(request, 404)
        if path == "/favicon.ico":  # browsers ask for it unprompted; there is none
            return Response(status=204)
        if path.startswith("/static/") and method in ("GET", "HEAD"):
            found = self._static.get(path.removeprefix("/static/"))
            if found is None:
                return self._problem(request, 404)
            return Response(found[0], content_type=found[1],
                            headers={"Cache-Control": "no-cache"})
        if path not in ("/", "/turn"):
            return self._problem(request, 404)
        wait = self.limiter.check(request.remote_addr or "-")
        if wait:
            response = self._problem(request, 429, retry_after=wait)
            response.headers["Retry-After"] = str(wait)
            return response
        if path == "/" and method in ("GET", "HEAD"):
            return self._page(request)
        if path == "/turn" and method == "POST":
            return self._turn(request)
        response = self._problem(request, 405)
        response.headers["Allow"] = "GET, HEAD" if path == "/" else "POST"
        return response

    # ---- the page and a turn
    def _page(self, request: Request, *, status: int = 200, error: str | None = None,
              draft: str = "") -> Response:
        session = self.sessions.session_id(request.cookies.get(COOKIE))
        fresh = session is None
        session = session or self.sessions.new_id()
        entries = self.conversations.entries(session, accepted=self._accepted(request))
        lang = entries[-1]["lang"] if entries else self._lang(request)
        body = self.pages.conversation(
            base=request.script_root, lang=lang, csrf=self.sessions.csrf_token(session),
            locales=self.conversations.locales, entries=entries, error=error, draft=draft)
        response = Response(body, status, content_type=HTML, headers=[PRIVATE])
        if fresh:
            self._set_cookie(request, response, session)
        return response

    def _turn(self, request: Request) -> Response:
        if (request.content_length or 0) > self.max_bytes:
            return self._problem(request, 413)  # refused before a byte of the body is read
        session = self.sessions.session_id(request.cookies.get(COOKIE))
        form = request.form
        if not self.sessions.csrf_ok(session, form.get("csrf")):
            return self._problem(request, 403)
        assert session is not None  # csrf_ok is False without a session
        action, text = form.get("action"), form.get("text")
        if action is not None:
            if not action or len(action) > MAX_ACTION_CHARS:
                return self._problem(request, 400)
            self.conversations.turn(session, action=action)
        elif not (text or "").strip():
            return self._page(request, status=422, error="empty")
        elif len(text) > MAX_MESSAGE_CHARS:
            # shown again so nothing typed is lost, but masked like everything the page shows
            draft = self.conversations.mask(text)[:MAX_MESSAGE_CHARS]
            return self._page(request, status=422, error="too-long", draft=draft)
        else:
            self.conversations.turn(session, text=text, accepted=self._accepted(request))
        response = Response(status=303, headers=[PRIVATE])
        response.headers["Location"] = f"{request.script_root}/#latest"
        self._set_cookie(request, response, session)  # sliding expiry: idle time counts
        return response

    # ---- helpers
    @staticmethod
    def _accepted(request: Request) -> tuple[str, ...]:
        return accepted_languages(request.headers.get("Accept-Language"))

    def _lang(self, request: Request) -> str:
        """A page's language before any conversation: the browser's, else the default."""
        return self.conversations.browser_lang(self._accepted(request)) \
            or self.conversations.default_lang

    def _set_cookie(self, request: Request, response: Response, session: str) -> None:
        response.set_cookie(COOKIE, self.sessions.cookie_value(session),
                            max_age=int(self.sessions.max_age), path=request.script_root or "/",
                            secure=request.scheme == "https", httponly=True, samesite="Lax")

    def _problem(self, request: Request, status: int, *, retry_after: int = 0) -> Response:
        lang = self._lang(request)
        body = self.pages.problem(base=request.script_root, lang=lang, status=status,
                                  retry_after=retry_after)
        return Response(body, status, content_type=HTML, headers=[PRIVATE])
