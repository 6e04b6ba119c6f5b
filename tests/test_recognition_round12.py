"""Round twelve of issue 11 (sets S and T's categories after their first pass; own wording)."""

from __future__ import annotations

import pytest

from bot.knowledge.model import Knowledge
from bot.understand.recognise import Recogniser
from tests.answer_helpers import answered
from tests.conftest import outcome


@pytest.mark.parametrize("text", [
    "プロジェクターのHDMIケーブルが見当たりません",  # office things go missing too
    "ファイルサーバに権限がないと出て開けません",
    "the SSL certificate has expired on the intranet site",
    "is it best practice to make the client a global admin or a billing admin?",
    "SCCMのダウンロードはもう済んでいます、ありがとうございました",
    "sorry, sent by mistake — wrong channel",
])
def test_round_twelve_out_of_scope_wordings_are_not_answered(recogniser: Recogniser,
                                                             text: str) -> None:
    result = recogniser.classify(text)
    assert result.action == "unknown", outcome(result)


@pytest.mark.parametrize(("intent", "question", "text", "expect"), [
    ("order-failed", "product", "製品によって違ったりします？", "why"),
    ("order-failed", "product", "e m s です", "ems"),
    ("key-already-entered", "listed", "一覧も見たけど無いみたい", "not-listed"),
    ("subscription-unavailable", "trial-before", "昔のことはさっぱりです", "no"),
])
def test_round_twelve_typed_answers(knowledge: Knowledge, intent: str, question: str,
                                   text: str, expect: str) -> None:
    assert answered(knowledge, intent, question, text) == expect
