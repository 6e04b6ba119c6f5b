"""Checks that need the whole rules file: references resolve, flows end, messages are unique."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from bot.knowledge.model import Intent, Knowledge, Target

if TYPE_CHECKING:
    from bot.knowledge.reader import Ref
    from bot.knowledge.yaml_nodes import Pos

Report = Callable[..., None]
_NODE_KIND = {"ask": "question", "remedy": "remedy", "outcome": "outcome"}


def check(knowledge: Knowledge, refs: list[Ref], where: dict[tuple[str, ...], Pos],
          report: Report) -> None:
    _check_refs(knowledge, refs, report)
    for intent in knowledge.intents.values():
        _check_flow(intent, knowledge, where, report)
    _check_messages(knowledge, where, report)
    _check_vetoed_cues(knowledge, where, report)


def _check_refs(knowledge: Knowledge, refs: Iterable[Ref], report: Report) -> None:
    for ref in refs:
        intent = knowledge.intents.get(ref.intent) if ref.intent else None
        declared = {
            "link": knowledge.links,
            "outcome": knowledge.outcomes,
            "intent": knowledge.intents,
            "ask": intent.questions if intent else {},
            "remedy": intent.remedies if intent else {},
            "cause": intent.causes if intent else {},
        }[ref.kind]
        if ref.id not in declared:
            name = {"ask": "question"}.get(ref.kind, ref.kind)
            scope = f" in intent '{ref.intent}'" if ref.kind in ("ask", "remedy", "cause") else ""
            choices = ", ".join(sorted(declared)) or "none declared"
            report(ref.at, f"unknown {name} '{ref.id}'{scope}", f"one of: {choices}")


def successors(intent: Intent, target: Target) -> Iterator[Target]:
    """The steps one move after ``target`` inside an intent's flow."""
    if target.kind == "ask" and target.id in intent.questions:
        for answer in intent.questions[target.id].answers:
            yield answer.target
    elif target.kind == "remedy" and target.id in intent.remedies:
        unsolved = intent.remedies[target.id].if_unsolved
        if unsolved is not None:
            yield unsolved


def _check_flow(intent: Intent, knowledge: Knowledge, where: dict[tuple[str, ...], Pos],
                report: Report) -> None:
    """Every question and remedy is reachable from the start, and no path loops."""
    seen: set[Target] = set()
    on_path: list[Target] = []

    def visit(target: Target) -> None:
        if target in on_path:
            loop = " -> ".join(str(t) for t in [*on_path[on_path.index(target):], target])
            report(where.get((target.kind, intent.id, target.id), (0, 0)),
                   f"intent '{intent.id}' has a cycle: {loop}",
                   "every path to end in a remedy or outcome")
            return
        if target in seen:
            return
        seen.add(target)
        on_path.append(target)
        for nxt in successors(intent, target):
            visit(nxt)
        on_path.pop()

    visit(intent.start)
    for kind, steps in (("ask", intent.questions), ("remedy", intent.remedies)):
        for step_id in steps:
            if Target(kind, step_id) not in seen:
                report(where.get((kind, intent.id, step_id), (0, 0)),
                       f"{_NODE_KIND[kind]} '{step_id}' of intent '{intent.id}' is unreachable",
                       "every question and remedy reachable from the start")


def normalise_message(text: str) -> str:
    """Compare on-screen messages regardless of width, case, spacing and final punctuation."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    return "".join(folded.split()).rstrip("。.!！")


def _check_messages(knowledge: Knowledge, where: dict[tuple[str, ...], Pos],
                    report: Report) -> None:
    owner: dict[tuple[str, str], str] = {}
    for intent in knowledge.intents.values():
        for index, message in enumerate(intent.messages):
            for lang, text in message.texts.items():
                key = (lang, normalise_message(text))
                first = owner.setdefault(key, intent.id)
                if first != intent.id:
                    report(where.get(("message", intent.id, str(index)), (0, 0)),
                           f"the {lang} message of intent '{intent.id}' is also a message of "
                           f"intent '{first}'", "each exact message in one intent only")


def _check_vetoed_cues(knowledge: Knowledge, where: dict[tuple[str, ...], Pos],
                       report: Report) -> None:
    """A phrase that is both an error's cue and a scope veto ("more seats") cancels itself:
    reported at the veto, where it was added last."""
    cues = {cue.casefold(): intent.id for intent in knowledge.intents.values()
            for phrases in intent.cues.values() for cue in phrases}
    for key, at in where.items():
        if key[0] == "scope" and key[3] in cues:
            report(at, f"'{key[3]}' in the {key[1]} of scope is also a cue of intent "
                       f"'{cues[key[3]]}'", "a phrase in one place: a cue names an error, "
                       "a scope phrase takes the answer away")
