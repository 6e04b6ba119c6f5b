"""Conversations as data: every ``tests/conversations/*.yml`` case is replayed turn by turn.

A case lists what the user does (``user: text`` or ``button: value``) and what keyhelp must
reply (``expect``: the reply ``kind``, any reply field such as ``question``/``remedy``/
``outcome``/``lang``, and ``says``: texts the rendered terminal reply contains). A helpdesk
lead adds a case by adding YAML; no Python needed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.dialogue.replies import Reply
from bot.knowledge.model import Knowledge
from bot.render.renderer import render
from tests.assistant_helpers import make_assistant

FOLDER = Path(__file__).parent / "conversations"
CASES = [(path.name, case) for path in sorted(FOLDER.glob("*.yml"))
         for case in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]]


def _field(reply: Reply, name: str) -> object:
    if name == "outcome" and reply.kind == "escalate":
        return reply.summary.outcome  # type: ignore[attr-defined]
    if name == "reason" and reply.kind == "escalate":
        return reply.summary.reason  # type: ignore[attr-defined]
    if name == "intent" and reply.kind == "escalate":
        return reply.summary.intent  # type: ignore[attr-defined]
    return getattr(reply, name)


@pytest.mark.parametrize(("file", "case"), CASES,
                         ids=[f"{file}:{case['name']}" for file, case in CASES])
def test_conversation(file: str, case: dict, tmp_path: Path) -> None:
    assistant = make_assistant(tmp_path)
    if "lang" in case:
        assistant.start("case", lang=case["lang"], explicit=True)
    for number, turn in enumerate(case["turns"], 1):
        where = f"{file}: {case['name']}: turn {number}"
        if "button" in turn:
            replies = assistant.handle("case", action=turn["button"])
        else:
            replies = assistant.handle("case", text=str(turn["user"]))
        reply = replies[-1]
        expect = dict(turn.get("expect", {}))
        says = expect.pop("says", [])
        for name, value in expect.items():
            actual = reply.kind if name == "kind" else _field(reply, name)
            assert actual == value, f"{where}: {name} is {actual!r}, expected {value!r}"
        text = render(reply, "cli").text
        for piece in [says] if isinstance(says, str) else says:
            assert piece in text, f"{where}: {piece!r} not in:\n{text}"


def test_every_intent_has_a_conversation_in_every_language(knowledge: Knowledge) -> None:
    covered = {(turn["expect"]["intent"], case.get("lang"))
               for _file, case in CASES for turn in case["turns"]
               if "intent" in turn.get("expect", {})}
    missing = [(intent, lang) for intent in knowledge.intents for lang in knowledge.locale_ids
               if (intent, lang) not in covered]
    assert missing == [], f"add conversations for: {missing}"
