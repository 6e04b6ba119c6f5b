"""``keyhelp slack``: run the Slack bot over HTTP (``serve``) or Socket Mode (``socket``).

Example::

    SLACK_BOT_TOKEN=xoxb-… SLACK_SIGNING_SECRET=… keyhelp slack serve --port 3000
    SLACK_BOT_TOKEN=xoxb-… SLACK_APP_TOKEN=xapp-… keyhelp slack socket
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.channels.cli.main import CliError

if TYPE_CHECKING:
    from bot.channels.slack.app import SlackBot
    from bot.channels.slack.settings import SlackSettings

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
    """Settings and the bot; a bad setting becomes one ``Error:`` line, not a traceback.

    Both databases are checked writable here (a read-only one is named with KEYHELP_DB), so
    a server never starts only to fail at its first turn.
    """
    from bot.channels.cli.startup import unusable_file
    from bot.channels.slack.app import build_bot
    from bot.channels.slack.settings import SettingsError, SlackSettings
    from bot.config import DatabaseUnavailable, SettingError

    try:
        settings = SlackSettings.from_env(mode=mode)
    except SettingsError as err:
        raise CliError(str(err)) from None
    try:
        return settings, build_bot(settings=settings)
    except (SettingsError, SettingError, DatabaseUnavailable) as err:
        raise CliError(str(err)) from None
    except OSError as err:  # unreadable rules file or database: which, and its variable
        raise unusable_file(err, settings.keyhelp, more={
            settings.db_path: f"the Slack adapter's store {settings.db_path} "
                              "(beside KEYHELP_DB)"}) from None
    except ValueError as err:
        raise CliError(f"cannot start: {err}") from None


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def _int_range(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: an integer in ``low..high``, else a message naming the range."""

    def convert(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{value}' is not a valid integer") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{number} is not in the range {low}..{high}")
        return number

    return convert


def slack(argv: list[str]) -> None:
    """`keyhelp slack serve|socket`: the two ways Slack can reach the bot."""
    parser = argparse.ArgumentParser(
        prog="keyhelp slack",
        description="Run the Slack bot (settings from SLACK_* and KEYHELP_* environment "
                    "variables).")
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND",
                                     required=True)
    verbose_help = "Debug logging (payloads are never logged)."

    summary = "HTTP mode: events, commands and interactivity on /slack/events (waitress)."
    serve_parser = commands.add_parser("serve", help=summary, description=summary)
    serve_parser.add_argument("--port", metavar="N", type=_int_range(0, 65535), default=3000,
                              help="Port for /slack/events and /healthz "
                                   "(default: %(default)s; 0..65535).")
    serve_parser.add_argument("--host", default="127.0.0.1",
                              help="Interface to listen on (default: %(default)s, loopback: "
                                   "run it behind a TLS proxy; 0.0.0.0 for every interface).")
    serve_parser.add_argument("--threads", metavar="N", type=_int_range(1, 256), default=4,
                              help="HTTP worker threads (default: %(default)s; 1..256).")
    serve_parser.add_argument("-v", "--verbose", action="store_true", help=verbose_help)

    summary = "Socket Mode: connect out to Slack over a websocket (no public URL needed)."
    socket_parser = commands.add_parser("socket", help=summary, description=summary)
    socket_parser.add_argument("-v", "--verbose", action="store_true", help=verbose_help)

    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(port=args.port, host=args.host, threads=args.threads, verbose=args.verbose)
    else:
        socket(verbose=args.verbose)


def serve(*, port: int, host: str, threads: int, verbose: bool) -> None:
    """HTTP mode: events, commands and interactivity on /slack/events (waitress)."""
    _configure_logging(verbose)
    # Threads waiting on sockets and SQLite get the GIL back sooner than the default 5 ms:
    # acks and short turns stop queueing behind a long one (measured: benchmarks/slack.py).
    sys.setswitchinterval(SWITCH_INTERVAL)
    settings, bot = _build("http")
    from bot.channels.slack.server import HttpServer, SlackWsgi

    wsgi = SlackWsgi(app=bot.app, signing_secret=settings.signing_secret, health=bot.health,
                     direct=bot.direct)
    try:
        server = HttpServer(wsgi=wsgi, host=host, port=port, threads=threads)
    except OSError as err:
        raise CliError(f"cannot listen on {host}:{port}: {err.strerror}") from None
    signal.signal(signal.SIGTERM, _interrupt)  # waitress stops cleanly on KeyboardInterrupt
    print(f"keyhelp: listening on http://{host}:{server.port}/slack/events", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        bot.close()
    print("keyhelp: stopped", file=sys.stderr)


def socket(*, verbose: bool) -> None:
    """Socket Mode: connect out to Slack over a websocket (no public URL needed)."""
    _configure_logging(verbose)
    settings, bot = _build("socket")
    from bot.channels.slack.delivery import describe
    from bot.channels.slack.socket_mode import SocketRunner

    runner = SocketRunner(bot=bot, app_token=settings.app_token)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        runner.connect()
    except Exception as err:  # any failure to connect is one line for the operator
        bot.close()
        raise CliError(f"cannot connect to Slack: {describe(err)}") from None
    print("keyhelp: connected over Socket Mode", file=sys.stderr)
    try:
        runner.wait()
    except KeyboardInterrupt:
        pass
    finally:
        runner.close()
        bot.close()
    print("keyhelp: stopped", file=sys.stderr)
