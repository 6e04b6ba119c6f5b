"""A bounded pool for slow work (OCR): a few workers, a short queue, and "busy" beyond it.

Reading a screenshot takes most of a second of CPU. Running it on a server's request
thread would hold up Slack's ack and every other conversation; queueing without bound would
let a burst of images use all memory and answer minutes late. So images wait in a short
queue for a fixed number of workers, and one more is refused at once with ``Busy`` (the
user is told to try again), rather than being slowed down for everyone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class Busy(Exception):
    """Every worker is busy and the queue is full: try again shortly."""


class BoundedPool:
    """``workers`` threads; at most ``workers + queue`` jobs accepted and not yet finished."""

    def __init__(self, *, workers: int, queue: int, name: str = "keyhelp-ocr") -> None:
        if workers < 1 or queue < 0:
            raise ValueError("a pool needs at least one worker and a queue of 0 or more")
        self.workers, self.queue = workers, queue
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._slots = threading.BoundedSemaphore(workers + queue)

    def submit(self, job: Callable[..., T], *args: object) -> Future[T]:
        """Start ``job(*args)`` in a worker (or queue it); ``Busy`` when the queue is full."""
        if not self._slots.acquire(blocking=False):
            raise Busy
        try:
            future = self._executor.submit(job, *args)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _done: self._slots.release())
        return future

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop taking work; finish (``wait``) or drop what is queued."""
        self._executor.shutdown(wait=wait, cancel_futures=not wait)
