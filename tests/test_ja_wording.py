"""Japanese reads as a Japanese helpdesk writes it; plurals follow each language's own rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.dialogue import steps
from bot.dialogue.replies import Remedy
from bot.knowledge.catalogs import Catalogs
from bot.knowledge.model import Knowledge
from bot.paths import templates_dir
from bot.render.renderer import Renderer, render
from tests.wording_helpers import shown_texts

LOCALE_DIR = templates_dir() / "locale"
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
# what is not prose: placeholders, Slack code spans and links, URLs
NOT_PROSE = re.compile(r"%\(\w+\)s|%%|`[^`]*`|<[^>]*>|https?://\S+")
HALF_WIDTH = re.compile(r"[():?!;,]")


def _catalog(name: str) -> dict[str, str]:
    with (LOCALE_DIR / name).open("rb") as handle:
        return {m.id: m.string for m in read_po(handle)
                if m.id and isinstance(m.id, str) and m.string}


def _half_width_marks(text: str) -> list[str]:
    """Half-width punctuation in a Japanese sentence (placeholders and code aside)."""
    if not JAPANESE.search(text):
        return []
    return HALF_WIDTH.findall(NOT_PROSE.sub("", text))


def test_every_japanese_interface_text_uses_full_width_punctuation() -> None:
    offending = {msgid: text for msgid, text in _catalog("ja.po").items()
                 if _half_width_marks(text)}
    assert offending == {}


def test_every_japanese_text_of_the_rules_uses_full_width_punctuation(
        knowledge: Knowledge) -> None:
    # the errors' on-screen messages are quoted as Microsoft shows them, so they are left out
    offending = [t.get("ja") for t in shown_texts(knowledge, messages=False)
                 if _half_width_marks(t.get("ja"))]
    assert offending == []


@pytest.mark.parametrize(("msgid", "expected"), [
    ("No, it still fails", "いいえ、解決していません"),
    ("I ask this because the answer tells these possible causes apart:",
     "この質問への回答で、考えられる原因を次のどれかに絞り込めます。"),
])
def test_phrases_read_as_a_japanese_helpdesk_writes_them(msgid: str, expected: str) -> None:
    assert _catalog("ja.po")[msgid] == expected


def test_the_reason_of_a_summary_is_not_a_translated_phrase() -> None:
    catalog = _catalog("ja.po")
    assert "担当者の対応が必要な診断結果" not in catalog.values()


def test_the_japanese_buttons_are_the_catalog_words() -> None:
    remedy = Remedy(lang="ja", choices=steps.SOLVED_CHOICES, intent="i", intent_title="t",
                    remedy="r", text="…", links=())
    assert "2) いいえ、解決していません" in render(remedy, "cli").text


# ---- plurals: each language's CLDR rules (through Babel), not "n == 1"

POLISH = '''msgid ""
msgstr ""
"Language: pl\\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && "
"(n%100<10 || n%100>=20) ? 1 : 2);\\n"

msgid "%(num)s character"
msgid_plural "%(num)s characters"
msgstr[0] "%(num)s znak"
msgstr[1] "%(num)s znaki"
msgstr[2] "%(num)s znaków"
'''
JAPANESE_PLURAL = '''msgid ""
msgstr ""
"Language: ja\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

msgid "%(num)s character"
msgid_plural "%(num)s characters"
msgstr[0] "%(num)s 文字"
'''


@pytest.fixture
def counting(tmp_path: Path) -> Renderer:
    locale = tmp_path / "locale"
    locale.mkdir()
    (locale / "pl.po").write_text(POLISH, encoding="utf-8")
    (locale / "ja.po").write_text(JAPANESE_PLURAL, encoding="utf-8")
    (locale / "en.po").write_text('msgid ""\nmsgstr ""\n"Language: en\\n"\n', encoding="utf-8")
    (tmp_path / "default").mkdir()
    (tmp_path / "default" / "closed.j2").write_text(
        "{% trans num=text|int %}{{ num }} character{% pluralize %}{{ num }} characters"
        "{% endtrans %}", encoding="utf-8")
    return Renderer(templates=tmp_path, catalogs=Catalogs(locale_dir=locale))


@pytest.mark.parametrize(("lang", "count", "expected"), [
    ("pl", 1, "1 znak"), ("pl", 3, "3 znaki"), ("pl", 5, "5 znaków"), ("pl", 22, "22 znaki"),
    ("pl", 25, "25 znaków"), ("ja", 1, "1 文字"), ("ja", 25, "25 文字"),
    ("en", 1, "1 character"), ("en", 25, "25 characters"), ("en", 0, "0 characters"),
])
def test_plurals_follow_the_language_rules(counting: Renderer, lang: str, count: int,
                                           expected: str) -> None:
    from bot.dialogue.replies import Closed

    closed = Closed(lang=lang, choices=(), outcome="o", text=str(count), links=())
    assert counting.render(closed, "cli").text == expected
