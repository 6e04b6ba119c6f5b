"""Slack settings from the environment, checked up front so a typo costs one clear line."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from bot.config import Settings

Mode = Literal["http", "socket"]
DEFAULT_API_URL = "https://slack.com/api/"
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
LANG_ID = re.compile(r"^[a-z]{2,3}$")
LEASE_ENV = "KEYHELP_LEASE_SECONDS"
DEFAULT_LEASE_SECONDS = 15.0


class SettingsError(ValueError):
    """A missing or malformed setting; the message names the variable and the fix."""


@dataclass(frozen=True, kw_only=True)
class SlackSettings:
    """Everything the Slack adapter reads from the environment."""

    bot_token: str
    signing_secret: str | None
    app_token: str | None
    api_url: str
    support_channel: str | None
    watched_channels: frozenset[str]
    keyhelp: Settings  # KEYHELP_DB, KEYHELP_RULES, KEYHELP_LANG, … (bot.config)
    lease_seconds: float = DEFAULT_LEASE_SECONDS  # KEYHELP_LEASE_SECONDS

    @property
    def db_path(self) -> Path:
        """The adapter's own SQLite file, beside KEYHELP_DB (``conversations-slack.db``).

        Separate from the conversation store so the event dedupe in Slack's ack window never
        waits for the conversation store's write lock.
        """
        main = self.keyhelp.db_path
        return main.with_name(f"{main.stem}-slack{main.suffix or '.db'}")

    @property
    def default_lang(self) -> str | None:
        return self.keyhelp.default_lang

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, mode: Mode) -> SlackSettings:
        """Read and check every setting; raise SettingsError naming the first problem."""
        env = os.environ if environ is None else environ
        try:
            keyhelp = Settings.from_env(env)
        except ValueError as err:
            raise SettingsError(str(err)) from None
        _lang(keyhelp.default_lang or "")
        return cls(
            bot_token=_token(env, "SLACK_BOT_TOKEN", "xoxb-", "the Bot User OAuth Token"),
            signing_secret=_signing_secret(env) if mode == "http" else None,
            app_token=(
                _token(env, "SLACK_APP_TOKEN", "xapp-", "an app-level token with connections:write")
                if mode == "socket"
                else None
            ),
            api_url=_api_url(env.get("SLACK_API_URL", "").strip() or DEFAULT_API_URL),
            support_channel=_channel(env.get("KEYHELP_SUPPORT_CHANNEL", ""),
                                     "KEYHELP_SUPPORT_CHANNEL"),
            watched_channels=frozenset(_channels(env.get("KEYHELP_WATCH_CHANNELS", ""))),
            keyhelp=keyhelp,
            lease_seconds=_lease(env.get(LEASE_ENV, "").strip()),
        )


def _token(env: Mapping[str, str], name: str, prefix: str, what: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise SettingsError(f"{name} is not set: export {what} ({prefix}…) from your Slack app")
    if not value.startswith(prefix) or any(c.isspace() for c in value):
        raise SettingsError(f"{name} is malformed: expected {what} starting with {prefix!r}")
    return value


def _signing_secret(env: Mapping[str, str]) -> str:
    value = env.get("SLACK_SIGNING_SECRET", "").strip()
    if not value:
        raise SettingsError(
            "SLACK_SIGNING_SECRET is not set: copy it from your app's Basic Information page "
            "(or run `keyhelp slack socket` for Socket Mode)"
        )
    if not re.fullmatch(r"[0-9A-Za-z]{16,}", value):
        raise SettingsError(
            "SLACK_SIGNING_SECRET is malformed: expected the hex string Slack shows")
    return value


def _api_url(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError(
            f"SLACK_API_URL is malformed: {value!r} is not an http(s) URL like {DEFAULT_API_URL}"
        )
    return value if value.endswith("/") else value + "/"


def _channel(value: str, name: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if not CHANNEL_ID.fullmatch(value):
        raise SettingsError(
            f"{name} is malformed: {value!r} is not a channel ID (like C0123ABCD; "
            "in Slack: channel details → About → Channel ID)"
        )
    return value


def _channels(value: str) -> list[str]:
    names = [part.strip() for part in value.split(",") if part.strip()]
    return [c for c in (_channel(n, "KEYHELP_WATCH_CHANNELS") for n in names) if c]


def _lease(value: str) -> float:
    """How long a dead instance's jobs wait before another takes them over: 1 to 600 s."""
    if not value:
        return DEFAULT_LEASE_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not 1 <= seconds <= 600:  # also false for nan
        raise SettingsError(f"{LEASE_ENV} is malformed: {value!r} is not a number of seconds "
                            "from 1 to 600")
    return seconds


def _lang(value: str) -> str | None:
    value = value.strip().lower()
    if value and not LANG_ID.fullmatch(value):
        raise SettingsError(
            f"KEYHELP_LANG is malformed: {value!r} is not a language id like ja or en")
    return value or None
