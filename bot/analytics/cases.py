"""What one turn means for the helpdesk lead's figures: a case opened, answered, ended.

A *case* is one diagnosis inside a conversation: it opens when an intent is chosen and ends
solved, escalated (with the reason) or restarted; one left idle past the expiry counts as
abandoned. ``Recorder.turn`` reads the conversation before and after a turn and the replies,
and writes only counts and ids: no user ids (conversations are known by a hash), product
keys only as the recogniser masked them.
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

    def load_case(self, case_id: str) -> Case | None: ...

    def save_case(self, case: Case) -> None: ...

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

    def enforce_retention(self) -> None:
        """Delete what is older than ``KEYHELP_RETENTION_DAYS`` allows."""
        if self.retention_seconds is not None:
            self.store.purge(older_than=self.clock() - self.retention_seconds)

    def turn(self, before: Conversation, after: Conversation, replies: Sequence[Reply], *,
             action: str | None, masked_text: str | None) -> None:
        """Record one turn; ``masked_text`` is the user's message as normalised (key masked)."""
        now = self.clock()
        self._turns += 1
        if self._turns % PURGE_EVERY == 0:
            self.enforce_retention()
        conv = conversation_hash(after.id)
        kinds = [reply.kind for reply in replies]
        if before.intent and (after.intent != before.intent or "welcome" in kinds):
            self._end_if_open(before, now, "restarted")  # started over, or switched error
            after.case = ""  # the next intent opens a new case
        if before.candidates and action and action.startswith("intent:"):
            self.store.choose_clarification(conversation=conv, chosen=action[len("intent:"):])
        if "clarify" in kinds:
            self.store.add_clarification(conversation=conv, at=now, channel=self.channel,
                                         lang=after.lang, candidates=after.candidates)
        if "not-recognised" in kinds and masked_text and not after.intent:
            self.store.add_miss(at=now, channel=self.channel, lang=after.lang,
                                text=" ".join(masked_text.split())[:MISS_CHARS])
        if not after.intent:
            return
        case = self._case(after, now)
        case.turns += 1
        case.updated = now
        case.answers = [list(pair) for pair in after.answers]
        case.step = f"{after.step_kind}:{after.step}" if after.step_kind else case.step
        for reply in replies:
            remedy = getattr(reply, "remedy", None)
            if reply.kind == "remedy" and remedy and remedy not in case.remedies:
                case.remedies.append(remedy)
            if case.outcome is None and reply.kind == "escalate":
                case.outcome, case.reason, case.ended = "escalated", reply.summary.reason, now
            elif case.outcome is None and reply.kind == "closed":
                case.outcome = "solved" if reply.outcome == "solved" else "ended"
                case.ended = now
        self.store.save_case(case)

    def _case(self, conv: Conversation, now: float) -> Case:
        if not conv.case:
            conv.case = uuid.uuid4().hex[:20]  # kept on the conversation: later turns find it
        case = self.store.load_case(conv.case)
        return case or Case(id=conv.case, channel=self.channel, lang=conv.lang,
                            intent=conv.intent, started=now, updated=now)

    def _end_if_open(self, before: Conversation, now: float, outcome: str) -> None:
        if not before.case:
            return
        case = self.store.load_case(before.case)
        if case is not None and case.outcome is None:
            case.outcome, case.ended, case.updated = outcome, now, now
            self.store.save_case(case)

