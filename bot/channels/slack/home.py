"""Slack App Home for helpdesk agents: this week's figures and the messages keyhelp missed.

Published with ``views.publish`` whenever an agent opens the Home tab. Agents are the members
of the support channel (``KEYHELP_SUPPORT_CHANNEL``, read with ``conversations.members`` and
kept for a few minutes); without a support channel every user is an agent. Others see a short
help instead. Only counts and masked, escaped message texts are shown: no user ids.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels.slack.backend import Backend
from bot.channels.slack.blocks import fit, sections
from bot.channels.slack.delivery import describe
from bot.channels.slack.language import LanguagePicker

logger = logging.getLogger("keyhelp.slack.home")
MEMBERS_KEPT_SECONDS = 300.0


class HomeTab:
    """Publishes the Home tab for one user at a time (called on ``app_home_opened``)."""

    def __init__(self, *, backend: Backend, client: WebClient, picker: LanguagePicker,
                 support_channel: str | None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._backend = backend
        self._client = client
        self._picker = picker
        self._support = support_channel
        self._clock = clock
        self._lock = threading.Lock()
        self._members: tuple[float, frozenset[str]] | None = None

    def opened(self, user: str) -> None:
        lang = self._backend.language(self._picker.hints(user))
        if self._is_agent(user):
            text = self._backend.wording("home", lang, figures=self._backend.week(lang))
        else:
            text = self._backend.wording("home_visitor", lang)
        view = {"type": "home", "blocks": list(fit(sections(text)))}
        try:
            self._client.views_publish(user_id=user, view=view)
        except (SlackApiError, OSError) as err:
            logger.warning("views.publish failed: %s", describe(err))

    def _is_agent(self, user: str) -> bool:
        if not self._support:
            return True
        with self._lock:
            known = self._members
        if known is None or self._clock() - known[0] > MEMBERS_KEPT_SECONDS:
            members = self._read_members()
            if members is None:
                return False  # cannot tell: show no figures
            known = (self._clock(), members)
            with self._lock:
                self._members = known
        return user in known[1]

    def _read_members(self) -> frozenset[str] | None:
        members: set[str] = set()
        cursor = None
        try:
            while True:
                page = self._client.conversations_members(channel=self._support, limit=1000,
                                                          cursor=cursor)
                members.update(page.get("members") or [])
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    return frozenset(members)
        except (SlackApiError, OSError) as err:
            logger.warning("conversations.members failed: %s", describe(err))
            return None
