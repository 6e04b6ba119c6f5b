"""Web page benchmark: turn latency over HTTP with 50 concurrent browser sessions.

Each session is a person at the page: it opens ``/`` (cookie and CSRF token), then loops
through a conversation — paste an error, answer a question (which escalates), start over —
pausing ``--think`` seconds (±50 %) between turns. A turn is what a browser does: POST
``/turn`` and GET the page it is redirected to; its time is measured from the POST until the
page has arrived. The server runs as ``keyhelp web serve`` in a subprocess (waitress, as in
production). Beside the turns, a probe GETs ``/healthz`` on the same server in the same run:
its p99 is the baseline the server's queueing alone costs. Target: turn p99 ≤ 50 ms.

With ``--images S`` one more person uploads a screenshot (a redemption page rendered by
headless Chromium, tests/screenshots/pages.py) every S seconds through the message form, beside
the text sessions; its turns' p50/p99 are printed beside their baseline, the same image read
by the same OCR code in this process before the server starts (no HTTP, no other load).

Run from the repository root::

    python benchmarks/web.py                      # 50 sessions, 20 s, ~1 s between turns
    python benchmarks/web.py --think 0            # closed loop: as fast as the server answers
    python benchmarks/web.py --images 2           # and a screenshot upload every 2 s
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
TARGET_P99_MS = 50.0
SCRIPT = (
    ("text", "The product key you entered has expired. Enter a different key"),
    ("action", "answer:other-key:no-other"),
    ("action", "restart"),
    ("text", "このプロダクト キーは有効期限が切れています 7KX2M-QH4PD-R9TBW-C6FYJ-38VGK"),
    ("action", "answer:other-key:has-other"),
    ("action", "solved:yes"),
    ("action", "restart"),
)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Session(threading.Thread):
    """One person: a keep-alive connection, a cookie, turns with pauses between them."""

    def __init__(self, port: int, until: float, think: float, turns: list[float],
                 errors: list[str]) -> None:
        super().__init__(daemon=True)
        self.port, self.until, self.think = port, until, think
        self.turns, self.errors = turns, errors
        self.cookie = ""
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: bytes | None = None,
                content_type: str = "application/x-www-form-urlencoded") -> tuple[int, str]:
        headers = {"Cookie": self.cookie, "Accept-Language": "en"} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = content_type
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, text

    def run(self) -> None:
        _, page = self.request("GET", "/")
        step = random.randrange(len(SCRIPT))
        time.sleep(random.uniform(0, self.think))  # people do not all start at once
        while time.perf_counter() < self.until:
            kind, value = SCRIPT[step % len(SCRIPT)]
            step += 1
            token = CSRF.search(page)[1]
            started = time.perf_counter()
            status, _ = self.request("POST", "/turn", urlencode({"csrf": token, kind: value})
                                     .encode())
            status_page, page = self.request("GET", "/")
            elapsed = time.perf_counter() - started
            if status != 303 or status_page != 200:
                self.errors.append(f"{status}/{status_page}")
            else:
                self.turns.append(elapsed)
            if self.think:
                time.sleep(random.uniform(0.5, 1.5) * self.think)  # the person reads


class Uploader(Session):
    """One person sending a screenshot through the message form every ``think`` seconds."""

    def __init__(self, port: int, until: float, think: float, image: bytes, turns: list[float],
                 errors: list[str]) -> None:
        super().__init__(port, until, think, turns, errors)
        self.image = image

    def run(self) -> None:
        _, page = self.request("GET", "/")
        while time.perf_counter() < self.until:
            boundary = secrets.token_hex(8)
            body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n'
                    f'{CSRF.search(page)[1]}\r\n--{boundary}\r\nContent-Disposition: '
                    'form-data; name="image"; filename="s.png"\r\nContent-Type: image/png'
                    '\r\n\r\n').encode() + self.image + f"\r\n--{boundary}--\r\n".encode()
            started = time.perf_counter()
            status, _ = self.request("POST", "/turn", body,
                                     f"multipart/form-data; boundary={boundary}")
            status_page, page = self.request("GET", "/")
            if status != 303 or status_page != 200:
                self.errors.append(f"image {status}/{status_page}")
            else:
                self.turns.append(time.perf_counter() - started)
            time.sleep(self.think)


def screenshot(folder: Path) -> tuple[bytes, list[float]]:
    """An English "key expired" redemption page as a PNG, and its read time alone (5 reads)."""
    from bot.knowledge.loader import load_knowledge
    from bot.paths import shipped_rules_path
    from bot.understand.image.read import ScreenshotReader
    from bot.understand.image.settings import OcrSettings
    from bot.understand.recognise import Recogniser
    from tests.screenshots.pages import render_pages

    knowledge = load_knowledge(shipped_rules_path())
    page = next(p for p in render_pages(knowledge, folder / "pages")
                if p.intent == "key-expired" and p.lang == "en")
    data, recogniser = page.path.read_bytes(), Recogniser(knowledge)
    reader = ScreenshotReader.from_settings(OcrSettings())
    try:
        reader.read(data, recogniser)  # the models loaded, as in a warm server
        alone = []
        for _ in range(5):
            started = time.perf_counter()
            reader.read(data, recogniser)
            alone.append(time.perf_counter() - started)
    finally:
        reader.close()
    return data, alone


def probe(port: int, until: float, every: float, results: list[float]) -> None:
    """The baseline: /healthz on its own connection, in the same run as the turns."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.perf_counter() < until:
        started = time.perf_counter()
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        results.append(time.perf_counter() - started)
        time.sleep(every)


