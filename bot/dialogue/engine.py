"""The rules file compiled into durable-rules: each turn's facts in, the rules that fired out.

The only module that imports ``durable``. Conversation state lives in our store, not here:
every turn asserts ONE flat fact (state + event) under a fresh sid to a timer-less host, the
actions only record which rules fired, a lowest-priority catch-all always fires, and the
session is deleted in ``finally`` under one lock — so at most one live session ever exists
(the 1,024-sessions ceiling and the two known segfaults cannot be reached; see
``shared/reference/engine-notes.md``). Which step comes next is decided by the compiled rules;
Python only maps the winning rule back to the step it names.

Example::

    engine = Engine(knowledge=knowledge)
    decision = engine.decide(Facts(event="message", recognised="key-expired", recog="answer"))
    decision.target  # Target(kind="ask", id="other-key"); decision.fired names every rule
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable
from typing import Literal, NamedTuple

from durable.engine import Host

from bot.knowledge.model import Knowledge, Target

Effect = Literal[
    "go", "clarify", "not-recognised", "escalate-unrecognised", "escalate-unsolved",
    "explain-question", "explain-path", "restart", "stay",
]

# Lower runs first and wins; the catch-all must stay last (it fires on every fact).
PRI_COMMAND, PRI_STEP, PRI_STREAK, PRI_GENERIC, PRI_FALLBACK = 1, 10, 15, 30, 1000
# durable-rules hangs (holding the GIL) once ~512 rules branch on one property at one node
# of its network, e.g. 512 intents; refuse to build well before that.
MAX_BRANCHES = 480
FALLBACK_RULE = "fallback"
_builds = itertools.count(1)
# One lock for every engine in the process (old and new ones overlap during a hot reload):
# durable's C calls never release the GIL, so serialising them costs next to nothing.
_LOCK = threading.Lock()
# Decisions remembered per engine: a turn's facts are a few short strings from small sets
# (events, intents, steps), and the compiled rules never change under an engine.
DECISIONS_KEPT = 4096


class Facts(NamedTuple):
    """One turn as the engine sees it: the conversation state plus the event, all flat strings."""

    event: str  # message | answer | key | solved | unsolved | why | restart
    intent: str = ""  # the conversation's current intent
    step_kind: str = ""  # ask | remedy | outcome | ""
    step: str = ""
    answer: str = ""
    check: str = ""  # key-suspicious | key-clean | ""
    recog: str = ""  # answer | clarify | unknown (recognition of a free-text message)
    recognised: str = ""  # intent the recogniser chose
    streak: int = 0  # unrecognised messages in a row before this one
    lang: str = ""


class Rule(NamedTuple):
    """A compiled rule: its durable condition and what it means when it wins."""

    name: str
    pri: int
    condition: dict
    effect: Effect
    intent: str = ""
    target: Target | None = None
    answer: str = ""  # the answer a step rule stands for (recorded in the conversation)


class Decision(NamedTuple):
    """The winning rule's effect, plus every rule that fired this turn (for "why?")."""

    effect: Effect
    rule: str
    fired: tuple[str, ...]
    intent: str = ""
    target: Target | None = None
    answer: str = ""


def _all(**tests: str) -> dict:
    return {"$and": [{k: v} for k, v in tests.items()]} if len(tests) > 1 else dict(tests)


def compile_rules(knowledge: Knowledge) -> list[Rule]:
    """Every rule the rules file implies; per-intent rules come from its data, never code."""
    rules = [
        Rule("restart", PRI_COMMAND, _all(event="restart"), "restart"),
        Rule("unrecognised-again", PRI_STREAK,
             {"$and": [{"event": "message"}, {"recog": "unknown"}, {"$gte": {"streak": 1}}]},
             "escalate-unrecognised"),
        Rule("unrecognised", PRI_GENERIC, _all(event="message", recog="unknown"), "not-recognised"),
        Rule("clarify", PRI_GENERIC, _all(event="message", recog="clarify"), "clarify"),
        Rule("why-question", PRI_GENERIC, _all(event="why", step_kind="ask"), "explain-question"),
        Rule("why-remedy", PRI_GENERIC, _all(event="why", step_kind="remedy"), "explain-path"),
        Rule("why-outcome", PRI_GENERIC, _all(event="why", step_kind="outcome"), "explain-path"),
        Rule("unsolved", PRI_GENERIC, _all(event="unsolved", step_kind="remedy"),
             "escalate-unsolved"),
    ]
    if "solved" in knowledge.outcomes:
        rules.append(Rule("solved", PRI_GENERIC, _all(event="solved", step_kind="remedy"), "go",
                          target=Target("outcome", "solved")))
    for intent in knowledge.intents.values():
        i = intent.id
        rules.append(Rule(f"start:{i}", PRI_STEP, _all(event="message", recog="answer",
                                                       recognised=i), "go", i, intent.start))
        for question in intent.questions.values():
            q = question.id
            for answer in question.answers:
                rules.append(Rule(f"answer:{i}:{q}:{answer.id}", PRI_STEP,
                                  _all(event="answer", intent=i, step_kind="ask", step=q,
                                       answer=answer.id), "go", i, answer.target, answer.id))
                if answer.when:
                    rules.append(Rule(f"check:{i}:{q}:{answer.id}", PRI_STEP,
                                      _all(event="key", intent=i, step_kind="ask", step=q,
                                           check=answer.when), "go", i, answer.target, answer.id))
        for remedy in intent.remedies.values():
            if remedy.if_unsolved is not None:
                rules.append(Rule(f"unsolved:{i}:{remedy.id}", PRI_STEP,
                                  _all(event="unsolved", intent=i, step_kind="remedy",
                                       step=remedy.id), "go", i, remedy.if_unsolved))
    rules.append(Rule(FALLBACK_RULE, PRI_FALLBACK, {"turn": 1}, "stay"))
    return rules


