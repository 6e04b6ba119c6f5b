"""A real HTTP receiver on 127.0.0.1 for the hand-off webhook: records every request and
answers with the statuses it is told to, in order (then 200)."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    """One request as the receiver saw it."""

    path: str
    headers: dict[str, str]
    body: bytes


class HookReceiver:
    """``fail(503, 503)`` answers the next two requests 503; ``received`` holds every request."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self._answers: deque[tuple[int, dict[str, str]]] = deque()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.received.append(Received(self.path, dict(self.headers.items()),
                                                      body))
                    status, headers = (receiver._answers.popleft() if receiver._answers
                                       else (200, {}))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/keyhelp"

    def start(self) -> HookReceiver:
        self._thread.start()
        return self

    def fail(self, *statuses: int, headers: dict[str, str] | None = None) -> None:
        with self._lock:
            self._answers.extend((status, dict(headers or {})) for status in statuses)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
