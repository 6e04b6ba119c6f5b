"""Slack adapter benchmark: signed event in → chat.postMessage at a fake Web API.

Open loop, as Slack delivers: events arrive on a fixed schedule (default 200/s) spread over
50 DM conversations, whether or not the bot has answered the previous one. The clock runs
from an event's due time to the bot's reply reaching the fake API (each turn posts one
reply, and a conversation's replies arrive in order, so they are matched by position).
Prints p50/p90/p99 latency and the answered rate; ``--find-max`` then raises the rate.

Run from the repository root::

    python benchmarks/slack.py                 # bot in a subprocess (keyhelp slack serve)
    python benchmarks/slack.py --in-process    # bot in this process
    python benchmarks/slack.py --code /tmp/base --count-statements   # another checkout's bot,
                                               # with SQLite statements per event (sql_census.py)
    python benchmarks/slack.py --keep-alive    # events on kept-open connections (see below)

By default every event comes on a new connection; ``--keep-alive`` sends each on an HTTP/1.1
connection its sending thread keeps open, which shows what the bot spends per connection (it
is not known whether Slack's servers reuse connections, so the target is measured without).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "slack")]

from bot_process import start_slack_bot  # noqa: E402
from fake_slack import Call, FakeSlack  # noqa: E402
from slack_requests import SECRET, Answer, SlackSender, dm_message  # noqa: E402

TEXTS = ("このプロダクト キーは有効ではありません。もう一度入力してください。",
         "Sorry, we can't process your request right now. Please wait a few minutes and try again")
TARGET_P99_MS, TARGET_RATE = 100.0, 200.0


class Stopwatch:
    """Matches replies to events per conversation, in order (each turn posts one reply)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, deque[float]] = defaultdict(deque)
        self.latencies: list[tuple[float, float]] = []  # (answered at, latency)
        self.unmatched = 0

    def sent(self, channel: str, scheduled: float) -> None:
        with self._lock:
            self._pending[channel].append(scheduled)

    def on_call(self, call: Call) -> None:
        if call.method != "chat.postMessage":
            return
        now = time.perf_counter()
        with self._lock:
            queue = self._pending.get(str(call.args.get("channel")))
            if queue:
                self.latencies.append((now, now - queue.popleft()))
            else:
                self.unmatched += 1

    def outstanding(self) -> int:
        with self._lock:
            return sum(len(q) for q in self._pending.values())


