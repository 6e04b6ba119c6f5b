"""Product keys: found in any spelling, masked before anything keeps them, look-alikes flagged."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from hypothesis import given, settings

from bot.knowledge.model import Knowledge
from bot.understand.keys import KeyCheck, Suspect, check_key, find_key, find_keys, look_alikes
from tests.key_shapes import FORMAT, PastedKey, leaks, messages

KEY = "7KX2M-QH4PD-R9TBW-C6FYJ-38VGK"
MASKED = "XXXXX-XXXXX-XXXXX-XXXXX-38VGK"


def _no_full_key(text: str, key: str = KEY) -> bool:
    """The key's characters, separators ignored, do not occur anywhere in ``text``."""
    bare = re.sub(r"[^A-Z0-9]", "", key.upper())
    return bare not in re.sub(r"[^A-Z0-9]", "", text.upper())


@pytest.mark.parametrize(("text", "expected"), [
    (f"Trying to redeem {KEY} and it fails", f"Trying to redeem {MASKED} and it fails"),
    (f"{KEY} を入力すると", f"{MASKED} を入力すると"),
    ("7KX2MQH4PDR9TBWC6FYJ38VGK", MASKED),
    ("7kx2m-qh4pd-r9tbw-c6fyj-38vgk", MASKED),
    ("7KX2M QH4PD R9TBW C6FYJ 38VGK", MASKED),
    ("7KX2M–QH4PD–R9TBW–C6FYJ–38VGK", MASKED),
    ("7KX2M.QH4PD.R9TBW.C6FYJ.38VGK", MASKED),
    ("７ＫＸ２Ｍ－ＱＨ４ＰＤ－Ｒ９ＴＢＷ－Ｃ６ＦＹＪ－３８ＶＧＫ", MASKED),
    ("`7KX2M-QH4PD-R9TBW-C6FYJ-38VGK`", f"`{MASKED}`"),
    ("「7KX2M-QH4PD-R9TBW-C6FYJ-38VGK」", f"「{MASKED}」"),
    (f"Order 12345 {KEY}", f"Order 12345 {MASKED}"),
    ("ORDER 7KX2M QH4PD R9TBW C6FYJ 38VGK please", f"ORDER {MASKED} please"),
    ("7KX2M QH4PD R9TBW C6FYJ 38VGK ORDER", f"{MASKED} ORDER"),
])
def test_find_key_masks_every_spelling_of_a_key(text: str, expected: str,
                                                knowledge: Knowledge) -> None:
    masked, check = find_key(text, knowledge.key_format)
    assert masked == expected
    assert check is not None and check.masked == MASKED
    assert _no_full_key(masked)


@pytest.mark.parametrize("text", [
    "The product key you entered isn't valid. Try entering it again",
    "Windows says activation failed with error 0x8007007B",
    "Print keys in XXXXX-XXXXX-XXXXX-XXXXX-XXXXX format",
    "could never bring about peace today",
    "PLEASE ENTER THESE WORDS AGAIN NOW",
    "order number 1234567890123456789012345",
    "guid 123e4567-e89b-12d3-a456-426614174000",
    "guid 550e8400-e29b-41d4-a716-446655440000",
    "which might be right",
    "Windows 10 error 0x8007007B 0xC004C003",
    "Office 2021 LTSC 2024",
    "call 03-1234-5678 or 090 1234 5678",
    "version 1.2.3 from 2024-01-15",
    "a long-range-check-based-query here",
    "このプロダクト キーは有効ではありません",
    "",
])
def test_find_key_leaves_text_without_a_key_alone(text: str, knowledge: Knowledge) -> None:
    assert find_key(text, knowledge.key_format) == (text, None)


def test_find_key_masks_every_key_and_checks_the_first(knowledge: Knowledge) -> None:
    other = "W6T9R-HD2QC-BP7YM-4KXFJ-G83VT"
    masked, check = find_key(f"{KEY} then {other}", knowledge.key_format)
    assert masked == f"{MASKED} then XXXXX-XXXXX-XXXXX-XXXXX-G83VT"
    assert check is not None and check.masked == MASKED
    assert _no_full_key(masked) and _no_full_key(masked, other)


