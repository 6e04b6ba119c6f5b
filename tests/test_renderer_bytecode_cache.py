"""Compiled templates cached on disk keep each channel's escaping (bot/render/renderer.py).

Jinja2 keys its bytecode cache by template name; the compiled code carries the Environment's
escaping. With one cache folder for every channel, a template compiled for the terminal was
later served to the web page (or Slack) from the cache, unescaped."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.catalogs import Catalogs
from bot.paths import templates_dir
from bot.render.renderer import Renderer

HOSTILE = "<script>alert(1)</script> <!channel> a&b"


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    root = tmp_path / "templates"
    (root / "default").mkdir(parents=True)
    (root / "default" / "echo.j2").write_text("{{ text }}\n", encoding="utf-8")
    return root


def _render(templates: Path, channel: str) -> str:
    """A fresh process's renderer: new Environments, the same cache folder on disk."""
    renderer = Renderer(templates=templates,
                        catalogs=Catalogs(locale_dir=templates_dir() / "locale"))
    return renderer.environment(channel).get_template("default/echo.j2").render(
        text=HOSTILE, lang="en")


@pytest.mark.parametrize(("first", "then", "expected"), [
    ("cli", "web", "&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; a&amp;b"),
    ("cli", "slack", "&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; a&amp;b"),
    ("web", "cli", HOSTILE),
    ("slack", "web", "&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; a&amp;b"),
])
def test_a_template_compiled_for_one_channel_is_not_served_to_another_from_the_cache(
        templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str,
        then: str, expected: str) -> None:
    monkeypatch.setenv("KEYHELP_CACHE_DIR", str(tmp_path / "cache"))
    _render(templates, first)  # compiled and written to the cache
    assert _render(templates, then) == expected
