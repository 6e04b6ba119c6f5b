"""Start-up and input checks of the commands, as a user meets them: a bad setting or value is
one ``Error:`` line (exit 1), empty input is a usage error (exit 2), never a traceback."""

from __future__ import annotations

import functools
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channels.cli.main import main
from bot.config import IDLE_ENV, SettingError, Settings
from bot.dialogue.store import SqliteStore
from tests.test_chat_cli import EXPIRED_EN, env_for

SLACK_ENV = {"SLACK_BOT_TOKEN": "xoxb-1-test", "SLACK_SIGNING_SECRET": "0123456789abcdef0123"}


def run(tmp_path: Path, *args: str, stdin: str = "", prefix: tuple[str, ...] = (),
        **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*prefix, sys.executable, "-m", "bot", *args], input=stdin,
                          text=True, capture_output=True, env={**env_for(tmp_path), **env},
                          timeout=120)


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single ``Error:`` line a failed start-up printed (and nothing else)."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


# -- settings (issue 9 item 7) --------------------------------------------------------------

def _is_usable_hours(text: str) -> bool:
    try:
        hours = float(text)
    except ValueError:
        return False
    return math.isfinite(hours) and hours > 0 and math.isfinite(hours * 3600)


bad_floats = st.floats(allow_nan=True, allow_infinity=True).filter(
    lambda f: not (math.isfinite(f) and f > 0))


@given(st.one_of(bad_floats.map(repr), bad_floats.map(str),
                 st.sampled_from(["nan", "NaN", "inf", "-inf", "Infinity", "0", "-0", "-1",
                                  "1e309", "soon", "24h", "1,5"]),
                 st.text(min_size=1).filter(lambda t: t.strip() and not _is_usable_hours(t))))
def test_idle_hours_that_are_not_a_positive_finite_number_are_refused(value: str) -> None:
    with pytest.raises(SettingError) as refused:
        Settings.from_env({IDLE_ENV: value})
    message = str(refused.value)
    assert message.startswith(f"{IDLE_ENV} ") and "\n" not in message


@given(st.floats(min_value=1e-3, max_value=1e6))
def test_any_positive_number_of_idle_hours_is_taken(hours: float) -> None:
    assert Settings.from_env({IDLE_ENV: repr(hours)}).idle_seconds == hours * 3600


@pytest.mark.parametrize("command", [["chat"], ["diagnose", EXPIRED_EN]])
@pytest.mark.parametrize("hours", ["nan", "inf", "-2", "0"])
def test_a_command_refuses_unusable_idle_hours_in_one_line(
        tmp_path: Path, command: list[str], hours: str) -> None:
    line = one_error_line(run(tmp_path, *command, KEYHELP_IDLE_HOURS=hours))
    assert IDLE_ENV in line and repr(hours) in line


