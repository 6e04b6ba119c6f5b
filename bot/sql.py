"""One set of SQL for SQLite and PostgreSQL: a runner executes it on either database.

Stores write their statements once, with ``?`` placeholders and SQL both databases speak
(``ON CONFLICT … DO UPDATE … WHERE``, ``RETURNING``, partial indexes), and hold a runner:
``SqliteRunner`` (one connection shared under a lock, the embedded default) or
``PostgresRunner`` (the pool of ``bot/postgres.py``, where ``?`` becomes psycopg's ``%s`` and
a lost connection is retried). Only schemas differ in how they are applied: a SQLite file
gets its tables when opened, PostgreSQL gets versioned migrations (``bot.postgres.migrate``).

A transaction one store opens can be joined by another store on the same database: it is
handed a ``Unit`` (the transaction's statements and the database's name), and runs its own
statements on ``unit.sql`` when the names match (a conversation's save and the analytics of
its turn commit together, bot/dialogue/store.py).

Example::

    sql = SqliteRunner(open_database(path, SCHEMA))
    rows = sql.rows("SELECT lang FROM slack_user_lang WHERE user_id = ?", (user,))
    seq = sql.transaction(lambda tx: tx.rows("UPDATE … RETURNING seq", (…,))[0][0])
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    import sqlite3

    from bot.postgres import Database

T = TypeVar("T")
Params = Sequence[Any]


class Sql(Protocol):
    """What a store runs its statements through; ``transaction`` gives one that is atomic."""

    def rows(self, sql: str, params: Params = ()) -> list[tuple]:
        """The rows a statement returns (a SELECT, or a change with RETURNING)."""

    def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement that returns no rows; how many rows it changed."""

    def transaction(self, work: Callable[[Sql], T]) -> T:
        """``work(tx)`` with every statement on ``tx`` committed together, or none."""


@dataclass(frozen=True, slots=True)
class Unit:
    """A transaction under way that stores on the same database join: what they run on
    ``sql`` is committed with it, or rolled back with it."""

    database: str | None  # which database (``joins``); None: joined by nobody
    sql: Sql

    def joins(self, database: str | None) -> bool:
        """Whether a store on ``database`` runs its statements inside this transaction."""
        return self.database is not None and self.database == database


class _SqliteOps:
    """Statements on a SQLite connection; the caller holds the runner's lock."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def rows(self, sql: str, params: Params = ()) -> list[tuple]:
        return self.db.execute(sql, params).fetchall()

    def execute(self, sql: str, params: Params = ()) -> int:
        return self.db.execute(sql, params).rowcount

    def transaction(self, work: Callable[[Sql], T]) -> T:
        return work(self)  # already inside one


class SqliteRunner:
    """A SQLite connection shared between threads: each call holds the lock (calls are short)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._ops = _SqliteOps(db)
        self._lock = threading.Lock()

    def rows(self, sql: str, params: Params = ()) -> list[tuple]:
        with self._lock:
            return self._ops.rows(sql, params)

    def execute(self, sql: str, params: Params = ()) -> int:
        with self._lock:
            return self._ops.execute(sql, params)

    def transaction(self, work: Callable[[Sql], T]) -> T:
        """BEGIN IMMEDIATE: the write lock is taken first, so two processes never deadlock."""
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                result = work(self._ops)
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
            return result

    def close(self) -> None:
        with self._lock:
            self.db.close()


@functools.lru_cache(maxsize=512)
def _psycopg(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s`` (the statements hold no ``%`` or literal ``?``)."""
    return sql.replace("?", "%s")


class _PostgresOps:
    """Statements on one psycopg connection (inside ``Database.run``)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def rows(self, sql: str, params: Params = ()) -> list[tuple]:
        return self.conn.execute(_psycopg(sql), params).fetchall()

    def execute(self, sql: str, params: Params = ()) -> int:
        return self.conn.execute(_psycopg(sql), params).rowcount

    def transaction(self, work: Callable[[Sql], T]) -> T:
        return work(self)


class PostgresRunner:
    """Statements on the pool; a lost connection is retried with backoff (``Database.run``).

    A statement, or a whole transaction, is retried as one, from the start. A connection lost
    while a commit's answer was on its way may have committed all the same: the statements
    are written so that running them again is harmless (conflicts are ignored, saves compare
    and swap).
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    def rows(self, sql: str, params: Params = ()) -> list[tuple]:
        return self.db.run(lambda conn: _PostgresOps(conn).rows(sql, params))

    def execute(self, sql: str, params: Params = ()) -> int:
        return self.db.run(lambda conn: _PostgresOps(conn).execute(sql, params))

    def transaction(self, work: Callable[[Sql], T]) -> T:
        def atomic(conn: Any) -> T:
            with conn.transaction():
                return work(_PostgresOps(conn))

        return self.db.run(atomic)
