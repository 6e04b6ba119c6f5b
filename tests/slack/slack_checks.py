"""Assertions shared by the Slack tests: Block Kit limits, and finding buttons to click."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block

BLOCKS_MAX = 50


def assert_fits_block_kit(blocks: list[dict[str, Any]]) -> None:
    """The SDK's model checks every field length (``to_dict`` raises); 50 blocks is ours."""
    assert len(blocks) <= BLOCKS_MAX, f"{len(blocks)} blocks"
    for block in Block.parse_all(blocks):
        block.to_dict()


def buttons(message: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(block_id, button) for every button in a posted message."""
    return [(block["block_id"], element)
            for block in message.get("blocks") or [] if block["type"] == "actions"
            for element in block["elements"]]


def button(message: dict[str, Any], *, value: str | None = None,
           label: str | None = None) -> tuple[str, dict[str, Any]]:
    """The one button with this value or label (label: substring match)."""
    found = [(b, e) for b, e in buttons(message)
             if (value is None or e.get("value") == value)
             and (label is None or label in e["text"]["text"])]
    shown = [(e.get("value"), e["text"]["text"]) for _, e in buttons(message)]
    assert len(found) == 1, f"buttons: {shown}"
    return found[0]


def text_of(message: dict[str, Any]) -> str:
    """All mrkdwn text of a message's blocks, joined."""
    parts = []
    for block in message.get("blocks") or []:
        if block["type"] == "section":
            parts.append(block["text"]["text"])
        elif block["type"] == "context":
            parts.extend(e.get("text", "") for e in block["elements"])
    return "\n".join(parts)
