"""Security headers on every response: nothing from elsewhere, no framing, no sniffing.

The page's script and stylesheet are keyhelp's own files (``script-src 'self'``, no inline
script or style), forms post only back here, and no other site may frame the page.
"""

from __future__ import annotations

from collections.abc import MutableMapping

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
))

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),  # frame-ancestors for browsers that predate CSP 2
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)
PRIVATE = ("Cache-Control", "no-store")  # a conversation is nobody else's: never cached


def secure(headers: MutableMapping[str, str]) -> None:
    """Add the security headers to a response's ``headers`` (its own values win)."""
    for name, value in SECURITY_HEADERS:
        headers.setdefault(name, value)
