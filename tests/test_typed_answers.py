"""In a conversation, free text at a question or after a remedy is an answer, "why?", another
error, or the step again with a hint; it never hands the case off as "not recognised"."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.dialogue.assistant import Assistant
from bot.dialogue.replies import Ask, Closed, Escalate, Explanation, Remedy
from bot.render.renderer import render
from tests.assistant_helpers import make_assistant, only
from tests.conftest import FIXTURES

EXPIRED = "The product key you entered has expired. Enter a different key"
REQUEST_JA = ("申し訳ございません。お客様のリクエストを処理できません。"
              "しばらく待ってからもう一度やり直してください")
ENTERED = "You have already entered this product key. Enter a different key"


@pytest.fixture
def assistant(tmp_path: Path) -> Assistant:
    return make_assistant(tmp_path)


def test_free_text_answers_move_the_diagnosis_on(assistant):
    assert only(assistant.handle("c", text=EXPIRED)).question == "other-key"
    reply = only(assistant.handle("c", text="yes, we got a newer one"))
    assert isinstance(reply, Remedy) and reply.remedy == "enter-other-key"
    conv = assistant.store.load("c")
    assert conv.answers == [["other-key", "has-other"]]


def test_a_duration_answers_the_fifteen_minute_question(assistant):
    assistant.handle("c", text=REQUEST_JA)
    reply = only(assistant.handle("c", text="30分くらい"))
    assert isinstance(reply, Escalate) and reply.summary.outcome == "contact-support"


def test_replies_that_answer_nothing_ask_again_and_never_hand_off(assistant):
    assistant.handle("c", text=EXPIRED)
    for text in ("hmm", "purple", "the weather is nice", "asdf"):
        reply = only(assistant.handle("c", text=text))
        assert isinstance(reply, Ask) and reply.question == "other-key" and reply.hint
    assert assistant.store.load("c").streak == 0
    assert isinstance(only(assistant.handle("c", text="no")), Escalate)  # still answerable


def test_a_vague_reply_after_a_remedy_asks_again_whether_it_worked(assistant):
    assistant.handle("c", text=EXPIRED)
    assistant.handle("c", text="I have another key")
    for _ in range(3):
        reply = only(assistant.handle("c", text="hmm"))
        assert isinstance(reply, Remedy) and reply.hint
    assert isinstance(only(assistant.handle("c", text="直りました")), Closed)


@pytest.mark.parametrize(("text", "kind"), [("still failing", Escalate), ("だめでした", Escalate),
                                            ("it works now", Closed), ("解決しました", Closed)])
def test_did_this_solve_it_understands_free_text_both_ways(assistant, text, kind):
    assistant.handle("c", text=EXPIRED)
    assistant.handle("c", text="I have another key")
    reply = only(assistant.handle("c", text=text))
    assert isinstance(reply, kind)
    if isinstance(reply, Escalate):
        assert reply.summary.reason == "unsolved"


@pytest.mark.parametrize("text", ["why do you ask?", "なんで？", "what's that for?"])
def test_asking_why_gives_the_explanation(assistant, text):
    assistant.handle("c", text=EXPIRED)
    reply = only(assistant.handle("c", text=text))
    assert isinstance(reply, Explanation) and reply.about == "question"


def test_pasting_another_error_switches_to_it(assistant):
    assistant.handle("c", text=ENTERED)
    reply = only(assistant.handle("c", text=f"no, and now it says {EXPIRED}"))
    assert isinstance(reply, Ask) and reply.intent == "key-expired"


def test_an_answer_phrase_another_error_shares_stays_an_answer(assistant):
    # 見当たらない is also how people say a key is lost; here it answers "is it on the list?"
    assistant.handle("c", text=ENTERED)
    reply = only(assistant.handle("c", text="確認したけど見当たらないです"))
    assert isinstance(reply, Escalate) and reply.summary.intent == "key-already-entered"
    assert reply.summary.answers[0].answer == "No, it isn't listed"


def test_the_same_error_again_after_a_remedy_means_it_did_not_help(assistant):
    assistant.handle("c", text=EXPIRED)
    assistant.handle("c", text="I have another key")
    reply = only(assistant.handle("c", text=EXPIRED))
    assert isinstance(reply, Escalate) and reply.summary.reason == "unsolved"


@pytest.mark.parametrize(("lang", "question", "hint"), [
    ("en", "EXPIRED", "I couldn't tell which answer that is. Choose one below, or answer in "
                      "other words."),
    ("ja", "EXPIRED", "どの回答にあたるか判断できませんでした。"
                      "下の選択肢から選ぶか、別の言い方でお答えください。"),
    ("ja", "INVALID", "キーを貼り付けてください。"),
])
def test_the_hint_is_worded_in_the_conversation_language(tmp_path, lang, question, hint):
    assistant = make_assistant(tmp_path)
    assistant.start("c", lang=lang, explicit=True)
    assistant.handle("c", text={"EXPIRED": EXPIRED,
                                "INVALID": "This product key isn't valid"}[question])
    text = render(only(assistant.handle("c", text="hmm")), "cli").text
    assert hint in text


def test_the_remedy_hint_asks_for_yes_or_no(tmp_path):
    assistant = make_assistant(tmp_path)
    assistant.start("c", lang="ja", explicit=True)
    assistant.handle("c", text=EXPIRED)
    assistant.handle("c", text="別のキーがあります")
    text = render(only(assistant.handle("c", text="うーん")), "cli").text
    assert "これで解決しましたか。「はい」か「いいえ」でお答えください。" in text


def test_a_third_language_answers_in_free_text_without_code_changes(tmp_path):
    assistant = make_assistant(tmp_path, rules=FIXTURES / "three-locales.yaml")
    assistant.handle("c", text="服务繁忙，请稍后再试")
    reply = only(assistant.handle("c", text="大概两个小时了"))
    assert isinstance(reply, Escalate)
    assistant.handle("d", text="此密钥已损坏")
    assert isinstance(only(assistant.handle("d", text="是的")), Remedy)
    assert isinstance(only(assistant.handle("d", text="还是不行")), Escalate)


def test_a_topic_asked_again_after_its_remedy_is_not_a_failure(assistant):
    assistant.handle("c", text="how do I redeem a product key?")
    assistant.handle("c", text="it's for intune")
    reply = only(assistant.handle("c", text="how do I redeem a product key?"))
    assert isinstance(reply, Remedy) and reply.hint  # asked again whether it worked


def test_a_vague_mention_of_an_error_at_a_question_asks_again(assistant):
    assistant.handle("c", text=ENTERED)
    reply = only(assistant.handle("c", text="I'm getting an error"))
    assert isinstance(reply, Ask) and reply.question == "listed" and reply.hint


def test_a_quoted_fragment_of_other_errors_asks_which_one(assistant):
    assistant.handle("c", text=ENTERED)
    reply = only(assistant.handle("c", text="now it says sorry, we can't process your"))
    assert reply.kind == "clarify"


def test_while_other_errors_are_offered_a_reply_is_not_read_as_the_old_answer(assistant):
    assistant.handle("c", text=ENTERED)
    assert only(assistant.handle("c", text="now it says sorry, we can't process your")
                ).kind == "clarify"
    reply = only(assistant.handle("c", text="no"))
    assert reply.kind == "not-recognised"
    assert assistant.store.load("c").answers == []



@pytest.mark.parametrize("text", [
    "新しいキーは無いです", "別のキーは無いっすね", "新しいのは無かったです"])
def test_a_denial_written_in_kanji_counts_as_no(assistant, text):
    """無い is ない written in kanji: there is no other key, so not the other-key remedy."""
    assistant.handle("c", text="プロダクト キーの有効期限が切れています")
    assistant.handle("c", text=text)
    assert assistant.store.load("c").answers == [["other-key", "no-other"]]


@pytest.mark.parametrize("text", [
    "can't you just give me a new one?",
    "could you just extend it for us? no?",
    "what do you mean by another key",
    "質問の意味がちょっとわからないです",
    "延長できないんですか？",
])
def test_a_question_back_is_asked_again_not_taken_for_an_answer(assistant, text):
    assistant.handle("c", text=EXPIRED)
    reply = only(assistant.handle("c", text=text))
    assert isinstance(reply, Ask) and reply.question == "other-key" and reply.hint
    assert assistant.store.load("c").answers == []


def test_questions_back_are_data_of_the_rules_file(shipped_rules_edited, tmp_path):
    path = shipped_rules_edited(r"\n        asks_back: \[[^\]]*\]", count=2)
    assistant = make_assistant(tmp_path, rules=path)
    assistant.handle("c", text=EXPIRED)
    assistant.handle("c", text="can't you just give me a new one? no?")
    assert assistant.store.load("c").answers == [["other-key", "no-other"]]


@pytest.mark.parametrize(("text", "answer"), [
    ("checked, and it's not on there", "not-listed"),
    ("yes it's on there", "listed"),
    ("一覧に無かったです", "not-listed"),
])
def test_on_there_and_kanji_denials_answer_the_list_question(assistant, text, answer):
    assistant.handle("c", text=ENTERED)
    assistant.handle("c", text=text)
    assert assistant.store.load("c").answers == [["listed", answer]]
