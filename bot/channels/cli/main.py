"""The `keyhelp` command. Subcommands load lazily so each imports only what it needs.

Example::

    keyhelp rules check
    keyhelp classify "このプロダクト キーは有効ではありません"

Only the standard library's argparse is used: a CLI framework would cost more start-up time than
`keyhelp diagnose` spends on its own work. Each subcommand module builds its own parser.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import NoReturn

# name -> ("module:function", summary); a subcommand's module is imported only when it runs.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "chat": ("bot.channels.cli.chat:chat",
             "Talk to keyhelp in the terminal; answers can also be piped on stdin."),
    "classify": ("bot.channels.cli.classify:classify",
                 "Tell which intent a message is about (answer / clarify / unknown), as JSON."),
    "eval": ("bot.channels.cli.evaluate:evaluate",
             "Score the rules on a labelled JSON-lines file (the four figures) and list misses."),
    "diagnose": ("bot.channels.cli.chat:diagnose",
                 "Recognise one message and print the first question or remedy."),
    "rules": ("bot.channels.cli.rules:rules", "Check, show and draw the rules file."),
    "stats": ("bot.channels.cli.stats:stats",
              "What keyhelp did: outcomes per error, misses, trends (table, JSON or HTML)."),
    "slack": ("bot.channels.cli.slack:slack", "Run the Slack bot (over HTTP or Socket Mode)."),
    "web": ("bot.channels.cli.web:web", "Run the self-service web page (waitress)."),
    "db": ("bot.channels.cli.db:db",
           "Create or update the tables of the shared PostgreSQL database (KEYHELP_DATABASE_URL)."),
}


class CliError(Exception):
    """A failure the user can fix (bad setting, unreadable file): one ``Error:`` line, exit 1."""


class _Version(argparse.Action):
    """``--version``; importlib.metadata is imported only when asked, it is slow to load."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        from importlib.metadata import version

        print(f"keyhelp, version {version('keyhelp')}")
        parser.exit()


def file_path(value: str) -> str:
    """An argparse type for a file that may not exist yet but must not be a directory."""
    if os.path.isdir(value):
        raise argparse.ArgumentTypeError(f"'{value}' is a directory")
    return value


def add_rules_option(parser: argparse.ArgumentParser) -> None:
    """``--rules FILE``, the same for every command that reads the rules."""
    parser.add_argument("--rules", metavar="FILE", type=file_path,
                        help="Rules file (default: $KEYHELP_RULES, else the user file "
                             "~/.config/keyhelp/rules.yaml if there is one, else the shipped "
                             "rules; `keyhelp rules path` says which).")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keyhelp",
        description="keyhelp: troubleshoot Microsoft product-key redemption errors (Intune, EMS).",
        epilog="Run 'keyhelp COMMAND --help' for a command's options.")
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND",
                                     required=True)
    for name, (_, summary) in SUBCOMMANDS.items():
        # placeholders for help and choice checking; the real parser is in the command's module
        commands.add_parser(name, help=summary, add_help=False)
    return parser


def _tolerant_streams() -> None:
    """Undecodable input bytes and unprintable output characters become replacement marks.

    A terminal whose encoding cannot show Japanese, or stdin holding bytes that are not text,
    must still get an answer rather than a UnicodeError traceback.
    """
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")



def run() -> NoReturn:
    """The ``keyhelp`` command."""
    sys.exit(main())


def main(argv: list[str] | None = None) -> int | None:
    """Run one subcommand; its return value (or 1 after a ``CliError``) is the exit status."""
    return _run(sys.argv[1:] if argv is None else argv)


def _run(args: list[str]) -> int | None:
    _tolerant_streams()
    # a known command goes straight to its module; the top-level parser (help, version,
    # usage errors) is built only when needed: it costs milliseconds a one-shot need not pay
    command = args[0] if args and args[0] in SUBCOMMANDS else _parser().parse_args(args[:1]).command
    module_name, function = SUBCOMMANDS[command][0].split(":")
    entry = getattr(importlib.import_module(module_name), function)
    try:
        return entry(args[1:])
    except CliError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nAborted!", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (`keyhelp rules graph | head`): stop quietly, as in a pipeline.
        # stdout is pointed at /dev/null so the interpreter's final flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
