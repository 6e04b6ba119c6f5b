"""Work after the ack: one conversation's jobs run in order, different conversations in parallel."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

logger = logging.getLogger("keyhelp.slack.workers")
Job = Callable[[], None]


class KeyedWorkers:
    """A thread pool with one ordered queue per key (a conversation id).

    Slack needs an ack within 3 s, so listeners only enqueue; a turn's replies, and a
    429 wait before one of them, never overtake the same conversation's earlier work.
    """

    def __init__(self, *, max_workers: int = 16, name: str = "keyhelp-slack") -> None:
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix=name)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._queues: dict[str, deque[Job]] = {}
        self._closed = False

    def submit(self, key: str, job: Job) -> None:
        """Run ``job`` after every job already queued for ``key``."""
        with self._lock:
            if self._closed:
                raise RuntimeError("workers are shut down")
            queue = self._queues.get(key)
            if queue is not None:
                queue.append(job)
                return
            self._queues[key] = deque([job])
        self._pool.submit(self._drain, key)

    def _drain(self, key: str) -> None:
        while True:
            with self._lock:
                queue = self._queues[key]
                if not queue:
                    del self._queues[key]
                    if not self._queues:
                        self._idle.notify_all()
                    return
                job = queue.popleft()
            try:
                job()
            except Exception:  # a failed turn must not stop the conversation's later turns
                logger.exception("job for %s failed", key)

    def wait_idle(self, timeout: float) -> bool:
        """True once no job is queued or running (tests and shutdown); False on timeout."""
        with self._lock:
            return self._idle.wait_for(lambda: not self._queues, timeout=timeout)

    def shutdown(self, *, timeout: float = 10.0) -> None:
        """Finish queued work (up to ``timeout``), then stop the threads."""
        self.wait_idle(timeout)
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
