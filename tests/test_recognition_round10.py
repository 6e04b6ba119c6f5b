"""Round ten of issue 11 (sets O and P's categories after their first pass; our own wording)."""

from __future__ import annotations

import pytest

from bot.knowledge.model import Knowledge
from bot.understand.recognise import Recogniser
from tests.answer_helpers import answered
from tests.conftest import outcome


@pytest.mark.parametrize("text", [
    # not + a word made by a negative prefix is no typo of the phrase without it
    "our subscription is not unavailable, it was a browser cache issue",
    # a clause that opens with a denial denies all of the clause before it
    "サブスクリプションは使用できません的なエラー、今日はまったく出なかった",
    # other products' orders, and status reports
    "文房具の注文サイトで、ご注文は処理できませんと言われる",
    "just letting you know the EMS key went in without trouble",
])
def test_round_ten_out_of_scope_wordings_are_not_answered(recogniser: Recogniser,
                                                          text: str) -> None:
    result = recogniser.classify(text)
    assert result.action == "unknown", outcome(result)


@pytest.mark.parametrize(("text", "intent"), [
    # a sentence's end (。) stops a denial reaching back (会社じゃない is about the company)
    ("ユーザー ライセンスの上限を超えたというエラーが出ます。大企業じゃないのに",
     "license-limit-exceeded"),
    # パートナー is not トナー
    ("パートナー経由のキーで、全体管理者じゃないと使えないと出ました", "admin-role-required"),
])
def test_round_ten_wordings_are_answered(recogniser: Recogniser, text: str, intent: str) -> None:
    assert outcome(recogniser.classify(text)) == intent


@pytest.mark.parametrize(("intent", "question", "text", "expect"), [
    ("key-invalid", "solved", "ばっちりでした", "solved"),
    ("key-invalid", "solved", "一回は通ったけど、また出ました", "unsolved"),
    ("key-already-entered", "listed", "そんな一覧があるとは、見てなかったです", "not-checked"),
    ("key-already-entered", "listed", "not yet, will look after lunch", "not-checked"),
])
def test_round_ten_typed_answers(knowledge: Knowledge, intent: str, question: str, text: str,
                                 expect: str) -> None:
    assert answered(knowledge, intent, question, text) == expect


def test_vague_phrases_together_offer_only_the_messages_they_share(
        recogniser: Recogniser) -> None:
    result = recogniser.classify("got a sorry, please try again type of message")
    assert result.action == "clarify", outcome(result)
    assert {c.intent for c in result.candidates} == {"request-failed-retry",
                                                     "account-creation-failed"}
