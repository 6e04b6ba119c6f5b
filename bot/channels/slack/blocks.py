"""Block Kit from rendered pieces, always inside Slack's limits, always with a text fallback."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

Block = dict[str, Any]
SECTION_TEXT_MAX = 3000
CONTEXT_TEXT_MAX = 3000
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
BLOCK_ID_MAX = 255
BUTTONS_PER_ACTIONS = 25
BLOCKS_MAX = 50
FALLBACK_MAX = 3900  # notification text; Slack truncates message text far later (40,000)
ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, never splitting an escape."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]  # don't leave half of "&amp;" behind
    return cut + ELLIPSIS


@dataclass(frozen=True, kw_only=True)
class Message:
    """What one chat.postMessage / chat.update sends: a fallback text and its blocks."""

    text: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    def kwargs(self) -> dict[str, Any]:
        return {"text": clip(self.text, FALLBACK_MAX), "blocks": list(self.blocks)}


def sections(mrkdwn: str) -> list[Block]:
    """Section blocks for a mrkdwn body, split at paragraph, then line, then hard limits."""
    chunks: list[str] = []
    for paragraph in (p.strip() for p in mrkdwn.split("\n\n")):
        if not paragraph:
            continue
        if chunks and len(chunks[-1]) + 2 + len(paragraph) <= SECTION_TEXT_MAX:
            chunks[-1] += "\n\n" + paragraph
            continue
        while len(paragraph) > SECTION_TEXT_MAX:
            cut = paragraph.rfind("\n", 0, SECTION_TEXT_MAX)
            cut = cut if cut > 0 else SECTION_TEXT_MAX
            amp = paragraph.rfind("&", cut - 6, cut)
            if amp != -1 and ";" not in paragraph[amp:cut]:
                cut = amp
            chunks.append(paragraph[:cut])
            paragraph = paragraph[cut:].lstrip("\n")
        chunks.append(paragraph)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": c}} for c in chunks if c]


def context(mrkdwn: str) -> Block:
    """A small grey line (hints, "you chose …", notices)."""
    text = clip(mrkdwn.strip(), CONTEXT_TEXT_MAX) or " "
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def actions(choices: Sequence[tuple[str, str]], *, block_id: str,
            action_prefix: str = "choice") -> list[Block]:
    """Buttons for (value, label) pairs; at most 25 per actions block, ids unique per message."""
    blocks: list[Block] = []
    for start in range(0, len(choices), BUTTONS_PER_ACTIONS):
        group = choices[start : start + BUTTONS_PER_ACTIONS]
        suffix = "" if start == 0 else f"#{start // BUTTONS_PER_ACTIONS}"
        blocks.append({
            "type": "actions",
            "block_id": (block_id[: BLOCK_ID_MAX - len(suffix)] + suffix),
            "elements": [button(label, value, action_id=f"{action_prefix}-{start + i}")
                         for i, (value, label) in enumerate(group)],
        })
    return blocks


def button(label: str, value: str, *, action_id: str, style: str | None = None) -> Block:
    """One button; the label is plain text, so it needs no mrkdwn escaping."""
    element: Block = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": clip(label.strip() or "…", BUTTON_TEXT_MAX),
                 "emoji": True},
        "value": value[:BUTTON_VALUE_MAX],
    }
    if style:
        element["style"] = style
    return element


def fit(blocks: Iterable[Block]) -> tuple[Block, ...]:
    """At most 50 blocks: extra text sections are merged away first, buttons always survive."""
    blocks = list(blocks)
    if len(blocks) <= BLOCKS_MAX:
        return tuple(blocks)
    keep = [b for b in blocks if b["type"] != "section"]
    room = max(BLOCKS_MAX - len(keep) - 1, 0)
    texts = [b for b in blocks if b["type"] == "section"]
    head = texts[:room]
    if len(texts) > room:
        head.append(context(ELLIPSIS))
    first_action = next((i for i, b in enumerate(blocks) if b["type"] == "actions"), len(blocks))
    before = [b for b in blocks[:first_action] if b["type"] != "section"]
    after = [b for b in blocks[first_action:] if b["type"] != "section"]
    return tuple((before + head + after)[:BLOCKS_MAX])
