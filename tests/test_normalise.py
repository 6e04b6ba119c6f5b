"""Normalisation: what later stages see is folded, free of Slack markup and of full keys."""

from __future__ import annotations

import dataclasses

import pytest

from bot.knowledge.model import Knowledge, Locale
from bot.understand.normalise import Normaliser, fold, strip_slack


@pytest.fixture(scope="module")
def normaliser(knowledge: Knowledge) -> Normaliser:
    return Normaliser(knowledge)


@pytest.mark.parametrize(("raw", "folded"), [
    ("Ｔｈｉｓ ｐｒｏｄｕｃｔ ｋｅｙ", "this product key"),
    ("ﾌﾟﾛﾀﾞｸﾄｷｰ", "プロダクトキー"),
    ("このプロダクト　キー", "このプロダクト キー"),
    ("１０００００００", "10000000"),
    ("isn’t  valid", "isn't valid"),
    ("“quoted” ‘text’", "\"quoted\" 'text'"),
    ("ＳＣＣＭ", "sccm"),
    ("  many\n\tlines \r\n ", "many lines"),
])
def test_fold_unifies_width_case_quotes_and_spaces(raw: str, folded: str) -> None:
    assert fold(raw) == folded


@pytest.mark.parametrize(("raw", "plain"), [
    ("<@U0ABC123> hello", "hello"),
    ("<@U0ABC123|alice> hello", "hello"),
    ("<!channel> <!here> hi", "hi"),
    ("<!subteam^S123|@helpdesk> hi", "hi"),
    ("see <#C123|general>", "see general"),
    ("open <https://example.com/x|the page>", "open the page"),
    ("open <https://example.com/x>", "open https://example.com/x"),
    ("> quoted error\nmy words", "quoted error my words"),
    ("&gt; quoted error", "quoted error"),
    ("<@U0ABC123> > quoted after mention", "quoted after mention"),
    ("`inline code` and ```block```", "inline code and block"),
    ("*bold* _italic_ ~strike~", "bold italic strike"),
    ("snake_case_name stays", "snake_case_name stays"),
    ("a < b &amp; c", "a < b & c"),
])
def test_strip_slack_keeps_only_what_the_user_wrote(raw: str, plain: str) -> None:
    assert fold(strip_slack(raw)) == plain


@pytest.mark.parametrize(("text", "lang"), [
    ("The product key you entered isn't valid", "en"),
    ("このプロダクト キーは有効ではありません", "ja"),
    ("ﾌﾟﾛﾀﾞｸﾄｷｰ", "ja"),
    ("product key 入れたら isn't valid って出ます", "ja"),
    ("ＳＣＣＭ download link pls", "en"),
    ("🙂", "en"),
    ("مرحبا", "en"),
    ("", "en"),
])
def test_language_comes_from_the_locale_scripts(normaliser: Normaliser, text: str,
                                                lang: str) -> None:
    assert normaliser.normalise(text).lang == lang


def test_a_script_that_matches_ascii_is_still_tried_on_ascii_text(knowledge: Knowledge) -> None:
    latin = Locale(id="la", name="Lingua Latina", script="[q]")
    normaliser = Normaliser(dataclasses.replace(knowledge, locales=(*knowledge.locales, latin)))
    assert normaliser.normalise("quoque quaeso").lang == "la"
    assert normaliser.normalise("the key is invalid").lang == "en"
    assert normaliser.normalise("キーが無効です").lang == "ja"


def test_a_third_locale_needs_no_code(knowledge: Knowledge) -> None:
    """Language detection reads each locale's script pattern, so adding one is data only."""
    korean = Locale(id="ko", name="한국어", script="[\uac00-\ud7a3]")
    extended = dataclasses.replace(knowledge, locales=(*knowledge.locales, korean))
    normaliser = Normaliser(extended)
    assert normaliser.normalise("제품 키가 잘못되었습니다").lang == "ko"
    assert normaliser.normalise("キーが通らない").lang == "ja"


def test_key_is_masked_in_every_field(normaliser: Normaliser) -> None:
    n = normaliser.normalise("<@U1> my key 7KX2M-QH4PD-R9TBW-C6FYJ-38VGK isn't valid")
    for value in (n.original_masked, n.text, repr(n)):
        assert "7KX2M" not in value.upper() and "QH4PD" not in value.upper()
    assert n.original_masked == "<@U1> my key XXXXX-XXXXX-XXXXX-XXXXX-38VGK isn't valid"
    assert n.key is not None and n.key.masked == "XXXXX-XXXXX-XXXXX-XXXXX-38VGK"


@pytest.mark.parametrize("raw", [
    b"\xff\xfe\x00 broken bytes",
    "nul\x00byte",
    "\ud800 lone surrogate",
    "x" * 100_000,
    "🙂" * 500,
    " \n\t ",
    "\u202eright-to-left override",
])
def test_normalise_never_raises(normaliser: Normaliser, raw: str | bytes) -> None:
    n = normaliser.normalise(raw)
    assert isinstance(n.text, str) and n.lang in ("ja", "en")
    assert "\x00" not in n.text
    n.text.encode("utf-8")  # always encodable
