"""The payload shapes in payloads/ (from slack-bolt's tests), sent signed in their own encoding."""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slack_requests import Answer, SlackSender

PAYLOADS = Path(__file__).parent / "payloads"
_event_ids = itertools.count(1)


@dataclass(frozen=True)
class Shape:
    """One stored request body: its name, where it comes from, how it travels."""

    name: str
    source: str
    encoding: str  # "json", "form" (slash command fields) or "payload" (interactivity)
    body: Any

    def copy(self) -> Any:
        return copy.deepcopy(self.body)


def shapes() -> list[Shape]:
    found = []
    for path in sorted(PAYLOADS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found.append(Shape(path.stem, data["source"], data["encoding"], data["body"]))
    return found


def shape(name: str) -> Shape:
    [found] = [s for s in shapes() if s.name == name]
    return found


def send(sender: SlackSender, encoding: str, body: Any) -> Answer:
    """Sign and post ``body`` as Slack would; an event gets a fresh event_id (no dedupe)."""
    if isinstance(body, dict) and isinstance(body.get("event_id"), str):
        body = {**body, "event_id": f"EvShape{next(_event_ids):06d}"}
    if encoding == "json":
        return sender.post_json(body)
    if encoding == "payload":
        return sender.form({"payload": json.dumps(body)})
    return sender.form({name: str(value) for name, value in body.items()})


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a JSON value: the root, each key of each object, each list item."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*prefix, index))


MISSING = object()  # a replacement that removes the field


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    """``value`` with the node at ``path`` replaced by ``new`` (or removed, for MISSING)."""
    if not path:
        return None if new is MISSING else new
    value = copy.deepcopy(value)
    parent = value
    for step in path[:-1]:
        parent = parent[step]
    if new is MISSING:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return value
