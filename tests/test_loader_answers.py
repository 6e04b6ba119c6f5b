"""The rules file's typed-answer data (answer cues, means, ranges, each locale's answer words)
is read into the knowledge, and every mistake in it is named at FILE:LINE:COLUMN."""

from __future__ import annotations

import pytest

from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Interval, Knowledge
from tests.conftest import FIXTURES
from tests.test_loader import only_problem, position

WORDS = '''    script: "[\\u3040-\\u30ff\\u3400-\\u9fff]"
    words:
      negation: {after: [ではない, {ない: 1}], reach: 6, answer_reach: 3}
      answers:
        yes: [はい]
        no: [いいえ]
        numbers: {半: 0.5}
        units:
          duration: {分: 1, 時間: 60}
'''
TYPED = '''          - id: typed
            label: {ja: はい, en: "Yes"}
            remedy: retype'''
QUESTION = "        separates: [typo, bad]\n"


def with_words(tiny_rules, *more: tuple[str, str]):
    """The tiny rules file with Japanese answer words, plus ``more`` replacements."""
    return tiny_rules(('    script: "[\\u3040-\\u30ff\\u3400-\\u9fff]"\n', WORDS), *more)


def test_shipped_questions_say_what_their_answers_mean(knowledge: Knowledge):
    listed = knowledge.intents["key-already-entered"].questions["listed"]
    assert {a.id: a.means for a in listed.answers} == {
        "listed": ("yes",), "not-listed": ("no",), "not-checked": ("unsure",)}
    assert "on the list" in listed.answer("listed").cues["en"]


def test_shipped_fifteen_minute_question_measures_a_duration(knowledge: Knowledge):
    how_long = knowledge.intents["request-failed-retry"].questions["how-long"]
    assert how_long.measures == "duration"
    ranges = {a.id: a.range for a in how_long.answers}
    assert ranges == {"over-15": Interval(15.0), "under-15": Interval(0.0, 15.0)}


def test_shipped_locales_have_answer_words(knowledge: Knowledge):
    words = {loc.id: loc.words.answers for loc in knowledge.locales}
    assert "いいえ" in words["ja"].means["no"] and "not sure" in words["en"].means["unsure"]
    assert words["ja"].units["duration"]["時間"] == 60
    assert words["en"].numbers["half"] == 0.5
    negation = {loc.id: loc.words.negation for loc in knowledge.locales}
    assert "not" in negation["en"].before and "ない" in negation["ja"].after


def test_one_negation_list_serves_first_messages_and_answers(tiny_rules):
    negation = load_knowledge(with_words(tiny_rules)).locales[0].words.negation
    assert negation.after == ("ではない", "ない") and negation.answer_reach == 3
    assert (negation.reach_of("ではない"), negation.reach_of("ない")) == (6, 1)


def test_answer_words_are_read_per_locale(tiny_rules):
    knowledge = load_knowledge(with_words(tiny_rules))
    words = knowledge.locales[0].words.answers
    assert words.means == {"yes": ("はい",), "no": ("いいえ",)}
    assert words.numbers["半"] == 0.5


def test_answer_cues_means_and_range_are_read(tiny_rules):
    path = with_words(tiny_rules, (QUESTION, QUESTION + "        measures: duration\n"), (
        TYPED, TYPED.replace("            remedy", "            means: [yes, unsure]\n"
                             "            range: \">= 1 時間, < 2 時間\"\n"
                             "            cues: {ja: [手で], en: [by hand]}\n"
                             "            remedy")))
    answer = load_knowledge(path).intents["key-broken"].questions["typed"].answers[0]
    assert answer.means == ("yes", "unsure") and answer.cues == {"ja": ("手で",),
                                                                  "en": ("by hand",)}
    assert answer.range == Interval(60.0, 120.0)


@pytest.mark.parametrize(("insert", "needle", "message", "expected"), [
    ("means: maybe", "maybe", "is 'maybe'", "yes, no or unsure"),
    ("means: [no, perhaps]", "perhaps", "is 'perhaps'", "yes, no or unsure"),
    ("cues: {ja: [手で], en: [by hand], fr: [à la main]}", "fr:",
     "undeclared locale 'fr'", "one of the locales: ja, en"),
    ("cues: {ja: [手で]}", "{ja: [手で]}", "has no 'en' phrases", "every locale"),
    ("range: \">= 15 minutes\"", "\">= 15", "its question measures nothing", "measures:"),
])
def test_a_mistake_in_an_answer_is_named_where_it_stands(tiny_rules, insert, needle, message,
                                                         expected):
    path = with_words(tiny_rules, (TYPED, TYPED.replace(
        "            remedy", f"            {insert}\n            remedy")))
    problem = only_problem(path)
    assert message in problem.message and expected in problem.expected
    assert (problem.line, problem.column) == position(path, needle)