class KeepAliveSender(SlackSender):
    """Each sending thread posts on one HTTP/1.1 connection it keeps open (``--keep-alive``)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._local = threading.local()

    def raw(self, body: str, *, content_type: str, headers: dict[str, str] | None = None,
            path: str = "/slack/events", method: str = "POST") -> Answer:
        for attempt in (1, 2):  # a connection the server closed meanwhile: one new one
            conn = getattr(self._local, "conn", None)
            if conn is None:
                conn = self._local.conn = http.client.HTTPConnection(self.host, self.port,
                                                                     timeout=10)
            try:
                conn.request(method, path, body=body.encode("utf-8"),
                             headers={"Content-Type": content_type, **(headers or {})})
                response = conn.getresponse()
                return Answer(response.status, response.read().decode("utf-8"))
            except (http.client.HTTPException, OSError):
                conn.close()
                self._local.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def cpu_seconds(process: object) -> tuple[float, float] | None:
    """(user, system) CPU seconds of the bot process so far, all threads (Linux /proc)."""
    if not isinstance(process, subprocess.Popen):
        return None
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def environment(fake: FakeSlack, db: Path) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.url, "KEYHELP_DB": str(db)}


def start_subprocess(env: dict[str, str], code: Path,
                     census: Path | None) -> tuple[int, subprocess.Popen]:
    """``keyhelp slack serve`` from the checkout ``code`` (through sql_census.py if asked)."""
    launcher = [] if census is None else [str(ROOT / "benchmarks" / "sql_census.py"), str(census)]
    return start_slack_bot(env, code=code, launcher=launcher)


def start_in_process(env: dict[str, str]):
    from bot.channels.slack.app import build_bot
    from bot.channels.slack.server import HttpServer, SlackWsgi
    from bot.channels.slack.settings import SlackSettings

    settings = SlackSettings.from_env(env, mode="http")
    bot = build_bot(settings=settings)
    wsgi = SlackWsgi(app=bot.app, signing_secret=SECRET, direct=bot.direct)
    server = HttpServer(wsgi=wsgi, host="127.0.0.1", port=0, loop_timeout=0.05).start()
    return server.port, (server, bot)


def load(*, rate: float, seconds: float, users: int, sender: SlackSender, watch: Stopwatch,
         pool: ThreadPoolExecutor, errors: list[str]) -> tuple[float, float]:
    """Open loop: event j is due at start + j/rate, for conversation j % users, late or not.

    Latency counts from the due time, so a slow bot cannot hide behind a slow sender.
    """
    def send(n: int, due: float) -> None:
        channel = f"D0BENCH{n:03d}"
        watch.sent(channel, due)
        event = dm_message(TEXTS[n % 2], user=f"UBENCH{n:03d}", channel=channel)
        answer = sender.event(event)
        if answer.status != 200:
            errors.append(f"HTTP {answer.status}")

    start = time.perf_counter() + 0.05
    total = int(rate * seconds)
    for j in range(total):
        due = start + j / rate
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)  # the load generator's schedule, not synchronisation
        pool.submit(send, j % users, due)
    return start, start + total / rate


def measure(*, rate: float, seconds: float, users: int, port: int, watch: Stopwatch,
            keep_alive: bool = False) -> dict:
    sender, errors = (KeepAliveSender if keep_alive else SlackSender)(port=port), []
    with ThreadPoolExecutor(max_workers=64) as pool:
        begin, end = load(rate=rate, seconds=seconds, users=users, sender=sender, watch=watch,
                          pool=pool, errors=errors)
    deadline = time.perf_counter() + 30
    while watch.outstanding() and time.perf_counter() < deadline:
        time.sleep(0.05)  # draining: poll the stopwatch with a deadline
    with watch._lock:
        done = [(at, lat) for at, lat in watch.latencies if at >= begin]
        watch.latencies.clear()
    lat = sorted(x for _, x in done)
    last = max((at for at, _ in done), default=end)
    if not lat:
        return {"rate": rate, "events": 0, "answered_rate": 0.0, "p50": float("nan"),
                "p90": float("nan"), "p99": float("nan"), "max": float("nan"),
                "errors": len(errors), "lost": watch.outstanding()}
    pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000  # noqa: E731
    return {"rate": rate, "events": len(lat), "answered_rate": len(lat) / (last - begin),
            "p50": statistics.median(lat) * 1000, "p90": pick(0.90), "p99": pick(0.99),
            "max": lat[-1] * 1000, "errors": len(errors), "lost": watch.outstanding()}


def report(result: dict) -> str:
    return (f"  offered {result['rate']:6.0f}/s  answered {result['events']:6d} "
            f"({result['answered_rate']:5.0f}/s)  p50 {result['p50']:6.1f} ms  "
            f"p90 {result['p90']:6.1f} ms  p99 {result['p99']:7.1f} ms  max {result['max']:7.1f} ms"
            f"  errors {result['errors']}  lost {result['lost']}")


def census_report(census: dict[str, dict[str, list[float]]], events: int) -> str:
    """Statements per answered event (warm-up included), by database file and kind."""
    lines = [f"  SQLite statements per event ({events} events, start-up and ticks included; "
             f"ms = time inside execute per event):"]
    for name, kinds in sorted(census.items()):
        count = sum(c for c, _ in kinds.values())
        took = sum(t for _, t in kinds.values())
        detail = ", ".join(f"{kind} {c / events:.2f} ({t / events * 1000:.3f} ms)"
                           for kind, (c, t) in sorted(kinds.items(), key=lambda kv: -kv[1][0]))
        lines.append(f"    {name}: {count / events:.2f} per event, {took / events * 1000:.3f} ms"
                     f" — {detail}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent conversations")
    parser.add_argument("--rate", type=float, default=TARGET_RATE, help="offered events/s")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured duration")
    parser.add_argument("--warmup", type=float, default=5.0,
                        help="seconds at half the rate before measuring")
    parser.add_argument("--find-max", action="store_true",
                        help="then raise the rate in steps while p99 stays within target")
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="run the bot of this checkout (a baseline: git worktree add)")
    parser.add_argument("--count-statements", action="store_true",
                        help="count and time the bot's SQLite statements (sql_census.py)")
    parser.add_argument("--keep-alive", action="store_true",
                        help="send events on kept-open HTTP/1.1 connections, not one each")
    args = parser.parse_args()
    fake = FakeSlack().start()
    watch = Stopwatch()
    fake.on_call = watch.on_call
    where = "in-process" if args.in_process else "separate process"
    code = subprocess.run(["git", "-C", str(args.code), "log", "-1", "--format=%h"],
                          capture_output=True, text=True).stdout.strip() or str(args.code)
    print(f"keyhelp Slack benchmark: {args.users} concurrent DM conversations, "
          f"shipped orchestrator at {code}, "
          f"bot in a {where}; signed event in -> chat.postMessage at the fake API; "
          f"{args.warmup:.0f} s warm-up at {args.rate / 2:.0f} events/s; "
          f"{'kept-open connections' if args.keep_alive else 'a new connection per event'}; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    events = 0
    with tempfile.TemporaryDirectory() as tmp:
        env = environment(fake, Path(tmp) / "bench.db")
        census = Path(tmp) / "census.json" if args.count_statements else None
        if args.in_process:
            port, handle = start_in_process(env)
        else:
            port, handle = start_subprocess(env, args.code.resolve(), census)
        try:
            # warm-up: first turn of every conversation, locale look-ups, templates, caches
            warm = measure(rate=args.rate / 2, seconds=args.warmup, users=args.users, port=port,
                           watch=watch, keep_alive=args.keep_alive)
            cpu_before = cpu_seconds(handle)
            result = measure(rate=args.rate, seconds=args.seconds, users=args.users, port=port,
                             watch=watch, keep_alive=args.keep_alive)
            cpu_after = cpu_seconds(handle)
            print(report(result))
            if cpu_before and cpu_after and result["events"]:
                user, system = (b - a for a, b in zip(cpu_before, cpu_after, strict=True))
                print(f"  bot CPU while measured: {user + system:.2f} s (user {user:.2f} s, "
                      f"system {system:.2f} s) = {(user + system) / result['events'] * 1000:.2f}"
                      f" ms per event")
            events = warm["events"] + result["events"]
            best = result if result["p99"] <= TARGET_P99_MS else None
            rate = args.rate
            while args.find_max and best is not None and rate < 2000:
                rate += 50
                step = measure(rate=rate, seconds=min(args.seconds, 5), users=args.users,
                               port=port, watch=watch, keep_alive=args.keep_alive)
                print(report(step))
                events += step["events"]
                if step["p99"] > TARGET_P99_MS or step["errors"] or step["lost"]:
                    break
                best = step
        finally:
            if isinstance(handle, subprocess.Popen):
                handle.terminate()
                handle.wait(10)
                used = resource.getrusage(resource.RUSAGE_CHILDREN)
                mine = resource.getrusage(resource.RUSAGE_SELF)
                print(f"  CPU used: bot process {used.ru_utime + used.ru_stime:.1f} s "
                      f"(user {used.ru_utime:.1f} s, system {used.ru_stime:.1f} s), "
                      f"load generator + fake API {mine.ru_utime + mine.ru_stime:.1f} s; "
                      f"load average now {os.getloadavg()[0]:.2f}")
                if census is not None and census.exists():
                    print(census_report(json.loads(census.read_text()), events))
            else:
                handle[0].close()
                handle[1].close()
            fake.close()
    ok = (result["p99"] <= TARGET_P99_MS and result["answered_rate"] >= TARGET_RATE * 0.98
          and not result["errors"] and not result["lost"])
    print(f"targets (p99 <= {TARGET_P99_MS:.0f} ms at >= {TARGET_RATE:.0f} events/s): "
          f"{'met' if ok else 'NOT met'}")
    if args.find_max and best is not None:
        print(f"highest rate tried with p99 within target: {best['rate']:.0f} events/s")


if __name__ == "__main__":
    main()
