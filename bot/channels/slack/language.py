"""Which language to answer a Slack user in: explicit choice, script, Slack locale, default."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels.slack.state import AdapterState

logger = logging.getLogger("keyhelp.slack.language")
LOCALE_TTL_SECONDS = 3600.0


class LanguagePicker:
    """Picks a reply language per the issue's order, caching ``users.info`` locales.

    Explicit choices are read from the shared state each time, not cached: a choice made
    through another instance counts at once (a locale is Slack's, the same for every one).
    """

    def __init__(self, *, client: WebClient, store: AdapterState, supported: Iterable[str],
                 default: str, scripts: dict[str, str]) -> None:
        self._client = client
        self._store = store
        self._supported = tuple(supported)
        self._default = default
        # locale id -> compiled "text written in this script" pattern, from the rules file
        self._scripts = {lang: re.compile(pattern) for lang, pattern in scripts.items()}
        self._locales: dict[str, tuple[float, str | None]] = {}
        self._lock = threading.Lock()

    @property
    def default(self) -> str:
        return self._default

    def supports(self, lang: str) -> bool:
        return lang in self._supported

    def by_script(self, text: str | None) -> str | None:
        """A language whose own script appears in ``text`` (Japanese characters → ja)."""
        if text:
            for lang, pattern in self._scripts.items():
                if pattern.search(text):
                    return lang
        return None

    def pick(self, user_id: str | None, text: str | None = None) -> str:
        """The user's explicit choice; else the text's script; else Slack locale; else default."""
        chosen = self.explicit(user_id) if user_id else None
        if chosen:
            return chosen
        return self.by_script(text) or (self.slack_locale(user_id) if user_id else None) \
            or self._default

    def explicit(self, user_id: str) -> str | None:
        """The user's own remembered choice, if any (it outranks script and locale)."""
        chosen = self._store.chosen_lang(user_id)
        return chosen if chosen and self.supports(chosen) else None

    def choose(self, user_id: str, lang: str) -> None:
        """Remember an explicit choice (``/keyhelp lang ja`` or a language button)."""
        self._store.remember_lang(user_id, lang)

    def slack_locale(self, user_id: str) -> str | None:
        """The supported language of the user's Slack locale (``ja-JP`` → ``ja``), cached."""
        now = time.monotonic()
        with self._lock:
            cached = self._locales.get(user_id)
        if cached and now - cached[0] < LOCALE_TTL_SECONDS:
            return cached[1]
        lang: str | None = None
        try:
            user = self._client.users_info(user=user_id, include_locale=True).get("user") or {}
            locale = str(user.get("locale") or "")
            base = locale.replace("_", "-").split("-")[0].lower()
            lang = base if self.supports(base) else None
        except (SlackApiError, OSError) as err:
            logger.warning("users.info failed for %s: %s", user_id, type(err).__name__)
            return None  # not cached: try again next time
        with self._lock:
            self._locales[user_id] = (now, lang)
        return lang
