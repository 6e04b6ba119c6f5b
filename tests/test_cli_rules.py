"""`keyhelp rules check|show|graph` as an author uses them."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

import pytest

from bot.channels.cli.main import main
from tests.conftest import FIXTURES


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys):
    """`keyhelp ARGS…` in this process: exit status (returned or raised) and both streams."""

    def invoke(*args: str) -> Result:
        try:
            code = main(list(args)) or 0
        except SystemExit as exit_:
            code = exit_.code
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return invoke


def test_check_shipped_rules_is_clean_and_exits_zero(run):
    result = run("rules", "check")
    assert result.exit_code == 0, result.stderr
    assert "clean — 13 intents" in result.stdout
    assert "locales ja, en" in result.stdout


def test_check_broken_file_lists_problems_and_exits_one(run, tiny_rules):
    path = tiny_rules(("escalate: false", "escalate: maybe"),
                      ("groups: 5", "groups: five"))
    result = run("rules", "check", str(path))
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith(str(path))]
    assert len(lines) == 2
    assert all(line.split(":")[1].isdigit() and line.split(":")[2].isdigit() for line in lines)
    assert "2 problems" in result.stderr


def test_check_honours_keyhelp_rules_environment(run, tiny_rules, monkeypatch):
    path = tiny_rules(("escalate: false", "escalate: maybe"))
    monkeypatch.setenv("KEYHELP_RULES", str(path))
    result = run("rules", "check")
    assert result.exit_code == 1
    assert str(path) in result.stdout


def test_show_prints_messages_and_flow_in_japanese(run):
    result = run("rules", "show", "key-invalid", "--lang", "ja")
    assert result.exit_code == 0, result.stderr
    assert "このプロダクト キーは有効ではありません。もう一度入力してください。" in result.stdout
    assert "(when key-suspicious)" in result.stdout
    assert "= contact-reseller (escalates)" in result.stdout


def test_show_in_a_third_locale_from_a_fixture(run):
    result = run("rules", "show", "key-broken", "--lang", "zh-Hans",
                 "--rules", str(FIXTURES / "three-locales.yaml"))
    assert result.exit_code == 0, result.stderr
    assert "密钥已损坏" in result.stdout and "您是手动输入的吗？" in result.stdout


def test_show_says_how_each_answer_is_typed(run):
    result = run("rules", "show", "request-failed-retry")
    assert result.exit_code == 0, result.stderr
    assert "[how-long] (measures duration)" in result.stdout
    assert "- Yes, for more than 15 minutes (means yes; 15 or more)" in result.stdout
    assert "- No, less than 15 minutes (means no; under 15)" in result.stdout
    assert "typed: just now | just happened" in result.stdout


def test_show_unknown_intent_lists_the_known_ones(run):
    result = run("rules", "show", "key-missing")
    assert result.exit_code == 2
    assert "no intent 'key-missing'" in result.stderr and "key-invalid" in result.stderr


def test_show_unknown_language_is_a_usage_error(run):
    result = run("rules", "show", "key-invalid", "--lang", "fr")
    assert result.exit_code == 2
    assert "choose from ja, en" in result.stderr


def test_graph_draws_a_mermaid_flowchart(run):
    result = run("rules", "graph", "key-invalid")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("flowchart TD\n")
    assert '-- "The check found suspicious characters" -->' in out
    assert "key_invalid__remedy__fix_characters" in out
    assert "key_invalid__outcome__contact_reseller[[" in out


def test_graph_dot_covers_every_intent(run):
    result = run("rules", "graph", "--format", "dot")
    assert result.exit_code == 0
    assert result.stdout.startswith("digraph keyhelp {")
    assert result.stdout.count("subgraph cluster_") == 13


def test_graph_of_broken_rules_reports_problems(run, tiny_rules):
    path = tiny_rules(("remedy: retype", "remedy: retyp"))
    result = run("rules", "graph", "--rules", str(path))
    assert result.exit_code == 1
    assert "unknown remedy 'retyp'" in result.stderr


def test_console_entry_point_runs_as_a_process():
    done = subprocess.run([sys.executable, "-m", "bot", "rules", "check"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "clean" in done.stdout
