"""Rendering: every reply kind in every channel and language, channel escaping, translations."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.dialogue import steps
from bot.dialogue.replies import (
    KINDS,
    AnswerLine,
    Ask,
    Choice,
    Clarify,
    Closed,
    Escalate,
    EscalationSummary,
    Explanation,
    ImageNote,
    LinkRef,
    NotRecognised,
    Remedy,
    Reply,
    TranscriptLine,
    Welcome,
)
from bot.knowledge.catalogs import Catalogs
from bot.knowledge.model import KeyFormat
from bot.paths import templates_dir
from bot.render.renderer import CHANNELS, Renderer, escape_mrkdwn, render
from bot.understand.keys import KeyCheck, Suspect, check_key

TRICKY = "Tom & Jerry's <key> isn't \"valid\""
LOCALE_DIR = templates_dir() / "locale"
LANGS = ("ja", "en")
KEY = KeyCheck(masked="XXXXX-XXXXX-XXXXX-XXXXX-789S", well_formed=False, length=24,
               expected_length=25, suspects=(Suspect(19, "O", ("D", "Q")), Suspect(24, "S", ())),
               groups=(5, 5, 5, 5, 4), expected_groups=5, group_size=5)
LINK = LinkRef("support", "http://go.microsoft.com/fwlink/?LinkID=394189&x=1", TRICKY)


def samples(lang: str) -> list[Reply]:
    """One reply of every kind, filled with text that needs escaping."""
    answers = (AnswerLine(TRICKY, "Yes"),)
    summary = EscalationSummary(
        conversation_id="C1", reason="outcome", intent="key-invalid", intent_title=TRICKY,
        lang=lang, answers=answers, masked_key=KEY.masked, key=KEY,
        transcript=(TranscriptLine("user", TRICKY), TranscriptLine("bot", "ask: …")),
        links=(LINK,), outcome="contact-reseller")
    choice = (Choice("answer:q:a", TRICKY), steps.WHY_CHOICE)
    return [
        Welcome(lang=lang, choices=(Choice("lang:en", "English"),), reason="restart"),
        Ask(lang=lang, choices=choice, intent="i", intent_title=TRICKY, question="q",
            text=TRICKY, accepts_key=True, key=KEY),
        Remedy(lang=lang, choices=steps.SOLVED_CHOICES, intent="i", intent_title=TRICKY,
               remedy="r", text=TRICKY, links=(LINK,), key=None),
        Clarify(lang=lang, choices=(Choice("intent:a", TRICKY), Choice("intent:b", "B"))),
        NotRecognised(lang=lang, choices=choice, at_step=True, prompt=TRICKY),
        Escalate(lang=lang, choices=(steps.RESTART_CHOICE,), text=TRICKY, summary=summary),
        Closed(lang=lang, choices=(steps.RESTART_CHOICE,), outcome="solved", text=TRICKY,
               links=()),
        Explanation(lang=lang, choices=(), about="path", intent_title=TRICKY, causes=(),
                    path=answers),
        ImageNote(lang=lang, choices=choice, reason="too-large", max_megabytes=10),
    ]


def test_samples_cover_every_reply_kind() -> None:
    assert {type(r) for r in samples("en")} == set(KINDS)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("lang", LANGS)
def test_every_kind_renders_in_every_channel_and_language(channel: str, lang: str) -> None:
    for reply in samples(lang):
        rendered = render(reply, channel)
        assert rendered.text and rendered.fallback, reply.kind
        assert rendered.kind == reply.kind
        assert len(rendered.choices) == len(reply.choices)


@pytest.mark.parametrize("lang", LANGS)
def test_every_reason_an_image_was_not_read_has_its_own_words(lang: str) -> None:
    reasons = ("no-error", "too-large", "too-many-pixels", "not-image", "unreadable",
               "cannot-open", "not-downloaded", "busy", "unavailable")
    texts = {render(ImageNote(lang=lang, choices=(), reason=r, max_megabytes=7), "cli").text
             for r in reasons}
    assert len(texts) == len(reasons)
    assert any("7 MB" in t for t in texts)


def test_slack_escapes_only_ampersand_and_angle_brackets_of_values() -> None:
    rendered = render(samples("en")[2], "slack")
    assert escape_mrkdwn(TRICKY) in rendered.text
    assert "&#39;" not in rendered.text and "&quot;" not in rendered.text
    link = "<http://go.microsoft.com/fwlink/?LinkID=394189&amp;x=1|Tom &amp; Jerry's"
    assert link in rendered.text


def test_terminal_and_fallback_text_are_not_escaped() -> None:
    remedy = samples("en")[2]
    assert TRICKY in render(remedy, "cli").text
    assert TRICKY in render(remedy, "slack").fallback


def test_cli_numbers_the_choices_in_the_reply_language() -> None:
    text = render(samples("ja")[2], "cli").text
    assert "1) はい、解決しました" in text and "2) いいえ、解決していません" in text


def test_choices_come_back_translated_for_buttons() -> None:
    rendered = render(samples("ja")[1], "slack")
    assert rendered.choices == (("answer:q:a", TRICKY), ("why", "なぜ？"))


def test_key_report_names_each_suspicious_position_without_the_key() -> None:
    text = render(samples("en")[1], "cli").text
    assert 'Character 19: "O"' in text and "D / Q" in text and 'Character 24: "S"' in text
    assert "Length: 24 characters; a product key has 25." in text
    assert "Grouping: groups of 5-5-5-5-4 characters; a product key has 5 groups of 5." in text
    assert KEY.masked in text


def test_templates_see_only_defined_variables(tmp_path: Path) -> None:
    (tmp_path / "default").mkdir()
    (tmp_path / "default" / "closed.j2").write_text("{{ text }} {{ missing }}")
    renderer = Renderer(templates=tmp_path, catalogs=Catalogs(locale_dir=LOCALE_DIR))
    with pytest.raises(jinja2.UndefinedError):
        renderer.render(samples("en")[6], "cli")


def test_a_channel_template_wins_over_the_default(tmp_path: Path) -> None:
    for folder, body in (("default", "default {{ text }}"), ("slack", "slack {{ text }}")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "closed.j2").write_text(body)
    renderer = Renderer(templates=tmp_path, catalogs=Catalogs(locale_dir=LOCALE_DIR))
    closed = samples("en")[6]
    assert renderer.render(closed, "slack").text.startswith("slack")
    assert renderer.render(closed, "cli").text.startswith("default")


def _interface_msgids() -> set[str]:
    found = {message for _f, _l, message, _c, _ctx in extract_from_dir(
        str(templates_dir()), method_map=[("**.j2", "jinja2")],
        options_map={"**.j2": {"extensions": "jinja2.ext.i18n"}})}
    labels = {c.label for c in (steps.WHY_CHOICE, steps.PATH_CHOICE, steps.RESTART_CHOICE,
                                *steps.SOLVED_CHOICES)}
    return {m for m in found if isinstance(m, str)} | labels


@pytest.mark.parametrize("po", sorted(p.name for p in LOCALE_DIR.glob("*.po") if p.stem != "en"))
def test_every_interface_text_is_translated_with_its_placeholders(po: str) -> None:
    with (LOCALE_DIR / po).open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id: m.string for m in catalog if m.id and m.string}
    for msgid in _interface_msgids():
        assert msgid in translated, f"{po}: no translation for {msgid!r}"
        placeholders = set(re.findall(r"%\(\w+\)s", msgid))
        assert set(re.findall(r"%\(\w+\)s", translated[msgid])) == placeholders, msgid


def test_typed_commands_come_from_the_catalogs() -> None:
    catalogs = Catalogs(locale_dir=LOCALE_DIR)
    assert catalogs.command("最初から") == "restart"
    assert catalogs.command("なぜ？") == "why"
    assert catalogs.command("Start over!") == "restart"
    assert catalogs.command("いいえ") == "no"
    assert catalogs.command("the key is wrong") is None


SIXES = KeyFormat(alphabet="ABCDEFGH2346789", groups=4, group_size=6, separator="-",
                  confusables=(("B", "8"), ("O", "0", "D"), ("G", "6", "C")))


def _asking(key: KeyCheck, lang: str) -> str:
    ask = Ask(lang=lang, choices=(), intent="i", intent_title="t", question="q", text="…",
              accepts_key=True, key=key)
    return render(ask, "cli").text


def test_a_wrong_grouping_is_named_in_the_rules_files_key_format() -> None:
    key = check_key(["ABCDEFG", "HABCD", "EFGH23", "467892"], SIXES)
    en, ja = _asking(key, "en"), _asking(key, "ja")
    assert "Length: 24 characters, as a product key should have." in en
    assert "Grouping: groups of 7-5-6-6 characters; a product key has 4 groups of 6." in en
    assert "Character" not in en and "Every character" not in en  # nothing to flag
    assert "文字数：24 文字で、プロダクト キーの文字数と合っています。" in ja
    assert "区切り：7-5-6-6 文字の組に分かれています。プロダクト キーは 6 文字ずつ 4 組です。" in ja


def test_a_clean_key_names_the_look_alikes_the_check_cannot_catch() -> None:
    key = check_key(["ABCDEF", "GHABCD", "EFGH23", "467892"], SIXES)
    en, ja = _asking(key, "en"), _asking(key, "ja")
    assert "Grouping: 4 groups of 6, as a product key should have." in en
    # only look-alike groups with two or more valid characters: O/0/D has one (D)
    assert "both used in keys: B/8, G/6/C." in en
    assert "B/8、G/6/C のように" in ja


def test_a_key_check_stored_before_the_grouping_was_kept_still_renders() -> None:
    old = KeyCheck.from_data({"masked": "XXXXX-XXXXX-XXXXX-XXXXX-6789B", "well_formed": True,
                              "length": 25, "expected_length": 25, "suspects": []})
    assert old is not None
    text = _asking(old, "en")
    assert "Length: 25 characters" in text and "Grouping" not in text
    assert "so the key itself has to be checked" in text
