"""The rules file compiled into engine rules: every step of every flow and the ``policy:``.

Each rule is a durable-rules condition on one turn (``Facts``), an effect that
``bot.dialogue.effects`` carries out, and optionally a follow-up turn (``then``) the rule posts
into the same engine session, so that one turn can chain: a pasted product key's check result
selects a question's ``when:`` answer; a message after a case ended first begins a new case.
Which rule wins is the engine's choice (the turn is an event: the rule with the lowest ``pri``
takes it). Nothing here is per intent in code: per-intent rules come from the rules file.

Example: ``compile_rules(knowledge)`` for the shipped file gives ``start:key-expired`` (a
message recognised as key-expired → ask ``other-key``), ``answer:key-expired:other-key:no-other``
(that answer → outcome ``contact-support``), ``why-question`` (policy: explain the causes), …
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, cast, get_args

from bot.knowledge.model import Intent, Knowledge, Policy, Target

Effect = Literal[
    "go",  # move to ``target`` (and record ``answer`` at ``at``); ``begins`` a case
    "new-case",  # the case had ended: keep it, start a clean one
    "check-key",  # a key was pasted at a question: its check result follows (``then``)
    "clarify", "not-recognised", "hand-off-unrecognised", "hand-off-unsolved",
    "explain-causes", "explain-path", "restart", "repeat",
]

# Lower wins (only rules matching the same turn compete). The catch-all must stay last: it
# takes any turn no other rule takes, so some action runs in every session.
PRI_CASE, PRI_KEY, PRI_STEP, PRI_STREAK, PRI_GENERIC, PRI_FALLBACK = 1, 9, 10, 15, 30, 1000
FALLBACK_RULE = "fallback"
_ENDED = {"$or": [{"status": "closed"}, {"status": "escalated"}]}
_FRESH = {"status": "new", "intent": "", "step_kind": "", "step": "", "streak": 0}


@dataclass(frozen=True, slots=True)
class Facts:
    """One turn as the engine sees it: the conversation state plus the event, all flat."""

    # message | answer | key | solved | unsolved | why | restart | lang | stale, and "check",
    # the follow-up a pasted key's check posts (``Rule.then``)
    event: str
    intent: str = ""  # the conversation's current intent
    step_kind: str = ""  # ask | remedy | outcome | ""
    step: str = ""
    status: str = ""  # new | open | closed | escalated
    answer: str = ""
    check: str = ""  # key-suspicious | key-clean | "" (the check of a key in this turn)
    recog: str = ""  # answer | clarify | unknown (recognition of a free-text message)
    recognised: str = ""  # intent the recogniser chose
    streak: int = 0  # unrecognised messages in a row before this one


@dataclass(frozen=True, slots=True)
class Rule:
    """A compiled rule: its durable condition, the effect it stands for, what it chains."""

    name: str
    pri: int
    condition: dict
    effect: Effect
    intent: str = ""
    target: Target | None = None  # go: the step it leads to
    at: Target | None = None  # the step it answers (answer, check and unsolved rules)
    answer: str = ""  # the answer it records at ``at``
    begins: bool = False  # go: the step is a case's first (a recognised error)
    then: Mapping[str, object] | None = None  # a follow-up turn: the turn with these changes


def _all(**tests: object) -> dict:
    return {"$and": [{k: v} for k, v in tests.items()]} if len(tests) > 1 else dict(tests)


def compile_rules(knowledge: Knowledge) -> list[Rule]:
    """Every rule the rules file implies, the policy's first, the catch-all last."""
    rules = policy_rules(knowledge.policy, knowledge)
    for intent in knowledge.intents.values():
        rules += intent_rules(intent)
    rules.append(Rule(FALLBACK_RULE, PRI_FALLBACK, {"turn": 1}, "repeat"))
    return rules


def _effect(word: str) -> Effect:
    """A policy word (``bot.knowledge.policy`` allows them) as the effect of the same name."""
    if word not in get_args(Effect):
        raise ValueError(f"the policy word '{word}' names no effect")
    return cast(Effect, word)