def serve(port: int, folder: Path, threads: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KEYHELP_DB": str(folder / "keyhelp.db"),
           "KEYHELP_WEB_SECRET": "benchmark-secret-0123456789-0123456789",
           "KEYHELP_WEB_RATE_LIMIT": "1000000", "KEYHELP_CACHE_DIR": str(folder / "cache")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "web", "serve", "--port", str(port),
         "--threads", str(threads)], env=env, stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline()  # printed once the socket listens
    if "web page on" not in line:
        process.kill()
        raise SystemExit(f"server did not start: {line}{process.stderr.read()}")
    # keep reading its log so a full pipe never stalls the server
    threading.Thread(target=process.stderr.read, daemon=True).start()
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean pause between a session's turns, seconds (0: none)")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--images", type=float, default=0.0, metavar="S",
                        help="also upload a screenshot every S seconds (0: none)")
    args = parser.parse_args()
    uploads: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        image, alone = screenshot(Path(tmp)) if args.images else (b"", [])
        port = free_port()
        server = serve(port, Path(tmp), args.threads)
        try:
            warm = Session(port, time.perf_counter() + 2.0, 0.0, [], [])
            warm.run()  # templates compiled, recogniser warm, before anything is timed
            if args.images:  # and the OCR worker's models loaded
                Uploader(port, time.perf_counter() + 1.0, 0.0, image, [], []).run()
            turns: list[float] = []
            errors: list[str] = []
            health: list[float] = []
            until = time.perf_counter() + args.seconds
            workers = [Session(port, until, args.think, turns, errors)
                       for _ in range(args.sessions)]
            checker = threading.Thread(target=probe, args=(port, until, 0.02, health))
            if args.images:
                workers.append(Uploader(port, until, args.images, image, uploads, errors))
            began = time.perf_counter()
            for worker in [*workers, checker]:
                worker.start()
            for worker in [*workers, checker]:
                worker.join()
            took = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=20)
    ms = [t * 1000 for t in turns]
    base = [t * 1000 for t in health]
    p99 = percentile(ms, 99)
    print(f"web page: {args.sessions} concurrent sessions, {args.seconds:.0f} s, "
          f"think {args.think:g} s, {args.threads} server threads, {os.cpu_count()} cores")
    print(f"turns (POST /turn + redirected GET /): {len(ms)} in {took:.1f} s = "
          f"{len(ms) / took:.1f}/s, errors {len(errors)}")
    print(f"turn latency ms: p50 {statistics.median(ms):.1f}  p90 {percentile(ms, 90):.1f}  "
          f"p99 {p99:.1f}  max {max(ms):.1f}")
    print(f"baseline GET /healthz ms (same run): p50 {statistics.median(base):.1f}  "
          f"p99 {percentile(base, 99):.1f}  ({len(base)} probes)")
    if args.images:
        shots = [t * 1000 for t in uploads]
        print(f"screenshot turns (upload + redirected GET /, one every {args.images:g} s): "
              f"p50 {statistics.median(shots):.0f}  p99 {percentile(shots, 99):.0f} ms "
              f"({len(shots)} turns); baseline, the same image read alone in-process: "
              f"p50 {statistics.median(alone) * 1000:.0f}  max {max(alone) * 1000:.0f} ms")
    verdict = "met" if p99 <= TARGET_P99_MS else "MISSED"
    print(f"target turn p99 <= {TARGET_P99_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
