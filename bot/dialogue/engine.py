"""Runs the compiled rules (``bot.dialogue.rulebook``) in durable-rules: a turn in, the rules
that fired out, in the order they fired.

The only module that imports ``durable``. Conversation state lives in our store, not here:
each turn is posted as ONE flat event (state + event) under a fresh session id to a
timer-less host; the event is taken by the matching rule with the lowest ``pri`` (durable's
own choice), whose action records its name and may post a follow-up event into the same
session (``Rule.then``), which the next rule takes. A lowest-priority catch-all takes any
event nothing else does, so an action runs in every session; the session is deleted in
``finally`` under one lock. So at most one live session ever exists, and durable-rules
2.0.28's limits cannot be reached: 1,024 live sessions per ruleset (the next raises
MemoryError and poisons its slot), and two segfaults — ``delete_state`` while the stock
Host's timer threads walk other sessions (hence ``_QuietHost``), and ``delete_state`` on a
session in which no action ran (hence the catch-all).

Example::

    engine = Engine(compile_rules(knowledge))
    decision = engine.decide(Facts(event="message", recog="answer", recognised="key-expired"))
    decision.rules[0].target  # Target(kind="ask", id="other-key"); .names for the trace
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

from durable.engine import Host

from bot.dialogue.rulebook import FALLBACK_RULE, Facts, Rule

# durable-rules hangs (holding the GIL) once ~512 rules branch on one property at one node
# of its network, e.g. 512 intents; refuse to build well before that.
MAX_BRANCHES = 480
MAX_CHAIN = 16  # follow-up events per turn: the rules file's flows are loop-free, this is a guard
_builds = itertools.count(1)
# One lock for every engine in the process (old and new ones overlap during a hot reload):
# durable's C calls never release the GIL, so serialising them costs next to nothing.
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Decision:
    """The rules that fired in one turn, in order; each one's effect is to be carried out."""

    rules: tuple[Rule, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The trace without the catch-all (which only says "nothing else applied")."""
        return tuple(rule.name for rule in self.rules if rule.name != FALLBACK_RULE)


def check_branching(rules: Sequence[Rule]) -> None:
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
    """Decides each turn with the compiled rules; thread-safe, one live session at most."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        check_branching(rules)
        self.rules = {rule.name: rule for rule in rules}
        # A unique name per build, so tests and hot reloads can build engines freely.
        self.ruleset = f"keyhelp_{next(_builds)}"
        self._fired: list[str] = []
        self._used = 0  # session ids handed out so far: "1" … str(self._used)
        self._host = _QuietHost()
        self._host.set_rulesets({self.ruleset: {
            rule.name: {"all": [{"m": rule.condition}], "pri": rule.pri,
                        "run": self._action(rule)}
            for rule in self.rules.values()
        }})

    def _action(self, rule: Rule) -> Callable[[object], None]:
        """Record that ``rule`` fired; post its follow-up turn, if any, into the same session."""
        name, then = rule.name, rule.then

        def run(c: object) -> None:
            self._fired.append(name)
            if then is not None:
                if len(self._fired) > MAX_CHAIN:  # raised into the session's state, see fire()
                    raise RuntimeError(f"rules chain without end after {name}")
                turn = c.m._d  # type: ignore[attr-defined]  # the event this rule took
                # its own id: two identical events pending in one session are refused
                c.post({**turn, **then, "id": f"{turn['sid']}.{len(self._fired)}"})  # type: ignore[attr-defined]
        return run

    def fire(self, facts: Facts) -> tuple[str, ...]:
        """Post one turn under a fresh session; the names of the rules that fired, in order."""
        # the fields as they are: ``dataclasses.asdict`` deep-copies them, 5x slower
        event = {f.name: getattr(facts, f.name) for f in fields(facts)}
        with _LOCK:
            self._used += 1
            sid = str(self._used)
            self._fired = []
            try:
                state = self._host.post(
                    self.ruleset, {**event, "sid": sid, "id": sid, "turn": 1})
            finally:
                self._delete(sid)
            fired = tuple(self._fired)
        if isinstance(state, dict) and "exception" in state:
            raise RuntimeError(f"rule action failed: {state['exception']}")
        return fired

    def _delete(self, sid: str) -> None:
        try:
            self._host.delete_state(self.ruleset, sid)
        except Exception as err:
            # A rejected event may leave no session: "not found" (code 309) is what we
            # wanted; the post's own error, if any, is the one worth reporting.
            if "error code: 309" not in str(err):
                raise

    def decide(self, facts: Facts) -> Decision:
        """The rules that fired for ``facts``; the catch-all means at least one always does."""
        return Decision(tuple(self.rules[name] for name in self.fire(facts)))

    def live_sessions(self) -> int:
        """Sessions durable still holds for this engine, asked of durable for every id used."""
        live = 0
        with _LOCK:
            for n in range(1, self._used + 1):
                try:
                    self._host.get_state(self.ruleset, str(n))
                except Exception as err:
                    if "error code: 309" not in str(err):  # 309: no such session
                        raise
                else:
                    live += 1
        return live
