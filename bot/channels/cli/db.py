"""``keyhelp db migrate``: create or update the tables of the database several instances share.

Example::

    KEYHELP_DATABASE_URL=postgresql://keyhelp@db.internal:5432/keyhelp keyhelp db migrate

Every instance also migrates at start-up, under one advisory lock (bot/postgres.py), so this
command is for running the migration before a deployment rather than with it. Without
``KEYHELP_DATABASE_URL`` there is nothing to migrate: the SQLite files get their tables when
first opened.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from bot.channels.cli.main import CliError


def components() -> dict[str, Sequence[str]]:
    """Every store's schema steps, by the component name its version is kept under."""
    from bot.analytics.store import POSTGRES_STEPS as ANALYTICS
    from bot.channels.slack.store import POSTGRES_STEPS as SLACK
    from bot.channels.web.store import POSTGRES_STEPS as WEB
    from bot.dialogue.postgres_store import COMPONENT, POSTGRES_STEPS

    return {COMPONENT: POSTGRES_STEPS, "analytics": ANALYTICS, "slack": SLACK, "web": WEB}


def db(argv: list[str]) -> int:
    """`keyhelp db migrate`: print each component's schema version once it is up to date."""
    parser = argparse.ArgumentParser(
        prog="keyhelp db",
        description="The database keyhelp keeps its state in (KEYHELP_DATABASE_URL).")
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND",
                                     required=True)
    summary = ("Create or update every table on the PostgreSQL database KEYHELP_DATABASE_URL "
               "names (safe to run while instances start).")
    commands.add_parser("migrate", help=summary, description=summary)
    parser.parse_args(argv)
    from bot.config import DatabaseUnavailable, SettingError, Settings

    try:
        settings = Settings.from_env()
    except SettingError as err:
        raise CliError(str(err)) from None
    if not settings.database_url:
        print("KEYHELP_DATABASE_URL is not set: the SQLite files beside KEYHELP_DB get their "
              "tables when first opened; nothing to migrate")
        return 0
    from bot.postgres import Database, migrate

    try:
        database = Database(settings.database_url)
    except DatabaseUnavailable as err:
        raise CliError(str(err)) from None
    try:
        for component, steps in components().items():
            print(f"{component}: schema version {migrate(database, component, steps)}")
    except DatabaseUnavailable as err:
        raise CliError(str(err)) from None
    finally:
        database.close()
    return 0
