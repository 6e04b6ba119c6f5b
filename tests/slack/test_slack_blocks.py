"""Block Kit building: limits hold for any text, escaping never breaks, buttons survive."""

from __future__ import annotations

import pytest
from slack_checks import assert_fits_block_kit

from bot.channels.slack.blocks import (
    BLOCKS_MAX,
    SECTION_TEXT_MAX,
    actions,
    button,
    clip,
    context,
    fit,
    sections,
)
from bot.render.renderer import escape_mrkdwn as escape


def test_escape_only_the_three_characters():
    assert escape("<!channel> & <@U1> 'quoted' \"x\"") == \
        "&lt;!channel&gt; &amp; &lt;@U1&gt; 'quoted' \"x\""


@pytest.mark.parametrize("text", [
    "a" * 10_000,
    ("para " * 700 + "\n\n") * 12,
    escape("<&>" * 20_000),  # every cut lands near an escape
    "line\n" * 9_000,
])
def test_sections_respect_the_section_limit_and_keep_every_character(text):
    blocks = sections(text)
    assert all(len(b["text"]["text"]) <= SECTION_TEXT_MAX for b in blocks)
    joined = "".join(b["text"]["text"] for b in blocks)
    assert "".join(joined.split()) == "".join(text.split())  # only whitespace may move


def test_escapes_are_never_cut_in_half():
    text = escape("<&>" * 20_000)
    for block in sections(text):
        chunk = block["text"]["text"]
        assert chunk == escape(chunk.replace("&lt;", "<").replace("&gt;", ">")
                               .replace("&amp;", "&"))


def test_fit_keeps_buttons_and_stays_within_fifty_blocks():
    blocks = sections("\n\n".join(["x" * 2_900] * 80))
    blocks += actions([(f"v{i}", f"label {i}") for i in range(30)], block_id="kh|dm:U1")
    fitted = fit(blocks)
    assert len(fitted) <= BLOCKS_MAX
    assert [b["type"] for b in fitted][-2:] == ["actions", "actions"]
    assert_fits_block_kit(list(fitted))


def test_long_labels_values_and_ids_are_clipped_to_slacks_limits():
    [block] = actions([("v" * 5_000, "x" * 500)], block_id="kh|" + "t" * 400)
    assert_fits_block_kit([block, context("c" * 10_000)])
    assert len(button("x" * 500, "v", action_id="choice-0")["text"]["text"]) == 75


def test_clip_does_not_leave_half_an_escape():
    assert clip("ab&amp;cd", 4) == "ab…"
    assert clip("short", 10) == "short"
