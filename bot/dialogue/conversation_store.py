"""Where conversations are kept: the one interface the dialogue core uses (``ConversationStore``).

``bot/dialogue/store.py`` implements it on an embedded SQLite file, and
``bot/dialogue/postgres_store.py`` on the PostgreSQL database several instances share
(``KEYHELP_DATABASE_URL``), with the same statements; ``open_store`` picks one, and
``tests/test_store_contract.py`` runs every promise below against both.

Several processes may take turns on one conversation at once. No lock is held across a turn:
``save`` is a compare-and-swap on the version the conversation was loaded at, so of two turns
taken from the same version only the first is stored, and the other is taken again on the
conversation as the winner left it (bot/dialogue/assistant.py). Expiry is part of the
contract: a conversation idle longer than the store's ``idle_seconds`` (``KEYHELP_IDLE_HOURS``)
no longer exists for ``load`` or ``history``, and its id may be taken by a new one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.dialogue.conversation import Conversation
    from bot.sql import Unit


@runtime_checkable
class ConversationStore(Protocol):
    """Conversations by id, each stored with a version that every save moves on."""

    def load(self, conversation_id: str) -> Conversation | None:
        """The conversation with ``version`` set to the stored one; None when unknown or idle
        past the expiry."""

    def save(self, conversation: Conversation, *,
             joining: Callable[[Unit], None] | None = None) -> bool:
        """Compare-and-swap: store ``conversation`` only if the stored version is still
        ``conversation.version`` (0: none is stored, or only an expired one), then set
        ``conversation.version`` to the version now stored and return True. False: another
        writer saved first; nothing was written, and the caller reloads and takes its turn
        again.

        ``joining(unit)`` is run first, inside the save's transaction: what another store on
        the same database writes on ``unit`` (the turn's analytics), and what it changes on
        ``conversation``, is committed with the save, or, when the save loses, not at all."""

    def history(self, conversation_id: str) -> list[tuple[str, str]]:
        """The transcript kept for the conversation, ``(role, text)`` oldest first (user text
        with keys masked): what an escalation summary shows. Empty when unknown or expired."""

    def purge_expired(self) -> int:
        """Delete every conversation idle past the expiry; how many went."""

    def count(self) -> int:
        """How many conversations are stored (expired ones not yet purged included)."""

    def close(self) -> None:
        """Release the connection; the store is not used again."""


def open_store(settings: Settings, *, clock: Callable[[], float] = time.time
               ) -> ConversationStore:
    """The store the settings name: PostgreSQL at ``KEYHELP_DATABASE_URL`` when it is set
    (``bot.postgres.DatabaseUnavailable`` when it cannot be reached), else the SQLite file at
    ``KEYHELP_DB``."""
    if settings.database_url:
        from bot.dialogue.postgres_store import PostgresStore
        from bot.postgres import open_shared

        return open_shared(settings.database_url, lambda db: PostgresStore(
            db=db, idle_seconds=settings.idle_seconds, clock=clock))
    from bot.dialogue.store import SqliteStore  # here: `keyhelp diagnose` opens no store

    return SqliteStore(path=settings.db_path, idle_seconds=settings.idle_seconds, clock=clock)
