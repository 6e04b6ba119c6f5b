"""Round eight of issue 11 (sets K and L's categories, our own wording, no blind text)."""

from __future__ import annotations

import pytest

from bot.understand.recognise import Recogniser
from tests.conftest import outcome


@pytest.mark.parametrize("text", [
    "the badge reader on floor 3 stopped working",
    "社員証のカードリーダーが使えなくなった",
    "Tableau says my product key is invalid",
    "アカウントがロックされてログインできません",
    "can you tell me how to give my colleague a global admin role",
    "the 'key expired' thing was a false lead, wrong tenant, ignore me",
])
def test_round_eight_out_of_scope_wordings_are_not_answered(recogniser: Recogniser,
                                                            text: str) -> None:
    result = recogniser.classify(text)
    assert result.action == "unknown", outcome(result)


def test_a_key_that_stopped_working_still_asks_between_expired_and_used(
        recogniser: Recogniser) -> None:
    result = recogniser.classify("our product key stopped working after a year")
    assert result.action == "clarify", outcome(result)
    assert {c.intent for c in result.candidates} == {"key-expired", "key-already-used"}


@pytest.mark.parametrize(("text", "intent"), [
    ("purodakuto ki- doko de nyuuryoku suru no", "redeem-how"),
    ("キーを書いた紙をシュレッダーにかけてしまいました", "key-lost"),
    ("このキーは使用されましたと表示されます", "key-already-used"),
])
def test_round_eight_wordings_are_answered(recogniser: Recogniser, text: str,
                                           intent: str) -> None:
    assert outcome(recogniser.classify(text)) == intent
