"""``keyhelp web serve``: the self-service diagnosis page, served by waitress.

Example::

    KEYHELP_WEB_SECRET=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))') \\
        keyhelp web serve --port 8080
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys

from bot.channels.cli.main import CliError

SWITCH_INTERVAL = 0.0005  # as `keyhelp slack serve`: short turns do not queue behind a long one


def _bounded(low: int, high: int):
    """An argparse type: an integer in ``low..high``, else a message naming the range."""

    def convert(value: str) -> int:
        if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
            raise argparse.ArgumentTypeError(f"'{value}' is not a whole number in {low}..{high}")
        return int(value)

    return convert


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def web(argv: list[str]) -> None:
    """`keyhelp web serve`: the page on http://HOST:PORT/ (put a TLS proxy in front)."""
    parser = argparse.ArgumentParser(
        prog="keyhelp web",
        description="Run the self-service web page (settings from KEYHELP_WEB_* and "
                    "KEYHELP_* environment variables).")
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND",
                                     required=True)
    summary = "Serve the page, /healthz and its script and stylesheet (waitress)."
    serve_parser = commands.add_parser("serve", help=summary, description=summary)
    serve_parser.add_argument("--port", metavar="N", type=_bounded(0, 65535), default=8080,
                              help="Port (default: %(default)s; 0..65535).")
    serve_parser.add_argument("--host", default="127.0.0.1",
                              help="Interface to listen on (default: %(default)s; the TLS "
                                   "proxy in front reaches it there).")
    serve_parser.add_argument("--threads", metavar="N", type=_bounded(1, 256), default=8,
                              help="HTTP worker threads (default: %(default)s; 1..256).")
    serve_parser.add_argument("--trusted-proxy", metavar="ADDR",
                              help="Address of the proxy in front, whose X-Forwarded-For and "
                                   "X-Forwarded-Proto are believed (e.g. 127.0.0.1).")
    serve_parser.add_argument("--url-prefix", metavar="PATH", default="",
                              help="Path the proxy serves the page under (e.g. /keyhelp).")
    serve_parser.add_argument("--rules", metavar="FILE",
                              help="Rules file (default: $KEYHELP_RULES, else the shipped one).")
    serve_parser.add_argument("-v", "--verbose", action="store_true",
                              help="Debug logging (messages and keys are never logged).")
    args = parser.parse_args(argv)
    serve(args)


def serve(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    sys.setswitchinterval(SWITCH_INTERVAL)
    from bot.channels.web.settings import SettingsError, WebSettings

    try:
        settings = WebSettings.from_env(rules=args.rules)
    except SettingsError as err:
        raise CliError(str(err)) from None
    from bot.channels.web.build import build_app
    from bot.channels.web.server import WebServer
    from bot.config import DatabaseUnavailable
    from bot.knowledge.problems import RulesError

    try:
        app = build_app(settings)
    except RulesError as err:
        raise CliError(f"{err}\n{err.report()}\nFix the rules file (keyhelp rules check) "
                       "and retry.") from None
    except (OSError, ValueError) as err:  # unreadable rules file or database
        raise CliError(f"cannot start: {err}") from None
    except DatabaseUnavailable as err:  # names KEYHELP_DATABASE_URL, without the password
        raise CliError(str(err)) from None
    app.conversations.assistant.watcher.install_sighup()
    try:
        server = WebServer(app=app, host=args.host, port=args.port, threads=args.threads,
                           max_bytes=settings.max_bytes,
                           upload_bytes=app.upload_bytes, memory_bytes=settings.memory_bytes,
                           trusted_proxy=args.trusted_proxy,
                           url_prefix=args.url_prefix)
    except OSError as err:
        app.conversations.close()
        raise CliError(f"cannot listen on {args.host}:{args.port}: {err.strerror}") from None
    signal.signal(signal.SIGTERM, _interrupt)  # waitress stops cleanly on KeyboardInterrupt
    print(f"keyhelp: web page on http://{args.host}:{server.port}{args.url_prefix}/",
          file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        app.conversations.close()
    print("keyhelp: stopped", file=sys.stderr)
