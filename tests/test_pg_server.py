"""The test PostgreSQL server is real: it answers SQL, and each test gets its own database."""

from __future__ import annotations

import psycopg


def test_each_test_gets_an_empty_database_of_its_own(postgres_url, postgres_server):
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("select current_database()").fetchone()[0] != "keyhelp"
        tables = conn.execute("select count(*) from information_schema.tables "
                              "where table_schema = 'public'").fetchone()[0]
        assert tables == 0
        assert conn.execute("show server_version").fetchone()[0].split(".")[0] >= "15"
