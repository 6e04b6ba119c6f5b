"""Round nineteen of issue 11 (sets ZG and ZH's categories after their first pass, and the
categories several writers share; own wording)."""

from __future__ import annotations

import pytest

from bot.knowledge.model import Knowledge
from bot.understand.recognise import Recogniser
from tests.answer_helpers import answered
from tests.conftest import outcome

KEY_ERRORS = {"key-invalid", "key-already-entered", "key-expired", "key-already-used"}
SORRY = {"request-failed-retry", "account-creation-failed", "order-failed"}


@pytest.mark.parametrize(("text", "intent"), [
    # the user's own apology holds the messages' opening words: it quotes no screen
    ("誠に申し訳ございません、キーの控えを紛失いたしました", "key-lost"),
    ("本当に申し訳ございません。キーを失くしてしまいまして", "key-lost"),
    ("the portal says I put this code in before, but I didn't", "key-already-entered"),
    ("サブスク使えへんって言われてん", "subscription-unavailable"),
])
def test_round_nineteen_wordings_are_answered(recogniser: Recogniser, text: str,
                                             intent: str) -> None:
    result = recogniser.classify(text)
    assert (result.action, result.intent) == ("answer", intent), outcome(result)


@pytest.mark.parametrize(("text", "intents"), [
    ("キーがあかんねん", KEY_ERRORS),
    ("is it just a bad key, then", KEY_ERRORS),
    # the screen's own apology, alone, still asks which of the three it was
    ("申し訳ございません…って出て画面が消えた", SORRY),
])
def test_round_nineteen_vague_wordings_ask_which(recogniser: Recogniser, text: str,
                                                 intents: set[str]) -> None:
    result = recogniser.classify(text)
    assert result.action == "clarify", outcome(result)
    assert {c.intent for c in result.candidates} == intents, outcome(result)


@pytest.mark.parametrize("text", [
    "ホテル予約サイトのクーポンが既に使用されていますと出る",
    "the gift voucher code says it has already been redeemed",
    "有効期限のエラーは出とらんよ、大丈夫",
])
def test_round_nineteen_out_of_scope_wordings_are_not_answered(recogniser: Recogniser,
                                                               text: str) -> None:
    result = recogniser.classify(text)
    assert result.action == "unknown", outcome(result)


@pytest.mark.parametrize(("intent", "question", "text", "expect"), [
    ("admin-role-required", "has-role", "共用アカウントなので無いと思います", "no-role"),
    ("key-invalid", "solved", "まだ調べてもらってる途中です", "unsolved"),
    ("admin-role-required", "has-role", "how would I know? nobody told me", "unknown"),
    ("admin-role-required", "has-role", "何で聞きます？", "why"),
    ("key-expired", "other-key", "もう一本あるはずです", "has-other"),
    ("admin-role-required", "has-role", "my account only says user", "no-role"),
])
def test_round_nineteen_typed_answers(knowledge: Knowledge, intent: str, question: str,
                                      text: str, expect: str) -> None:
    assert answered(knowledge, intent, question, text) == expect


def test_the_users_own_courtesy_is_shown_as_no_quote(recogniser: Recogniser) -> None:
    result = recogniser.classify("大変申し訳ございません、キーを紛失しました")
    evidence = result.to_json()["evidence"]
    courtesy = {"phrase": "大変申し訳ございません", "kind": "courtesy", "against": ["quote"]}
    assert courtesy in evidence
    assert not any(e["kind"] == "message" for e in evidence), evidence


# Round twenty (sets ZI and ZJ's categories after their first pass; own wording)

@pytest.mark.parametrize(("text", "intent"), [
    ("the portal says this key was added to the account previously", "key-already-entered"),
    ("同じキーを重ねて登録しようとしています、と表示されます", "key-already-entered"),
    ("it wants me to be some kind of admin before the key goes in", "admin-role-required"),
    ("it says it can't do my order, but I only typed a key", "order-failed"),
])
def test_round_twenty_wordings_are_answered(recogniser: Recogniser, text: str,
                                           intent: str) -> None:
    result = recogniser.classify(text)
    assert (result.action, result.intent) == ("answer", intent), outcome(result)


@pytest.mark.parametrize("text", [
    "SCCMのダウンロードは不要になりました、ありがとうございます",
    "Teams says 'sorry, we couldn't process your request' when I open a chat",
    "ノートPCのカメラが認識されない",
    "うちのテナントのドメイン名、後で変えられますか？",
    "グローバル管理者を1人追加する手順は？",
])
def test_round_twenty_out_of_scope_wordings_are_not_answered(recogniser: Recogniser,
                                                             text: str) -> None:
    result = recogniser.classify(text)
    assert result.action == "unknown", outcome(result)


@pytest.mark.parametrize(("intent", "question", "text", "expect"), [
    # a question back, then the answer in the next clause: the answer
    ("key-already-entered", "listed", "その一覧ってどこで見るの？まだ開いてもいません",
     "not-checked"),
    ("key-already-entered", "listed", "what do you mean by the list? I have not looked at it yet",
     "not-checked"),
    # a question back alone, or with answer words inside the question itself, answers nothing
    ("key-already-entered", "listed", "一覧ってどこにあるの、それ", "none"),
    ("key-already-used", "who-used", "so what counts as a partner in your view", "none"),
])
def test_round_twenty_typed_answers(knowledge: Knowledge, intent: str, question: str,
                                    text: str, expect: str) -> None:
    assert answered(knowledge, intent, question, text) == expect
