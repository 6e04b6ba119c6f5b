"""Product keys: found in any spelling, masked before anything keeps them, look-alikes flagged."""

from __future__ import annotations

import json
import re

import pytest

from bot.knowledge.model import Knowledge
from bot.understand.keys import KeyCheck, Suspect, check_key, find_key

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


@pytest.mark.parametrize(("text", "well_formed", "length"), [
    ("7KX2M-QH4P-R9TBW-C6FYJ-38VGK", False, 24),
    ("7KX2M-QH4PDD-R9TBW-C6FYJ-38VGK", False, 26),
    ("7KX2M-QH4PDR-9TBW-C6FYJ-38VGK", False, 25),
    (KEY, True, 25),
])
def test_near_miss_groups_are_found_but_not_well_formed(text: str, well_formed: bool,
                                                        length: int,
                                                        knowledge: Knowledge) -> None:
    masked, check = find_key(f"key {text} fails", knowledge.key_format)
    assert check is not None
    assert (check.well_formed, check.length) == (well_formed, length)
    assert check.masked.endswith("38VGK") and check.masked.count("X") == length - 5
    assert _no_full_key(masked, text)


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
    assert check == KeyCheck(masked=MASKED, well_formed=True, length=25, expected_length=25,
                             suspects=())
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
