"""The renderer's "web" channel: HTML autoescaped, links only to http(s), Markup out."""

from __future__ import annotations

from markupsafe import Markup

from bot.dialogue import steps
from bot.dialogue.replies import Closed, LinkRef, Remedy
from bot.render.renderer import render

TRICKY = "Tom & Jerry's <script>alert(1)</script> \"key\""


def _remedy(url: str) -> Remedy:
    return Remedy(lang="en", choices=steps.SOLVED_CHOICES, intent="i", intent_title=TRICKY,
                  remedy="r", text=TRICKY, links=(LinkRef("l", url, TRICKY),), key=None)


def test_web_bodies_are_safe_html_with_every_value_escaped():
    rendered = render(_remedy("https://example.com/?a=1&b=2"), "web")
    assert isinstance(rendered.text, Markup)
    assert "<script>" not in rendered.text
    assert "Tom &amp; Jerry&#39;s &lt;script&gt;alert(1)&lt;/script&gt; &#34;key&#34;" in (
        rendered.text)
    assert '<a href="https://example.com/?a=1&amp;b=2">Tom &amp; Jerry' in rendered.text
    assert rendered.fallback.startswith(TRICKY), "the plain fallback is not escaped"


def test_a_link_that_is_not_http_is_shown_as_text_not_followed():
    for url in ("javascript:alert(1)", "data:text/html,<b>x</b>", "JaVaScRiPt:alert(1)"):
        text = render(_remedy(url), "web").text
        assert "<a " not in text and "href" not in text, url


def test_buttons_come_back_translated_for_the_page():
    closed = Closed(lang="ja", choices=(steps.RESTART_CHOICE,), outcome="solved", text="x",
                    links=())
    assert render(closed, "web").choices == (("restart", "最初からやり直す"),)
