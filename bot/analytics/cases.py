"""What one turn means for the helpdesk lead's figures: a case opened, answered, ended.

A *case* is one diagnosis inside a conversation: it opens when an intent is chosen and ends
solved, escalated (with the reason) or restarted; one left idle past the expiry counts as
abandoned. ``Recorder.turn`` reads the conversation before and after a turn and the replies,
and writes only counts and ids: no user ids (conversations are known by a hash), product
keys only as the recogniser masked them. It writes inside the transaction that saves the turn
(``unit``) when the store is on the same database, and never reads a case to write it: the
turn's own row is merged into the stored one by the store (``add_turn``).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.dialogue.conversation import Conversation
from bot.dialogue.replies import Reply
from bot.sql import Unit

MISS_CHARS = 200  # an unrecognised message is kept this long at most
PURGE_EVERY = 1000  # recorded turns between retention sweeps


@dataclass
class Case:
    """One diagnosis, as the analytics store keeps it."""

    id: str
    channel: str
    lang: str
    intent: str
    started: float
    updated: float
    turns: int = 0
    answers: list[list[str]] = field(default_factory=list)  # [question id, answer id]
    remedies: list[str] = field(default_factory=list)  # remedy ids shown, in order
    step: str = ""  # where it stands or ended: ask:ID | remedy:ID | outcome:ID
    outcome: str | None = None  # solved | escalated | restarted | ended (None: still open)
    reason: str | None = None  # escalations: outcome | unsolved | unrecognised
    ended: float | None = None

    def row(self) -> dict[str, Any]:
        return {**vars(self), "answers": json.dumps(self.answers),
                "remedies": json.dumps(self.remedies)}


class AnalyticsStore(Protocol):
    """Where the figures are kept (SQLite here; another database behind the same calls)."""

    def joining(self, unit: Unit | None) -> AnalyticsStore: ...

    def add_turn(self, case: Case) -> None: ...

    def end_case(self, case_id: str, *, outcome: str, at: float) -> None: ...

    def add_miss(self, *, at: float, channel: str, lang: str, text: str) -> None: ...

    def add_clarification(self, *, conversation: str, at: float, channel: str, lang: str,
                          candidates: Sequence[str]) -> None: ...

    def choose_clarification(self, *, conversation: str, chosen: str) -> None: ...

    def purge(self, *, older_than: float) -> None: ...


def conversation_hash(conversation_id: str) -> str:
    """Conversations are counted, never named: Slack ids stay out of the figures."""
    return hashlib.sha256(conversation_id.encode()).hexdigest()[:20]


class Recorder:
    """Turns the dialogue's turns into case rows and miss lists."""

    def __init__(self, *, store: AnalyticsStore, channel: str, clock: Callable[[], float],
                 retention_seconds: float | None = None) -> None:
        self.store = store
        self.channel = channel
        self.clock = clock
        self.retention_seconds = retention_seconds
        self._turns = 0
        self.enforce_retention()  # at start, then every PURGE_EVERY turns

    def enforce_retention(self, store: AnalyticsStore | None = None) -> None:
        """Delete what is older than ``KEYHELP_RETENTION_DAYS`` allows."""
        if self.retention_seconds is not None:
            (store or self.store).purge(older_than=self.clock() - self.retention_seconds)

    def turn(self, before: Conversation, after: Conversation, replies: Sequence[Reply], *,
             action: str | None, masked_text: str | None, unit: Unit | None = None) -> None:
        """Record one turn; ``masked_text`` is the user's message as normalised (key masked);
        ``unit``: the transaction saving the turn, which every write here joins when it is
        on the store's database (a statement on a connection of its own would wait for it)."""
        store = self.store.joining(unit)
        now = self.clock()
        self._turns += 1
        if self._turns % PURGE_EVERY == 0:
            self.enforce_retention(store)
        conv = conversation_hash(after.id)
        kinds = [reply.kind for reply in replies]
        if before.intent and (after.intent != before.intent or "welcome" in kinds):
            if before.case:  # started over, or switched error
                store.end_case(before.case, outcome="restarted", at=now)
            after.case = ""  # the next intent opens a new case
        if before.candidates and action and action.startswith("intent:"):
            store.choose_clarification(conversation=conv, chosen=action[len("intent:"):])
        if "clarify" in kinds:
            store.add_clarification(conversation=conv, at=now, channel=self.channel,
                                    lang=after.lang, candidates=after.candidates)
        if "not-recognised" in kinds and masked_text and not after.intent:
            store.add_miss(at=now, channel=self.channel, lang=after.lang,
                           text=" ".join(masked_text.split())[:MISS_CHARS])
        if after.intent:
            store.add_turn(self._this_turn(after, replies, now))

    def _this_turn(self, conv: Conversation, replies: Sequence[Reply], now: float) -> Case:
        """The case row this turn alone makes: what it opens, or adds to the stored case."""
        if not conv.case:
            conv.case = uuid.uuid4().hex[:20]  # kept on the conversation: later turns find it
        case = Case(id=conv.case, channel=self.channel, lang=conv.lang, intent=conv.intent,
                    started=now, updated=now, turns=1,
                    answers=[list(pair) for pair in conv.answers],
                    step=f"{conv.step_kind}:{conv.step}" if conv.step_kind else "")
        for reply in replies:
            remedy = getattr(reply, "remedy", None)
            if reply.kind == "remedy" and remedy and remedy not in case.remedies:
                case.remedies.append(remedy)
            if case.outcome is None and reply.kind == "escalate":
                case.outcome, case.reason, case.ended = "escalated", reply.summary.reason, now
            elif case.outcome is None and reply.kind == "closed":
                case.outcome = "solved" if reply.outcome == "solved" else "ended"
                case.ended = now
        return case

