"""Scope and negation as data: denials, other products and topics, the redemption context,
fragments, pasted keys, alternatives, the evidence behind a decision, calibrated confidence.

Every sentence here is our own wording (none comes from a blind set).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.knowledge.loader import load_knowledge
from bot.understand.calibration import calibrated, fit
from bot.understand.recognise import Recogniser
from tests.conftest import outcome
from tests.test_recognise import KEY_ERRORS

KEY = "PQ7RT-2MXBD-HK9CV-W3FYG-8J4TB"


@pytest.mark.parametrize("text", [
    "the key is not expired",
    "our key has never been used, we only need the invoice",
    "キーは期限切れではありません",
    "このキーは使用済みじゃないです",
    "「既に入力されています」とは出ていません",
    # a bare negative ending right after the phrase (the locale's {ない: 2})
    "プロダクトキーはなくしてないです。納品書がほしいだけです",
    "このキーは使われてないはずです",
])
def test_a_denied_error_is_not_answered(recogniser: Recogniser, text: str) -> None:
    result = recogniser.classify(text)
    assert result.action == "unknown", outcome(result)
    assert any(e.denied_by for e in result.evidence)


@pytest.mark.parametrize(("text", "intent"), [
    ("このキーは使用済みです", "key-already-used"),  # the same words, not denied
    # a cue's own "not"
    ("I'm not a global admin so I can't redeem the key", "admin-role-required"),
    ("the portal could not create our account, the key is ready", "account-creation-failed"),
    ("The product key you entered isn't valid", "key-invalid"),
    # a cue's own negative ending in another negative form is no denial (使えない ~ 使えません)
    ("サブスクリプションが使えませんと表示されます", "subscription-unavailable"),
    ("テナントのサブスクは使えませんって出ます", "subscription-unavailable"),
    ("アカウントが作れませんでした", "account-creation-failed"),
])
def test_a_denying_word_inside_the_error_denies_nothing(recogniser: Recogniser, text: str,
                                                        intent: str) -> None:
    assert outcome(recogniser.classify(text)) == intent


def test_the_denied_phrase_is_evidence_against_its_intent(recogniser: Recogniser) -> None:
    evidence = recogniser.classify("the key is not expired").to_json()["evidence"]
    assert {"phrase": "expired", "kind": "cue", "against": ["key-expired"],
            "denied_by": "not"} in evidence


@pytest.mark.parametrize("text", [
    "Office 2016 product key says it has already been used",
    "Windows 11 のプロダクトキーが無効と出ます",
    "how do I assign licenses to users in Intune?",
    "No error at all, the key worked. Where do I download the invoice?",
])
def test_other_products_and_topics_are_not_answered(recogniser: Recogniser, text: str) -> None:
    result = recogniser.classify(text)
    assert result.action == "unknown", outcome(result)
    assert any("answer" in e.to_json().get("against", []) for e in result.evidence)


@pytest.mark.parametrize(("text", "intent"), [
    ("Our Intune key came bundled with Office and now it says it has already been used",
     "key-already-used"),  # our product named: the other one does not veto
    ("When I assign licences it shows: You've added more user licenses than this offer allows",
     "license-limit-exceeded"),  # a quoted message outweighs a neighbouring topic
    ("Intune のキーが無効と出ます", "key-invalid"),
])
def test_our_product_or_a_quoted_message_keeps_the_answer(recogniser: Recogniser, text: str,
                                                          intent: str) -> None:
    assert outcome(recogniser.classify(text)) == intent


def test_cues_alone_need_the_redemption_context(recogniser: Recogniser) -> None:
    bare = recogniser.classify("it says expired")
    assert bare.action == "unknown"
    assert {"phrase": "", "kind": "no-context", "against": ["answer"]} in \
        bare.to_json()["evidence"]
    assert outcome(recogniser.classify("the key says expired")) == "key-expired"


@pytest.mark.parametrize(("text", "choices"), [
    ("Sorry, we can't", ["request-failed-retry", "account-creation-failed", "order-failed"]),
    ("申し訳ございません。お客様の", ["request-failed-retry", "account-creation-failed"]),
    ("このプロダクト キーは", KEY_ERRORS),
    ("The product key you entered has", ["key-expired", "key-already-used"]),
])
def test_a_message_cut_short_offers_the_messages_it_starts(recogniser: Recogniser, text: str,
                                                           choices: list[str]) -> None:
    result = recogniser.classify(text)
    assert result.action == "clarify"
    assert sorted(c.intent for c in result.candidates) == sorted(choices)


def test_a_pasted_key_that_fails_offers_the_key_errors(recogniser: Recogniser) -> None:
    with_key = recogniser.classify(f"{KEY} no luck")
    assert with_key.action == "clarify"
    assert sorted(c.intent for c in with_key.candidates) == sorted(KEY_ERRORS)
    assert recogniser.classify("no luck").action == "unknown"  # the same words, no key


@pytest.mark.parametrize("text", ["the key was invalid or expired",
                                  "キーが無効か期限切れと言われた"])
def test_two_errors_named_as_alternatives_are_asked_about(recogniser: Recogniser,
                                                          text: str) -> None:
    result = recogniser.classify(text)
    assert result.action == "clarify"
    assert sorted(c.intent for c in result.candidates) == ["key-expired", "key-invalid"]


def test_rules_without_a_scope_section_answer_from_cues(tiny_rules: Callable[..., Path]) -> None:
    """The context rule comes from the rules file: a file that declares no scope keeps cues."""
    assert outcome(Recogniser(load_knowledge(tiny_rules())).classify("broken")) == "key-broken"


def test_negation_is_data_of_the_rules_file(tiny_rules: Callable[..., Path]) -> None:
    plain = Recogniser(load_knowledge(tiny_rules()))
    assert outcome(plain.classify("it is never broken")) == "key-broken"
    path = tiny_rules(("  - id: en\n    name: English\n",
                       "  - id: en\n    name: English\n    words:\n      negation:\n"
                       "        before: [never]\n"))
    assert outcome(Recogniser(load_knowledge(path)).classify("it is never broken")) \
        == "unknown"


def test_answer_confidence_is_the_calibrated_share(knowledge, recogniser: Recogniser) -> None:
    raw = Recogniser(knowledge, calibrate=False).classify("the key says expired")
    mapped = recogniser.classify("the key says expired")
    assert mapped.confidence == pytest.approx(calibrated(raw.confidence, knowledge.calibration))
    assert mapped.confidence != raw.confidence and mapped.confidence < 1.0


def test_calibration_points_interpolate_and_hold_at_the_ends() -> None:
    points = [(0.7, 0.8), (0.9, 0.9)]
    assert calibrated(0.8, points) == pytest.approx(0.85)
    assert calibrated(0.5, points) == 0.8 and calibrated(1.0, points) == 0.9
    assert calibrated(0.42, []) == 0.42


@given(st.lists(st.tuples(st.floats(0.5, 1.0), st.booleans()), min_size=1, max_size=60))
def test_a_fitted_calibration_is_rising_and_never_certain(samples) -> None:
    points = fit(samples)
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    assert all(0.0 < y < 1.0 for y in ys)
    assert ys == sorted(ys)  # more raw confidence never means less likely right


def test_a_calibration_fitted_on_separable_answers_claims_no_certainty_beyond_them() -> None:
    """Found by the property above: beyond the highest raw confidence seen the curve ran on
    to 1.0 (rounded); no point may be surer than Platt's smoothed target."""
    points = fit([(0.5, False), (0.5, False), (0.5, False), (0.5625, True), (0.5625, True)])
    assert max(y for _, y in points) <= 0.75  # (2 right + 1) / (2 + 2)
