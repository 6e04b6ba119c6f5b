"""OCR text: misread keys masked whole, and slips corrected against the rules' exact messages."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Knowledge
from bot.paths import rules_path
from bot.understand.image.keylines import mask_key_lines
from bot.understand.image.match import closest_message
from bot.understand.normalise import fold
from tests.screenshots.pages import leaked

ALPHABET = "BCDFGHJKMPQRTVWXY2346789"
# what OCR does to a key field: separators misread, spaces inside groups, a frame edge read as
# "|" or "[", a small letter for a capital of the same shape, a kana in the middle (all seen
# on generated pages)
KEY_FORMAT = load_knowledge(rules_path()).key_format  # module level: hypothesis shows args
SLIPS = {"sep": ["-", ".", ":", "'", "/", "", " ", "-:", "で", "・"],
         "edge": ["", "| ", "[", "|", " |"]}


@st.composite
def misread_keys(draw: st.DrawFn) -> tuple[str, str]:
    """(the key, how OCR read its field)."""
    groups = [draw(st.text(ALPHABET, min_size=5, max_size=5)) for _ in range(5)]
    read = draw(st.sampled_from(SLIPS["edge"]))
    for n, group in enumerate(groups):
        if draw(st.booleans()):  # a space inside the group
            cut = draw(st.integers(1, 4))
            group = group[:cut] + " " + group[cut:]
        if draw(st.integers(0, 2)) == 0:  # letters whose small form looks the same
            group = "".join(c.lower() if c in "CKPVWX" else c for c in group)
        read += group + (draw(st.sampled_from(SLIPS["sep"])) if n < 4 else "")
    read += draw(st.sampled_from(["", " |"]))
    return "-".join(groups), read


@settings(max_examples=400, deadline=None)
@given(misread_keys(), st.sampled_from(["プロダクト キー", "Product key", ""]))
def test_a_misread_key_line_keeps_no_hidden_piece_of_the_key(
        pair: tuple[str, str], label: str) -> None:
    key, read = pair
    text = f"{label}\n{read}\nThe product key you entered isn't valid. Try entering it again"
    masked = mask_key_lines(text, KEY_FORMAT)
    assert not leaked(key, masked), masked


@settings(max_examples=200, deadline=None)
@given(st.text(ALPHABET.replace("X", ""), min_size=25, max_size=25), st.integers(1, 10))
def test_a_key_read_short_shows_nothing_outside_its_last_five(key: str, dropped: int) -> None:
    # OCR may drop characters anywhere, the end included: as for a typed key, each character
    # a misread key line lacks hides one more, so what is shown is always among the last five
    read = key[:len(key) - dropped]
    line = "-".join(read[i:i + 5] for i in range(0, len(read), 5))
    masked = [c for c in mask_key_lines(f"Product key\n{line}", KEY_FORMAT).split("\n")[1]
              if c.isalnum()]
    shown = [i for i, c in enumerate(masked) if c != "X"]
    assert all(i >= len(key) - 5 for i in shown), "".join(masked)


def test_the_error_messages_and_page_words_are_never_masked(knowledge: Knowledge) -> None:
    lines = [m.get(lang) for i in knowledge.intents.values() for m in i.messages
             for lang in knowledge.locale_ids]
    lines += ["Enter your product key", "ENTER YOUR PRODUCT KEY",
              "Enter the 25-character product key you received.",
              "受け取った 25 文字のプロダクト キーを入力してください。"]
    text = "\n".join(lines)
    assert mask_key_lines(text, knowledge.key_format) == text


def test_every_exact_message_is_its_own_closest(knowledge: Knowledge) -> None:
    for intent in knowledge.intents.values():
        for message in intent.messages:
            for lang, text in message.texts.items():
                closest = closest_message(knowledge, fold(text))
                assert closest is not None, text
                assert (closest.intent, closest.lang) == (intent.id, lang)


def test_ocr_slips_are_undone_by_the_closest_exact_message(knowledge: Knowledge) -> None:
    # as Tesseract read them from generated pages
    for read, intent in [
        ("このプロダクト キーは有効馬要がのれています。約のプロダクト キーを入力してください",
         "key-expired"),
        ("The product hey you entered has already been weed, Please enter « different "
         "product hey", "key-already-used"),
        ("車し訳ございません。 ご注文は短電できません", "order-failed"),
    ]:
        closest = closest_message(knowledge, fold(read))
        assert closest is not None and closest.intent == intent, read


@pytest.mark.parametrize("read", [
    "",
    "プロダクト キーを入力してください 受け取った 25 文字のプロダクト キーを入力してください。",
    "Enter your product key. Enter the 25-character product key you received. Next Cancel",
    "Quarterly report: revenue grew 4 % in the Tokyo office",
])
def test_text_without_an_error_message_has_no_closest_message(
        knowledge: Knowledge, read: str) -> None:
    assert closest_message(knowledge, fold(read)) is None


def test_a_half_read_message_is_not_taken_for_another(knowledge: Knowledge) -> None:
    # two messages share "別のプロダクト キーを入力してください": that part alone decides nothing
    assert closest_message(knowledge, fold("別のプロダクト キーを入力してください")) is None
    rng = random.Random(3)
    text = "The product key you entered has expired. Enter a different key"
    garbled = "".join(c if rng.random() > 0.1 else "#" for c in text)
    closest = closest_message(knowledge, fold(garbled))
    assert closest is not None and closest.intent == "key-expired"
