"""The loader accepts the shipped rules and names FILE:LINE:COLUMN for every kind of mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.loader import check_rules, load_knowledge
from bot.knowledge.model import Knowledge
from bot.knowledge.problems import RulesError
from tests.conftest import FIXTURES

ERROR_IDS = [
    "key-invalid", "key-already-entered", "key-expired", "key-already-used",
    "request-failed-retry", "subscription-unavailable", "license-limit-exceeded",
    "admin-role-required", "account-creation-failed", "order-failed",
]
TOPIC_IDS = ["redeem-how", "key-lost", "sccm-download"]


def position(path: Path, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column of the n-th occurrence of ``needle`` in the file."""
    text = path.read_text(encoding="utf-8")
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def only_problem(path: Path):
    knowledge, problems = check_rules(path)
    assert knowledge is None
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def test_shipped_rules_are_clean(knowledge: Knowledge):
    assert set(knowledge.intents) == set(ERROR_IDS + TOPIC_IDS)
    assert knowledge.locale_ids == ("ja", "en")


@pytest.mark.parametrize("intent_id", ERROR_IDS)
def test_every_error_has_its_exact_text_in_both_languages(knowledge: Knowledge, intent_id):
    intent = knowledge.intents[intent_id]
    assert intent.kind == "error"
    assert intent.messages
    for message in intent.messages:
        assert set(message.texts) == {"ja", "en"}


def test_key_invalid_has_both_message_variants(knowledge: Knowledge):
    texts = [m.get("en") for m in knowledge.intents["key-invalid"].messages]
    assert texts == ["The product key you entered isn't valid. Try entering it again",
                     "This product key isn't valid. Please enter a different product key"]


def test_subscription_unavailable_separates_its_three_causes(knowledge: Knowledge):
    intent = knowledge.intents["subscription-unavailable"]
    separated = {c for q in intent.questions.values() for c in q.separates}
    assert separated == {"trial-twice", "country", "offer"} == set(intent.causes)


def test_request_failed_asks_about_fifteen_minutes(knowledge: Knowledge):
    intent = knowledge.intents["request-failed-retry"]
    assert intent.start.kind == "ask"
    assert "15" in intent.questions[intent.start.id].text.get("en")


def test_key_invalid_offers_the_key_check(knowledge: Knowledge):
    intent = knowledge.intents["key-invalid"]
    question = intent.questions[intent.start.id]
    assert question.check == "product-key"
    assert {a.when for a in question.answers} >= {"key-suspicious", "key-clean"}


def test_key_format_is_data(knowledge: Knowledge):
    fmt = knowledge.key_format
    assert (fmt.groups, fmt.group_size, fmt.length) == (5, 5, 25)
    assert "O" not in fmt.alphabet and "0" not in fmt.alphabet
    assert ("O", "0", "D", "Q") in fmt.confusables


def test_loaded_knowledge_is_immutable(knowledge: Knowledge):
    with pytest.raises(AttributeError):
        knowledge.version = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        knowledge.intents["new"] = knowledge.intents["key-invalid"]  # type: ignore[index]


def test_tiny_fixture_is_clean():
    knowledge, problems = check_rules(FIXTURES / "tiny.yaml")
    assert problems == [] and knowledge is not None


def test_three_locales_load_without_code_changes():
    knowledge = load_knowledge(FIXTURES / "three-locales.yaml")
    assert knowledge.locale_ids == ("ja", "zh-Hans", "en")
    intent = knowledge.intents["key-broken"]
    assert intent.title.get("zh-Hans") == "密钥已损坏"
    assert intent.questions["typed"].answers[0].label.get("zh-Hans") == "是"


def test_missing_locale_names_the_text(tiny_rules):
    path = tiny_rules(("text: {ja: 解決しました, en: Solved}", "text: {en: Solved}"))
    problem = only_problem(path)
    assert (problem.line, problem.column) == position(path, "{en: Solved}")
    assert "has no 'ja' text" in problem.message
    assert "one text per locale: ja, en" in problem.expected


