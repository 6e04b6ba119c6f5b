"""A per-client rate limit: a token bucket per address, refilled steadily.

A client may send ``burst`` requests at once, then one every ``60 / per_minute`` seconds; a
request over the limit is told how long to wait (``Retry-After``). Buckets that have filled up
again are forgotten, so memory stays bounded by the clients active in the last minute or so.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

SWEEP_EVERY = 1024  # checks between sweeps of full (idle) buckets


class RateLimiter:
    """``check(client)`` → 0 when allowed, else the whole seconds to wait."""

    def __init__(self, *, per_minute: int, burst: int | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0  # tokens per second
        self.burst = float(burst if burst is not None else max(1, min(per_minute, 20)))
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, at)
        self._lock = threading.Lock()
        self._checks = 0

    def check(self, client: str) -> int:
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            self._checks += 1
            if self._checks % SWEEP_EVERY == 0:
                self._sweep(now)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                return 0
            self._buckets[client] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / self.rate))

    def _sweep(self, now: float) -> None:
        full = [client for client, (tokens, at) in self._buckets.items()
                if tokens + (now - at) * self.rate >= self.burst]
        for client in full:
            del self._buckets[client]
