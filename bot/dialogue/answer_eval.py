"""Scoring typed answers to questions: does a free-text reply lead to the right next step?

A labelled line is ``{"id", "intent", "question", "text", "lang", "expect"}`` where ``expect``
is an answer id of that question (for ``question: "solved"``, ``solved`` or ``not-solved``),
``why`` (the user asks why the question is asked), ``reask`` (the reply answers nothing: the
question should come again) or ``switch:INTENT`` (the user pasted another error instead).
The conversation is walked to the question through the buttons, then the text is typed.
"""

from __future__ import annotations

import itertools
from collections import defaultdict, deque
from collections.abc import Sequence
from typing import Any

from bot.dialogue.assistant import Assistant
from bot.dialogue.replies import Reply
from bot.knowledge.model import Intent, Knowledge, Target

SOLVED = "solved"  # the question after every remedy: "did this solve it?"
_ids = itertools.count()


def _path_to(intent: Intent, goal: Target) -> list[str] | None:
    """Button values leading from the intent's start to ``goal`` (breadth first)."""
    queue: deque[tuple[Target, list[str]]] = deque([(intent.start, [])])
    seen: set[Target] = set()
    while queue:
        step, path = queue.popleft()
        if step == goal:
            return path
        if step in seen:
            continue
        seen.add(step)
        if step.kind == "ask":
            for answer in intent.questions[step.id].answers:
                if answer.when is None:  # a check result cannot be clicked
                    queue.append((answer.target, [*path, f"answer:{step.id}:{answer.id}"]))
    return None


def _first_remedy(intent: Intent) -> Target | None:
    for remedy in intent.remedies:
        target = Target("remedy", remedy)
        if _path_to(intent, target) is not None:
            return target
    return None


def expected_step(knowledge: Knowledge, item: dict[str, Any]) -> str:
    """The step the labelled answer should lead to, as ``observe`` describes steps."""
    expect: str = item["expect"]
    if expect in ("why", "reask") or expect.startswith("switch:"):
        return expect
    intent = knowledge.intents[item["intent"]]
    if item["question"] == SOLVED:
        if expect == "solved":
            return "outcome:solved"
        remedy = _first_remedy(intent)
        unsolved = intent.remedies[remedy.id].if_unsolved if remedy else None
        return _describe(knowledge, unsolved) if unsolved else "escalate"
    by_id = {a.id: a for a in intent.questions[item["question"]].answers}
    return _describe(knowledge, by_id[expect].target)


def _describe(knowledge: Knowledge, target: Target) -> str:
    if target.kind == "outcome" and knowledge.outcomes[target.id].escalate:
        return "escalate"
    return f"{target.kind}:{target.id}"


def observe(replies: Sequence[Reply], *, intent: str, at: Target) -> str:
    """What the replies to the typed answer at step ``at`` did, as ``expected_step`` says."""
    kinds = [reply.kind for reply in replies]
    if "explanation" in kinds:
        return "why"
    for reply in replies:
        if reply.kind in ("ask", "remedy") and reply.intent != intent:
            return f"switch:{reply.intent}"
        if reply.kind == "ask":
            return "reask" if at == Target("ask", reply.question) else f"ask:{reply.question}"
        if reply.kind == "remedy":
            return "reask" if at == Target("remedy", reply.remedy) else f"remedy:{reply.remedy}"
        if reply.kind == "escalate":
            return "escalate"
        if reply.kind == "closed":
            return f"outcome:{reply.outcome}"
        if reply.kind == "not-recognised":
            return "reask" if reply.at_step else "lost"
    return "/".join(kinds) or "nothing"


def walk(assistant: Assistant, item: dict[str, Any]) -> tuple[str, Target] | None:
    """Open a conversation at the labelled question (its id and the step it stands at);
    ``None`` when the question cannot be reached."""
    knowledge = assistant.brain.knowledge
    intent = knowledge.intents.get(item["intent"])
    if intent is None:
        return None
    goal = (_first_remedy(intent) if item["question"] == SOLVED
            else Target("ask", item["question"]))
    path = _path_to(intent, goal) if goal is not None else None
    if path is None:
        return None
    conversation = f"answer-eval-{next(_ids)}"
    lang = item.get("lang") if item.get("lang") in knowledge.locale_ids else None
    assistant.start(conversation, lang=lang, explicit=bool(lang))
    assistant.handle(conversation, action=f"intent:{intent.id}")  # as if chosen from a list
    for value in path:
        assistant.handle(conversation, action=value)
    return conversation, goal


def score(assistant: Assistant, items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Share of typed answers taken to the right next step, overall and per expectation."""
    knowledge = assistant.brain.knowledge
    per: dict[str, list[bool]] = defaultdict(list)
    misses = []
    for item in items:
        opened = walk(assistant, item)
        if opened is None:
            misses.append({**item, "got": "question not reachable"})
            per["unreachable"].append(False)
            continue
        conversation, at = opened
        replies = assistant.handle(conversation, text=item["text"])
        got = observe(replies, intent=item["intent"], at=at)
        want = expected_step(knowledge, item)
        right = got == want
        group = item["expect"] if item["expect"] in ("why", "reask") else (
            "switch" if item["expect"].startswith("switch:") else "answer")
        per[group].append(right)
        per["all"].append(right)
        if not right:
            misses.append({**item, "got": got, "want": want})
    return {"figures": {k: sum(v) / len(v) for k, v in per.items()},
            "counts": {k: len(v) for k, v in per.items()}, "misses": misses}

