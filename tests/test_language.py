"""One language decision (bot/dialogue/language.py): channels' hints in, the reply language out,
with locale tags matched to the rules file's locales through Babel's negotiation."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.dialogue.language import Decision, LanguageHints, Languages
from bot.knowledge.loader import load_knowledge
from bot.understand.normalise import Normaliser

THREE_LOCALES = load_knowledge(Path(__file__).parent / "fixtures" / "three-locales.yaml")
LANGUAGES = Languages(THREE_LOCALES, Normaliser(THREE_LOCALES))
REGIONS = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)


@pytest.mark.parametrize(("tag", "locale"), [
    ("zh-CN", "zh-Hans"), ("zh_CN", "zh-Hans"), ("zh-SG", "zh-Hans"), ("zh", "zh-Hans"),
    ("zh-hans", "zh-Hans"), ("ja-JP", "ja"), ("en-GB", "en"), ("en_US", "en"),
    ("zh-TW", None), ("zh-HK", None), ("fr-FR", None), ("*", None), ("", None),
])
def test_locale_tags_find_the_rules_files_locale(tag: str, locale: str | None) -> None:
    assert LANGUAGES.negotiate([tag]) == locale


def test_the_first_tag_that_fits_wins() -> None:
    assert LANGUAGES.negotiate(["fr", "zh-TW", "ja-JP", "en"]) == "ja"


@given(REGIONS)
def test_any_region_of_a_language_finds_that_language(region: str) -> None:
    assert LANGUAGES.negotiate([f"ja-{region}"]) == "ja"
    assert LANGUAGES.negotiate([f"en-{region}"]) == "en"


@given(st.lists(st.text(max_size=20), max_size=4))
def test_any_tags_give_a_locale_of_the_rules_or_none_never_an_error(tags: list[str]) -> None:
    assert LANGUAGES.negotiate(tags) in (*THREE_LOCALES.locale_ids, None)


def test_a_choice_outranks_the_script_which_outranks_the_client() -> None:
    chosen = LanguageHints(chosen="en", preferred=("zh-CN",))
    assert LANGUAGES.decide(chosen, "此密钥已损坏") == Decision("en", explicit=True)
    client = LanguageHints(preferred=("zh-CN",))
    assert LANGUAGES.decide(client, "このキーは壊れています") == Decision("ja", explicit=False)
    # script-less text: the client's locale, and it must stick (the text says nothing)
    assert LANGUAGES.decide(client, "This key is broken") == Decision("zh-Hans", explicit=True)
    assert LANGUAGES.decide(LanguageHints(), "This key is broken") == Decision("en", False)


def test_the_default_is_keyhelp_lang_then_the_rules_files() -> None:
    japanese = Languages(THREE_LOCALES, Normaliser(THREE_LOCALES), default="ja")
    assert japanese.decide(LanguageHints(preferred=("fr",)), "hello").lang == "ja"
    unknown = Languages(THREE_LOCALES, Normaliser(THREE_LOCALES), default="fr")
    assert unknown.decide(LanguageHints(), "hello").lang == "en"


def test_the_clients_locale_is_asked_for_only_when_the_decision_needs_it() -> None:
    asked: list[str] = []

    def slack_locale() -> tuple[str, ...]:
        asked.append("users.info")
        return ("zh-CN",)

    hints = LanguageHints(preferred=slack_locale)
    assert LANGUAGES.decide(hints, "このキーは壊れています").lang == "ja"
    assert LANGUAGES.decide(LanguageHints(chosen="ja", preferred=slack_locale)).lang == "ja"
    assert asked == []
    assert LANGUAGES.decide(hints, "broken").lang == "zh-Hans" and asked == ["users.info"]