def test_third_locale_missing_a_translation_is_reported():
    text = (FIXTURES / "three-locales.yaml").read_text(encoding="utf-8")
    broken = FIXTURES.parent / "_tmp_three.yaml"
    try:
        broken.write_text(text.replace("zh-Hans: 请重新输入, ", ""), encoding="utf-8")
        problem = only_problem(broken)
        assert "no 'zh-Hans' text" in problem.message
        assert (problem.line, problem.column) == position(broken, "{ja: もう一度入力してください")
    finally:
        broken.unlink()


def test_bad_reference_names_what_is_declared(tiny_rules):
    path = tiny_rules(("remedy: retype", "remedy: retyp"))
    problems = check_rules(path)[1]
    unknown = [p for p in problems if "unknown remedy 'retyp'" in p.message]
    assert len(unknown) == 1
    assert (unknown[0].line, unknown[0].column) == position(path, "retyp\n")
    assert "one of: retype" in unknown[0].expected


def test_unknown_link_is_reported(tiny_rules):
    path = tiny_rules(("links: [support]\n    text", "links: [suport]\n    text"))
    problem = only_problem(path)
    assert problem.message == "unknown link 'suport'"
    assert (problem.line, problem.column) == position(path, "suport")


def test_cycle_is_reported(tiny_rules):
    path = tiny_rules(("if_unsolved: {outcome: contact-support}", "if_unsolved: {ask: typed}"))
    problem = only_problem(path)
    assert "has a cycle: ask:typed -> remedy:retype -> ask:typed" in problem.message
    assert (problem.line, problem.column) == position(path, "typed:")


def test_question_without_answers_is_a_dead_end(tiny_rules):
    path = tiny_rules((
        "            outcome: contact-support\n    remedies:",
        "            ask: more\n      more:\n        text: {ja: 他は, en: More?}\n"
        "        separates: [bad]\n        answers: []\n    remedies:",
    ))
    problem = only_problem(path)
    assert "has no answers (a dead end)" in problem.message
    assert (problem.line, problem.column) == position(path, "[]\n    remedies")


def test_unreachable_question_is_reported(tiny_rules):
    path = tiny_rules(("    remedies:\n      retype:",
                       "      orphan:\n        text: {ja: 孤立, en: Orphan}\n"
                       "        separates: [bad]\n"
                       "        answers:\n          - id: x\n            label: {ja: x, en: x}\n"
                       "            outcome: solved\n    remedies:\n      retype:"))
    problem = only_problem(path)
    assert "question 'orphan' of intent 'key-broken' is unreachable" in problem.message
    assert (problem.line, problem.column) == position(path, "orphan:")


def test_duplicate_intent_id_is_reported(tiny_rules):
    path = tiny_rules(("  how-to:\n", "  key-broken:\n"))
    problem = only_problem(path)
    assert problem.message == "duplicate key 'key-broken' in intents"
    assert (problem.line, problem.column) == position(path, "key-broken:", occurrence=2)


def test_duplicate_answer_id_is_reported(tiny_rules):
    path = tiny_rules(("- id: pasted", "- id: typed"))
    problems = check_rules(path)[1]
    assert any("duplicate answer id 'typed'" in p.message
               and (p.line, p.column) == position(path, "typed\n            label: {ja: いいえ")
               for p in problems), problems


def test_message_in_two_intents_is_reported(tiny_rules):
    path = tiny_rules(("    messages: []",
                       "    messages:\n      - {ja: 別の文です, en: THIS KEY IS BROKEN.}"))
    problem = only_problem(path)
    assert "the en message of intent 'how-to' is also a message of intent 'key-broken'" \
        in problem.message
    assert (problem.line, problem.column) == position(path, "{ja: 別の文です")


def test_yaml_syntax_error_has_its_position(tiny_rules):
    path = tiny_rules(("ja: [壊れ]", "ja: [壊れ"))
    problem = only_problem(path)
    assert problem.message.startswith("YAML syntax error")
    assert problem.expected == "valid YAML"
    assert problem.line == position(path, "en: [broken]")[0]


@pytest.mark.parametrize(("old", "new", "needle", "expected"), [
    ("escalate: false", "escalate: maybe", "maybe", "true or false"),
    ("groups: 5", "groups: five", "five", "a whole number"),
    ("answers:\n          - id: typed", "answers: yes\n          - id: typed", None, None),
    ("separates: [typo, bad]", "separates: {a: b}", "{a: b}", "a list"),
])
def test_wrong_type_is_reported(tiny_rules, old, new, needle, expected):
    path = tiny_rules((old, new))
    problems = check_rules(path)[1]
    assert problems
    if needle is not None:
        assert any((p.line, p.column) == position(path, needle) and p.expected == expected
                   for p in problems), "\n".join(map(str, problems))


