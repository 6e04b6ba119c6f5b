"""Builds the Bolt app and everything behind it from settings: one call for HTTP and Socket Mode."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient

from bot.channels.health import Health
from bot.channels.slack.backend import Backend
from bot.channels.slack.files import SlackScreenshots
from bot.channels.slack.listeners import DirectMessages, dedupe_middleware, register
from bot.channels.slack.retry import make_client
from bot.channels.slack.settings import SettingsError, SlackSettings
from bot.channels.slack.state import AdapterState
from bot.channels.slack.store import open_state
from bot.channels.slack.turns import Conversations
from bot.channels.slack.workers import KeyedWorkers

# Their DEBUG logs print whole payloads, and payloads can hold a product key.
SDK_LOGGERS = ("slack_bolt", "slack_sdk")


@dataclass(frozen=True, kw_only=True)
class SlackBot:
    """The running parts of the Slack front end; ``close`` finishes queued work first."""

    app: App
    client: WebClient
    store: AdapterState
    workers: KeyedWorkers
    conversations: Conversations
    screenshots: SlackScreenshots | None = None
    direct: DirectMessages | None = None  # direct messages taken without Bolt (listeners.py)

    def close(self, *, timeout: float = 10.0) -> None:
        self.workers.shutdown(timeout=timeout)
        if self.screenshots is not None:  # after the jobs that waited for a reading
            self.screenshots.close()
        self.conversations.close()  # what is left is handed to the other instances
        self.store.close()
        self.conversations.backend.close()

    def health(self) -> Health:
        """What ``/healthz`` answers: 503 while the database does not answer (every store
        of the process shares it), and the digest of the rules file in force."""
        return Health(database=self.store.healthy(),
                      rules=self.conversations.backend.rules_digest())


def quiet_sdk_loggers() -> None:
    """Keep slack_bolt/slack_sdk at INFO or above even when keyhelp itself logs DEBUG."""
    for name in SDK_LOGGERS:
        sdk_logger = logging.getLogger(name)
        if sdk_logger.getEffectiveLevel() < logging.INFO:
            sdk_logger.setLevel(logging.INFO)


def skip_debug_formatting(sdk_logger: logging.Logger) -> None:
    """Give an SDK logger an explicit level of at least INFO (no output changes).

    Bolt and the WebClient test ``logger.level``, not the effective level, before building
    DEBUG text (the whole payload of every API call, each middleware's name per request);
    with the level left at NOTSET they built it for every call only for it to be dropped.
    """
    if sdk_logger.level < logging.INFO:
        sdk_logger.setLevel(max(logging.INFO, sdk_logger.getEffectiveLevel()))


def _token_warning(record: logging.LogRecord) -> bool:
    """Bolt reads SLACK_BOT_TOKEN itself, then warns that our client's token wins: expected."""
    return "will be unused" not in record.getMessage()


def _bolt_logger() -> logging.Logger:
    bolt_logger = logging.getLogger("slack_bolt.keyhelp")
    bolt_logger.addFilter(_token_warning)  # the same function is added only once
    skip_debug_formatting(bolt_logger)
    return bolt_logger


def build_bot(*, settings: SlackSettings, backend: Backend | None = None,
              client: WebClient | None = None, max_workers: int = 4,
              retry_backoff: float = 0.5, job_retry: float = 5.0) -> SlackBot:
    """Wire settings → client, store, workers, conversations and the Bolt app."""
    quiet_sdk_loggers()
    if backend is None:  # the shipped orchestrator (rules from KEYHELP_RULES)
        from bot.channels.slack.orchestrator import OrchestratorBackend

        backend = OrchestratorBackend.load(settings=settings)
    if settings.default_lang and settings.default_lang not in backend.languages:
        raise SettingsError(
            f"KEYHELP_LANG is malformed: {settings.default_lang!r} is not one of "
            f"{', '.join(backend.languages)} (the languages in the rules file)"
        )
    client = client or make_client(token=settings.bot_token, base_url=settings.api_url,
                                   backoff=retry_backoff)
    skip_debug_formatting(client.logger)
    store = open_state(settings)
    workers = KeyedWorkers(max_workers=max_workers)
    screenshots = _screenshots(backend, settings)
    conversations = Conversations(backend=backend, client=client, store=store, workers=workers,
                                  settings=settings, screenshots=screenshots,
                                  job_retry=job_retry)
    app = App(
        client=client,
        signing_secret=settings.signing_secret or "",
        request_verification_enabled=settings.signing_secret is not None,
        token_verification_enabled=False,  # no network at start-up; auth.test on first request
        process_before_response=True,  # listeners only ack and enqueue; see workers.py
        before_authorize=dedupe_middleware(store),
        ignoring_self_events_enabled=False,  # before_authorize drops every bot's messages
        attaching_function_token_enabled=False,  # no Slack workflow functions here
        logger=_bolt_logger(),
    )
    direct = register(app, conversations=conversations, settings=settings)
    return SlackBot(app=app, client=client, store=store, workers=workers,
                    conversations=conversations, screenshots=screenshots, direct=direct)


def _screenshots(backend: Backend, settings: SlackSettings) -> SlackScreenshots | None:
    """Shared images are read with the shipped orchestrator (KEYHELP_OCR_*, …_IMAGE_MAX_MB)."""
    from bot.channels.slack.orchestrator import OrchestratorBackend
    from bot.understand.image.settings import OcrSettings

    if not isinstance(backend, OrchestratorBackend):
        return None
    try:
        ocr = OcrSettings.from_env()
    except ValueError as err:
        raise SettingsError(str(err)) from None
    return SlackScreenshots.build(backend=backend, token=settings.bot_token,
                                  api_url=settings.api_url, settings=ocr)
