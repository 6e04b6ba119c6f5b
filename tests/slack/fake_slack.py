"""A fake Slack Web API on 127.0.0.1 that records every call and fails on demand."""

from __future__ import annotations

import contextlib
import json
import socket
import sys
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


class _Server(ThreadingHTTPServer):
    """A client that went away before its answer (an instance killed) is not the fake's error."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeSlack:
    """Answers the Web API methods keyhelp uses; ``fail()`` queues 429/5xx answers.

    Like Slack, a 429 with ``Retry-After`` keeps answering 429 to that method until the
    time is up, so a client that retries early shows up in ``failed``. ``hold()`` keeps
    a method's answers back until released; ``refuse()``/``accept()`` stop and restart
    listening on the same port (connections refused meanwhile).
    """

    def __init__(self, *, locales: dict[str, str] | None = None,
                 bot_token: str = "xoxb-test-token") -> None:
        self.locales = dict(locales or {})
        self.members: dict[str, list[str]] = {}  # channel -> user ids (conversations.members)
        self.bot_token = bot_token  # files are served only to a request bearing this token
        self.files: dict[str, bytes] = {}
        self.downloads: list[tuple[str, str | None]] = []  # (file name, Authorization header)
        self.file_length_header = True  # False: files sent without Content-Length, to EOF
        self.socket_url = "ws://127.0.0.1:9/link"
        self.calls: list[Call] = []
        self.failed: list[tuple[str, int]] = []
        self.on_call: Callable[[Call], None] | None = None  # e.g. the benchmark's stopwatch
        self._failures: dict[str, deque[tuple[int, dict[str, str]]]] = defaultdict(deque)
        self._limited_until: dict[str, float] = {}
        self._held: dict[str, threading.Event] = {}
        self.waiting: list[str] = []  # methods whose answer is being held back now
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

            def setup(self) -> None:
                super().setup()
                with fake._cond:
                    fake._open.add(self.connection)

            def finish(self) -> None:
                with fake._cond:
                    fake._open.discard(self.connection)
                super().finish()

        self._handler = Handler
        self._open: set[socket.socket] = set()  # kept-alive client connections
        self._port = 0
        self._server: ThreadingHTTPServer | None = None

    # ---- lifecycle
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}/api/"

    def response_url(self, name: str = "r") -> str:
        return f"http://127.0.0.1:{self._port}/response/{name}"

    def add_file(self, name: str, data: bytes) -> str:
        """Serve ``data`` as a shared file; returns its ``url_private_download``."""
        self.files[name] = data
        return f"http://127.0.0.1:{self._port}/files-pri/T0KEYHELP-F0{name}/download/{name}"

    def start(self) -> FakeSlack:
        self._server = _Server(("127.0.0.1", self._port), self._handler)
        self._server.daemon_threads = True
        self._port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def close(self) -> None:
        for method in list(self._held):
            self.release(method)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def refuse(self) -> None:
        """Stop listening and drop open connections: all are refused until ``accept()``."""
        self.close()
        with self._cond:
            for conn in self._open:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)

    def accept(self) -> None:
        """Listen again on the same port (same ``url``)."""
        self.start()

    # ---- test controls
    def fail(self, method: str, status: int, *, times: int = 1,
             retry_after: int | None = None) -> None:
        """The next ``times`` calls of ``method`` get ``status`` (429 with Retry-After)."""
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        with self._cond:
            self._failures[method].extend([(status, headers)] * times)

    def hold(self, method: str) -> None:
        """Answers to ``method`` wait until ``release(method)`` (at most 10 s)."""
        with self._cond:
            self._held[method] = threading.Event()

    def release(self, method: str) -> None:
        with self._cond:
            self._held.pop(method, threading.Event()).set()
            self._cond.notify_all()

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

    def wait_failed(self, count: int, *, timeout: float = 10.0) -> list[tuple[str, int]]:
        """Wait until ``count`` calls were answered with a planned failure; return them."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.failed) >= count, timeout):
                raise AssertionError(f"{count} failures not seen in {timeout} s: {self.failed}")
            return list(self.failed)

    def wait_waiting(self, method: str, *, timeout: float = 10.0) -> None:
        """Wait until a call of ``method`` arrived and is being held back."""
        with self._cond:
            if not self._cond.wait_for(lambda: method in self.waiting, timeout):
                raise AssertionError(f"no {method} call arrived in {timeout} s")

    def wait_calls(self, method: str, count: int, *, timeout: float = 10.0) -> list[Call]:
        """Wait until ``method`` was called (successfully) ``count`` times; return those calls."""
        return self.wait_for(
            lambda calls: (found := [c for c in calls if c.method == method])[count - 1:]
            and found, timeout=timeout)

    # ---- serving
    def _serve_file(self, handler: BaseHTTPRequestHandler, name: str) -> None:
        """Like files.slack.com: the bytes to the bot token, 403 to anything else."""
        auth = handler.headers.get("Authorization")
        with self._cond:
            self.downloads.append((name, auth))
            gate = self._held.get("file")  # hold("file") keeps downloads waiting
            if gate is not None:
                self.waiting.append("file")
                self._cond.notify_all()
                self._cond.wait_for(gate.is_set, 10)
                self.waiting.remove("file")
            self._cond.notify_all()
        data = self.files.get(name)
        status = 404 if data is None else 200 if auth == f"Bearer {self.bot_token}" else 403
        handler.send_response(status)
        handler.send_header("Content-Type", "image/png" if status == 200 else "text/plain")
        body = data if status == 200 and data is not None else b"no"
        if self.file_length_header:
            handler.send_header("Content-Length", str(len(body)))
        else:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        handler.wfile.write(body)

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(handler.path)
        if parsed.path.startswith("/files-pri/"):
            self._serve_file(handler, parsed.path.rsplit("/", 1)[-1])
            return
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
            gate = self._held.get(method)
            if gate is not None:
                self.waiting.append(method)
                self._cond.notify_all()
                self._cond.wait_for(gate.is_set, 10)
                self.waiting.remove(method)
            planned = self._failures[method].popleft() if self._failures[method] else None
            if planned is None and time.monotonic() < self._limited_until.get(method, 0.0):
                planned = (429, {"Retry-After": "1"})  # retried before Retry-After ran out
            if planned:
                self.failed.append((method, planned[0]))
                if planned[0] == 429 and "Retry-After" in planned[1]:
                    self._limited_until[method] = \
                        time.monotonic() + float(planned[1]["Retry-After"])
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
        if method == "views.publish":
            return {"ok": True, "view": {"id": "VHOME", **(args.get("view") or {})}}
        if method == "conversations.members":
            return {"ok": True, "members": list(self.members.get(args.get("channel"), [])),
                    "response_metadata": {"next_cursor": ""}}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url}
        return {"ok": False, "error": "unknown_method"}