@pytest.mark.parametrize(("text", "well_formed", "length", "shown"), [
    ("7KX2M-QH4P-R9TBW-C6FYJ-38VGK", False, 24, "8VGK"),
    ("7KX2M-QH4PDD-R9TBW-C6FYJ-38VGK", False, 26, "38VGK"),
    ("7KX2M-QH4PDR-9TBW-C6FYJ-38VGK", False, 25, "38VGK"),
    (KEY, True, 25, "38VGK"),
])
def test_near_miss_groups_are_found_but_not_well_formed(text: str, well_formed: bool,
                                                        length: int, shown: str,
                                                        knowledge: Knowledge) -> None:
    masked, check = find_key(f"key {text} fails", knowledge.key_format)
    assert check is not None
    assert (check.well_formed, check.length) == (well_formed, length)
    assert check.masked.endswith(shown) and check.masked.count("X") == length - len(shown)
    assert _no_full_key(masked, text)


@pytest.mark.parametrize(("typed", "masked"), [
    ("7KX2M-QH4PD-R9TBW-C6FYJ-38VGK", "XXXXX-XXXXX-XXXXX-XXXXX-38VGK"),
    ("7KX2M-QH4PD-R9TBW-C6FYJ-38VG", "XXXXX-XXXXX-XXXXX-XXXXX-38VG"),
    ("7KX2M-QH4PD-R9TBW-C6FYJ-38", "XXXXX-XXXXX-XXXXX-XXXXX-38"),
    ("7KX2M-QH4PD-R9TBW-C6FYJ-3", "XXXXX-XXXXX-XXXXX-XXXXX-3"),
    ("7KX2M-QH4PD-R9TBW-C6FYJ", "XXXXX-XXXXX-XXXXX-XXXXX"),
    ("7KX2M-QH4PD-R9TBW", "XXXXX-XXXXX-XXXXX"),
    ("7KX2M-QH4PD", "XXXXX-XXXXX"),
])
def test_a_shorter_key_shows_one_character_fewer_for_each_it_lacks(typed: str, masked: str,
                                                                   knowledge: Knowledge) -> None:
    # a missing character may be missing anywhere: what a short key shows must be among the
    # last five characters of the whole key
    found, check = find_key(f"my key {typed} fails", knowledge.key_format)
    assert found == f"my key {masked} fails"
    assert check is not None and check.masked == masked


SPLIT = ["7KX2M-QH4PD-R9TBW\nC6FYJ-38VGK", "7KX2M-QH4PD-R9TBW-\nC6FYJ-38VGK",
         "7KX2M-QH4PD-R9TBW\r\nC6FYJ-38VGK", "7KX2M-QH4PD-R9TBW-\r\nC6FYJ-38VGK",
         "7KX2M-QH4PD-R9TBW\n\n  C6FYJ-38VGK", "7KX2M\tQH4PD\tR9TBW\tC6FYJ\t38VGK",
         "7KX2M\u00a0QH4PD\u00a0R9TBW\u00a0C6FYJ\u00a038VGK",
         "7KX2M\u3000QH4PD\u3000R9TBW\u3000C6FYJ\u300038VGK",
         "7KX2M\u200b-QH4PD-\u200cR9TBW\u200d-C6FYJ-\u206038VGK",
         "7KX2M-QH\u200b4PD-R9TBW-C6FYJ-38VGK",  # a zero-width character inside a group
         *(f"7KX2M{d}QH4PD{d}R9TBW{d}C6FYJ{d}38VGK" for d in
           "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff0d\ufe58\ufe63\uff70"),
         "７ＫＸ２Ｍ－ＱＨ４ＰＤ\n－Ｒ９ＴＢＷ－Ｃ６ＦＹＪ－３８ＶＧＫ"]


@pytest.mark.parametrize("shape", SPLIT)
def test_a_key_split_over_lines_or_joined_by_any_separator_is_masked(shape: str,
                                                                     knowledge: Knowledge) -> None:
    masked, check = find_key(f"key:\n{shape}\nthanks", knowledge.key_format)
    assert masked == f"key:\n{MASKED}\nthanks"
    assert check is not None and check.masked == MASKED and check.clean


@settings(max_examples=300, deadline=None)
@given(message=messages())
def test_a_key_in_any_shape_anywhere_in_a_message_is_masked(
        message: tuple[str, PastedKey]) -> None:
    text, key = message
    masked, check = find_key(text, FORMAT)
    assert check is not None
    assert leaks(masked, key) == [] and leaks(check.masked, key) == []


