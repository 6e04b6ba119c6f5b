"""Round seven of issue 11 (sets I and J's categories, our own wording, no blind text)."""

from __future__ import annotations

import pytest

from bot.understand.normalise import fold
from bot.understand.recognise import Recogniser
from tests.conftest import outcome


@pytest.mark.parametrize(("text", "folded"), [
    ("プロダクト キ一", "プロダクト キー"),  # the kanji 一 read by OCR for ー
    ("ｷｰ", "キー"), ("キ-", "キー"),
    ("一番", "一番"), ("A-1", "a-1"),  # elsewhere they stay
])
def test_a_long_vowel_mark_misread_after_katakana_is_folded(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(("text", "intent"), [
    ("プロダクトキ一が有効ではありませんと表示されます", "key-invalid"),
    ("We redeemed our EMS key last month. Where do I get System Center Configuration Manager?",
     "sccm-download"),
    ("the portal says the code was redeemed previously, not by us", "key-already-used"),
    ("権限がないと言われてキーを入れられません", "admin-role-required"),
    ("How do we turn this EMS key into an active subscription?", "redeem-how"),
])
def test_round_seven_wordings_are_answered(recogniser: Recogniser, text: str,
                                           intent: str) -> None:
    assert outcome(recogniser.classify(text)) == intent


@pytest.mark.parametrize("text", [
    "the 'we can't process your order' message hasn't come back since Monday",
    "SAP purchase order can't be processed, who owns SAP?",
])
def test_round_seven_out_of_scope_wordings_are_not_answered(recogniser: Recogniser,
                                                            text: str) -> None:
    result = recogniser.classify(text)
    assert result.action == "unknown", outcome(result)
