"""The shared PostgreSQL plumbing: migrations run once even when instances start together,
a lost server is retried then reported without its password, health follows reachability."""

from __future__ import annotations

import threading

import psycopg
import pytest

from bot.postgres import Database, DatabaseUnavailable, migrate, redact

STEPS = ("CREATE TABLE things (id INTEGER PRIMARY KEY)",
         "ALTER TABLE things ADD COLUMN name TEXT")


def test_redact_hides_the_password_only():
    assert redact("postgresql://kh:s3cret@db:5432/kh") == "postgresql://kh:***@db:5432/kh"
    assert redact("postgresql://kh@db/kh") == "postgresql://kh@db/kh"


def test_migrations_apply_each_step_once_and_later_steps_later(postgres_url):
    db = Database(postgres_url)
    try:
        assert migrate(db, "things", STEPS[:1]) == 1
        assert migrate(db, "things", STEPS) == 2  # an added step is applied on the next start
        assert migrate(db, "things", STEPS) == 2  # idempotent
        with psycopg.connect(postgres_url) as conn:
            columns = {r[0] for r in conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'things'")}
        assert columns == {"id", "name"}
    finally:
        db.close()


def test_instances_starting_together_migrate_once(postgres_url):
    databases = [Database(postgres_url) for _ in range(4)]
    barrier = threading.Barrier(len(databases))
    results: list[int] = []
    errors: list[BaseException] = []

    def start(db: Database) -> None:
        barrier.wait()
        try:
            results.append(migrate(db, "things", STEPS))
        except BaseException as err:  # collected: a failed start must fail the test
            errors.append(err)

    threads = [threading.Thread(target=start, args=(db,)) for db in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for db in databases:
        db.close()
    assert not errors and results == [2, 2, 2, 2]


def test_an_unreachable_database_is_one_message_without_the_password():
    with pytest.raises(DatabaseUnavailable) as caught:
        Database("postgresql://kh:s3cret@127.0.0.1:9/kh?connect_timeout=1", open_timeout=1.5)
    assert "s3cret" not in str(caught.value) and "KEYHELP_DATABASE_URL" in str(caught.value)


def test_a_lost_server_is_retried_with_backoff_then_reported(postgres_url):
    waits: list[float] = []
    db = Database(postgres_url, attempts=3, backoff=0.1, sleep=waits.append)

    def broken(conn):
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    try:
        with pytest.raises(DatabaseUnavailable):
            db.run(broken)
        assert waits == [0.1, 0.2] and db.healthy is False
        assert db.check() is True and db.healthy is True  # reachable again: healthy
    finally:
        db.close()
