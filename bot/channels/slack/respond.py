"""Answers through a payload's ``response_url``, followed only to hosts that are Slack's.

A payload names its ``response_url`` itself; following any URL it names would let a
forged or replayed payload make keyhelp send requests anywhere (internal services
included). Only Slack's hooks host and the configured Web API's own host are trusted.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from slack_sdk.webhook import WebhookClient

from bot.channels.slack.blocks import Message

logger = logging.getLogger("keyhelp.slack.respond")
SLACK_HOOKS = "https://hooks.slack.com/"
DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int]


def _origin(url: str) -> Origin | None:
    """(scheme, host, port) of an http(s) URL without user info; None for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number, or out of range
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


class ResponseUrls:
    """Sends to a ``response_url`` when it is on Slack's hooks host or the Web API's host."""

    def __init__(self, *, api_url: str, timeout: int = 10) -> None:
        self._trusted = {o for o in (_origin(SLACK_HOOKS), _origin(api_url)) if o}
        self._timeout = timeout

    def trusted(self, url: str) -> bool:
        return _origin(url) in self._trusted

    def send(self, url: str | None, message: Message, *, replace: bool) -> bool:
        """Post ``message`` to ``url`` (replacing the original if asked); True if Slack took it."""
        if not url:
            return False
        if not self.trusted(url):
            logger.warning("response_url ignored: not on Slack's hooks host or SLACK_API_URL's")
            return False
        try:
            response = WebhookClient(url, timeout=self._timeout).send(
                replace_original=replace, **message.kwargs())
        except OSError as err:
            logger.warning("response_url failed: %s", type(err).__name__)
            return False
        if response.status_code != 200:
            logger.warning("response_url answered HTTP %d", response.status_code)
            return False
        return True
