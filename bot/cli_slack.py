"""``keyhelp slack``: run the Slack bot over HTTP (``serve``) or Socket Mode (``socket``).

Example::

    SLACK_BOT_TOKEN=xoxb-… SLACK_SIGNING_SECRET=… keyhelp slack serve --port 3000
    SLACK_BOT_TOKEN=xoxb-… SLACK_APP_TOKEN=xapp-… keyhelp slack socket
"""

from __future__ import annotations

import logging
import signal
import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from bot.slack.app import SlackBot
    from bot.slack.settings import SlackSettings

SWITCH_INTERVAL = 0.0005


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # waitress warns on every request that waits for a thread; under a burst that is a flood
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)


def _build(mode: str) -> tuple[SlackSettings, SlackBot]:
    """Settings and the bot; a bad setting becomes one ``Error:`` line, not a traceback."""
    from bot.slack.app import build_bot
    from bot.slack.settings import SettingsError, SlackSettings

    try:
        settings = SlackSettings.from_env(mode=mode)
        return settings, build_bot(settings=settings)
    except SettingsError as err:
        raise click.ClickException(str(err)) from None
    except (OSError, ValueError) as err:  # unreadable rules file or database
        raise click.ClickException(f"cannot start: {err}") from None


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


@click.group()
def slack() -> None:
    """Run the Slack bot (settings from SLACK_* and KEYHELP_* environment variables)."""


@slack.command()
@click.option("--port", type=click.IntRange(0, 65535), default=3000, show_default=True,
              help="Port for /slack/events and /healthz.")
@click.option("--host", default="0.0.0.0", show_default=True, help="Interface to listen on.")
@click.option("--threads", type=click.IntRange(1, 256), default=4, show_default=True,
              help="HTTP worker threads.")
@click.option("-v", "--verbose", is_flag=True, help="Debug logging (payloads are never logged).")
def serve(port: int, host: str, threads: int, verbose: bool) -> None:
    """HTTP mode: events, commands and interactivity on /slack/events (waitress)."""
    _configure_logging(verbose)
    # Threads waiting on sockets and SQLite get the GIL back sooner than the default 5 ms:
    # acks and short turns stop queueing behind a long one (measured: benchmarks/slack.py).
    sys.setswitchinterval(SWITCH_INTERVAL)
    settings, bot = _build("http")
    from bot.slack.server import HttpServer, SlackWsgi

    wsgi = SlackWsgi(app=bot.app, signing_secret=settings.signing_secret)
    try:
        server = HttpServer(wsgi=wsgi, host=host, port=port, threads=threads)
    except OSError as err:
        raise click.ClickException(f"cannot listen on {host}:{port}: {err.strerror}") from None
    signal.signal(signal.SIGTERM, _interrupt)  # waitress stops cleanly on KeyboardInterrupt
    click.echo(f"keyhelp: listening on http://{host}:{server.port}/slack/events", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        bot.close()
    click.echo("keyhelp: stopped", err=True)


@slack.command()
@click.option("-v", "--verbose", is_flag=True, help="Debug logging (payloads are never logged).")
def socket(verbose: bool) -> None:
    """Socket Mode: connect out to Slack over a websocket (no public URL needed)."""
    _configure_logging(verbose)
    settings, bot = _build("socket")
    from bot.slack.delivery import describe
    from bot.slack.socket_mode import SocketRunner

    runner = SocketRunner(bot=bot, app_token=settings.app_token)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        runner.connect()
    except Exception as err:  # any failure to connect is one line for the operator
        bot.close()
        raise click.ClickException(f"cannot connect to Slack: {describe(err)}") from None
    click.echo("keyhelp: connected over Socket Mode", err=True)
    try:
        runner.wait()
    except KeyboardInterrupt:
        pass
    finally:
        runner.close()
        bot.close()
    click.echo("keyhelp: stopped", err=True)
