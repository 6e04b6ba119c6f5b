"""The weaker evidence channels: loose phrases, readings of cues, topic weight."""

from __future__ import annotations

import pytest

from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Knowledge
from bot.understand.loose import WordReader, words_found
from bot.understand.phrases import PhraseIndex
from bot.understand.recognise import Recogniser
from tests.conftest import FIXTURES, outcome


@pytest.fixture(scope="module")
def reader(knowledge: Knowledge) -> WordReader:
    return WordReader(knowledge)


@pytest.mark.parametrize("forms", [
    ("entered", "entering", "enters", "enter"), ("expired", "expire", "expires"),
    ("licenses", "license", "licensed"), ("copied", "copy", "copies"), ("keys", "key"),
])
def test_stem_folds_forms_of_one_word(reader: WordReader, forms: tuple[str, ...]) -> None:
    assert len({reader.stem(form) for form in forms}) == 1


@pytest.mark.parametrize(("word", "other"), [("apply", "app"), ("used", "us"), ("key", "keep")])
def test_stem_keeps_different_words_apart(reader: WordReader, word: str, other: str) -> None:
    assert reader.stem(word) != reader.stem(other)


def test_words_spell_out_the_rules_files_contractions(reader: WordReader) -> None:
    assert reader.words(" it isnt valid and we cant ") == ["it", "is", "not", "valid", "and",
                                                          "we", "can", "not"]
    assert {"where", "would"} <= reader.function_stems


def test_chat_shorthand_is_read_written_out(reader: WordReader,
                                            recogniser: Recogniser) -> None:
    assert reader.write_out(" pls check ur key ") == " please check your key "
    assert reader.write_out(" urgent ") == " urgent "
    assert outcome(recogniser.classify("it says we can't process ur order?")) == "order-failed"


def test_words_without_spaces_lose_particles_and_negative_endings(reader: WordReader) -> None:
    assert reader.drop_particles("キーが見つからない") == "キー見つからない"
    assert reader.cut_negative("正しくありません") == "正しく"
    assert reader.negative_at("見つからず困った", 4) and not reader.negative_at("見つかった", 4)


def test_a_rules_file_without_word_rules_keeps_words_whole() -> None:
    reader = WordReader(load_knowledge(FIXTURES / "tiny.yaml"))
    assert reader.words("it isnt entered") == ["it", "isnt", "entered"]
    assert reader.function_stems == frozenset()
    assert reader.drop_particles("キーが見つからない") == "キーが見つからない"
    assert reader.cut_negative("見つからない") == "見つからない"


def test_typo_match_must_find_every_word_of_the_phrase() -> None:
    views = PhraseIndex.views("where do i register for the course")
    assert not words_found("where do i put", views)
    assert words_found("where do i put", PhraseIndex.views("where do i puut it"))
    assert words_found("cant be used anymore", PhraseIndex.views("cant be used any more"))


@pytest.mark.parametrize(("text", "intent"), [
    ("they told me the product key had been entered earlier", "key-already-entered"),
    ("our key is apparently not a valid one", "key-invalid"),
    ("sign-up stopped because it was unable to set up the new account", "account-creation-failed"),
    ("the key expires? it says expired when I try", "key-expired"),
    ("a colleague says someone else probably redeemed it already", "key-already-used"),
])
def test_inflected_or_spread_out_wording_is_recognised(recogniser: Recogniser, text: str,
                                                       intent: str) -> None:
    assert outcome(recogniser.classify(text)) == intent


@pytest.mark.parametrize("text", [
    "the key I entered was already used",
    "I entered the key and it says already used",
])
def test_loose_phrase_does_not_borrow_words_of_an_exact_one(recogniser: Recogniser,
                                                            text: str) -> None:
    """"entered … already" is no evidence when "already" belongs to "already used"."""
    assert outcome(recogniser.classify(text)) == "key-already-used"


@pytest.mark.parametrize(("text", "intent"), [
    ("届いたキーが見つからず困っています", "key-lost"),  # 見つからない ~ 見つからず
    ("キーが正しくありませんと出ます", "key-invalid"),  # 正しくない ~ 正しくありません
    ("サブスクは使えませんと表示された", "subscription-unavailable"),  # particle dropped
])
def test_japanese_negative_forms_and_particles_are_folded(recogniser: Recogniser, text: str,
                                                          intent: str) -> None:
    assert outcome(recogniser.classify(text)) == intent


@pytest.mark.parametrize(("text", "intent"), [
    ("キーを粉失してしまいました", "key-lost"),  # 紛失 typed as 粉失 (ふんしつ)
    ("キーを分失したかもしれない", "key-lost"),  # read kanji by kanji: ふん+しつ
    ("キーの引き返し方がわからない", "redeem-how"),  # 引き換え typed as 引き返し
])
def test_kanji_slip_in_a_cue_is_recognised_by_its_reading(recogniser: Recogniser, text: str,
                                                          intent: str) -> None:
    assert outcome(recogniser.classify(text)) == intent


@pytest.mark.parametrize(("text", "intent"), [
    ("It says the key was already entered. Where can I check which keys we entered?",
     "key-already-entered"),
    ("I redeemed the key as the guide says and now it says it has expired", "key-expired"),
    ("引き換えようとしたら課金管理者である必要がありますと出た", "admin-role-required"),
])
def test_error_evidence_outweighs_topic_words(recogniser: Recogniser, text: str,
                                              intent: str) -> None:
    assert outcome(recogniser.classify(text)) == intent


def test_an_intents_content_words_without_its_phrases_do_not_answer(
        recogniser: Recogniser) -> None:
    assert outcome(recogniser.classify("where do I register my new laptop?")) == "unknown"
    assert outcome(recogniser.classify("how many seats are left in the bus?")) == "unknown"
    assert outcome(recogniser.classify(
        "where do I rename our tenant's display name in the admin center?")) == "unknown"


def test_an_order_never_processed_is_the_order_message(recogniser: Recogniser) -> None:
    assert outcome(recogniser.classify("the order we sent in was never processed")) == \
        "order-failed"


@pytest.mark.parametrize("text", [
    "where do I register for the training session?",
    "how do I set up my account on the HR portal?",
    "the printer in room 4 is not working",
    "can you create a Teams channel for our project?",
])
def test_looser_matching_keeps_out_of_scope_messages_unknown(recogniser: Recogniser,
                                                             text: str) -> None:
    assert outcome(recogniser.classify(text)) == "unknown"
