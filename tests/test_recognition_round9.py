"""Round nine of issue 11 (denials that the clause or word order hides; our own wording)."""

from __future__ import annotations

import pytest

from bot.understand.recognise import Recogniser
from tests.conftest import outcome


@pytest.mark.parametrize("text", [
    # a clause that opens with a denial denies the quoted clause before it
    "このキーは有効期限が切れています、ではなくて、ページが開かないだけです",
    "「注文を処理できません」、みたいなエラーは言われなかったです",
    # a denied phrase takes the words read inside it with it (管理者 in 管理者じゃないと)
    "全体管理者じゃないと駄目、とは表示されていません。権限の話ではないです",
    # a denying word between a phrase's words ("the order did not fail")
    "our order did not fail in the end, it shows up in the admin center",
])
def test_denials_hidden_by_a_comma_or_word_order_are_not_answered(recogniser: Recogniser,
                                                                  text: str) -> None:
    result = recogniser.classify(text)
    assert result.action == "unknown", outcome(result)


@pytest.mark.parametrize(("text", "intent"), [
    # a bare ない after a verb is the error's own failure, not a denial of what precedes it
    ("試用版は2回使えないって画面に出ました", "subscription-unavailable"),
    ("キーを入れたら、全体管理者じゃないと使えないと言われました", "admin-role-required"),
    # "could not" reports a failure even between a phrase's words
    ("the order could not be processed when I redeemed the key", "order-failed"),
])
def test_failures_worded_with_a_negative_are_still_answered(recogniser: Recogniser,
                                                           text: str, intent: str) -> None:
    assert outcome(recogniser.classify(text)) == intent