def slack_serve(tmp_path: Path, *, prefix: tuple[str, ...] = (), **env: str) -> str:
    """The one ``Error:`` line `keyhelp slack serve` stops with (stopped if it serves)."""
    server = subprocess.Popen([*prefix, sys.executable, "-m", "bot", "slack", "serve",
                               "--port", "0"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True,
                              env={**env_for(tmp_path), **SLACK_ENV, **env})
    assert server.stderr is not None
    said = []
    for line in server.stderr:  # until it fails, or says it is serving (the old behaviour)
        said.append(line)
        if "listening on" in line:
            server.terminate()
            break
    server.wait(timeout=60)
    errors = [line for line in said if line.startswith("Error: ")]
    assert server.returncode == 1 and len(errors) == 1, said
    assert not any("Traceback" in line for line in said)
    return errors[0]


def test_slack_refuses_unusable_idle_hours_in_one_line(tmp_path: Path) -> None:
    assert IDLE_ENV in slack_serve(tmp_path, KEYHELP_IDLE_HOURS="nan")


@pytest.mark.parametrize(("args", "env", "named"), [
    (["diagnose", "--lang", "fr", EXPIRED_EN], {}, "--lang"),
    (["diagnose", EXPIRED_EN], {"KEYHELP_LANG": "fr"}, "KEYHELP_LANG"),
    (["chat", "--lang", "fr"], {}, "--lang"),
    (["chat"], {"KEYHELP_LANG": "fr"}, "KEYHELP_LANG"),
])
def test_a_language_the_rules_do_not_have_is_one_line_listing_theirs(
        tmp_path: Path, args: list[str], env: dict[str, str], named: str) -> None:
    line = one_error_line(run(tmp_path, *args, **env))
    assert named in line and "'fr'" in line and "ja, en" in line


# -- a store that cannot be written (issue 9 item 6) ----------------------------------------

@functools.cache
def as_unprivileged() -> tuple[str, ...]:
    """A command prefix under which file permissions apply: root ignores them, so as root
    the command runs in a user namespace of its own (``unshare --user``)."""
    if os.geteuid() != 0:
        return ()
    try:
        subprocess.run(["unshare", "--user", "true"], check=True, capture_output=True,
                       timeout=30)
    except (OSError, subprocess.SubprocessError):
        pytest.skip("running as root without `unshare --user`: permissions cannot be tested")
    return ("unshare", "--user")


def _read_only_store(tmp_path: Path) -> Path:
    """A conversation database a chat has used, that this user may now read but not write."""
    assert run(tmp_path, "chat", stdin="hello\n").returncode == 0
    db = tmp_path / "chat.db"
    db.chmod(0o444)
    return db


def test_chat_on_a_read_only_store_says_so_in_one_line(tmp_path: Path) -> None:
    db = _read_only_store(tmp_path)
    line = one_error_line(run(tmp_path, "chat", stdin="my key has expired\n",
                              prefix=as_unprivileged()))
    assert "KEYHELP_DB" in line and str(db) in line and "read-only" in line


def test_chat_in_a_folder_it_cannot_write_says_so_in_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o555)
    line = one_error_line(run(tmp_path, "chat", KEYHELP_DB=str(folder / "chat.db"),
                              prefix=as_unprivileged()))
    assert "KEYHELP_DB" in line and str(folder / "chat.db") in line


def test_slack_serve_on_a_read_only_store_names_the_variable(tmp_path: Path) -> None:
    db = _read_only_store(tmp_path)
    line = slack_serve(tmp_path, prefix=as_unprivileged())
    assert "KEYHELP_DB" in line and str(db) in line and "read-only" in line


# -- empty text and unknown conversations (issue 9 item 21) ---------------------------------

@given(st.text(alphabet=" \t\n\r\x0b\x0c\u3000\u00a0\u2003", max_size=5))
def test_diagnose_of_empty_or_blank_text_is_a_usage_error(text: str) -> None:
    with pytest.raises(SystemExit) as usage:
        main(["diagnose", text])
    assert usage.value.code == 2


def test_diagnose_of_empty_text_says_what_is_missing(tmp_path: Path) -> None:
    result = run(tmp_path, "diagnose", "")
    assert result.returncode == 2 and result.stdout == ""
    assert "usage: keyhelp diagnose" in result.stderr and "TEXT" in result.stderr
    assert "Traceback" not in result.stderr


def test_chat_with_an_unknown_conversation_id_is_an_error_not_a_new_chat(tmp_path: Path) -> None:
    line = one_error_line(run(tmp_path, "chat", "--conversation", "nope", stdin="hello\n"))
    assert "'nope'" in line
    store = SqliteStore(path=tmp_path / "chat.db")
    try:
        assert store.load("nope") is None and store.count() == 0
    finally:
        store.close()


def test_a_chat_started_without_an_id_can_be_continued_by_the_id_it_prints(
        tmp_path: Path) -> None:
    first = run(tmp_path, "chat", stdin=f"{EXPIRED_EN}\n")
    assert first.returncode == 0, first.stderr
    conversation = first.stderr.split("--conversation ")[1].split(")")[0]
    again = run(tmp_path, "chat", "--conversation", conversation, stdin="1\n")
    assert again.returncode == 0, again.stderr
    assert "Do you have another, newer product key" in again.stdout.split("\n\n")[0]
    assert "Enter the newer key on the redemption page" in again.stdout
