"""Round eleven of issue 11 (sets Q and R's categories after their first pass; own wording)."""

from __future__ import annotations

import pytest

from bot.understand.recognise import Recogniser
from tests.conftest import outcome


@pytest.mark.parametrize("text", [
    # who holds a role, a licence taken back, a trial extended: admin how-tos
    "how can I find out who the global admin is for our tenant",
    "退職した人のライセンスを回収したいです",
    "is there a way to get the EMS trial extended by two weeks?",
    # other products' licences
    "the dongle licence for our CAD software ran out this morning",
    # "is available" is no typo of "unavailable", "no" none of "not"
    "the subscription is available again, no error any more",
])
def test_round_eleven_out_of_scope_wordings_are_not_answered(recogniser: Recogniser,
                                                             text: str) -> None:
    result = recogniser.classify(text)
    assert result.action == "unknown", outcome(result)


@pytest.mark.parametrize(("text", "intent"), [
    # a key bought to add users is still a key to redeem; only "how do I add users" is a how-to
    ("we bought a product key to add users to Intune, where do I enter it?", "redeem-how"),
    ("the portal says I'm not admin enough to redeem our key", "admin-role-required"),
])
def test_round_eleven_wordings_are_answered(recogniser: Recogniser, text: str,
                                            intent: str) -> None:
    assert outcome(recogniser.classify(text)) == intent
