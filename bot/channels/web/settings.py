"""Web page settings from the environment, checked up front so a typo costs one clear line."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from bot.config import Settings
from bot.understand.image.settings import OcrSettings

SECRET_ENV = "KEYHELP_WEB_SECRET"
WEBHOOK_ENV = "KEYHELP_HANDOFF_WEBHOOK"
WEBHOOK_SECRET_ENV = "KEYHELP_HANDOFF_SECRET"
RATE_ENV = "KEYHELP_WEB_RATE_LIMIT"
MAX_BYTES_ENV = "KEYHELP_WEB_MAX_BYTES"
MEMORY_ENV = "KEYHELP_WEB_MEMORY_MB"
SUPPORT_ENV = "KEYHELP_SUPPORT_CHANNEL"
ADMIN_ENV = "KEYHELP_ADMIN_TOKEN"
ADMIN_TOKEN_MIN = 16
MIN_SECRET_CHARS = 32  # 32 URL-safe characters carry about 190 bits
MIN_WEBHOOK_SECRET_CHARS = 16
DEFAULT_RATE = 60  # requests a minute per client: a person needs a few; a script more
DEFAULT_MAX_BYTES = 16 * 1024  # a pasted error message is well under 1 KiB
DEFAULT_MEMORY_MB = 256  # request bodies held in memory at once, over all connections
MIN_MEMORY_MB = 16
MULTIPART_SLACK = 4 * 1024  # the form's part headers and boundaries around the text and image
DEFAULT_API_URL = "https://slack.com/api/"
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
GENERATE = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"


class SettingsError(ValueError):
    """A missing or malformed setting; the message names the variable and the fix."""


@dataclass(frozen=True, kw_only=True)
class SlackTarget:
    """Where escalations go in Slack: the support channel, posted with the bot's token."""

    token: str
    channel: str
    api_url: str


@dataclass(frozen=True, kw_only=True)
class WebSettings:
    """Everything the web adapter reads from the environment."""

    secret: str
    webhook_url: str | None
    webhook_secret: str | None
    slack: SlackTarget | None
    rate_per_minute: int
    max_bytes: int
    keyhelp: Settings  # KEYHELP_DB, KEYHELP_RULES, KEYHELP_LANG, … (bot.config)
    # with screenshots each connection may hold a whole upload in memory: at most this much
    memory_bytes: int = DEFAULT_MEMORY_MB * 1024 * 1024
    admin_token: str | None = None  # /admin (the report) exists only when this is set
    # screenshots: KEYHELP_OCR_*, KEYHELP_IMAGE_MAX_MB
    ocr: OcrSettings = field(default_factory=OcrSettings)

    @property
    def upload_bytes(self) -> int:
        """The largest body of the message form with a screenshot: the text's cap, the image's
        (``KEYHELP_IMAGE_MAX_MB``) and the multipart framing, nothing more."""
        return self.max_bytes + self.ocr.limits.max_bytes + MULTIPART_SLACK

    @property
    def db_path(self) -> Path:
        """The page's own SQLite file (what each session was shown), beside KEYHELP_DB."""
        main = self.keyhelp.db_path
        return main.with_name(f"{main.stem}-web{main.suffix or '.db'}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *,
                 rules: str | None = None) -> WebSettings:
        """Read and check every setting; raise SettingsError naming the first problem."""
        env = os.environ if environ is None else environ
        try:
            keyhelp = Settings.from_env(env, rules=rules)
        except ValueError as err:
            raise SettingsError(str(err)) from None
        webhook = _webhook(env.get(WEBHOOK_ENV, "").strip())
        try:
            ocr = OcrSettings.from_env(env)
        except ValueError as err:  # names the variable
            raise SettingsError(str(err)) from None
        return cls(secret=_secret(env.get(SECRET_ENV, "").strip()), webhook_url=webhook,
                   webhook_secret=_webhook_secret(env, webhook), slack=_slack(env),
                   rate_per_minute=_number(env, RATE_ENV, DEFAULT_RATE, low=1),
                   max_bytes=_number(env, MAX_BYTES_ENV, DEFAULT_MAX_BYTES, low=1024),
                   memory_bytes=_number(env, MEMORY_ENV, DEFAULT_MEMORY_MB,
                                        low=MIN_MEMORY_MB) * 1024 * 1024,
                   keyhelp=keyhelp, admin_token=_admin_token(env.get(ADMIN_ENV, "").strip()),
                   ocr=ocr)


def _admin_token(value: str) -> str | None:
    if value and len(value) < ADMIN_TOKEN_MIN:
        raise SettingsError(f"{ADMIN_ENV} is too short: at least {ADMIN_TOKEN_MIN} characters "
                            f"guard the report; make one with {GENERATE}")
    return value or None


def _secret(value: str) -> str:
    if not value:
        raise SettingsError(f"{SECRET_ENV} is not set: it signs the session cookies; "
                            f"make one with {GENERATE}")
    if len(value) < MIN_SECRET_CHARS:
        raise SettingsError(f"{SECRET_ENV} is too short ({len(value)} characters): use at "
                            f"least {MIN_SECRET_CHARS}, e.g. from {GENERATE}")
    return value


def _webhook(value: str) -> str | None:
    if not value:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError(f"{WEBHOOK_ENV} is malformed: {value!r} is not an http(s) URL")
    return value


def _webhook_secret(env: Mapping[str, str], webhook: str | None) -> str | None:
    value = env.get(WEBHOOK_SECRET_ENV, "").strip()
    if webhook is None:
        return None
    if len(value) < MIN_WEBHOOK_SECRET_CHARS:
        raise SettingsError(
            f"{WEBHOOK_SECRET_ENV} is {'too short' if value else 'not set'}: the hand-off "
            f"webhook's requests are signed with it (at least {MIN_WEBHOOK_SECRET_CHARS} "
            "characters, shared with the receiver)")
    return value


def _slack(env: Mapping[str, str]) -> SlackTarget | None:
    channel = env.get(SUPPORT_ENV, "").strip()
    if not channel:
        return None
    if not CHANNEL_ID.fullmatch(channel):
        raise SettingsError(f"{SUPPORT_ENV} is malformed: {channel!r} is not a channel ID "
                            "(like C0123ABCD)")
    token = env.get("SLACK_BOT_TOKEN", "").strip()
    if not token.startswith("xoxb-") or any(c.isspace() for c in token):
        raise SettingsError("SLACK_BOT_TOKEN is " + ("malformed" if token else "not set")
                            + f": {SUPPORT_ENV} needs the bot token (xoxb-…) to post there")
    api_url = env.get("SLACK_API_URL", "").strip() or DEFAULT_API_URL
    if urlparse(api_url).scheme not in ("http", "https") or not urlparse(api_url).netloc:
        raise SettingsError(f"SLACK_API_URL is malformed: {api_url!r} is not an http(s) URL")
    return SlackTarget(token=token, channel=channel,
                       api_url=api_url if api_url.endswith("/") else api_url + "/")


def _number(env: Mapping[str, str], name: str, default: int, *, low: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < low:
        raise SettingsError(f"{name} is malformed: {raw!r} is not a whole number "
                            f"of at least {low}")
    return int(raw)
