"""The README stays true: its diagram is what the CLI draws, its commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from bot.channels.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_diagram_is_what_rules_graph_prints(capsys):
    embedded = re.search(r"```mermaid\n(.*?)```", README, re.S).group(1)
    assert main(["rules", "graph", "request-failed-retry"]) is None
    assert embedded == capsys.readouterr().out


def test_readme_starts_with_a_run_and_a_test_command():
    commands = re.findall(r"```sh\n(.*?)\n```", README, re.S)[:2]
    assert "pip install ." in commands[0] and "keyhelp " in commands[0]
    assert "pip install -e '.[test]'" in commands[1] and "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install --quiet -e '.[test]'" in ci and "python -m pytest -q" in ci