def test_words_beside_a_key_in_the_wrong_groups_are_kept(knowledge: Knowledge) -> None:
    masked, check = find_key("This product key isn't valid 7KQ2MX-J4TR-P9WCB-H3GDY-8VF6K",
                             knowledge.key_format)
    assert masked == "This product key isn't valid XXXXXX-XXXX-XXXXX-XXXXX-8VF6K"
    assert check is not None and check.length_ok and not check.well_formed
    assert check.groups == (6, 4, 5, 5, 5) and not check.suspects


def test_groups_typed_together_are_well_formed_a_misplaced_hyphen_is_not(
        knowledge: Knowledge) -> None:
    glued = check_key(["7KX2MQH4PD", "R9TBW", "C6FYJ38VGK"], knowledge.key_format)
    moved = check_key(["7KX2MQ", "H4PD", "R9TBW", "C6FYJ", "38VGK"], knowledge.key_format)
    assert glued.well_formed and glued.groups == (10, 5, 10)
    assert not moved.well_formed and moved.groups == (6, 4, 5, 5, 5)
    assert (moved.expected_groups, moved.group_size) == (5, 5)


def test_the_rest_of_a_key_split_over_two_messages_is_masked(knowledge: Knowledge) -> None:
    first = find_keys("my key is 7kx2m-qh4pd-r9tbw", knowledge.key_format)
    assert first.masked == "my key is XXXXX-XXXXX-XXXXX" and first.unfinished == 15
    rest = find_keys("cbfyj-bbvgk", knowledge.key_format, first.unfinished)  # no digit to go by
    assert rest.masked == "XXXXX-BBVGK" and rest.unfinished == 0
    unrelated = find_keys("thanks", knowledge.key_format, first.unfinished)
    assert unrelated.masked == "thanks"


def test_look_alikes_that_are_both_valid_come_from_the_key_format(knowledge: Knowledge) -> None:
    shipped = check_key(["BCDFG", "HJKMP", "QRTVW", "XY234", "6789B"], knowledge.key_format)
    assert set(shipped.alike) == {"D/Q", "B/8", "G/6"}
    other = dataclasses.replace(knowledge.key_format, alphabet="ABC123",
                                confusables=(("A", "4"), ("B", "8", "3"), ("C", "1", "I")))
    assert look_alikes(other) == ("B/3", "C/1")


def test_look_alike_characters_are_flagged_with_suggestions(knowledge: Knowledge) -> None:
    _, check = find_key("7KX2M-QH4PO-R9TBW-C6FYJ-38VGS", knowledge.key_format)
    assert check is not None
    assert check.well_formed and not check.clean
    assert check.suspects == (
        Suspect(position=10, char="O", suggestions=("D", "Q")),
        Suspect(position=25, char="S", suggestions=()),
    )


def test_suggestions_only_name_characters_of_the_alphabet(knowledge: Knowledge) -> None:
    check = check_key(["I1LZA", "BCDFG", "HJKMP", "QRTVW", "XY234"], knowledge.key_format)
    alphabet = set(knowledge.key_format.alphabet)
    assert [s.char for s in check.suspects] == ["I", "1", "L", "Z", "A"]
    assert all(set(s.suggestions) <= alphabet for s in check.suspects)
    assert check.suspects[0].suggestions == ("7",)


def test_clean_key_is_clean(knowledge: Knowledge) -> None:
    _, check = find_key(KEY, knowledge.key_format)
    assert check is not None
    assert check._replace(alike=()) == KeyCheck(
        masked=MASKED, well_formed=True, length=25, expected_length=25, suspects=(),
        groups=(5, 5, 5, 5, 5), expected_groups=5, group_size=5)
    assert check.clean


def test_masking_is_idempotent(knowledge: Knowledge) -> None:
    once, _ = find_key(f"key {KEY}", knowledge.key_format)
    twice, _ = find_key(once, knowledge.key_format)
    assert once == twice


def test_a_key_check_survives_the_store_as_plain_data(knowledge: Knowledge) -> None:
    _, check = find_key("W6T9R-HD2QC-BP7YM-4KXFJ-G83VO", knowledge.key_format)
    assert check is not None and check.suspects
    data = json.loads(json.dumps(check.to_data()))
    assert KeyCheck.from_data(data) == check
    assert "W6T9R" not in json.dumps(data)
    assert KeyCheck.from_data(None) is None
