"""Round seventeen of issue 11 (sets ZC and ZD's categories after their first pass; own
wording)."""

from __future__ import annotations

import pytest

from bot.knowledge.model import Knowledge
from bot.understand.recognise import Recogniser
from tests.answer_helpers import answered
from tests.conftest import outcome

KEY_ERRORS = {"key-invalid", "key-already-entered", "key-expired", "key-already-used"}


@pytest.mark.parametrize(("text", "intent"), [
    # "何回やってもダメ" is no "待ってもダメ": a key error said, then tried again
    ("キーを入れると無効と出る。何回やってもダメ", "key-invalid"),
    ("プロダクトキーはどちらで入力すればよいでしょうか。Intune です", "redeem-how"),
    ("前任者が key を never handed over で、どこにあるか can't locate", "key-lost"),
    ("Portal: somebody redeemed this key before us", "key-already-used"),
    ("購入した25桁を入れても正しいキーとして認められません", "key-invalid"),
])
def test_round_seventeen_wordings_are_answered(recogniser: Recogniser, text: str,
                                              intent: str) -> None:
    result = recogniser.classify(text)
    assert (result.action, result.intent) == ("answer", intent), outcome(result)


@pytest.mark.parametrize("text", [
    # a clause opening with という quotes the one before: its denial denies the quote
    "このキーは期限切れです、というエラーメッセージは今日の画面では出ていません",
    "キーが有効ではありません、みたいな赤い文字のエラーは今回一度も表示されていません",
    # other things that expire or take a key
    "電子入札のICカードの有効期限が切れていますと表示される",
    "ATOKのプロダクトキーが有効ではありませんと出ます",
    # status reports and admin how-tos
    "「ご注文は処理できません」は昨日から発生していない。経過観察とする",
    "異動した人の全体管理者の権限を外す方法は？",
    "退職者のアカウントを無効にする手順を知りたい",
])
def test_round_seventeen_out_of_scope_wordings_are_not_answered(recogniser: Recogniser,
                                                                text: str) -> None:
    result = recogniser.classify(text)
    assert result.action == "unknown", outcome(result)


@pytest.mark.parametrize(("intent", "question", "text", "expect"), [
    ("key-already-entered", "listed", "checked, the list is empty", "not-listed"),
    ("key-expired", "other-key", "we got two keys back then, one is in a drawer", "has-other"),
    ("admin-role-required", "has-role", "業者さんが設定したので分かりかねます", "unknown"),
    ("order-failed", "product", "製品で何が違うの？", "why"),
    ("key-invalid", "solved", "全然直りません", "unsolved"),
    ("key-invalid", "check-characters", "規程上NGなので当方にて再確認します", "skip"),
])
def test_round_seventeen_typed_answers(knowledge: Knowledge, intent: str, question: str,
                                       text: str, expect: str) -> None:
    assert answered(knowledge, intent, question, text) == expect


# Round eighteen (sets ZE and ZF's categories after their first pass; own wording)

@pytest.mark.parametrize(("text", "intent"), [
    ("全体監理者または課金監理者である必要がありますとのことで、キーが通りません",
     "admin-role-required"),
    ("it couldn't handle the request", "request-failed-retry"),
    ("期限の切れたキーですと言われて入りません", "key-expired"),
    ("nobody has the intune key since the admin left", "key-lost"),
])
def test_round_eighteen_wordings_are_answered(recogniser: Recogniser, text: str,
                                             intent: str) -> None:
    result = recogniser.classify(text)
    assert (result.action, result.intent) == ("answer", intent), outcome(result)


@pytest.mark.parametrize("text", [
    # Kansai: ちゃうかった / やなかった deny like じゃなかった
    "キーの期限切れちゃうかったわ、普通に通った",
    "Perforce のライセンスの期限が切れたらしい",
    "how many of our EMS licences are actually in use right now?",
    "今、課金管理者って誰になってます？",
])
def test_round_eighteen_out_of_scope_wordings_are_not_answered(recogniser: Recogniser,
                                                               text: str) -> None:
    result = recogniser.classify(text)
    assert result.action == "unknown", outcome(result)


@pytest.mark.parametrize(("intent", "question", "text", "expect"), [
    ("key-expired", "other-key", "そんなん持ってへんよ", "no-other"),
    ("key-invalid", "solved", "あかんかった", "unsolved"),
    ("admin-role-required", "has-role", "does the role really matter here?", "why"),
    ("key-expired", "other-key", "maybe, there's a newer one somewhere", "has-other"),
])
def test_round_eighteen_typed_answers(knowledge: Knowledge, intent: str, question: str,
                                      text: str, expect: str) -> None:
    assert answered(knowledge, intent, question, text) == expect