def policy_rules(policy: Policy, knowledge: Knowledge) -> list[Rule]:
    """The general behaviour: commands, unrecognised messages, "did this solve it?"."""
    rules = [
        Rule("new-case", PRI_CASE, {"$and": [{"event": "message"}, _ENDED]}, "new-case",
             then=_FRESH),
        Rule("language-change", PRI_GENERIC, _all(event="lang"),
             _effect(policy.language_change)),
        Rule("key-check", PRI_GENERIC, _all(event="key", step_kind="ask"), "check-key",
             then={"event": "check"}),
        Rule("unrecognised-again", PRI_STREAK,
             {"$and": [{"event": "message"}, {"recog": "unknown"},
                       {"$gte": {"streak": policy.hand_off_after_unrecognised - 1}}]},
             "hand-off-unrecognised"),
        Rule("unrecognised", PRI_GENERIC, _all(event="message", recog="unknown"),
             "not-recognised"),
        Rule("clarify", PRI_GENERIC, _all(event="message", recog="clarify"), "clarify"),
        Rule("why-question", PRI_GENERIC, _all(event="why", step_kind="ask"),
             _effect(policy.why_at_question)),
        Rule("why-remedy", PRI_GENERIC, _all(event="why", step_kind="remedy"),
             _effect(policy.why_at_remedy)),
        Rule("why-outcome", PRI_GENERIC, _all(event="why", step_kind="outcome"),
             _effect(policy.why_at_end)),
        Rule("solved", PRI_GENERIC, _all(event="solved", step_kind="remedy"), "go",
             target=policy.solved),
    ]
    if isinstance(policy.not_solved, Target):
        rules.append(Rule("unsolved", PRI_GENERIC, _all(event="unsolved", step_kind="remedy"),
                          "go", target=policy.not_solved))
    else:
        rules.append(Rule("unsolved", PRI_GENERIC, _all(event="unsolved", step_kind="remedy"),
                          "hand-off-unsolved"))
    rules.append(Rule("restart", PRI_GENERIC, _all(event="restart"), "restart"))
    if policy.start_over == "first-step":  # back to the first step of the same error
        rules += [Rule(f"restart:{i}", PRI_STEP, _all(event="restart", intent=i), "restart",
                       then={**_FRESH, "event": "message", "recog": "answer", "recognised": i})
                  for i in knowledge.intents]
    return rules


def intent_rules(intent: Intent) -> list[Rule]:
    """One intent's flow: its start, every answer (clicked or chosen by a check), if_unsolved."""
    i = intent.id
    recognised = [{"event": "message"}, {"recog": "answer"}, {"recognised": i}]
    rules = [Rule(f"start:{i}", PRI_STEP, {"$and": recognised}, "go", i, intent.start,
                  begins=True)]
    first = intent.questions.get(intent.start.id) if intent.start.kind == "ask" else None
    if first is not None and first.check:  # the message came with a key: check it at once
        rules.append(Rule(f"start-with-key:{i}", PRI_KEY,
                          {"$and": [*recognised, {"$neq": {"check": ""}}]}, "go", i,
                          intent.start, begins=True,
                          then={"event": "check", "intent": i, "step_kind": "ask",
                                "step": first.id}))
    for question in intent.questions.values():
        q, at = question.id, Target("ask", question.id)
        for answer in question.answers:
            rules.append(Rule(f"answer:{i}:{q}:{answer.id}", PRI_STEP,
                              _all(event="answer", intent=i, step_kind="ask", step=q,
                                   answer=answer.id), "go", i, answer.target, at, answer.id))
            if answer.when:
                rules.append(Rule(f"check:{i}:{q}:{answer.id}", PRI_STEP,
                                  _all(event="check", intent=i, step_kind="ask", step=q,
                                       check=answer.when), "go", i, answer.target, at,
                                  answer.id))
    for remedy in intent.remedies.values():
        if remedy.if_unsolved is not None:
            rules.append(Rule(f"unsolved:{i}:{remedy.id}", PRI_STEP,
                              _all(event="unsolved", intent=i, step_kind="remedy",
                                   step=remedy.id), "go", i, remedy.if_unsolved,
                              Target("remedy", remedy.id)))
    return rules
