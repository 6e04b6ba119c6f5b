"""Round thirteen of issue 11 (sets U and V's categories after their first pass; own wording)."""

from __future__ import annotations

import pytest

from bot.knowledge.model import Knowledge
from bot.understand.recognise import Recogniser
from tests.answer_helpers import answered
from tests.conftest import outcome

KEY = "QWRTY-23456-PLMKO-98765-ZXCVB"


@pytest.mark.parametrize(("text", "intent"), [
    # a pasted key is the redemption context: a device named beside it takes nothing away
    (f"デバイスはSurfaceです。キー {KEY} が既に使用されていますと言われる", "key-already-used"),
    # katakana product names of System Center Configuration Manager (the katakana rule's guard)
    ("システムセンターのインストーラーってどこから落とせる？", "sccm-download"),
    ("コンフィグレーションマネジャーのダウンロードをしたいです", "sccm-download"),
    # colloquial wordings of the errors and topics
    ("キーのメモ、たぶん捨てちゃいました。どうしよう", "key-lost"),
    ("we never got the key from the vendor, what now", "key-lost"),
    ("EMSのキー、アクティベートの方法が分からない", "redeem-how"),
    ("What's the procedure for our EMS product key?", "redeem-how"),
    ("キーの有効期間が切れてるって表示された", "key-expired"),
    ("キーはもう入ってますって出るんだけど", "key-already-entered"),
    ("サブスクが無理って言われた、プラン対象外とかなんとか", "subscription-unavailable"),
])
def test_round_thirteen_wordings_are_answered(recogniser: Recogniser, text: str,
                                             intent: str) -> None:
    result = recogniser.classify(text)
    assert (result.action, result.intent) == ("answer", intent), outcome(result)


@pytest.mark.parametrize(("text", "intents"), [
    ("キー入れたらまた怒られたんだけど", {"key-invalid", "key-already-entered", "key-expired",
                                "key-already-used"}),
    ("our 25-char key is broken?", {"key-invalid", "key-already-entered", "key-expired",
                                    "key-already-used"}),
    ("待てって言われて終わった", {"request-failed-retry", "account-creation-failed"}),
    ("it told me to wait, then try again", {"request-failed-retry", "account-creation-failed"}),
])
def test_round_thirteen_vague_wordings_ask_which(recogniser: Recogniser, text: str,
                                                 intents: set[str]) -> None:
    result = recogniser.classify(text)
    assert result.action == "clarify", outcome(result)
    assert {c.intent for c in result.candidates} == intents, outcome(result)


@pytest.mark.parametrize("text", [
    # a loanword in katakana is no redemption context of its own
    "うちのCRMのトライアル終わったっぽい",
    # requests for an admin task, not an error
    "来週から来る派遣さんのアカウント作ってほしいです",
    "please create a guest account for our auditor",
    "can I hand my billing admin role over to Sato?",
    "please give the new intern the billing admin role",
    # other services
    "the Miro trial ended, can we get the paid plan?",
    "サードパーティのツールでサブスクリプションが使用できないって出る",
    # status reports
    "エラーなしで普通に引き換えできましたー",
    "key redeemed straight away, thanks all",
    "普通に登録完了でした",
    # the longer phrase is what was said, and a shorter status phrase still counts alone
    "never got the 'already used' message after all, closing",
])
def test_round_thirteen_out_of_scope_wordings_are_not_answered(recogniser: Recogniser,
                                                               text: str) -> None:
    result = recogniser.classify(text)
    assert result.action == "unknown", outcome(result)


@pytest.mark.parametrize(("intent", "question", "text", "expect"), [
    ("key-invalid", "check-characters", "自力でチェックします", "skip"),
    ("key-expired", "other-key", "キーはこの1本だけです", "no-other"),
    ("admin-role-required", "has-role", "ただのヒラ社員です", "no-role"),
    ("key-invalid", "solved", "the problem persists", "unsolved"),
    ("request-failed-retry", "how-long", "昼休みの間待ってもダメ", "over-15"),
    ("request-failed-retry", "how-long", "been like this over lunch break", "over-15"),
])
def test_round_thirteen_typed_answers(knowledge: Knowledge, intent: str, question: str,
                                      text: str, expect: str) -> None:
    assert answered(knowledge, intent, question, text) == expect


# Round fourteen (sets W and X's categories after their first pass; own wording)

@pytest.mark.parametrize(("text", "intent"), [
    ("we can't make the account for the new tenant", "account-creation-failed"),
    ("we paid but the order couldn't go through at the final step", "order-failed"),
    ("our Intune key was in an email that has been deleted", "key-lost"),
    ("EMS のキー、25桁のコードをどう使えばいいですか", "redeem-how"),
])
def test_round_fourteen_wordings_are_answered(recogniser: Recogniser, text: str,
                                             intent: str) -> None:
    result = recogniser.classify(text)
    assert (result.action, result.intent) == ("answer", intent), outcome(result)


@pytest.mark.parametrize(("text", "intents"), [
    ("キー入れたけどNG", {"key-invalid", "key-already-entered", "key-expired", "key-already-used"}),
    ("プランがどうこうって出た", {"subscription-unavailable", "license-limit-exceeded"}),
    ("something about the offer, didn't catch it", {"subscription-unavailable",
                                                    "license-limit-exceeded"}),
    ("申し訳ない系のエラーで止まった", {"request-failed-retry", "account-creation-failed",
                              "order-failed"}),
])
def test_round_fourteen_vague_wordings_ask_which(recogniser: Recogniser, text: str,
                                                 intents: set[str]) -> None:
    result = recogniser.classify(text)
    assert result.action == "clarify", outcome(result)
    assert {c.intent for c in result.candidates} == intents, outcome(result)


@pytest.mark.parametrize("text", [
    "キーはまだ入れてないです、エラーになるかは来週分かります",
    "「ご注文は処理できません」にはならずに終わりました",
    "アスクルの注文がエラーで処理できません",
    "lost the locker key for the 3rd floor, who has a copy?",
    "can't find the yen key on this keyboard",
    "全体管理者の権限を部長さんに付けたい",
    "全体管理者をもう1人追加する手順を教えて",
])
def test_round_fourteen_out_of_scope_wordings_are_not_answered(recogniser: Recogniser,
                                                               text: str) -> None:
    result = recogniser.classify(text)
    assert result.action == "unknown", outcome(result)


@pytest.mark.parametrize(("intent", "question", "text", "expect"), [
    ("key-already-used", "who-used", "which partner?", "none"),
    ("order-failed", "product", "エンタープライズのやつです", "ems"),
    ("key-invalid", "solved", "微妙、まだ同じ感じ", "unsolved"),
])
def test_round_fourteen_typed_answers(knowledge: Knowledge, intent: str, question: str,
                                      text: str, expect: str) -> None:
    assert answered(knowledge, intent, question, text) == expect
