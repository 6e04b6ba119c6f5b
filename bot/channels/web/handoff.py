"""Handing an unsolved case to people: a signed JSON webhook and/or the Slack support channel.

The webhook gets one JSON document per escalation (the payload is documented in README.md,
"Hand-off webhook"), signed like Slack signs its own requests: ``X-Keyhelp-Signature:
v0=HEX(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body))`` with the timestamp in
``X-Keyhelp-Request-Timestamp``. Refused connections, timeouts, 429 and 5xx answers are
retried a bounded number of times with exponential backoff (429's ``Retry-After`` obeyed, up
to a cap); every retry is logged. The same ``X-Keyhelp-Delivery`` id travels with every
attempt so a receiver can drop a duplicate. The page then says truly whether it arrived.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

import urllib3
from urllib3.exceptions import HTTPError
from urllib3.util import Retry, Timeout

from bot.dialogue.replies import EscalationSummary

if TYPE_CHECKING:
    from bot.channels.web.settings import SlackTarget

logger = logging.getLogger("keyhelp.web.handoff")
PAYLOAD_TYPE = "keyhelp.handoff"
PAYLOAD_VERSION = 1
MAX_RETRY_AFTER_SECONDS = 5.0  # the user is waiting on the page for the answer
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class Delivery(NamedTuple):
    """Where one summary went, and whether it got there (what the page tells the user)."""

    target: str  # webhook | slack
    ok: bool
    reference: str
    detail: str  # for the log: HTTP status or error name


def new_reference() -> str:
    """A short id the user can quote to the helpdesk, the same at every target."""
    return "KH-" + secrets.token_hex(4).upper()


def payload(summary: EscalationSummary, *, reference: str, text: str,
            channel: str = "web", created: float | None = None) -> dict[str, Any]:
    """The webhook's JSON document: the summary's fields, plus its text for humans."""
    key = summary.key
    return {
        "type": PAYLOAD_TYPE, "version": PAYLOAD_VERSION, "id": reference,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(created)),
        "channel": channel, "conversation_id": summary.conversation_id,
        "reason": summary.reason, "outcome": summary.outcome,
        "intent": summary.intent, "intent_title": summary.intent_title, "lang": summary.lang,
        "masked_key": summary.masked_key,
        "key_problems": [{"position": s.position, "char": s.char,
                          "suggestions": list(s.suggestions)} for s in key.suspects] if key
        else [],
        "answers": [{"question": a.question, "answer": a.answer} for a in summary.answers],
        "links": [{"url": link.url, "label": link.label} for link in summary.links],
        "transcript": [{"role": line.role, "text": line.text} for line in summary.transcript],
        "text": text,
    }


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 scheme with our secret: ``v0=`` + hex HMAC-SHA256 of ``v0:ts:body``."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class _LoggedRetry(Retry):
    """urllib3's retry policy, logging each retry and capping a 429's Retry-After."""

    def increment(self, *args: Any, **kwargs: Any) -> Retry:
        response, error = kwargs.get("response"), kwargs.get("error")
        what = f"HTTP {response.status}" if response is not None else type(error).__name__
        following = super().increment(*args, **kwargs)  # raises once retries run out
        logger.warning("hand-off webhook: %s; retrying (%s left)", what, following.total)
        return following

    def get_retry_after(self, response: Any) -> float | None:
        wait = super().get_retry_after(response)
        return None if wait is None else min(wait, MAX_RETRY_AFTER_SECONDS)


class Webhook:
    """POSTs signed JSON to ``url`` with bounded, backed-off retries."""

    def __init__(self, *, url: str, secret: str, retries: int = 3, backoff: float = 0.5,
                 timeout: float = 3.0, clock: Callable[[], float] = time.time) -> None:
        self.url = url
        self._secret = secret
        self._clock = clock
        retry = _LoggedRetry(total=retries, backoff_factor=backoff, backoff_max=4.0,
                             status_forcelist=RETRY_STATUSES, allowed_methods=None,
                             respect_retry_after_header=True, raise_on_status=False,
                             raise_on_redirect=False, redirect=0)
        self._http = urllib3.PoolManager(retries=retry, timeout=Timeout(total=timeout))

    def send(self, document: dict[str, Any]) -> Delivery:
        body = json.dumps(document, ensure_ascii=False).encode()
        timestamp = str(int(self._clock()))
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "User-Agent": "keyhelp-handoff/1",
                   "X-Keyhelp-Request-Timestamp": timestamp,
                   "X-Keyhelp-Signature": signature(self._secret, timestamp, body),
                   "X-Keyhelp-Delivery": str(document["id"])}
        reference = str(document["id"])
        try:
            response = self._http.request("POST", self.url, body=body, headers=headers)
        except HTTPError as err:  # retries exhausted on connection errors or timeouts
            cause = getattr(err, "reason", None) or err
            logger.error("hand-off %s not delivered: %s", reference, type(cause).__name__)
            return Delivery("webhook", False, reference, type(cause).__name__)
        ok = 200 <= response.status < 300
        log = logger.info if ok else logger.error
        log("hand-off %s: webhook answered HTTP %d", reference, response.status)
        return Delivery("webhook", ok, reference, f"HTTP {response.status}")

    def close(self) -> None:
        self._http.clear()


class SlackChannel:
    """Posts the summary to the support channel, as the Slack app does (slack_sdk, retries)."""

    def __init__(self, *, target: SlackTarget, retries: int = 2) -> None:
        from slack_sdk import WebClient  # here: only deployments with a support channel pay
        from slack_sdk.http_retry.builtin_handlers import (
            ConnectionErrorRetryHandler,
            RateLimitErrorRetryHandler,
            ServerErrorRetryHandler,
        )

        self.channel = target.channel
        self._client = WebClient(token=target.token, base_url=target.api_url, timeout=5,
                                 retry_handlers=[ConnectionErrorRetryHandler(retries),
                                                 RateLimitErrorRetryHandler(retries),
                                                 ServerErrorRetryHandler(retries)])

    def send(self, text: str, reference: str) -> Delivery:
        from slack_sdk.errors import SlackApiError

        try:
            self._client.chat_postMessage(channel=self.channel, text=text, unfurl_links=False)
        except (SlackApiError, OSError) as err:
            logger.error("hand-off %s not posted to Slack: %s", reference, type(err).__name__)
            return Delivery("slack", False, reference, type(err).__name__)
        logger.info("hand-off %s posted to %s", reference, self.channel)
        return Delivery("slack", True, reference, "ok")
