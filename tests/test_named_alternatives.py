"""Errors named as alternatives by their short names ("the order one or the request one",
「期限切れだったか無効だったか」): asked between them (bot/understand/named.py). Our own wording."""

from __future__ import annotations

import pytest

from bot.knowledge.loader import load_knowledge
from bot.understand.recognise import Recogniser
from tests.conftest import outcome


@pytest.mark.parametrize(("text", "wanted"), [
    ("was it the account thing or the order thing? no idea", ["account-creation-failed",
                                                             "order-failed"]),
    ("admin? or licenses? it vanished too quickly", ["admin-role-required",
                                                     "license-limit-exceeded"]),
    ("the key was either bad or used, cannot say", ["key-invalid", "key-already-used"]),
    ("注文だったかリクエストだったか、覚えていません", ["order-failed", "request-failed-retry"]),
    ("期限切れか無効か、どちらかのエラーでした", ["key-expired", "key-invalid"]),
    ("キーが invalid なのか expired なのか分からない", ["key-invalid", "key-expired"]),
    ("登録済み？使用済み？そんな感じの文言", ["key-already-entered", "key-already-used"]),
])
def test_errors_named_as_alternatives_are_asked_between(recogniser: Recogniser, text: str,
                                                        wanted: list[str]) -> None:
    result = recogniser.classify(text)
    assert result.action == "clarify", outcome(result)
    assert [c.intent for c in result.candidates] == wanted
    assert any(e.kind == "alternatives" for e in result.evidence)


@pytest.mark.parametrize(("text", "intent"), [
    ("The product key has expired?? we never even used it", "key-expired"),
    ("the order for our subscription went through, but the key says it has already been used",
     "key-already-used"),
    ("期限切れですか？使ったことないんですが、キーの有効期限が切れていますと出ます", "key-expired"),
])
def test_a_name_in_another_sentence_or_beside_no_or_is_no_alternative(
        recogniser: Recogniser, text: str, intent: str) -> None:
    assert outcome(recogniser.classify(text)) == intent


def test_alternatives_beside_another_product_are_not_asked(recogniser: Recogniser) -> None:
    assert recogniser.classify("my Windows key is either invalid or expired?").action == \
        "unknown"


def test_names_are_data_of_the_rules_file(shipped_rules_edited) -> None:
    path = shipped_rules_edited(r"\n    names:\n      ja: \[[^\]]*\]\n      en: \[[^\]]*\]",
                                count=20)
    result = Recogniser(load_knowledge(path)).classify("was it the account thing or the order "
                                                        "thing? no idea")
    assert result.action == "unknown", outcome(result)
