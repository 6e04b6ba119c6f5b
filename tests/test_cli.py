"""The top-level `keyhelp` command: help, version, usage errors, and what starting it imports."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest

from bot.channels.cli.main import SUBCOMMANDS, main


def exit_status(*args: str) -> int | str | None:
    """What argparse passed to ``SystemExit`` for ``keyhelp ARGS…``."""
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    return exited.value.code


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_lists_every_subcommand_with_its_summary(flag, capsys):
    assert exit_status(flag) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: keyhelp")
    for name, (_, summary) in SUBCOMMANDS.items():
        listed = next(line for line in out.splitlines() if line.strip().startswith(name + " "))
        assert " ".join(summary.split()[:3]) in listed


def test_version_prints_the_installed_version(capsys):
    assert exit_status("--version") == 0
    assert capsys.readouterr().out == f"keyhelp, version {version('keyhelp')}\n"


@pytest.mark.parametrize("args", [["bogus"], [], ["--rules", "x.yaml", "diagnose", "hi"]])
def test_unknown_or_missing_subcommand_is_a_usage_error(args, capsys):
    assert exit_status(*args) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("usage: keyhelp ")
    assert "keyhelp: error:" in err


def test_unknown_subcommand_names_the_choices(capsys):
    exit_status("bogus")
    err = capsys.readouterr().err
    assert "invalid choice: 'bogus'" in err and "'diagnose'" in err


@pytest.mark.parametrize(("value", "message"), [("70000", "70000 is not in the range 0..65535"),
                                                ("-1", "-1 is not in the range 0..65535"),
                                                ("http", "'http' is not a valid integer")])
def test_bad_port_is_a_usage_error_naming_the_option(value, message, capsys):
    assert exit_status("slack", "serve", f"--port={value}") == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: keyhelp slack serve")
    assert f"keyhelp slack serve: error: argument --port: {message}" in err


def test_threads_range_is_checked(capsys):
    assert exit_status("slack", "serve", "--threads", "0") == 2
    assert "argument --threads: 0 is not in the range 1..256" in capsys.readouterr().err


def test_a_directory_is_not_a_rules_file(tmp_path, capsys):
    assert exit_status("diagnose", "--rules", str(tmp_path), "my key") == 2
    assert f"argument --rules: '{tmp_path}' is a directory" in capsys.readouterr().err


def test_subcommand_help_is_its_own(capsys):
    assert exit_status("diagnose", "--help") == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: keyhelp diagnose ") and "--json" in out and "--rules FILE" in out


def test_starting_the_cli_imports_no_framework_and_no_subcommand():
    """`keyhelp` start-up pays for argparse only; `diagnose --help` loads just its own module."""
    code = ("import sys, bot.channels.cli.main\n"
            "print(sorted(m for m in sys.modules if m == 'click' or m.startswith('bot')))\n"
            "try:\n"
            "    bot.channels.cli.main.main(['diagnose', '--help'])\n"
            "except SystemExit:\n"
            "    pass\n"
            "print(sorted(m for m in sys.modules\n"
            "             if m == 'click' or m.startswith('bot.channels.cli.')),\n"
            "      file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.splitlines()[0] == ("['bot', 'bot.channels', 'bot.channels.cli', "
                                           "'bot.channels.cli.main']")
    assert done.stderr.strip() == "['bot.channels.cli.chat', 'bot.channels.cli.main']"


def test_python_dash_m_bot_exits_with_mains_status():
    done = subprocess.run([sys.executable, "-m", "bot", "bogus"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "invalid choice: 'bogus'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_reader_that_goes_away_stops_the_command_quietly():
    """`keyhelp rules graph | head -1`: a closed pipe is exit 1 without a traceback."""
    proc = subprocess.Popen([sys.executable, "-m", "bot", "rules", "graph", "--format", "dot"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the command has loaded the rules, so its first write fails
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 1
    assert err == ""


