"""What the Slack adapter keeps beyond one process: the one interface (``AdapterState``).

Everything several instances behind one load balancer must agree on goes through it:

- *jobs*: each piece of work Slack hands over (a message, a click) is claimed once, under a
  key that a retry or a second click repeats (the event id, the clicked question), with a
  per-conversation sequence number, a lease and, once begun, the conversation's state before
  its turn and how far the posting of its replies got. The instance that claimed a job
  renews its lease while it lives; when it dies, another one takes the job over after the
  lease ran out and finishes it;
- deliveries of other events already seen, language choices, followed threads, drafts.

``bot/channels/slack/store.py`` implements it once, in SQL both databases speak, on a SQLite
file (one machine) or on PostgreSQL (``KEYHELP_DATABASE_URL``); its ``open_state`` picks one, and
``tests/slack/test_slack_state.py`` runs every promise against both. What the jobs are for,
and how their order is kept, is in ``bot/channels/slack/ordering.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple, Protocol, runtime_checkable


class PendingJob(NamedTuple):
    """A claimed job not finished yet, as stored."""

    claim: str  # the key a repeat of it carries (event id, clicked question, command)
    conversation: str
    seq: int  # its place in the conversation: jobs are done in this order
    owner: str  # the instance working on it
    lease_until: float  # after this, another instance may take it over
    job: dict[str, Any]  # what to do; user text masked
    base: int | None  # the conversation's stored version before its turn (None: not begun)
    before: str | None  # the conversation's state then, as stored (None: there was none)
    progress: list[list[Any]]  # per message posted: [channel, ts, follow-ups done]


@runtime_checkable
class AdapterState(Protocol):
    """Shared by every instance; ``owner`` names this one in the jobs it holds."""

    owner: str
    lease_seconds: float

    # ---- jobs: exactly once, in order, taken over when their instance dies
    def claim_job(self, claim: str, conversation: str, job: dict[str, Any]) -> int | None:
        """Store a new job owned by this instance and return its sequence number in the
        conversation; None when ``claim`` was made before (a retry, a second click)."""

    def pending(self, conversation: str) -> PendingJob | None:
        """The conversation's first unfinished job (lowest sequence number), if any."""

    def firsts(self, conversations: Iterable[str]) -> dict[str, PendingJob]:
        """``pending`` for several conversations in one query (those with none are absent)."""

    def take_over(self, claim: str) -> bool:
        """Make this instance the job's owner if its lease ran out (or it is ours already)."""

    def begin(self, claim: str, base: int, before: str | None) -> bool:
        """Note the conversation's version and state (JSON, as the conversation store keeps
        it) before the turn; False if the job is not ours."""

    def advance(self, claim: str, progress: list[list[Any]], *, done: bool = False) -> bool:
        """Keep how far posting got (and whether the job is finished); False if not ours."""

    def renew(self) -> int:
        """Extend the lease of every unfinished job this instance holds; how many."""

    def stalled(self, limit: int = 100) -> list[PendingJob]:
        """Unfinished jobs whose lease ran out, or that this instance holds."""

    def release(self) -> int:
        """End this instance's leases now (shutting down): others take its jobs at once."""

    # ---- the rest, each one statement
    def first_delivery(self, event_id: str) -> bool:
        """True only for the first delivery of an event that is not a job (reactions, …)."""

    def remember_lang(self, user_id: str, lang: str) -> None: ...

    def chosen_lang(self, user_id: str) -> str | None: ...

    def follow_thread(self, conversation: str) -> None: ...

    def follows_thread(self, conversation: str) -> bool: ...

    def save_draft(self, *, channel: str, thread_ts: str, text: str) -> str:
        """Keep an agent's reply draft; its id (the button carries only that)."""

    def take_draft(self, draft_id: str) -> tuple[str, str, str] | None:
        """(channel, thread_ts, text) of the draft, removed at once, so two presses of its
        button on two instances post it once; None when gone or unknown."""

    def restore_draft(self, draft_id: str, *, channel: str, thread_ts: str, text: str) -> None:
        """Put a taken draft back (posting it failed), so its button works again."""

    def prune(self) -> None:
        """Forget what is old enough that Slack will not repeat it."""

    def healthy(self) -> bool:
        """The database answers now (``/healthz``; a SQLite file always does)."""

    def close(self) -> None: ...
