"""Which conversation a browser is in: a random id in a signed cookie, and its CSRF token.

The cookie holds only the session id, signed and time-stamped with ``KEYHELP_WEB_SECRET``
(itsdangerous), so it cannot be forged or moved to another id; it is HttpOnly (no script
reads it) and SameSite=Lax (other sites' forms do not send it). Every form carries a CSRF
token derived from the session id with a separate key: a POST without the right one is
refused, even from a page that somehow got the cookie sent.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "keyhelp_session"
_SALT = "keyhelp.web.session"


class Sessions:
    """Issues and checks session cookies and CSRF tokens with one secret."""

    def __init__(self, *, secret: str, max_age: float) -> None:
        self._cookies = URLSafeTimedSerializer(secret, salt=_SALT)
        # the CSRF key is derived, so a token never reveals anything about the cookie's key
        self._csrf_key = hashlib.sha256(b"keyhelp.web.csrf\0" + secret.encode()).digest()
        self.max_age = max_age

    @staticmethod
    def new_id() -> str:
        """A fresh session id: 128 random bits."""
        return secrets.token_urlsafe(16)

    def cookie_value(self, session_id: str) -> str:
        return self._cookies.dumps(session_id)

    def session_id(self, cookie: str | None) -> str | None:
        """The id a cookie carries, or None if it is missing, forged or older than max_age."""
        if not cookie:
            return None
        try:
            value = self._cookies.loads(cookie, max_age=self.max_age)
        except BadSignature:  # also SignatureExpired, a subclass
            return None
        return value if isinstance(value, str) else None

    def csrf_token(self, session_id: str) -> str:
        return hmac.new(self._csrf_key, session_id.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, session_id: str | None, token: str | None) -> bool:
        """True only for this session's own token (compared in constant time)."""
        if not session_id or not token:
            return False
        return hmac.compare_digest(self.csrf_token(session_id), token)