def check_branching(rules: list[Rule]) -> None:
    """Raise ValueError if rules would branch too widely at one node (durable would hang)."""
    children: dict[tuple, set[tuple]] = {}
    for rule in rules:
        tests = rule.condition.get("$and", [rule.condition])
        path: tuple = ()
        for test in tests:
            step = tuple(sorted((k, str(v)) for k, v in test.items()))
            children.setdefault(path, set()).add(step)
            path = (*path, step)
    for path, branches in children.items():
        if len(branches) >= MAX_BRANCHES:
            where = " & ".join(f"{k}={v}" for step in path for k, v in step) or "the top"
            raise ValueError(f"{len(branches)} rules branch at {where}; the rules engine hangs "
                             f"near 512: split the rules file or group its intents")


class _QuietHost(Host):
    """A Host without the two self-re-arming timer threads that segfault on delete_state."""

    def _run(self) -> None:
        return None


class Engine:
    """Decides each turn's next step with the compiled rules; thread-safe, one live session max."""

    def __init__(self, *, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        compiled = compile_rules(knowledge)
        check_branching(compiled)
        self.rules = {rule.name: rule for rule in compiled}
        # A unique name per build, so tests and hot reloads can build engines freely.
        self.ruleset = f"keyhelp_{next(_builds)}"
        self._fired: list[str] = []
        self._sids = itertools.count(1)
        self._host = _QuietHost()
        self._decisions: dict[Facts, Decision] = {}
        self._host.set_rulesets({self.ruleset: {
            rule.name: {"all": [{"m": rule.condition}], "pri": rule.pri,
                        "run": self._recorder(rule.name)}
            for rule in self.rules.values()
        }})

    def _recorder(self, name: str) -> Callable[[object], None]:
        def record(_c: object) -> None:
            self._fired.append(name)
        return record

    def fire(self, facts: Facts) -> tuple[str, ...]:
        """Assert one turn's facts in a fresh session; return the names of the rules that fired."""
        with _LOCK:
            sid = str(next(self._sids))
            self._fired = []
            try:
                state = self._host.assert_fact(
                    self.ruleset, {**facts._asdict(), "sid": sid, "id": sid, "turn": 1})
            except BaseException:
                # A rejected fact may leave no session (delete then fails with code 309);
                # the original error is the one worth reporting.
                with contextlib.suppress(Exception):
                    self._host.delete_state(self.ruleset, sid)
                raise
            self._host.delete_state(self.ruleset, sid)
            fired = tuple(self._fired)
        if isinstance(state, dict) and "exception" in state:
            raise RuntimeError(f"rule action failed: {state['exception']}")
        return fired

    def decide(self, facts: Facts) -> Decision:
        """The highest-priority rule that fired wins; the catch-all means one always does."""
        known = self._decisions.get(facts)
        if known is not None:
            return known  # same facts, same compiled rules: the same rules fire
        fired = self.fire(facts)
        winner = min((self.rules[name] for name in fired), key=lambda rule: rule.pri)
        decision = Decision(effect=winner.effect, rule=winner.name, fired=fired,
                            intent=winner.intent, target=winner.target, answer=winner.answer)
        if len(self._decisions) >= DECISIONS_KEPT:
            self._decisions.clear()  # bounded; refilled by the next turns
        self._decisions[facts] = decision
        return decision