def test_unknown_key_suggests_the_allowed_ones(tiny_rules):
    path = tiny_rules(("    remedies:\n      retype:", "    remedys:\n      retype:"))
    problems = check_rules(path)[1]
    first = problems[0]
    assert "unknown key 'remedys'" in first.message
    assert "remedies" in first.expected


def test_every_problem_is_reported_at_once(tiny_rules):
    path = tiny_rules(("escalate: false", "escalate: maybe"),
                      ("text: {ja: サポートへ, en: Contact support}",
                       "text: {en: Contact support}"),
                      ("groups: 5", "groups: five"))
    problems = check_rules(path)[1]
    assert len(problems) == 3
    assert [p.line for p in problems] == sorted(p.line for p in problems)


def test_problem_prints_as_file_line_column(tiny_rules):
    path = tiny_rules(("escalate: false", "escalate: maybe"))
    problem = only_problem(path)
    line, column = position(path, "maybe")
    assert str(problem) == (f"{path}:{line}:{column}: the escalate of outcome 'solved' is 'maybe'"
                            " (expected true or false)")


def test_load_knowledge_raises_with_every_problem(tiny_rules):
    path = tiny_rules(("escalate: false", "escalate: maybe"))
    with pytest.raises(RulesError) as caught:
        load_knowledge(path)
    assert str(path) in caught.value.report()


def test_missing_file_and_bad_encoding_are_problems(tmp_path):
    assert "file not found" in check_rules(tmp_path / "nope.yaml")[1][0].message
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"version: 1\n\xff\xfe")
    [problem] = check_rules(bad)[1]
    assert (problem.line, problem.column) == (2, 1)
    assert problem.message == "bytes 0xFF 0xFE are not UTF-8"


def test_missing_solved_outcome_is_reported(tiny_rules):
    path = tiny_rules(("  solved:\n", "  done:\n"))
    problems = check_rules(path)[1]
    assert any("outcomes has no 'solved'" in p.message for p in problems)


EN_LOCALE = "  - id: en\n    name: English\n"


def test_word_rules_are_read_per_locale(tiny_rules):
    path = tiny_rules((EN_LOCALE, EN_LOCALE + "    words:\n      stemmer: english\n"
                       "      spelled_out: {isnt: is not}\n      shorthand: {UR: your}\n"
                       "      function_words: [Where, what]\n"))
    knowledge, problems = check_rules(path)
    assert problems == [] and knowledge is not None
    words = knowledge.locales[1].words
    assert words is not None and words.stemmer == "english"
    assert words.spelled_out["isnt"] == ("is", "not")
    assert words.shorthand == {"ur": "your"}
    assert words.function_words == {"where", "what"}
    assert knowledge.locales[0].words is None


def test_an_unknown_stemmer_names_the_snowball_algorithms(tiny_rules):
    path = tiny_rules((EN_LOCALE, EN_LOCALE + "    words:\n      stemmer: klingon\n"))
    problem = only_problem(path)
    assert (problem.line, problem.column) == position(path, "klingon")
    assert "unknown stemmer 'klingon'" in problem.message
    assert "english" in problem.expected and "french" in problem.expected


def test_word_rules_with_a_wrong_shape_are_reported(tiny_rules):
    path = tiny_rules((EN_LOCALE, EN_LOCALE + "    words:\n      spelled_out: [isnt]\n"
                       "      stemer: english\n"))
    knowledge, problems = check_rules(path)
    assert knowledge is None
    found = {(p.line, p.column): p for p in problems}
    assert "is a list" in found[position(path, "[isnt]")].message
    assert "unknown key 'stemer'" in found[position(path, "stemer")].message


def test_a_particles_pattern_that_does_not_compile_is_reported(tiny_rules):
    path = tiny_rules((EN_LOCALE, EN_LOCALE + "    words:\n      particles: \"[がは\"\n"))
    problem = only_problem(path)
    assert (problem.line, problem.column) == position(path, '"[がは"')
    assert "particles pattern does not compile" in problem.message


