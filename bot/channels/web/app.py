"""The web page as a WSGI application (werkzeug requests and responses; waitress serves it).

Routes: ``GET /`` the conversation page; ``POST /turn`` a message, a screenshot (the form's
file field, bot/channels/web/images.py) or a button, answered with
303 See Other back to the page (so a reload or the back button never sends a turn again);
``GET /static/keyhelp.js|css`` keyhelp's own script and stylesheet; ``GET /healthz`` (503
while the database does not answer; the rules file's digest).
Every response carries the security headers (bot.channels.web.headers). Refusals, in the order
they are checked: 429 over the per-client rate, 413 over the size cap (a form with an image:
``KEYHELP_IMAGE_MAX_MB`` more), 403 without this session's CSRF token; 422 re-shows the form
(key masked) when a message is empty or too long, or an image is not one that can be read
(413 too large, 503 busy), with the same explanation as every channel gives.
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
from bot.channels.web.images import UploadRequest, form_memory, is_upload, uploaded
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
BUSY_RETRY = 60  # seconds: "try again in a minute"


class WebApp:
    """Routes requests; never lets an exception out as a traceback."""

    def __init__(self, *, conversations: WebConversations, pages: Pages, sessions: Sessions,
                 limiter: RateLimiter, max_bytes: int, static_dir: Path,
                 admin: AdminReport | None = None, upload_bytes: int = 0) -> None:
        self.conversations = conversations
        self.admin = admin
        self.pages = pages
        self.sessions = sessions
        self.limiter = limiter
        self.max_bytes = max_bytes
        # the message form with a screenshot: only as much more as the image may be
        self.upload_bytes = max(upload_bytes, max_bytes)
        # read once: the script and stylesheet are small and never change while running
        self._static = {path.name: (path.read_bytes(), STATIC_TYPES[path.suffix])
                        for path in static_dir.iterdir() if path.suffix in STATIC_TYPES}

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        request = UploadRequest(environ)
        request.max_content_length = self.upload_bytes if is_upload(request) else self.max_bytes
        request.max_form_memory_size = form_memory(request, self.max_bytes)  # text fields
        try:
            response = self._route(request)
        except RequestEntityTooLarge:
            response = self._too_large(request)
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
              draft: str = "", image_reason: str = "") -> Response:
        session = self.sessions.session_id(request.cookies.get(COOKIE))
        fresh = session is None
        session = session or self.sessions.new_id()
        entries = self.conversations.entries(session, accepted=self._accepted(request))
        lang = entries[-1]["lang"] if entries else self._lang(request)
        body = self.pages.conversation(
            base=request.script_root, lang=lang, csrf=self.sessions.csrf_token(session),
            locales=self.conversations.locales, entries=entries, error=error, draft=draft,
            upload_megabytes=self._upload_megabytes(), image_reason=image_reason)
        response = Response(body, status, content_type=HTML, headers=[PRIVATE])
        if fresh:
            self._set_cookie(request, response, session)
        return response

    def _turn(self, request: Request) -> Response:
        if (request.content_length or 0) > (request.max_content_length or 0):
            return self._too_large(request)  # refused before a byte of the body is read
        session = self.sessions.session_id(request.cookies.get(COOKIE))
        if session is None:  # no session, no right token: refused before the body is read
            return self._problem(request, 403)
        try:
            form = request.form
            image = uploaded(request) if is_upload(request) else None
        except RequestEntityTooLarge:  # past the cap while reading a chunked body
            return self._too_large(request)
        if not self.sessions.csrf_ok(session, form.get("csrf")):
            return self._problem(request, 403)
        action, text = form.get("action"), form.get("text")
        if action is not None:
            if not action or len(action) > MAX_ACTION_CHARS:
                return self._problem(request, 400)
            self.conversations.turn(session, action=action)
        elif image is not None:  # the image is the message (as in Slack), read in the pool
            screenshot, reason = self.conversations.read_screenshot(image)
            if screenshot is None:
                return self._image_refused(request, reason, text or "")
            self.conversations.turn(session, screenshot=screenshot,
                                    accepted=self._accepted(request))
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

    def _image_refused(self, request: Request, reason: str, text: str) -> Response:
        """The form again, saying why the image was not read; nothing is kept of it."""
        status = {"too-large": 413, "busy": 503, "unavailable": 503}.get(reason, 422)
        draft = self.conversations.mask(text)[:MAX_MESSAGE_CHARS]  # what was typed, masked
        response = self._page(request, status=status, error="image", draft=draft,
                              image_reason=reason)
        if reason == "busy":
            response.headers["Retry-After"] = str(BUSY_RETRY)
        return response

    def _too_large(self, request: Request) -> Response:
        """413; for the form with an image (the only large part it has) in the image's words."""
        megabytes = self._upload_megabytes() if is_upload(request) else 0
        body = self.pages.problem(base=request.script_root, lang=self._lang(request),
                                  status=413, image_megabytes=megabytes)
        return Response(body, 413, content_type=HTML, headers=[PRIVATE])

    def _upload_megabytes(self) -> int:
        """The screenshot field's limit; 0 when screenshots are not read here (no field)."""
        images = self.conversations.images
        return images.max_megabytes if images is not None and images.reader else 0

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
