"""Web settings: a missing or bad one is one `Error:` line naming the variable, exit 1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from web_secrets import SECRET

from bot.channels.cli.main import main
from bot.channels.web.settings import SettingsError, WebSettings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("env", "named"), [
    ({}, "KEYHELP_WEB_SECRET is not set"),
    ({"KEYHELP_WEB_SECRET": "too-short"}, "KEYHELP_WEB_SECRET is too short (9 characters)"),
    ({"KEYHELP_HANDOFF_WEBHOOK": "ftp://tickets"}, "KEYHELP_HANDOFF_WEBHOOK is malformed"),
    ({"KEYHELP_HANDOFF_WEBHOOK": "https://tickets.example/hook"},
     "KEYHELP_HANDOFF_SECRET is not set"),
    ({"KEYHELP_HANDOFF_WEBHOOK": "https://t.example/", "KEYHELP_HANDOFF_SECRET": "short"},
     "KEYHELP_HANDOFF_SECRET is too short"),
    ({"KEYHELP_WEB_RATE_LIMIT": "lots"}, "KEYHELP_WEB_RATE_LIMIT is malformed"),
    ({"KEYHELP_WEB_RATE_LIMIT": "0"}, "KEYHELP_WEB_RATE_LIMIT is malformed"),
    ({"KEYHELP_WEB_MAX_BYTES": "12"}, "KEYHELP_WEB_MAX_BYTES is malformed"),
    ({"KEYHELP_WEB_MEMORY_MB": "lots"}, "KEYHELP_WEB_MEMORY_MB is malformed"),
    ({"KEYHELP_WEB_MEMORY_MB": "8"}, "KEYHELP_WEB_MEMORY_MB is malformed"),
    ({"KEYHELP_SUPPORT_CHANNEL": "#support"}, "KEYHELP_SUPPORT_CHANNEL is malformed"),
    ({"KEYHELP_SUPPORT_CHANNEL": "C0SUPPORT"}, "SLACK_BOT_TOKEN is not set"),
    ({"KEYHELP_IDLE_HOURS": "soon"}, "KEYHELP_IDLE_HOURS must be a positive number"),
    ({"KEYHELP_IMAGE_MAX_MB": "lots"}, "KEYHELP_IMAGE_MAX_MB must be a whole number"),
    ({"KEYHELP_OCR_QUEUE": "-1"}, "KEYHELP_OCR_QUEUE must be a whole number"),
])
def test_a_bad_setting_is_one_error_line_naming_it(env, named, monkeypatch, capsys, tmp_path):
    for name in list(os.environ):
        if name.startswith(("KEYHELP_", "SLACK_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("KEYHELP_DB", str(tmp_path / "k.db"))
    base = {} if "KEYHELP_WEB_SECRET" in env or not env else {"KEYHELP_WEB_SECRET": SECRET}
    for name, value in {**base, **env}.items():
        monkeypatch.setenv(name, value)
    assert main(["web", "serve", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: " + named) and err.count("\n") == 1, err
    assert "Traceback" not in err


def test_good_settings_are_read_with_their_defaults(tmp_path):
    settings = WebSettings.from_env({"KEYHELP_WEB_SECRET": f" {SECRET} ",
                                     "KEYHELP_DB": str(tmp_path / "k.db")})
    assert settings.secret == SECRET
    assert (settings.rate_per_minute, settings.max_bytes) == (60, 16384)
    # with a screenshot the form may be larger by the image's limit (10 MB) and its framing
    assert settings.upload_bytes == 16384 + 10 * 1024 * 1024 + 4096
    assert settings.webhook_url is None and settings.slack is None
    assert settings.memory_bytes == 256 * 1024 * 1024
    assert settings.db_path == tmp_path / "k-web.db"
    with pytest.raises(SettingsError):
        WebSettings.from_env({})


def test_a_port_out_of_range_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["web", "serve", "--port", "70000"])
    assert stopped.value.code == 2 and "0..65535" in capsys.readouterr().err


def test_keyhelp_web_serve_runs_until_sigterm(tmp_path):
    env = {**os.environ, "KEYHELP_WEB_SECRET": SECRET, "KEYHELP_DB": str(tmp_path / "k.db"),
           "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "bot", "web", "serve", "--port", "0"],
                               env=env, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()  # printed once the socket is listening
        assert line.startswith("keyhelp: web page on http://127.0.0.1:"), line
        url = line.split(" on ", 1)[1].strip()
        with urllib.request.urlopen(url + "healthz", timeout=10) as response:
            assert json.loads(response.read())["status"] == "ok"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert "keyhelp: stopped" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_uploads_in_memory_bound_how_many_connections_waitress_takes_at_once(tmp_path):
    from bot.channels.web.server import WebServer

    def app(environ, start_response):  # the server's limits, not the page, are under test
        start_response("204 No Content", [])
        return [b""]

    ten_mb = 10 * 1024 * 1024
    server = WebServer(app=app, port=0, upload_bytes=ten_mb, memory_bytes=64 * 1024 * 1024)
    try:
        # each connection may hold a body of 12.5 MB (the upload and a quarter): 5 fit in 64 MB
        assert server._server.adj.connection_limit == 5
        assert server._server.adj.inbuf_overflow == ten_mb * 5 // 4
    finally:
        server.close()
    small = WebServer(app=app, port=0, upload_bytes=ten_mb, memory_bytes=1024 * 1024)
    try:  # a budget below one body still serves one connection at a time
        assert small._server.adj.connection_limit == 1
    finally:
        small.close()
