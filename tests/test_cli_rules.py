"""`keyhelp rules check|show|graph` as an author uses them."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.channels.cli.main import main
from bot.knowledge.loader import load_knowledge
from bot.paths import shipped_rules_path, templates_dir
from tests.conftest import FIXTURES

LOCALE_DIR = templates_dir() / "locale"


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
    assert "(shipped with keyhelp): 13 intents" in result.stdout
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
    assert "チェックで問題が見つかった（key-suspicious のとき）" in result.stdout
    assert "= contact-reseller（担当者に引き継ぐ）：" in result.stdout
    assert "- 解決しない場合：" in result.stdout


ENGLISH_LABELS = ("Messages:", "Cues:", "Causes:", "Flow:", "not solved", "hand-off",
                  "escalates", "(when ", "link:", "(none", "(error)", "(topic)")


@pytest.mark.parametrize("intent", sorted(load_knowledge(shipped_rules_path()).intents))
def test_show_in_japanese_has_every_label_in_japanese(run, intent):
    english = run("rules", "show", intent, "--lang", "en").stdout
    japanese = run("rules", "show", intent, "--lang", "ja").stdout
    assert [label for label in ENGLISH_LABELS if label in english]  # the labels are there
    assert [label for label in ENGLISH_LABELS if label in japanese] == []


def _show_labels(po: Path) -> dict[str, str]:
    with po.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle) if m.context == "rules show"}


@pytest.mark.parametrize("po", sorted(p.name for p in LOCALE_DIR.glob("*.po") if p.stem != "en"))
def test_every_rules_show_label_is_translated_with_its_placeholders(po):
    labels, translated = _show_labels(LOCALE_DIR / "en.po"), _show_labels(LOCALE_DIR / po)
    assert labels and set(translated) == set(labels)
    for msgid, text in translated.items():
        assert text, f"{po}: no translation for {msgid!r}"
        assert sorted(re.findall(r"%\(\w+\)s", text)) == sorted(re.findall(r"%\(\w+\)s", msgid))


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
    assert '-- "The check found a problem" -->' in out
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
