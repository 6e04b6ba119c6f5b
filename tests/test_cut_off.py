"""A message quoted up to where the user stopped reading: the words beside the cut mark name
the errors whose on-screen message holds them (bot/understand/cut_off.py). Our own wording."""

from __future__ import annotations

import pytest

from bot.knowledge.loader import load_knowledge
from bot.understand.recognise import Recogniser
from tests.conftest import outcome


@pytest.mark.parametrize(("text", "wanted"), [
    # before the cut: 有効 is in 有効ではありません and 有効期限
    ("有効…なんとかってエラーでした", {"key-invalid", "key-expired"}),
    # after the cut: 処理できません ends the request and the order messages
    ("「〜を処理できません」だけ覚えてます", {"request-failed-retry", "order-failed"}),
    # both sides: the errors whose message holds both
    ("the message was 'Sorry, we can't ... right now', I think",
     {"request-failed-retry", "account-creation-failed"}),
    ("使用…なんとかって出ました", {"key-already-used", "subscription-unavailable",
                           "admin-role-required"}),
])
def test_the_words_beside_a_cut_offer_the_errors_whose_message_holds_them(
        recogniser: Recogniser, text: str, wanted: set[str]) -> None:
    result = recogniser.classify(text)
    assert result.action == "clarify", outcome(result)
    assert {c.intent for c in result.candidates} == wanted, outcome(result)
    assert any(e.kind == "ambiguity" and ("…" in e.phrase or "..." in e.phrase
                                          or "〜" in e.phrase) for e in result.evidence)


@pytest.mark.parametrize("text", [
    "the printer... something about toner",  # words in no message
    "the... thing",  # a function word is in every message
    "なんとかなりませんか",  # the mark alone, nothing beside it in a message
])
def test_a_cut_beside_words_no_message_holds_says_nothing(recogniser: Recogniser,
                                                          text: str) -> None:
    assert recogniser.classify(text).action == "unknown"


def test_a_whole_message_with_an_ellipsis_is_still_answered(recogniser: Recogniser) -> None:
    text = "このプロダクト キーは有効ではありません…もう一度入力してください"
    assert outcome(recogniser.classify(text)) == "key-invalid"


def test_cut_marks_are_data_of_the_rules_file(shipped_rules_edited) -> None:
    path = shipped_rules_edited(r"\n      cut_off: \[[^\]]*\]", count=2)
    result = Recogniser(load_knowledge(path)).classify("使用…なんとかって出ました")
    assert result.action == "unknown", outcome(result)
