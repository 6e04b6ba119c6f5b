"""KEYHELP_DATABASE_URL at the command line: a malformed or unreachable database stops every
command with one ``Error:`` line naming the variable, never the password; ``keyhelp db
migrate`` brings the shared database's tables up to date, once however often it runs."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.test_chat_cli import env_for

SERVERS = {  # the command and what else it needs to get as far as its database
    "chat": (["chat"], {}),
    "slack serve": (["slack", "serve", "--port", "0"],
                    {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "0123456789abcdef0"}),
    "web serve": (["web", "serve", "--port", "0"],
                  {"KEYHELP_WEB_SECRET": "s" * 40}),
    "db migrate": (["db", "migrate"], {}),
    "stats": (["stats"], {}),
}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once closed


def _run(tmp_path: Path, args: list[str], **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "bot", *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env_for(tmp_path, **env))


@pytest.mark.parametrize("url", ["mysql://kh:s3cret@db/kh", "postgresql://kh:s3cret@db:port/kh",
                                 "postgresql://kh:s3cret@/kh"])
def test_a_malformed_database_url_is_one_error_line_without_the_password(tmp_path, url):
    done = _run(tmp_path, ["chat"], KEYHELP_DATABASE_URL=url)
    out, err = done.communicate(timeout=60)
    assert done.returncode == 1
    assert err.startswith("Error: KEYHELP_DATABASE_URL must be a PostgreSQL URL")
    assert err.count("\n") == 1 and "s3cret" not in err + out and "kh:***@" in err


def test_an_unreachable_database_stops_every_command_with_one_line(tmp_path):
    url = f"postgresql://kh:s3cret@127.0.0.1:{_closed_port()}/kh"
    running = {name: _run(tmp_path / name.replace(" ", "-"), args, KEYHELP_DATABASE_URL=url,
                          **more)
               for name, (args, more) in SERVERS.items()}  # at once: each waits for it
    for name, process in running.items():
        out, err = process.communicate(timeout=120)
        assert process.returncode == 1, (name, err)
        assert err.strip().splitlines() == [
            f"Error: cannot reach the database {url.replace('s3cret', '***')} "
            "(KEYHELP_DATABASE_URL)"], name
        assert "s3cret" not in out


def test_db_migrate_creates_every_table_once(tmp_path, postgres_url):
    runs = [_run(tmp_path, ["db", "migrate"], KEYHELP_DATABASE_URL=postgres_url)
            for _ in range(3)]  # three at once, as instances starting together would
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    for out, _ in outputs:
        assert sorted(out.splitlines()) == [
            "analytics: schema version 2", "conversations: schema version 1",
            "slack: schema version 1", "web: schema version 1"]
    with psycopg.connect(postgres_url) as conn:
        tables = {row[0] for row in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}
    assert {"conversations", "cases", "slack_jobs", "slack_sequences", "web_turns",
            "keyhelp_schema"} <= tables


def test_db_migrate_without_a_database_url_says_there_is_nothing_to_do(tmp_path):
    done = _run(tmp_path, ["db", "migrate"])
    out, _ = done.communicate(timeout=60)
    assert done.returncode == 0 and "nothing to migrate" in out