@pytest.mark.parametrize(("range_text", "why"), [
    ("about 15", "'about 15' is not a condition"),
    (">= fifteen minutes", "is not a condition"),
    (">= 15 fortnights", "'fortnights' is not a unit of the measure"),
    (">= 60, < 30", "no value satisfies it"),
])
def test_a_range_that_does_not_parse_is_reported(tiny_rules, range_text, why):
    path = with_words(tiny_rules, (QUESTION, QUESTION + "        measures: duration\n"), (
        TYPED, TYPED.replace("            remedy",
                             f"            range: \"{range_text}\"\n            remedy")))
    problem = only_problem(path)
    assert "does not parse" in problem.message and why in problem.message
    assert (problem.line, problem.column) == position(path, f"\"{range_text}\"")


def test_a_measure_no_locale_has_units_for_is_reported(tiny_rules):
    path = with_words(tiny_rules, (QUESTION, QUESTION + "        measures: weight\n"))
    problem = only_problem(path)
    assert "measures 'weight', which no locale has units for" in problem.message
    assert "duration" in problem.expected
    assert (problem.line, problem.column) == position(path, "weight")


def test_overlapping_ranges_and_a_shared_meaning_are_reported(tiny_rules):
    pasted = "          - id: pasted\n            label: {ja: いいえ, en: \"No\"}\n"
    path = with_words(
        tiny_rules, (QUESTION, QUESTION + "        measures: duration\n"),
        (TYPED, TYPED.replace("            remedy",
                              "            means: yes\n            range: \">= 10\"\n"
                              "            remedy")),
        (pasted, pasted + "            means: yes\n            range: \"< 20\"\n"))
    from bot.knowledge.loader import check_rules

    _, problems = check_rules(path)
    assert sorted(p.message for p in problems) == [
        "answers 'typed' and 'pasted' of question 'typed' of intent 'key-broken' both mean yes",
        "the ranges of answers 'typed' and 'pasted' of question 'typed' of intent 'key-broken' "
        "overlap"]


def test_an_answer_chosen_by_a_check_takes_no_cues(knowledge: Knowledge, tmp_path):
    text = (knowledge.source).read_text(encoding="utf-8").replace(
        "            when: key-clean\n",
        "            when: key-clean\n            means: yes\n", 1)
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    problem = only_problem(path)
    assert "is chosen by its check, not by means" in problem.message
    assert (problem.line, problem.column) == position(path, "means: yes")


@pytest.mark.parametrize(("old", "new", "needle", "message"), [
    ("numbers: {半: 0.5}", "numbers: {半: half}", "half", "is 'half'"),
    ("duration: {分: 1, 時間: 60}", "duration: {分: 0, 時間: 60}", "0,", "is '0'"),
    ("answer_reach: 3}", "answer_reach: 99}", "99", "answer_reach of the negation"),
    ("{ない: 1}", "{ない: 77}", "77", "reach of 'ない'"),
    ("        no: [いいえ]\n", "        no: [いいえ]\n        deny: {after: [ない]}\n",
     "{after: [ない]}",
     "read from the locale's negation"),
    ("        no: [いいえ]\n", "        no: [いいえ]\n        maybe: [たぶん]\n", "maybe",
     "unknown key 'maybe'"),
])
def test_a_mistake_in_the_answer_words_is_named_where_it_stands(tiny_rules, old, new, needle,
                                                                message):
    path = with_words(tiny_rules, (old, new))
    problem = only_problem(path)
    assert message in problem.message
    assert (problem.line, problem.column) == position(path, needle)


def test_three_locales_carry_their_answer_words_without_code_changes():
    knowledge = load_knowledge(FIXTURES / "three-locales.yaml")
    words = {loc.id: loc.words.answers for loc in knowledge.locales}
    assert words["zh-Hans"].units["duration"]["小时"] == 60
    typed = knowledge.intents["key-broken"].questions["typed"]
    assert typed.answer("pasted").cues["zh-Hans"] == ("粘贴", "复制")
