"""Round six of issue 11 (sets G and H's categories, our own wording, no blind text)."""

from __future__ import annotations

import pytest

from bot.understand.recognise import Recogniser
from tests.conftest import outcome

KEY_ERRORS = {"key-invalid", "key-already-used", "key-already-entered", "key-expired"}


@pytest.mark.parametrize("text", [
    "Please ignore my note about 'The product key you entered has expired', wrong key pasted",
    "「既に使用されています」の件、無視してください。別件でした",
    "the 'can't process your request' error sorted itself out overnight",
])
def test_a_withdrawn_or_settled_report_is_not_answered(recogniser: Recogniser,
                                                       text: str) -> None:
    assert recogniser.classify(text).action == "unknown", outcome(recogniser.classify(text))


@pytest.mark.parametrize("text", [
    "the key card for the lab door stopped working",
    "Shopify says the order can't be processed",
    "Minecraft licences: we have exceeded the number we bought",
])
def test_other_keys_orders_and_licences_are_not_answered(recogniser: Recogniser,
                                                         text: str) -> None:
    assert recogniser.classify(text).action == "unknown", outcome(recogniser.classify(text))


@pytest.mark.parametrize("text", ["「別のキーを」とだけ表示されました", "product key fail again"])
def test_a_key_that_fails_in_few_words_asks_among_the_key_errors(recogniser: Recogniser,
                                                                 text: str) -> None:
    result = recogniser.classify(text)
    assert result.action == "clarify", outcome(result)
    assert {c.intent for c in result.candidates} <= KEY_ERRORS, outcome(result)


def test_a_lost_key_written_with_another_kanji_is_lost(recogniser: Recogniser) -> None:
    assert outcome(recogniser.classify("EMSのプロダクトキーを亡くしました")) == "key-lost"


@pytest.mark.parametrize(("text", "wanted"), [
    ("お客様の…できません、と出ました", ["request-failed-retry", "account-creation-failed"]),
    ("管理者がどうとか、アカウントがどうとか書いてありました",
     ["admin-role-required", "account-creation-failed"]),
    ("無効…だったか、期限切れ…だったか", ["key-invalid", "key-expired"]),
    ("something about being an admin, or some limit? not sure",
     ["admin-role-required", "license-limit-exceeded"]),
])
def test_half_remembered_messages_ask_between_the_errors_they_fit(
        recogniser: Recogniser, text: str, wanted: list[str]) -> None:
    result = recogniser.classify(text)
    assert result.action == "clarify", outcome(result)
    assert [c.intent for c in result.candidates] == wanted


def test_asking_whether_an_error_will_go_away_is_no_status_report(
        recogniser: Recogniser) -> None:
    text = "「このプロダクト キーは既に使用されています」と出ます。待てば直りますか？"
    assert outcome(recogniser.classify(text)) == "key-already-used"


def test_a_failing_key_beside_a_word_several_errors_share_still_asks_among_key_errors(
        recogniser: Recogniser) -> None:
    result = recogniser.classify("the product key won't go in, sorry for the vague report")
    assert result.action == "clarify", outcome(result)
    assert {c.intent for c in result.candidates} <= KEY_ERRORS, outcome(result)
