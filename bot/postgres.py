"""PostgreSQL for several keyhelp instances: one pool, versioned migrations, bounded retries.

``KEYHELP_DATABASE_URL=postgresql://USER@HOST:PORT/DB`` switches every store to PostgreSQL
(psycopg 3 with psycopg_pool). Each store names its own schema steps; ``migrate`` applies the
missing ones under an advisory lock, so two instances starting at once migrate once. A lost
connection is retried with backoff and logged; while it lasts ``Database.healthy`` is false
(``/healthz`` answers 503). Passwords never reach a message: see ``redact``.
"""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from bot.config import DATABASE_ENV, DatabaseUnavailable

if TYPE_CHECKING:
    from psycopg import Connection

logger = logging.getLogger("keyhelp.postgres")
T = TypeVar("T")
URL_ENV = DATABASE_ENV
__all__ = ["URL_ENV", "Database", "DatabaseUnavailable", "OnSharedPool", "acquire", "migrate",
           "open_shared", "redact", "release"]
MIGRATION_LOCK = zlib.crc32(b"keyhelp:migrate")  # one advisory lock key for every migration
_shared: dict[str, tuple[Database, int]] = {}  # url -> (its pool, how many stores use it)
_shared_lock = threading.Lock()


def redact(url: str) -> str:
    """The URL with any password replaced, safe for logs and error lines."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class Database:
    """A connection pool plus the retry rule every store uses."""

    def __init__(self, url: str, *, max_size: int = 16, attempts: int = 5,
                 backoff: float = 0.2, open_timeout: float = 10.0, wait: float = 3.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        try:
            from psycopg_pool import ConnectionPool
        except ImportError:
            raise DatabaseUnavailable(f"{URL_ENV} is set, but PostgreSQL support is not "
                                      "installed: pip install 'keyhelp[postgres]'") from None

        # its warnings repeat for every attempt what ``run`` logs once per retry, and would
        # reach the terminal of a command that configured no logging
        logging.getLogger("psycopg.pool").setLevel(logging.ERROR)
        self.url = url
        self.attempts = attempts
        self.backoff = backoff
        self.wait = wait  # for a connection from the pool, per attempt
        self.sleep = sleep
        self.healthy = True
        self._lock = threading.Lock()
        self.pool = ConnectionPool(url, min_size=1, max_size=max_size, open=False,
                                   kwargs={"autocommit": True},
                                   check=ConnectionPool.check_connection)
        try:
            self.pool.open(wait=True, timeout=open_timeout)
        except Exception as err:  # psycopg_pool.PoolTimeout, OperationalError
            self.pool.close()
            raise DatabaseUnavailable(f"cannot reach the database {redact(url)} "
                                      f"({URL_ENV})") from err

    def run(self, work: Callable[[Connection], T]) -> T:
        """``work(connection)``; a lost connection is retried with backoff, then raised."""
        import psycopg

        delay = self.backoff
        for attempt in range(1, self.attempts + 1):
            try:
                with self.pool.connection(timeout=self.wait) as conn:
                    result = work(conn)
                self._set_healthy(True)
                return result
            except (psycopg.OperationalError, psycopg.InterfaceError) as err:  # PoolTimeout too
                self._set_healthy(False)
                if attempt == self.attempts:
                    raise DatabaseUnavailable(f"lost the database {redact(self.url)} "
                                              f"({URL_ENV}): {type(err).__name__}") from err
                logger.warning("database unavailable (%s), retry %d of %d in %.1f s",
                               type(err).__name__, attempt, self.attempts - 1, delay)
                self.sleep(delay)
                delay = min(delay * 2, 5.0)
        raise AssertionError("unreachable")

    def _set_healthy(self, healthy: bool) -> None:
        with self._lock:
            if healthy and not self.healthy:
                logger.warning("database %s reachable again", redact(self.url))
            elif self.healthy and not healthy:
                logger.warning("database %s unreachable (%s): /healthz answers 503 until it "
                               "is back", redact(self.url), URL_ENV)
            self.healthy = healthy

    def check(self) -> bool:
        """A cheap probe for health checks: one ``SELECT 1`` (no retries)."""
        try:
            with self.pool.connection(timeout=2) as conn:
                conn.execute("SELECT 1")
            self._set_healthy(True)
        except Exception:  # any failure means unhealthy, whatever the driver raised
            self._set_healthy(False)
        return self.healthy

    def close(self) -> None:
        self.pool.close()


def acquire(url: str) -> Database:
    """This process's one pool for ``url``, opened on first use: every store of a process
    (conversations, analytics, the adapters' state) shares it. Give it back with ``release``."""
    with _shared_lock:
        db, users = _shared.get(url, (None, 0))
        if db is None:
            db = Database(url)
        _shared[url] = (db, users + 1)
        return db


def open_shared(url: str, build: Callable[[Database], T]) -> T:
    """``build(db)`` on this process's pool for ``url``; the pool is given back if it fails."""
    db = acquire(url)
    try:
        return build(db)
    except BaseException:
        release(db)
        raise


class OnSharedPool:
    """What every store on PostgreSQL has in common: healthy while the database answers
    (``/healthz``), and ``close`` gives its pool back (the last user closes it)."""

    db: Database

    def healthy(self) -> bool:
        return self.db.check()

    def close(self) -> None:
        release(self.db)


def release(db: Database) -> None:
    """One user less of an ``acquire``d pool; the last one closes it. A pool that was not
    acquired belongs to whoever made it, and is left open."""
    with _shared_lock:
        found = _shared.get(db.url)
        if found is None or found[0] is not db:
            return
        if found[1] > 1:
            _shared[db.url] = (db, found[1] - 1)
            return
        del _shared[db.url]
    db.close()


def migrate(db: Database, component: str, steps: Sequence[str]) -> int:
    """Apply ``steps[version:]`` of ``component``'s schema; the new version.

    Under one transaction-scoped advisory lock, so instances starting together wait for
    each other and each step runs exactly once. Steps are never edited, only added.
    """

    def apply(conn: Any) -> int:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS keyhelp_schema ("
                         "component TEXT PRIMARY KEY, version INTEGER NOT NULL)")
            row = conn.execute("SELECT version FROM keyhelp_schema WHERE component = %s",
                               (component,)).fetchone()
            version = row[0] if row else 0
            for step in steps[version:]:
                conn.execute(step)
            if len(steps) > version:
                conn.execute("INSERT INTO keyhelp_schema (component, version) VALUES (%s, %s) "
                             "ON CONFLICT (component) DO UPDATE SET version = excluded.version",
                             (component, len(steps)))
            return max(version, len(steps))

    return db.run(apply)
