"""Round fifteen of issue 11 (sets Y and Z's categories after their first pass; own wording)."""

from __future__ import annotations

import pytest

from bot.knowledge.model import Knowledge
from bot.understand.recognise import Recogniser
from tests.answer_helpers import answered
from tests.conftest import outcome


@pytest.mark.parametrize(("text", "intent"), [
    # "grant" is any grant (a research grant), not granting a role
    ("it says key already entered, and I have a grant deadline today", "key-already-entered"),
    ("キー入れたら、もう入れてあるって出た", "key-already-entered"),
    ("Portal says this key was redeemed by somebody else", "key-already-used"),
    ("productkeystart のURLを教えてください、Intune用です", "redeem-how"),
    ("正しいキーではないと言われてしまいます", "key-invalid"),
    # a denial that asks (…じゃないですか) guesses that it is so: it denies nothing
    ("キー入れたら止まりました。これって期限切れじゃないですか？", "key-expired"),
])
def test_round_fifteen_wordings_are_answered(recogniser: Recogniser, text: str,
                                            intent: str) -> None:
    result = recogniser.classify(text)
    assert (result.action, result.intent) == ("answer", intent), outcome(result)


@pytest.mark.parametrize("text", [
    # a request in the negative-question form (…もらえませんか) is still a request
    "全体管理者の権限を田中さんに付けてもらえませんか",
    "グローバル管理者を自分に付けるにはどうすればいい？",
    "生協で買ったPCの注文が処理できませんと出た",
])
def test_round_fifteen_out_of_scope_wordings_are_not_answered(recogniser: Recogniser,
                                                              text: str) -> None:
    result = recogniser.classify(text)
    assert result.action == "unknown", outcome(result)


# Round sixteen (sets ZA and ZB's categories after their first pass; own wording)

@pytest.mark.parametrize(("text", "intent"), [
    # a message's own words put in quotation marks are a quote of it: the redemption context
    ("the page only says 'isn't valid' under the field", "key-invalid"),
    ("all I get is “isn't valid”, nothing else", "key-invalid"),
    ("EMSのキーを有効にするページはどこですか", "redeem-how"),
    ("二重に登録しようとしていますという表示が出た", "key-already-entered"),
    ("プロダクトキーそのものが手元にありません", "key-lost"),
])
def test_round_sixteen_wordings_are_answered(recogniser: Recogniser, text: str,
                                            intent: str) -> None:
    result = recogniser.classify(text)
    assert (result.action, result.intent) == ("answer", intent), outcome(result)


@pytest.mark.parametrize("text", [
    # the same words unmarked are no quote: "isn't valid" alone names no redemption
    "the page only says isn't valid under the field",
    "キーの入力はエラーなしで終わりました、ご報告まで",
    "How do I give Sato the billing admin role?",
    "ライセンスの残数を確認したいだけです",
    "Can we cancel the EMS trial before it converts?",
    "the shop order for new handheld scanners says it can't process the order",
])
def test_round_sixteen_out_of_scope_wordings_are_not_answered(recogniser: Recogniser,
                                                              text: str) -> None:
    result = recogniser.classify(text)
    assert result.action == "unknown", outcome(result)


@pytest.mark.parametrize(("intent", "question", "text", "expect"), [
    ("key-invalid", "check-characters", "チャットに貼るのはちょっと…自分の手元で確認しますね",
     "skip"),
    ("admin-role-required", "has-role", "見てみたら役割なしでした", "no-role"),
    ("admin-role-required", "has-role", "管理センターが開けないので確認できない", "unknown"),
    ("order-failed", "product", "それで何が変わるんですか", "why"),
    ("request-failed-retry", "how-long", "その15分はどこから数えるの", "none"),
])
def test_round_sixteen_typed_answers(knowledge: Knowledge, intent: str, question: str,
                                     text: str, expect: str) -> None:
    assert answered(knowledge, intent, question, text) == expect
