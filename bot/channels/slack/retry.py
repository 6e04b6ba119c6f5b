"""Web API client whose retries keep a conversation's messages in order.

Retries run in the calling thread, which is the conversation's worker: while one message
waits out a 429 or a 5xx, the messages after it wait too, so Slack shows them in order.
"""

from __future__ import annotations

import logging
import random
import socket
import time
from http.client import RemoteDisconnected
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.jitter import Jitter
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.channels.slack.http import KeepAliveWebClient

logger = logging.getLogger("keyhelp.slack.retry")
MAX_RETRY_AFTER_SECONDS = 60.0
TRANSIENT_ERRORS = (URLError, ConnectionError, RemoteDisconnected, TimeoutError, socket.gaierror)


def _method(request: HttpRequest) -> str:
    return request.url.rsplit("/", 1)[-1]


class ScaledJitter(Jitter):
    """Up to twice the backoff: the SDK's default adds a whole second whatever the backoff."""

    def recalculate(self, duration: float) -> float:
        return duration * (1.0 + random.random())


class RetryAfterHandler(RetryHandler):
    """HTTP 429: wait exactly what Retry-After says (capped), then send the same call again."""

    def _can_retry(self, *, state: RetryState, request: HttpRequest,
                   response: HttpResponse | None = None, error: Exception | None = None) -> bool:
        return response is not None and response.status_code == 429

    def prepare_for_next_attempt(self, *, state: RetryState, request: HttpRequest,
                                 response: HttpResponse | None = None,
                                 error: Exception | None = None) -> None:
        header = next(
            (v for k, v in (response.headers if response else {}).items()
             if k.lower() == "retry-after"),
            ["1"],
        )
        try:
            wait = min(float(header[0] if isinstance(header, list) else header),
                       MAX_RETRY_AFTER_SECONDS)
        except ValueError:
            wait = 1.0
        logger.warning("rate limited on %s: retrying after %.1f s (attempt %d)",
                       _method(request), wait, state.current_attempt + 1)
        state.next_attempt_requested = True
        time.sleep(max(wait, 0.0))
        state.increment_current_attempt()


class TransientErrorHandler(RetryHandler):
    """5xx answers and refused or dropped connections: a bounded number of backed-off retries."""

    def _can_retry(self, *, state: RetryState, request: HttpRequest,
                   response: HttpResponse | None = None, error: Exception | None = None) -> bool:
        if response is not None:
            return 500 <= response.status_code < 600
        return isinstance(error, TRANSIENT_ERRORS)

    def prepare_for_next_attempt(self, *, state: RetryState, request: HttpRequest,
                                 response: HttpResponse | None = None,
                                 error: Exception | None = None) -> None:
        what = f"HTTP {response.status_code}" if response is not None else type(error).__name__
        logger.warning("%s from %s: retry %d of %d", what, _method(request),
                       state.current_attempt + 1, self.max_retry_count)
        super().prepare_for_next_attempt(state=state, request=request, response=response,
                                         error=error)


def make_client(*, token: str, base_url: str, transient_retries: int = 3,
                rate_limit_retries: int = 5, backoff: float = 0.5,
                timeout: int = 10) -> WebClient:
    """A WebClient for ``base_url`` with bounded retries for 429, 5xx and connection errors."""
    return KeepAliveWebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=[
            RetryAfterHandler(max_retry_count=rate_limit_retries),
            TransientErrorHandler(
                max_retry_count=transient_retries,
                interval_calculator=BackoffRetryIntervalCalculator(backoff_factor=backoff,
                                                                   jitter=ScaledJitter()),
            ),
        ],
    )
