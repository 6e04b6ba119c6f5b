"""The rules file's ``policy:``: read with positions, and a changed value changes behaviour.

Every behaviour test here changes only YAML (a ``policy:`` section written into a copy of
``tests/fixtures/tiny.yaml``) and checks what a conversation does; no Python changes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.dialogue.assistant import Assistant
from bot.dialogue.replies import Ask, Closed, Escalate, Explanation, NotRecognised, Remedy, Welcome
from bot.knowledge.loader import check_rules, load_knowledge
from bot.knowledge.model import Policy, Target
from bot.render.renderer import render
from tests.assistant_helpers import make_assistant, only
from tests.test_loader import only_problem, position

MakeRules = Callable[..., Path]
BEFORE_INTENTS = "intents:\n  key-broken:"
DONE_OUTCOME = ("outcomes:\n", "outcomes:\n  done:\n    escalate: false\n"
                               "    text: {ja: 完了です, en: \"All done, thanks\"}\n")


def with_policy(tiny_rules: MakeRules, policy: str, *more: tuple[str, str],
                name: str = "rules.yaml") -> Path:
    """The tiny rules file with ``policy`` (YAML lines under ``policy:``) before its intents."""
    return tiny_rules(*more, (BEFORE_INTENTS, f"policy:\n{policy}{BEFORE_INTENTS}"), name=name)


def chat(path: Path, tmp_path: Path, db: str = "conversations.db") -> Callable[..., object]:
    """Say ``text`` (or click ``action``) in one conversation; the single reply."""
    assistant: Assistant = make_assistant(tmp_path, rules=path, db_name=db)

    def say(text: str | None = None, *, action: str | None = None) -> object:
        return only(assistant.handle("c", text=text, action=action))

    return say


# Reading the section


def test_without_a_policy_section_keyhelp_behaves_as_usual(tiny_rules: MakeRules) -> None:
    assert load_knowledge(tiny_rules()).policy == Policy()


def test_the_shipped_policy_spells_out_the_usual_behaviour(knowledge) -> None:
    assert knowledge.policy == Policy()


def test_a_policy_with_every_entry_commented_out_behaves_as_usual(tiny_rules: MakeRules) -> None:
    path = with_policy(tiny_rules, "  # hand_off_after_unrecognised: 3\n")
    assert load_knowledge(path).policy == Policy()
    path = with_policy(tiny_rules, "  why:\n    # at_question: repeat\n")
    assert load_knowledge(path).policy == Policy()


def test_every_entry_is_read(tiny_rules: MakeRules) -> None:
    path = with_policy(tiny_rules,
                       "  hand_off_after_unrecognised: 3\n"
                       "  why: {at_question: repeat, at_remedy: repeat, at_end: repeat}\n"
                       "  start_over: first-step\n  language_change: restart\n"
                       "  solved: {outcome: done}\n"
                       "  not_solved: {outcome: contact-support}\n", DONE_OUTCOME)
    assert load_knowledge(path).policy == Policy(
        hand_off_after_unrecognised=3, why_at_question="repeat", why_at_remedy="repeat",
        why_at_end="repeat", start_over="first-step", language_change="restart",
        solved=Target("outcome", "done"), not_solved=Target("outcome", "contact-support"))


def test_an_unknown_key_is_reported_where_it_stands(tiny_rules: MakeRules) -> None:
    path = with_policy(tiny_rules, "  hand_off_after: 3\n")
    problem = only_problem(path)
    assert problem.message == "unknown key 'hand_off_after' in policy"
    assert (problem.line, problem.column) == position(path, "hand_off_after")
    assert "hand_off_after_unrecognised" in problem.expected


@pytest.mark.parametrize(("entry", "needle", "message", "expected"), [
    ("hand_off_after_unrecognised: two", "two",
     "policy.hand_off_after_unrecognised is 'two'", "a whole number"),
    ("hand_off_after_unrecognised: 0", "0\n",
     "policy.hand_off_after_unrecognised is 0", "a whole number from 1 to 100"),
    ("why: {at_question: explain-path}", "explain-path",
     "policy.why.at_question is 'explain-path'", "explain-causes, repeat"),
    ("why: {at_remedy: [repeat]}", "[repeat]",
     "policy.why.at_remedy is a list", "explain-path, repeat"),
    ("why: repeat", "repeat", "policy.why is 'repeat'", "a mapping"),
    ("start_over: begin", "begin", "policy.start_over is 'begin'", "restart, first-step"),
    ("language_change: {outcome: solved}", "{outcome",
     "policy.language_change is a mapping", "repeat, restart"),
    ("not_solved: escalate", "escalate\n",
     "policy.not_solved is 'escalate'", "hand-off, {outcome: OUTCOME}"),
    ("solved: solved", "solved\nintents", "policy.solved is 'solved'", "{outcome: OUTCOME}"),
    ("solved: {outcome: finished}", "finished",
     "unknown outcome 'finished'", "one of: contact-support, solved"),
    ("not_solved: {remedy: retype}", "{remedy",
     "policy.not_solved has no 'outcome'", "'outcome' entry"),
])
def test_a_wrong_value_is_reported_with_what_is_expected(
        tiny_rules: MakeRules, entry: str, needle: str, message: str, expected: str) -> None:
    path = with_policy(tiny_rules, f"  {entry}\n")
    problems = check_rules(path)[1]
    assert problems, entry
    problem = problems[0]
    assert problem.message == message
    assert (problem.line, problem.column) == position(path, needle)
    assert expected in (problem.expected or "")


def test_a_policy_that_is_not_a_mapping_is_reported(tiny_rules: MakeRules) -> None:
    path = with_policy(tiny_rules, "  - hand-off\n")
    problem = only_problem(path)
    assert problem.message == "policy is a list"


def test_the_solved_outcome_is_needed_only_while_the_policy_leads_there(
        tiny_rules: MakeRules) -> None:
    without_solved = ("  solved:\n    escalate: false\n    text: {ja: 解決しました, en: Solved}\n",
                      "")
    assert "outcomes has no 'solved'" in only_problem(tiny_rules(without_solved)).message
    path = with_policy(tiny_rules, "  solved: {outcome: done}\n", without_solved, DONE_OUTCOME)
    assert check_rules(path)[1] == []


def test_rules_check_reports_a_policy_problem_as_file_line_column(
        tiny_rules: MakeRules, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.channels.cli.main import main

    path = with_policy(tiny_rules, "  start_over: begin\n")
    assert main(["rules", "check", str(path)]) == 1
    line, column = position(path, "begin")
    assert capsys.readouterr().out == (
        f"{path}:{line}:{column}: policy.start_over is 'begin' "
        f"(expected restart, first-step)\n")


def test_rules_check_says_which_policy_is_in_force(
        tiny_rules: MakeRules, capsys: pytest.CaptureFixture[str]) -> None:
    from bot.channels.cli.main import main

    path = with_policy(tiny_rules, "  hand_off_after_unrecognised: 3\n"
                                   "  not_solved: {outcome: contact-support}\n")
    assert main(["rules", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "hand off after 3 unrecognised message(s) in a row" in out
    assert "start over: restart" in out and "not solved: {outcome: contact-support}" in out


# A changed value changes behaviour


def test_hand_off_after_three_unrecognised_messages(tiny_rules: MakeRules,
                                                    tmp_path: Path) -> None:
    say = chat(with_policy(tiny_rules, "  hand_off_after_unrecognised: 3\n"), tmp_path)
    assert isinstance(say("my printer is jammed"), NotRecognised)
    assert isinstance(say("it makes a noise"), NotRecognised)  # the usual policy hands off here
    third = say("and smoke")
    assert isinstance(third, Escalate) and third.summary.reason == "unrecognised"
    assert third.summary.in_a_row == 3
    assert "did not recognise 3 messages in a row" in render(third, "cli").text


def test_hand_off_at_the_first_unrecognised_message(tiny_rules: MakeRules,
                                                    tmp_path: Path) -> None:
    say = chat(with_policy(tiny_rules, "  hand_off_after_unrecognised: 1\n"), tmp_path)
    first = say("my printer is jammed")
    assert isinstance(first, Escalate) and first.summary.in_a_row == 1
    assert "did not recognise 1 message in a row" in render(first, "cli").text


def test_the_japanese_summary_counts_the_messages_too(tiny_rules: MakeRules,
                                                      tmp_path: Path) -> None:
    say = chat(with_policy(tiny_rules, "  hand_off_after_unrecognised: 3\n"), tmp_path)
    for text in ("プリンターが", "動かない"):
        assert isinstance(say(text), NotRecognised)
    third = say("煙が出る")
    assert "メッセージを 3 回続けて認識できませんでした" in render(third, "cli").text


def test_solved_leads_to_the_outcome_the_policy_names(tiny_rules: MakeRules,
                                                      tmp_path: Path) -> None:
    say = chat(with_policy(tiny_rules, "  solved: {outcome: done}\n", DONE_OUTCOME), tmp_path)
    assert isinstance(say("how to"), Remedy)
    closed = say(action="solved:yes")
    assert isinstance(closed, Closed) and closed.outcome == "done"
    assert "All done, thanks" in render(closed, "cli").text


@pytest.mark.parametrize(("policy", "outcome"), [("", None),  # usual: a plain hand-off
                                                  ("  not_solved: {outcome: contact-support}\n",
                                                   "contact-support")])
def test_not_solved_without_if_unsolved_leads_where_the_policy_says(
        tiny_rules: MakeRules, tmp_path: Path, policy: str, outcome: str | None) -> None:
    say = chat(with_policy(tiny_rules, policy), tmp_path)
    assert isinstance(say("how to"), Remedy)  # its remedy has no if_unsolved
    handed = say("no")
    assert isinstance(handed, Escalate)
    assert (handed.summary.outcome, handed.summary.reason) == (outcome, "unsolved")


def test_why_can_repeat_the_question_instead_of_explaining(tiny_rules: MakeRules,
                                                           tmp_path: Path) -> None:
    say = chat(with_policy(tiny_rules, "  why: {at_question: repeat}\n"), tmp_path)
    assert isinstance(say("This key is broken"), Ask)
    again = say("why?")
    assert isinstance(again, Ask) and again.question == "typed"
    assert isinstance(say("1"), Remedy)
    assert isinstance(say("why?"), Explanation)  # at a remedy the usual explanation stays


def test_start_over_can_go_back_to_the_first_step_of_the_same_error(
        tiny_rules: MakeRules, tmp_path: Path) -> None:
    path = with_policy(tiny_rules, "  start_over: first-step\n")
    assistant = make_assistant(tmp_path, rules=path)
    only(assistant.handle("c", text="This key is broken"))
    assert isinstance(only(assistant.handle("c", text="1")), Remedy)
    back = only(assistant.handle("c", text="start over"))
    assert isinstance(back, Ask) and (back.intent, back.question) == ("key-broken", "typed")
    conv = assistant.store.load("c")  # type: ignore[union-attr]
    assert conv is not None and conv.answers == [] and conv.cases[-1]["status"] == "restarted"


def test_a_language_change_can_restart_the_case(tiny_rules: MakeRules, tmp_path: Path) -> None:
    usual = chat(with_policy(tiny_rules, "", name="usual.yaml"), tmp_path, "usual.db")
    assert isinstance(usual("This key is broken"), Ask)
    same = usual(action="lang:ja")
    assert isinstance(same, Ask) and same.lang == "ja" and same.question == "typed"
    say = chat(with_policy(tiny_rules, "  language_change: restart\n"), tmp_path)
    assert isinstance(say("This key is broken"), Ask)
    restarted = say(action="lang:ja")
    assert isinstance(restarted, Welcome) and restarted.lang == "ja"
    assert restarted.reason == "restart"


def test_the_flow_diagram_follows_the_policy(tiny_rules: MakeRules) -> None:
    from bot.knowledge.graph import flow

    path = with_policy(tiny_rules, "  solved: {outcome: done}\n"
                                   "  not_solved: {outcome: contact-support}\n", DONE_OUTCOME)
    knowledge = load_knowledge(path)
    nodes, edges = flow(knowledge, knowledge.intents["how-to"], "en")
    label = {node.id: node.label for node in nodes}
    assert {(e.label, label[e.target]) for e in edges if e.label in ("solved", "not solved")} \
        == {("solved", "done"), ("not solved", "contact-support")}
