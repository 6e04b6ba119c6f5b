"""Settings from the environment: every problem is one clear line, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.channels.cli.main import main
from bot.channels.slack.settings import DEFAULT_API_URL, SettingsError, SlackSettings

GOOD = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99ee",
        "SLACK_APP_TOKEN": "xapp-1-A1-abc", "KEYHELP_DB": "/tmp/kh-settings-test.db"}


def test_defaults_and_lists():
    settings = SlackSettings.from_env(
        GOOD | {"KEYHELP_WATCH_CHANNELS": " C0AAA , G0BBB,", "KEYHELP_SUPPORT_CHANNEL": "C0SUP"},
        mode="http")
    assert settings.api_url == DEFAULT_API_URL
    assert settings.watched_channels == {"C0AAA", "G0BBB"}
    assert settings.support_channel == "C0SUP" and settings.app_token is None
    assert settings.lease_seconds == 15.0
    assert SlackSettings.from_env(GOOD | {"KEYHELP_LEASE_SECONDS": "2.5"},
                                  mode="http").lease_seconds == 2.5


def test_watch_min_confidence_is_a_share_with_a_default():
    assert SlackSettings.from_env(GOOD, mode="http").keyhelp.watch_min_confidence == 0.9943
    chosen = SlackSettings.from_env(GOOD | {"KEYHELP_WATCH_MIN_CONFIDENCE": "0.9"}, mode="http")
    assert chosen.keyhelp.watch_min_confidence == 0.9


def test_api_url_gets_a_trailing_slash():
    settings = SlackSettings.from_env(GOOD | {"SLACK_API_URL": "https://slack-gov.com/api"},
                                      mode="socket")
    assert settings.api_url == "https://slack-gov.com/api/"
    assert settings.signing_secret is None and settings.app_token == "xapp-1-A1-abc"


@pytest.mark.parametrize(("change", "mode", "message"), [
    ({"SLACK_BOT_TOKEN": ""}, "http", "SLACK_BOT_TOKEN is not set"),
    ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "http", "SLACK_BOT_TOKEN is malformed"),
    ({"SLACK_SIGNING_SECRET": ""}, "http", "SLACK_SIGNING_SECRET is not set"),
    ({"SLACK_SIGNING_SECRET": "not a secret!"}, "http", "SLACK_SIGNING_SECRET is malformed"),
    ({"SLACK_APP_TOKEN": ""}, "socket", "SLACK_APP_TOKEN is not set"),
    ({"SLACK_APP_TOKEN": "xoxb-wrong-kind"}, "socket", "SLACK_APP_TOKEN is malformed"),
    ({"SLACK_API_URL": "slack.com/api"}, "http", "SLACK_API_URL is malformed"),
    ({"KEYHELP_SUPPORT_CHANNEL": "#support"}, "http", "KEYHELP_SUPPORT_CHANNEL is malformed"),
    ({"KEYHELP_WATCH_CHANNELS": "C0AAA,general"}, "http", "KEYHELP_WATCH_CHANNELS is malformed"),
    ({"KEYHELP_LANG": "Japanese!"}, "http", "KEYHELP_LANG is malformed"),
    ({"KEYHELP_IDLE_HOURS": "soon"}, "http", "KEYHELP_IDLE_HOURS"),
    ({"KEYHELP_LEASE_SECONDS": "nan"}, "http", "KEYHELP_LEASE_SECONDS is malformed"),
    ({"KEYHELP_LEASE_SECONDS": "0.1"}, "http", "KEYHELP_LEASE_SECONDS is malformed"),
    ({"KEYHELP_DATABASE_URL": "sqlite:///k.db"}, "http", "KEYHELP_DATABASE_URL must be"),
    ({"KEYHELP_WATCH_MIN_CONFIDENCE": "high"}, "http", "KEYHELP_WATCH_MIN_CONFIDENCE"),
    ({"KEYHELP_WATCH_MIN_CONFIDENCE": "1.5"}, "http", "KEYHELP_WATCH_MIN_CONFIDENCE"),
    ({"KEYHELP_WATCH_MIN_CONFIDENCE": "-0.1"}, "http", "KEYHELP_WATCH_MIN_CONFIDENCE"),
    ({"KEYHELP_WATCH_MIN_CONFIDENCE": "nan"}, "socket", "KEYHELP_WATCH_MIN_CONFIDENCE"),
])
def test_problems_name_the_variable(change, mode, message):
    with pytest.raises(SettingsError, match=message):
        SlackSettings.from_env(GOOD | change, mode=mode)


def test_signing_secret_not_needed_in_socket_mode():
    assert SlackSettings.from_env(GOOD | {"SLACK_SIGNING_SECRET": ""}, mode="socket")


@pytest.mark.parametrize("command", ["serve", "socket"])
def test_cli_prints_one_line_without_traceback(command, monkeypatch, capsys):
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert main(["slack", command]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip().splitlines() == [
        "Error: SLACK_BOT_TOKEN is not set: "
        "export the Bot User OAuth Token (xoxb-…) from your Slack app"]


def test_unknown_language_is_one_line(monkeypatch, tmp_path, capsys):
    env = GOOD | {"KEYHELP_LANG": "fr", "KEYHELP_DB": str(tmp_path / "k.db")}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["slack", "serve", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "KEYHELP_LANG" in err and "Traceback" not in err


def test_a_database_file_that_is_not_a_database_is_one_line(monkeypatch, tmp_path, capsys):
    corrupt = tmp_path / "k.db"
    corrupt.write_bytes(b"this is not SQLite" * 100)
    for name, value in (GOOD | {"KEYHELP_DB": str(corrupt)}).items():
        monkeypatch.setenv(name, value)
    assert main(["slack", "serve", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "not a database" in err and str(corrupt) in err
    assert "Traceback" not in err


def test_slack_is_not_imported_by_the_cli_or_the_core():
    code = ("import sys, bot.channels.cli.main, bot.understand.recognise, bot.dialogue.replies\n"
            "import importlib.util\n"
            "for name in ('bot.dialogue.assistant', 'bot.render.renderer'):\n"
            "    if importlib.util.find_spec(name): importlib.import_module(name)\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('slack_bolt', 'slack_sdk')]\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