OOS = "out_of_scope:\n  ja: [天気]\n  en: [weather]\n"


def test_negation_scope_and_calibration_are_read(tiny_rules):
    path = tiny_rules(
        (EN_LOCALE, EN_LOCALE + "    words:\n      negation:\n        before: [Not, no]\n"
                                "        reach: 2\n        stop: [but]\n"
                                "        except_after: [can]\n        asks: [Or Not]\n"
                                "        quoting: [That Says]\n"
                                "      alternatives: [or]\n"),
        (OOS, OOS + "scope:\n  products:\n    ja: [キー製品]\n    en: [keyproduct]\n"
                    "  other_topics:\n    ja: [請求書]\n    en: [invoice]\n"
                    "calibration:\n  answer: [[0.7, 0.9], [1, 0.99]]\n"))
    knowledge, problems = check_rules(path)
    assert problems == [] and knowledge is not None
    negation = knowledge.locales[1].words.negation
    assert negation.before == ("not", "no") and negation.reach == 2
    assert negation.stop == {"but"} and negation.except_after == {"can"}
    assert negation.asks == ("or not",) and negation.quoting == ("that says",)
    assert knowledge.locales[1].words.alternatives == ("or",)
    assert knowledge.scope.products["en"] == ("keyproduct",)
    assert knowledge.scope.other_topics["ja"] == ("請求書",) and not knowledge.scope.context
    assert knowledge.calibration == ((0.7, 0.9), (1.0, 0.99))


@pytest.mark.parametrize(("negation", "needle", "message"), [
    ("before: [not]\n        reach: 99\n", "99", "the reach of the negation"),
    ("reach: 2\n", "reach", "names no denying words"),
    ("before: [not]\n        befor: [no]\n", "befor: [no]", "unknown key 'befor'"),
    ("before: not\n", "not\n", "the before of the negation"),
    ("before: [not]\n        asks: {or: not}\n", "{or: not}", "the asks of the negation"),
    ("before: [not]\n        quoting: {a: b}\n", "{a: b}", "the quoting of the negation"),
])
def test_negation_mistakes_are_positioned(tiny_rules, negation, needle, message):
    path = tiny_rules((EN_LOCALE, EN_LOCALE + "    words:\n      negation:\n        "
                       + negation))
    problem = only_problem(path)
    assert (problem.line, problem.column) == position(path, needle), problem
    assert message in problem.message


@pytest.mark.parametrize(("section", "needle", "message"), [
    ("scope:\n  others:\n    ja: [x]\n    en: [y]\n", "others", "unknown key 'others' in scope"),
    ("scope:\n  context:\n    ja: [キー]\n", "context", "has no 'en' phrases"),
    ("scope:\n  context:\n    ja: [キー]\n    en: [key]\n    fr: [clé]\n", "fr",
     "undeclared locale 'fr'"),
    ("calibration:\n  answer: [[0.9, 0.9], [0.8, 0.95]]\n", "[0.8", "out of order"),
    ("calibration:\n  answer: [[0.9, 1.5]]\n", "1.5", "a share right is '1.5'"),
    ("calibration:\n  answer: [[0.9]]\n", "[0.9]", "not a pair"),
    ("calibration:\n  points: []\n", "points", "unknown key 'points'"),
])
def test_scope_and_calibration_mistakes_are_positioned(tiny_rules, section, needle, message):
    path = tiny_rules((OOS, OOS + section))
    knowledge, problems = check_rules(path)
    assert knowledge is None
    assert any(message in p.message for p in problems), problems
    problem = next(p for p in problems if message in p.message)
    if needle != "context":  # a missing locale is reported at the phrases' mapping
        assert (problem.line, problem.column) == position(path, needle), problem


def test_with_key_must_be_true_or_false(tiny_rules):
    path = tiny_rules(("  broken-or-how:\n    intents: [key-broken, how-to]\n",
                       "  broken-or-how:\n    intents: [key-broken, how-to]\n"
                       "    with_key: sometimes\n"))
    problem = only_problem(path)
    assert (problem.line, problem.column) == position(path, "sometimes")
    assert "with_key" in problem.message and problem.expected == "true or false"
