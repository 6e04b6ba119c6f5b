"""One renderer: replies and named templates of every channel, one Jinja2 Environment each, one
escaping rule per channel (Slack: ``&``, ``<``, ``>`` of every value and ``|`` in link URLs;
a translated sentence trusted, its placeholders escaped)."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import jinja2
import pytest

from bot.channels.slack.orchestrator import OrchestratorBackend
from bot.dialogue.replies import (
    Choice,
    Closed,
    Escalate,
    EscalationSummary,
    Explanation,
    LinkRef,
    Remedy,
    TranscriptLine,
)
from bot.knowledge.catalogs import Catalogs
from bot.paths import templates_dir
from bot.render.renderer import CHANNELS, Mrkdwn, Renderer, render
from tests.assistant_helpers import make_assistant

PACKAGE = Path(__file__).resolve().parent.parent / "bot"
PIPED = "https://support.example/search?q=key|invalid"
PIPED_SLACK = "<https://support.example/search?q=key%7Cinvalid|"
PING = "<!channel>"
PING_TEXT = "&lt;!channel&gt;"
LINK = LinkRef("search", PIPED, "Search")
# Environments built for reports, not channels (see each module's docstring)
OWN_ENVIRONMENT = {"bot/analytics/report.py"}


def _renderer(root: Path | None = None) -> Renderer:
    root = root or templates_dir()
    return Renderer(templates=root, catalogs=Catalogs(locale_dir=root / "locale"))


def _summary(lang: str = "en") -> EscalationSummary:
    return EscalationSummary(
        conversation_id="C1", reason="outcome", intent="key-invalid", intent_title=PING,
        lang=lang, answers=(), masked_key=None, key=None,
        transcript=(TranscriptLine("user", PING),), links=(LINK,), outcome="contact-reseller")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_pipe_in_a_link_url_cannot_end_the_url_in_a_slack_reply(lang: str) -> None:
    remedy = Remedy(lang=lang, choices=(), intent="i", intent_title="t", remedy="r",
                    text="Search for the error.", links=(LINK,))
    assert PIPED_SLACK + "Search>" in render(remedy, "slack").text
    assert PIPED in render(remedy, "cli").text  # other channels show the URL as it is


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_pipe_in_a_link_url_cannot_end_the_url_in_slack_named_templates(lang: str) -> None:
    renderer = _renderer()
    links = renderer.render_named("slack", "links", lang, links=[(PIPED, "Search")])
    assert PIPED_SLACK + "Search>" in links
    posted = renderer.render_named("slack", "escalation", lang, summary=Mrkdwn("…"), user=None,
                                   conversation="dm:U1", permalink=PIPED)
    assert PIPED_SLACK in posted
    summary = renderer.render_named("slack", "escalation_summary", lang, summary=_summary(lang))
    assert PIPED_SLACK + "Search>" in summary


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_trans_placeholder_holding_a_channel_ping_is_escaped_in_slack_replies(
        lang: str) -> None:
    explained = Explanation(lang=lang, choices=(), about="path", intent_title=PING, causes=(),
                            path=())
    text = render(explained, "slack").text
    assert PING_TEXT in text and PING not in text
    assert PING in render(explained, "cli").text


def test_a_translated_reply_sentence_is_trusted_and_only_its_placeholders_escaped(
        tmp_path: Path) -> None:
    # a translator may move a link within a sentence: the sentence is kept, a value is not
    root = tmp_path / "templates"
    shutil.copytree(templates_dir(), root)
    (root / "slack" / "closed.j2").write_text(
        "{% trans said=text, where=links[0]|link %}{{ said }}: see {{ where }}{% endtrans %}",
        encoding="utf-8")
    closed = Closed(lang="en", choices=(), outcome="solved", text=PING, links=(LINK,))
    text = _renderer(root).render(closed, "slack").text
    assert text == f"{PING_TEXT}: see {PIPED_SLACK}Search>"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_trans_placeholder_holding_a_channel_ping_is_escaped_in_slack_named_templates(
        lang: str) -> None:
    renderer = _renderer()
    diagnosis = renderer.render_named("slack", "agent_diagnosis", lang, title=PING,
                                      intent="key-invalid", confidence=87, reply_lang=lang)
    assert PING_TEXT in diagnosis and PING not in diagnosis
    summary = renderer.render_named("slack", "escalation_summary", lang, summary=_summary(lang))
    assert PING_TEXT in summary and PING not in summary
    # the same sentence's own markup (a mention, a channel link) is kept
    assert "<@U1>" in renderer.render_named("slack", "escalation", lang, summary=Mrkdwn("…"),
                                            user="U1", conversation="dm:U1", permalink=None)


def _constructs_environment(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("Environment", "Template"):
                return True
    return False


def test_no_module_outside_the_renderer_builds_a_jinja2_environment() -> None:
    builders = {str(p.relative_to(PACKAGE.parent)) for p in PACKAGE.rglob("*.py")
                if _constructs_environment(p)}
    assert builders == {"bot/render/renderer.py", *OWN_ENVIRONMENT}


def test_slack_replies_named_templates_and_fallbacks_share_one_environment_per_channel(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[jinja2.Environment] = []
    original = jinja2.Environment.__init__

    def counted(self: jinja2.Environment, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        built.append(self)

    monkeypatch.setattr(jinja2.Environment, "__init__", counted)
    renderer = _renderer()
    backend = OrchestratorBackend(assistant=make_assistant(tmp_path), renderer=renderer)
    backend.handle("c", text="The product key you entered has expired")
    escalated = backend.handle("c", action="answer:other-key:no-other")
    assert escalated[-1].escalation is not None  # the summary for the support channel
    backend.wording("help", "ja", languages=("ja", "en"))
    backend.wording("handoff", "en", support_channel="C0SUPPORT")
    closed = Closed(lang="en", choices=(Choice("restart", "Start over", True),),
                    outcome="solved", text="Done", links=())
    for channel in CHANNELS:
        renderer.render(closed, channel)
        renderer.render(Escalate(lang="ja", choices=(), text="…", summary=_summary("ja")),
                        channel)
    assert sorted(env.globals["channel"] for env in built) == sorted(CHANNELS)
