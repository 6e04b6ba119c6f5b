"""Round nine of typed answers (sets A–N's categories, our own wording, no blind text)."""

from __future__ import annotations

import pytest

from bot.knowledge.model import Knowledge
from tests.answer_helpers import answered


@pytest.mark.parametrize(("intent", "question", "text", "expect"), [
    # said both ways without a hedge: the answer comes first, the explanation after it
    ("key-already-used", "who-used", "no way, we have just the one admin", "no"),
    ("key-already-used", "who-used", "いないと思います。管理しているのは私だけなので", "no"),
    # a why word that closes a Japanese question asks why, whatever else it names
    ("key-already-used", "who-used", "同僚のことまで聞くのはなぜですか", "why"),
    ("key-already-used", "who-used", "それを答えて何になるんですか", "why"),
    # たぶん leans yes, 大丈夫 is a yes
    ("subscription-unavailable", "trial-before", "たぶん。昔の担当者が触ってた", "yes"),
    ("subscription-unavailable", "country", "大丈夫なはず、日本なので", "offered"),
    # a count of attempts answers "have you retried?"
    ("account-creation-failed", "retried", "5回くらいやったけど全部だめ", "retried"),
    # durations in kana
    ("request-failed-retry", "how-long", "30ぷん以上", "over-15"),
    ("request-failed-retry", "how-long", "いちじかん近く", "over-15"),
    # "it is not", "we do not": a yes phrase with a denying word right after it is a no
    ("key-already-entered", "listed", "i checked and it's not in it", "not-listed"),
    # katakana product names; 〜してません
    ("order-failed", "product", "イーエムエスのほうです", "ems"),
    ("key-already-entered", "listed", "一覧は確認してません、すみません", "not-checked"),
    # "did this solve it?": できないので is a reason, not a question back
    ("key-invalid", "solved", "ポータルが開けないので解決してないです", "unsolved"),
])
def test_round_nine_typed_answers(knowledge: Knowledge, intent: str, question: str, text: str,
                                  expect: str) -> None:
    assert answered(knowledge, intent, question, text) == expect
