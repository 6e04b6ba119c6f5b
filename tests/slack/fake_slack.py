"""A fake Slack Web API on 127.0.0.1 that records every call and fails on demand."""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

BOT_USER_ID = "UKEYHELP"
BOT_ID = "BKEYHELP"
TEAM_ID = "T0KEYHELP"


@dataclass(frozen=True)
class Call:
    """One recorded request: the Web API method (or ``response_url``) and its arguments."""

    method: str
    args: dict[str, Any]
    result: dict[str, Any] | None = None
    at: float = field(default_factory=time.monotonic)

    @property
    def posted(self) -> dict[str, Any]:
        """The message as it now exists in Slack: the arguments plus channel and ts."""
        result = self.result or {}
        return {**self.args, "channel": result.get("channel", self.args.get("channel")),
                "ts": result.get("ts") or result.get("message_ts")}

    def __getitem__(self, name: str) -> Any:
        return self.args[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.args.get(name, default)


class FakeSlack:
    """Answers the Web API methods keyhelp uses; ``fail()`` queues 429/5xx answers."""

    def __init__(self, *, locales: dict[str, str] | None = None) -> None:
        self.locales = dict(locales or {})
        self.socket_url = "ws://127.0.0.1:9/link"
        self.calls: list[Call] = []
        self.failed: list[tuple[str, int]] = []
        self.on_call: Callable[[Call], None] | None = None  # e.g. the benchmark's stopwatch
        self._failures: dict[str, deque[tuple[int, dict[str, str]]]] = defaultdict(deque)
        self._cond = threading.Condition()
        self._ts = 1_700_000_000_000_000
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            wbufsize = 1 << 16  # headers and body in one segment: no Nagle/delayed-ACK stall
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                fake._serve(self)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    # ---- lifecycle
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def response_url(self, name: str = "r") -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/response/{name}"

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # ---- test controls
    def fail(self, method: str, status: int, *, times: int = 1,
             retry_after: int | None = None) -> None:
        """The next ``times`` calls of ``method`` get ``status`` (429 with Retry-After)."""
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        with self._cond:
            self._failures[method].extend([(status, headers)] * times)

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, predicate: Callable[[list[Call]], Any], *, timeout: float = 10.0) -> Any:
        """Block until ``predicate(calls)`` is truthy; return its value or fail after timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = predicate(list(self.calls))
                if result:
                    return result
                left = deadline - time.monotonic()
                if left <= 0:
                    methods = [c.method for c in self.calls]
                    raise AssertionError(f"condition not met in {timeout} s; calls: {methods}")
                self._cond.wait(left)

    def wait_calls(self, method: str, count: int, *, timeout: float = 10.0) -> list[Call]:
        """Wait until ``method`` was called (successfully) ``count`` times; return those calls."""
        return self.wait_for(
            lambda calls: (found := [c for c in calls if c.method == method])[count - 1:]
            and found, timeout=timeout)

    # ---- serving
    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length).decode("utf-8") if length else ""
        args: dict[str, Any] = dict(parse_qsl(parsed.query))
        if raw.startswith("{"):
            args.update(json.loads(raw))
        elif raw:
            args.update(parse_qsl(raw, keep_blank_values=True))
        for name in ("blocks", "view"):
            if isinstance(args.get(name), str):
                args[name] = json.loads(args[name])
        if parsed.path.startswith("/response/"):
            method = "response_url"
        else:
            method = parsed.path.rsplit("/", 1)[-1]
        with self._cond:
            planned = self._failures[method].popleft() if self._failures[method] else None
            if planned:
                self.failed.append((method, planned[0]))
            else:
                body = self._answer(method, args)
                self.calls.append(call := Call(method, args, body))
            self._cond.notify_all()
        if not planned and self.on_call is not None:
            self.on_call(call)
        if planned:
            status, headers = planned
            self._send(handler, status, {"ok": False, "error": "fake_failure"}, headers)
        elif method == "response_url":
            self._send(handler, 200, None, {})
        else:
            self._send(handler, 200, body, {})

    def _send(self, handler: BaseHTTPRequestHandler, status: int, body: Any,
              headers: dict[str, str]) -> None:
        data = b"ok" if body is None else json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "text/plain" if body is None else "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _next_ts(self) -> str:
        self._ts += 100
        return f"{self._ts // 1_000_000}.{self._ts % 1_000_000:06d}"

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "url": "https://fake.slack.com/", "team": "fake", "user": "keyhelp",
                    "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID}
        if method == "users.info":
            user = args.get("user", "")
            return {"ok": True, "user": {"id": user, "name": user.lower(), "is_bot": False,
                                         "locale": self.locales.get(user, "en-US")}}
        if method in ("chat.postMessage", "chat.update"):
            ts = args.get("ts") or self._next_ts()
            channel = args.get("channel", "")
            channel = "D" + channel[1:] if channel.startswith("U") else channel
            return {"ok": True, "channel": channel, "ts": ts,
                    "message": {"text": args.get("text", ""), "ts": ts, "bot_id": BOT_ID}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "chat.getPermalink":
            ts = str(args.get("message_ts", "")).replace(".", "")
            return {"ok": True, "channel": args.get("channel"),
                    "permalink": f"https://fake.slack.com/archives/{args.get('channel')}/p{ts}"}
        if method == "views.open":
            return {"ok": True, "view": {"id": "V1", **(args.get("view") or {})}}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url}
        return {"ok": False, "error": "unknown_method"}
