"""Every path of every intent, in every language, enumerated from the rules file itself.

Each path is walked twice: in-process (every step's reply checked) and through a scripted
``keyhelp chat`` subprocess per intent and language (every step's text found, in order).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.dialogue.replies import Ask, Closed, Escalate, Remedy, Reply
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Intent, Knowledge, Target
from bot.paths import shipped_rules_path
from bot.understand.recognise import Recogniser
from tests.assistant_helpers import make_assistant, only

KNOWLEDGE = load_knowledge(shipped_rules_path())
KEYS = {"key-suspicious": "BCDFG-HJKMP-QRTVW-XY2O4-6789S",
        "key-clean": "BCDFG-HJKMP-QRTVW-XY234-6789B"}
UNSOLVED = Target("outcome", "<escalate: unsolved>")  # a remedy without if_unsolved


@dataclass(frozen=True)
class Walk:
    """One path: what the user types at each step, and the step each input should lead to."""

    inputs: tuple[str, ...]
    steps: tuple[Target, ...]  # steps[i] is shown after inputs[i] (inputs[0] is the message)


def walks(intent: Intent) -> list[Walk]:
    """Depth-first over the flow: every answer, and "yes"/"no" after every remedy."""
    found: list[Walk] = []

    def visit(target: Target, inputs: tuple[str, ...], steps: tuple[Target, ...]) -> None:
        if target.kind == "outcome" or target == UNSOLVED:
            found.append(Walk(inputs, steps))
        elif target.kind == "ask":
            offered = [a for a in intent.questions[target.id].answers if a.when is None]
            for answer in intent.questions[target.id].answers:
                typed = KEYS[answer.when] if answer.when else str(offered.index(answer) + 1)
                visit(answer.target, (*inputs, typed), (*steps, answer.target))
        else:
            found.append(Walk((*inputs, "1"), (*steps, Target("outcome", "solved"))))
            unsolved = KNOWLEDGE.intents[intent.id].remedies[target.id].if_unsolved or UNSOLVED
            visit(unsolved, (*inputs, "2"), (*steps, unsolved))

    visit(intent.start, ("",), (intent.start,))
    return found


def opening(intent: Intent, lang: str) -> str:
    """The intent's first message (or cue) in ``lang`` that is recognised as that intent."""
    recogniser = _recogniser()
    phrases = [m.texts[lang] for m in intent.messages if lang in m.texts]
    phrases += list(intent.cues.get(lang, ()))
    for phrase in phrases:
        recognition = recogniser.classify(phrase)
        if recognition.action == "answer" and recognition.intent == intent.id:
            return phrase
    raise AssertionError(f"no message or cue of {intent.id} in {lang} is recognised as it")


_RECOGNISER: list[Recogniser] = []


def _recogniser() -> Recogniser:
    if not _RECOGNISER:
        _RECOGNISER.append(Recogniser(KNOWLEDGE))
    return _RECOGNISER[0]


def shows(reply: Reply, target: Target) -> bool:
    if target == UNSOLVED:
        return isinstance(reply, Escalate) and reply.summary.reason == "unsolved"
    if target.kind == "ask":
        return isinstance(reply, Ask) and reply.question == target.id
    if target.kind == "remedy":
        return isinstance(reply, Remedy) and reply.remedy == target.id
    outcome = KNOWLEDGE.outcomes[target.id]
    if outcome.escalate:
        return isinstance(reply, Escalate) and reply.summary.outcome == target.id
    return isinstance(reply, Closed) and reply.outcome == target.id


def step_text(intent: Intent, target: Target, lang: str) -> str:
    if target == UNSOLVED:
        return ""
    table = {"ask": intent.questions, "remedy": intent.remedies, "outcome": KNOWLEDGE.outcomes}
    return table[target.kind][target.id].text.get(lang)


CASES = [(intent.id, lang) for intent in KNOWLEDGE.intents.values()
         for lang in KNOWLEDGE.locale_ids]


def test_every_intent_has_paths_and_every_step_is_on_one(knowledge: Knowledge) -> None:
    for intent in knowledge.intents.values():
        on_paths = {step for walk in walks(intent) for step in walk.steps}
        declared = {Target("ask", q) for q in intent.questions}
        declared |= {Target("remedy", r) for r in intent.remedies}
        assert declared <= on_paths, intent.id


@pytest.mark.parametrize(("intent_id", "lang"), CASES)
def test_every_path_in_process(intent_id: str, lang: str, tmp_path: Path) -> None:
    intent = KNOWLEDGE.intents[intent_id]
    assistant = make_assistant(tmp_path)
    for n, walk in enumerate(walks(intent)):
        cid = f"{intent_id}-{lang}-{n}"
        assistant.start(cid, lang=lang, explicit=True)
        for typed, expected in zip((opening(intent, lang), *walk.inputs[1:]), walk.steps,
                                   strict=True):
            reply = only(assistant.handle(cid, text=typed))
            assert reply.lang == lang
            assert shows(reply, expected), (walk.inputs, typed, expected, reply)


@pytest.mark.parametrize(("intent_id", "lang"), CASES)
def test_every_path_through_keyhelp_chat(intent_id: str, lang: str, tmp_path: Path) -> None:
    intent = KNOWLEDGE.intents[intent_id]
    script, expected = [], []
    for walk in walks(intent):
        script += [opening(intent, lang), *walk.inputs[1:], "start over"]
        expected += [step_text(intent, step, lang) for step in walk.steps]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYHELP_")}
    env.update(KEYHELP_DB=str(tmp_path / "paths.db"), KEYHELP_CACHE_DIR=str(tmp_path / "c"))
    result = subprocess.run([sys.executable, "-m", "bot", "chat", "--lang", lang],
                            input="\n".join(script) + "\n", text=True, capture_output=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    position = 0
    for text in expected:
        found = result.stdout.find(text, position)
        assert found >= 0, f"{text!r} not shown after position {position}"
        position = found + len(text)
