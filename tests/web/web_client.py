"""A browser-like HTTP client for the web page's tests: one cookie jar, forms by their fields.

Plain ``http.client`` against the real server, no redirects followed unless asked, so each
test sees exactly the status, headers and body a browser would get.
"""

from __future__ import annotations

import http.client
import re
import secrets
from dataclasses import dataclass, field
from html import unescape
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF = re.compile(r'name="csrf" value="([^"]*)"')


@dataclass
class Answer:
    """One HTTP response, read whole."""

    status: int
    headers: http.client.HTTPMessage
    body: str

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def csrf(self) -> str:
        found = CSRF.search(self.body)
        assert found, "no form with a CSRF token on this page"
        return found.group(1)

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(value, label) of the answer buttons of the latest turn."""
        block = re.search(r'<form class="choices".*?</form>', self.body, re.S)
        if not block:
            return []
        return [(unescape(v), unescape(label)) for v, label in re.findall(
            r'<button type="submit" name="action" value="([^"]*)">(.*?)</button>', block[0])]

    @property
    def turns(self) -> int:
        return self.body.count('<li class="turn"')

    @property
    def lang(self) -> str:
        return re.search(r'<html lang="([^"]+)"', self.body).group(1)


@dataclass
class Browser:
    """Keeps the session cookie like a browser; ``turn`` posts a form and follows the 303."""

    port: int
    accept_language: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)
    cookie_headers: list[str] = field(default_factory=list)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Answer:
        sent = dict(headers or {})
        if self.cookies:
            sent.setdefault("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if self.accept_language:
            sent.setdefault("Accept-Language", self.accept_language)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers,
                            response.read().decode("utf-8", "replace"))
        finally:
            connection.close()
        for raw in answer.headers.get_all("Set-Cookie") or []:
            self.cookie_headers.append(raw)
            for name, morsel in SimpleCookie(raw).items():
                self.cookies[name] = morsel.value
        return answer

    def get(self, path: str = "/") -> Answer:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str], **headers: str) -> Answer:
        body = urlencode(fields).encode()
        return self.request("POST", path, body, {
            "Content-Type": "application/x-www-form-urlencoded", **headers})

    def post_multipart(self, path: str, fields: dict[str, str],
                       files: dict[str, tuple[str, bytes]]) -> Answer:
        """A ``multipart/form-data`` POST, as the message form sends it (``files``: name ->
        (file name, bytes); an empty file name is a file input left empty)."""
        boundary = "keyhelp-test-" + secrets.token_hex(8)
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                 .encode() + value.encode() + b"\r\n" for name, value in fields.items()]
        for name, (filename, data) in files.items():
            kind = "image/png" if filename else "application/octet-stream"
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                         f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'.encode()
                         + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, {
            "Content-Type": f"multipart/form-data; boundary={boundary}"})

    def upload(self, page: Answer, data: bytes, *, text: str = "", csrf: bool = True,
               filename: str = "screenshot.png") -> Answer:
        """Send the message form of ``page`` with an image (and ``text``); the answer as is."""
        fields = {"csrf": page.csrf} if csrf else {}
        return self.post_multipart("/turn", {**fields, "text": text},
                                   {"image": (filename, data)})

    def turn(self, page: Answer, **fields: str) -> Answer:
        """Send a message (``text=``) or press a button (``action=``) on ``page``; the next page."""
        answer = self.post("/turn", {"csrf": page.csrf, **fields})
        assert answer.status == 303, (answer.status, answer.body[:500])
        assert answer.header("Location") == "/#latest"
        return self.get("/")
