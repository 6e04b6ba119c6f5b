"""A rules file broken in any way gives positioned problems, never an exception."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.dialogue.engine import Engine
from bot.dialogue.rulebook import compile_rules
from bot.knowledge.loader import check_rules
from bot.paths import shipped_rules_path
from bot.understand.recognise import Recogniser
from tests.conftest import TINY_RULES

SHIPPED = shipped_rules_path().read_text(encoding="utf-8")
TINY = TINY_RULES.read_text(encoding="utf-8")
# characters that change YAML structure most, plus a few that change nothing
INSERTS = st.sampled_from([":", "-", "- ", "[", "]", "{", "}", '"', "'", "\n", "  ", "\t", "#",
                           "&a", "*a", "!!int ", "|", ">", ",", "?", "%", "@", "`", "x", "0",
                           "null", "~", "\ufeff", "キー"])
RELAXED = settings(max_examples=80, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])
_names = itertools.count()


def mutate(text: str, data: st.DataObject) -> str:
    """Delete a span, insert structure, or swap two lines: what careless edits do."""
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        kind = data.draw(st.sampled_from(["delete", "insert", "swap"]))
        if kind == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 40)):]
        elif kind == "insert":
            text = text[:at] + data.draw(INSERTS) + text[at:]
        else:
            lines = text.split("\n")
            line = st.integers(0, len(lines) - 1)
            i, j = data.draw(line), data.draw(line)
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


@pytest.mark.parametrize("source", [TINY, SHIPPED], ids=["tiny", "shipped"])
@RELAXED
@given(data=st.data())
def test_any_edit_gives_knowledge_or_positioned_problems(tmp_path: Path, source: str,
                                                         data: st.DataObject) -> None:
    path = tmp_path / f"edited-{next(_names)}.yaml"
    text = mutate(source, data)
    path.write_text(text, encoding="utf-8")
    knowledge, problems = check_rules(path)
    assert (knowledge is None) == bool(problems)
    lines = text.count("\n") + 2
    for problem in problems:
        assert problem.file == str(path)
        assert 1 <= problem.line <= lines and problem.column >= 1, problem
        assert problem.message
    if knowledge is not None:  # an edit that kept the file valid also builds and answers
        Recogniser(knowledge).classify("the product key you entered isn't valid")
        Engine(compile_rules(knowledge))
