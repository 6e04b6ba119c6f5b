"""Conversations on PostgreSQL (``KEYHELP_DATABASE_URL``): the store several instances share.

The same statements as the SQLite store (``SqlConversations``), so the same promises
(bot/dialogue/conversation_store.py): a save compares and swaps the version, and a turn that
lost the race to another instance is taken again on what that instance stored. The schema is
a versioned migration (bot/postgres.py ``migrate``), applied at start-up and by
``keyhelp db migrate``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.dialogue.store import SCHEMA, SqlConversations
from bot.postgres import OnSharedPool, migrate
from bot.sql import PostgresRunner

if TYPE_CHECKING:
    from bot.postgres import Database

COMPONENT = "conversations"
# schema steps, in order: never edit one, only add (bot/postgres.py migrate)
POSTGRES_STEPS = (SCHEMA,)


class PostgresStore(OnSharedPool, SqlConversations):
    """Conversations in the ``conversations`` table of a shared PostgreSQL database."""

    def __init__(self, *, db: Database, idle_seconds: float = 24 * 3600,
                 clock: Callable[[], float] = time.time) -> None:
        self.db = db
        migrate(db, COMPONENT, POSTGRES_STEPS)
        super().__init__(sql=PostgresRunner(db), idle_seconds=idle_seconds, clock=clock,
                         database=db.url)
