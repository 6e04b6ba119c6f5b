"""Slack with screenshots: text conversations' reply times while screenshot DMs are read.

The bot runs as deployed (``keyhelp slack serve`` in its own process) against the fake Web
API, which also serves the shared files. An open loop offers text DMs from 50 conversations
at a fixed rate and, at the same time, one screenshot DM a second (a rendered redemption
page, see tests/screenshots/pages.py). Each reply is matched to its event by channel; the
clock runs from the event's due time to the reply reaching the fake API. Prints p50/p99 for
the text conversations (target p99 <= 100 ms) and for the screenshots.

Run from the repository root::

    python benchmarks/slack_screenshots.py --rate 50 --seconds 20
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "slack")]

from bot_process import start_slack_bot  # noqa: E402
from fake_slack import Call, FakeSlack  # noqa: E402
from slack_requests import SECRET, SlackSender, dm_message  # noqa: E402

from bot.knowledge.loader import load_knowledge  # noqa: E402
from bot.paths import rules_path  # noqa: E402
from tests.screenshots.pages import missing_ocr, missing_tools, render_pages  # noqa: E402

TEXTS = ("このプロダクト キーは有効ではありません。もう一度入力してください。",
         "Sorry, we can't process your request right now. Please wait a few minutes and try again")
TARGET_TEXT_P99_MS = 100.0


class Stopwatch:
    """Replies matched to events per channel, in order (each event gets one reply here)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._due: dict[str, deque[float]] = defaultdict(deque)
        self.latency: dict[str, list[float]] = defaultdict(list)  # kind -> seconds

    def sent(self, channel: str, due: float) -> None:
        with self._lock:
            self._due[channel].append(due)

    def on_call(self, call: Call) -> None:
        if call.method != "chat.postMessage":
            return
        channel, now = str(call.args.get("channel")), time.perf_counter()
        with self._lock:
            if self._due.get(channel):
                kind = "screenshot" if channel.startswith("D0SHOT") else "text"
                self.latency[kind].append(now - self._due[channel].popleft())

    def outstanding(self) -> int:
        with self._lock:
            return sum(len(q) for q in self._due.values())


def shot_event(n: int, fake: FakeSlack, page_path: Path) -> dict:
    data = page_path.read_bytes()
    url = fake.add_file(f"{n}-{page_path.name}", data)
    event = dm_message("", user=f"USHOT{n:03d}", channel=f"D0SHOT{n:03d}")
    return {**event, "subtype": "file_share", "files": [{
        "id": f"F{n:08d}", "name": page_path.name, "mimetype": "image/png", "filetype": "png",
        "size": len(data), "url_private": url, "url_private_download": url}]}


def pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000 if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=50.0, help="text events/s offered")
    parser.add_argument("--users", type=int, default=50, help="text conversations")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--shots-per-second", type=float, default=1.0,
                        help="screenshot DMs offered per second (0: the text-only baseline)")
    args = parser.parse_args()
    why = missing_tools() or missing_ocr()
    if why:
        print(f"cannot run: {why}", file=sys.stderr)
        return 1
    fake, watch = FakeSlack(bot_token="xoxb-bench").start(), Stopwatch()
    with tempfile.TemporaryDirectory() as tmp:
        pages = [p for p in render_pages(load_knowledge(rules_path()), Path(tmp) / "pages")
                 if p.intent]
        env = {"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": SECRET,
               "SLACK_API_URL": fake.url, "KEYHELP_DB": str(Path(tmp) / "bench.db")}
        port, process = start_slack_bot(env, code=ROOT)
        fake.on_call = watch.on_call
        sender = SlackSender(port=port)
        try:
            # warm-up: every text conversation's first turn, and the OCR models
            for n in range(args.users):
                watch.sent(f"D0TEXT{n:03d}", time.perf_counter())
                sender.event(dm_message(TEXTS[n % 2], user=f"UTEXT{n:03d}",
                                        channel=f"D0TEXT{n:03d}"))
            watch.sent("D0SHOT999", time.perf_counter())
            sender.event(shot_event(999, fake, pages[0].path))
            drain(watch, 60)
            watch.latency.clear()
            run(args, fake, sender, watch, pages)
        finally:
            process.terminate()
            process.wait(10)
            fake.close()
    text, shots = watch.latency["text"], watch.latency["screenshot"]
    print(f"text DMs: {len(text)} answered, p50 {statistics.median(text) * 1000:.1f} ms, "
          f"p99 {pct(text, 0.99):.1f} ms (target <= {TARGET_TEXT_P99_MS:.0f} ms), "
          f"offered {args.rate:.0f}/s over {args.users} conversations")
    if shots:
        print(f"screenshot DMs: {len(shots)} answered, p50 "
              f"{statistics.median(shots) * 1000:.0f} ms, p99 {pct(shots, 0.99):.0f} ms "
              "(event -> first question)")
    print(f"unanswered: {watch.outstanding()}; load average now {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    return 0 if pct(text, 0.99) <= TARGET_TEXT_P99_MS and not watch.outstanding() else 1


def run(args: argparse.Namespace, fake: FakeSlack, sender: SlackSender, watch: Stopwatch,
        pages: list) -> None:
    """The open loop: text events on schedule, screenshots on their own schedule."""
    start = time.perf_counter() + 0.1
    jobs: list[tuple[float, str, dict]] = []
    for j in range(int(args.rate * args.seconds)):
        n = j % args.users
        jobs.append((start + j / args.rate, f"D0TEXT{n:03d}",
                     dm_message(TEXTS[n % 2], user=f"UTEXT{n:03d}", channel=f"D0TEXT{n:03d}")))
    for k in range(int(args.shots_per_second * args.seconds)):
        page = pages[k % len(pages)]
        jobs.append((start + k / args.shots_per_second, f"D0SHOT{k:03d}",
                     shot_event(k, fake, page.path)))
    jobs.sort(key=lambda job: job[0])
    with ThreadPoolExecutor(max_workers=64) as pool:
        for due, channel, event in jobs:
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)  # the load generator's schedule, not synchronisation
            watch.sent(channel, due)
            pool.submit(sender.event, event)
    drain(watch, 120)


def drain(watch: Stopwatch, seconds: float) -> None:
    deadline = time.perf_counter() + seconds
    while watch.outstanding() and time.perf_counter() < deadline:
        time.sleep(0.05)  # draining: poll the stopwatch with a deadline


if __name__ == "__main__":
    sys.exit(main())
