"""Slack's own templates (not replies) through the one renderer: every sentence from the gettext
catalogs, placeholders escaped for mrkdwn."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.knowledge.catalogs import Catalogs
from bot.paths import templates_dir
from bot.render.renderer import Mrkdwn, Renderer

SLACK_TEMPLATES = sorted(p.name for p in (templates_dir() / "slack").glob("*.j2"))
HOSTILE = "<!channel> & <https://evil.example|x>"
ESCAPED = "&lt;!channel&gt; &amp; &lt;https://evil.example|x&gt;"
FIELDS = {  # sample fields for each template that speaks to a person, in any language
    "agent_diagnosis": {"title": HOSTILE, "intent": "key-invalid", "confidence": 87,
                        "reply_lang": "ja"},
    "agent_draft_failed": {}, "agent_draft_gone": {}, "agent_draft_posted": {},
    "agent_post_button": {},
    "escalation": {"summary": Mrkdwn("*summary*"), "user": "U1", "conversation": "dm:U1",
                   "permalink": "https://fake.slack.com/archives/C1/p1"},
    "handoff": {"support_channel": "C0SUPPORT"},
    "help": {"languages": ("ja", "en")},
    "lang_set": {}, "lang_unknown": {"languages": ("ja", "en")}, "moved_to_dm": {},
}


def wording(root: Path | None = None) -> Callable[..., str]:
    """``words(name, lang, **fields)``: ``templates/slack/<name>.j2`` in the Slack Environment."""
    root = root or templates_dir()
    renderer = Renderer(templates=root, catalogs=Catalogs(locale_dir=root / "locale"))
    return lambda name, lang, **fields: renderer.render_named("slack", name, lang, **fields)


@pytest.mark.parametrize("name", SLACK_TEMPLATES)
def test_no_slack_template_picks_its_language_itself(name: str) -> None:
    source = (templates_dir() / "slack" / name).read_text(encoding="utf-8")
    assert "lang ==" not in source.replace("lang==", "lang =="), name


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_every_slack_sentence_is_translated(name: str) -> None:
    words = wording()
    english, japanese = (words(name, lang, **FIELDS[name]) for lang in ("en", "ja"))
    assert english and japanese and english != japanese


def test_placeholders_are_escaped_but_links_and_mentions_kept() -> None:
    words = wording()
    for lang in ("en", "ja"):
        diagnosis = words("agent_diagnosis", lang, **FIELDS["agent_diagnosis"])
        assert ESCAPED in diagnosis and "<!channel>" not in diagnosis and "87%" in diagnosis
        assert "<#C0SUPPORT>" in words("handoff", lang, support_channel="C0SUPPORT")
        handed = words("escalation", lang, **FIELDS["escalation"])
        assert "<@U1>" in handed and "*summary*" in handed
        assert "<https://fake.slack.com/archives/C1/p1|" in handed
        assert "&lt;" in words("help", lang, languages=("ja", "en"))  # `/keyhelp <message>`


def test_a_third_language_needs_only_a_po_file(tmp_path: Path) -> None:
    root = tmp_path / "templates"
    shutil.copytree(templates_dir(), root)
    (root / "locale" / "xx.po").write_text(
        'msgid "Post in thread"\nmsgstr "Posta nel thread"\n\n'
        'msgid "I\'ve passed a summary to the helpdesk in %(channel)s. '
        'An agent will follow up with you here."\n'
        'msgstr "%(channel)s: riepilogo inviato all\'helpdesk."\n', encoding="utf-8")
    words = wording(root)
    assert words("agent_post_button", "xx") == "Posta nel thread"
    assert words("handoff", "xx", support_channel="C0SUPPORT") == \
        ":raising_hand: <#C0SUPPORT>: riepilogo inviato all'helpdesk."
    assert words("agent_draft_gone", "xx") == "This draft was already posted or has expired."
