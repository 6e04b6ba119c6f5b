"""Scoring a labelled set: the evaluation's rules, and `keyhelp eval` for a helpdesk's own set."""

from __future__ import annotations

import json

import pytest

from bot.channels.cli.main import main
from bot.understand.evaluation import (
    LabelledSetError,
    calibration_error,
    figures,
    judge,
    read_labelled,
    reliability,
)


def result(action: str, intent: str | None = None, offered: tuple[str, ...] = (),
           confidence: float = 0.9) -> dict:
    return {"action": action, "intent": intent, "confidence": confidence,
            "candidates": [{"intent": i, "score": 0.5} for i in offered]}


@pytest.mark.parametrize(("item", "got", "right", "wrong"), [
    ({"expect": "key-expired"}, result("answer", "key-expired"), True, False),
    ({"expect": "key-expired"}, result("answer", "key-invalid"), False, True),
    ({"expect": "key-expired"}, result("clarify", None, ("key-expired", "key-invalid")),
     False, False),
    ({"expect": None, "acceptable": ["a", "b"]}, result("clarify", None, ("a", "b")), True, False),
    ({"expect": None, "acceptable": ["a", "b"]}, result("clarify", None, ("a", "c")), False, False),
    ({"expect": None, "acceptable": ["a", "b"]}, result("answer", "a"), False, False),
    ({"expect": None}, result("unknown"), True, False),
    ({"expect": None}, result("answer", "key-lost"), False, True),
])
def test_judging_follows_the_evaluation_rules(item, got, right, wrong):
    verdict = judge(item, got)
    assert (verdict.right, verdict.confident_wrong) == (right, wrong)


def test_figures_are_shares_of_each_group_and_confident_wrong_of_all():
    items = [{"expect": "a"}, {"expect": "a"}, {"expect": None}, {"expect": None}]
    results = [result("answer", "a"), result("answer", "b"), result("unknown"),
               result("unknown")]
    figs = figures(items, results)
    assert figs["in-scope"] == 0.5 and figs["out-of-scope"] == 1.0
    assert figs["confident-wrong"] == 0.25


def test_reliability_bins_only_answers_and_measures_their_gap():
    items = [{"expect": "a"}, {"expect": "a"}, {"expect": None}]
    results = [result("answer", "a", confidence=0.95), result("answer", "b", confidence=0.95),
               result("unknown", confidence=0.2)]
    table = reliability(items, results)
    assert [(n, acc) for _, _, n, _, acc in table] == [(2, 0.5)]
    assert calibration_error(table) == pytest.approx(0.45)


def test_a_bad_labelled_line_is_named_by_file_and_line():
    with pytest.raises(LabelledSetError, match=r"set\.jsonl:2: not valid JSON"):
        read_labelled(['{"text": "a"}', "{oops"], source="set.jsonl")
    with pytest.raises(LabelledSetError, match=r"set\.jsonl:1: .*\"text\""):
        read_labelled(['{"expect": "a"}'], source="set.jsonl")


def write(tmp_path, rows):
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def test_eval_command_passes_a_set_it_gets_right(tmp_path, capsys):
    path = write(tmp_path, [
        {"id": "1", "text": "The product key you entered has expired", "expect": "key-expired"},
        {"id": "2", "text": "what's the weather like", "expect": None},
    ])
    assert main(["eval", str(path)]) == 0
    out = capsys.readouterr().out
    assert "in-scope" in out and "100.0%" in out and "miss" not in out


def test_eval_command_lists_misses_with_keys_masked_and_fails(tmp_path, capsys):
    key = "7KX2M-QH4PD-R9TBW-C6FYJ-38VGK"
    path = write(tmp_path, [
        {"id": "x1", "text": f"my key {key} has expired", "expect": "key-lost"},
    ])
    assert main(["eval", "--json", str(path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["targets_met"] is False
    [miss] = report["misses"]
    assert miss["id"] == "x1" and miss["got"].startswith("answer ")
    assert key not in json.dumps(report) and "38VGK" in miss["text"]


def test_eval_command_reports_a_broken_file_in_one_line(tmp_path, capsys):
    path = tmp_path / "set.jsonl"
    path.write_text('{"text": "ok", "expect": null}\nnot json\n', encoding="utf-8")
    assert main(["eval", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "set.jsonl:2" in err
