"""The production wiring of the web page: settings in, a ready WSGI application out."""

from __future__ import annotations

import time

from bot.analytics.stats import figures
from bot.analytics.store import recorder_for
from bot.channels.web.admin import AdminReport
from bot.channels.web.app import WebApp
from bot.channels.web.handoff import SlackChannel, Webhook
from bot.channels.web.images import WebScreenshots
from bot.channels.web.limits import RateLimiter
from bot.channels.web.pages import Pages
from bot.channels.web.session import Sessions
from bot.channels.web.settings import WebSettings
from bot.channels.web.store import open_web_store
from bot.channels.web.turns import WebConversations
from bot.dialogue.assistant import Assistant
from bot.render.renderer import Renderer, default_renderer


def build_app(settings: WebSettings, *, renderer: Renderer | None = None,
              webhook_backoff: float = 0.5) -> WebApp:
    """Rules, stores, templates and hand-off targets as configured (see WebSettings)."""
    renderer = renderer or default_renderer()
    keyhelp = settings.keyhelp
    # a long-running server: the first Japanese typo should not wait for the kana dictionary
    recorder = recorder_for(keyhelp, channel="web", clock=time.time)
    assistant = Assistant.from_settings(keyhelp, warm=True, observer=recorder)
    admin = None
    if settings.admin_token:
        def report(since: float, now: float) -> dict:
            return figures(recorder.store, since=since, now=now,
                           idle_seconds=keyhelp.idle_seconds)

        admin = AdminReport(token=settings.admin_token, figures=report)
    store = open_web_store(keyhelp, settings.db_path)
    webhook = None
    if settings.webhook_url and settings.webhook_secret:
        webhook = Webhook(url=settings.webhook_url, secret=settings.webhook_secret,
                          backoff=webhook_backoff)
    slack = SlackChannel(target=settings.slack) if settings.slack else None
    pages = Pages(renderer=renderer)
    images = WebScreenshots.build(settings.ocr)
    conversations = WebConversations(assistant=assistant, renderer=renderer, pages=pages,
                                     store=store, webhook=webhook, slack=slack, images=images)
    return WebApp(conversations=conversations, pages=pages,
                  sessions=Sessions(secret=settings.secret, max_age=keyhelp.idle_seconds),
                  limiter=RateLimiter(per_minute=settings.rate_per_minute),
                  max_bytes=settings.max_bytes, static_dir=renderer.templates / "web" / "static",
                  admin=admin,
                  upload_bytes=settings.upload_bytes if images.reader else settings.max_bytes)
