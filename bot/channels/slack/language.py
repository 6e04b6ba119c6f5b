"""What Slack knows of a user's language, as hints: the remembered choice and the Slack locale.

The decision (choice, else the message's script, else the locale, else the default) is the
dialogue core's (bot/dialogue/language.py); this module only gathers the hints: the choices
stored in the adapter's state, and ``users.info`` locales (cached).
"""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels.slack.state import AdapterState
from bot.dialogue.language import LanguageHints

logger = logging.getLogger("keyhelp.slack.language")
LOCALE_TTL_SECONDS = 3600.0


class LanguagePicker:
    """Gives each Slack user's language hints, caching ``users.info`` locales.

    Explicit choices are read from the shared state each time, not cached: a choice made
    through another instance counts at once (a locale is Slack's, the same for every one).
    """

    def __init__(self, *, client: WebClient, store: AdapterState) -> None:
        self._client = client
        self._store = store
        self._locales: dict[str, tuple[float, str | None]] = {}
        self._lock = threading.Lock()

    def hints(self, user_id: str | None) -> LanguageHints:
        """The user's choice, and their Slack locale (looked up only if the decision needs it)."""
        if not user_id:
            return LanguageHints()
        return LanguageHints(chosen=self.explicit(user_id),
                             preferred=lambda: self._preferred(user_id))

    def explicit(self, user_id: str) -> str | None:
        """The user's own remembered choice, if any (it outranks script and locale)."""
        return self._store.chosen_lang(user_id)

    def choose(self, user_id: str, lang: str) -> None:
        """Remember an explicit choice (``/keyhelp lang ja`` or a language button)."""
        self._store.remember_lang(user_id, lang)

    def _preferred(self, user_id: str) -> tuple[str, ...]:
        locale = self.slack_locale(user_id)
        return (locale,) if locale else ()

    def slack_locale(self, user_id: str) -> str | None:
        """The user's Slack locale as Slack gives it (``ja-JP``, ``zh-CN``), cached."""
        now = time.monotonic()
        with self._lock:
            cached = self._locales.get(user_id)
        if cached and now - cached[0] < LOCALE_TTL_SECONDS:
            return cached[1]
        try:
            user = self._client.users_info(user=user_id, include_locale=True).get("user") or {}
            locale = str(user.get("locale") or "") or None
        except (SlackApiError, OSError) as err:
            logger.warning("users.info failed for %s: %s", user_id, type(err).__name__)
            return None  # not cached: try again next time
        with self._lock:
            self._locales[user_id] = (now, locale)
        return locale
