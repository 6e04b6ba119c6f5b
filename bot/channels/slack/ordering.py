"""Each conversation's Slack work done once, in the order the user gave it, on any instance.

Listeners claim a job inside Slack's ack window (``AdapterState.claim_job``): the claim is the
exactly-once — a retry, or a second click on a question, repeats its key and is dropped,
whichever instance it reaches — and it numbers the job within its conversation. Then the
conversation is drained on its worker queue (workers.py): its first unfinished job is run if
this instance holds it, or taken over if the instance holding it died (its lease ran out); if
a live instance holds it, the conversation waits ("parked") and is looked at again on the
next tick. So replies reach Slack in the order of the user's messages even when consecutive
messages land on different instances, and a job whose instance was killed is finished once.

A background thread ticks: it renews this instance's leases, looks again at the parked
conversations (one query for all of them), takes over stalled jobs, retries a job whose
messages Slack did not take (backing off; a new job in the conversation retries it at once),
and prunes old rows.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from bot.channels.slack.state import AdapterState, PendingJob
from bot.channels.slack.workers import KeyedWorkers
from bot.config import DatabaseUnavailable

logger = logging.getLogger("keyhelp.slack.ordering")
# run(job, local) -> True once the job is finished (or no longer ours); False when Slack did
# not take one of its messages, and it is to be tried again later; None while it waits for
# this instance's own work (a shared image being read), whose end schedules it again.
# ``local``: what this instance kept in memory when it claimed the job (the unmasked text,
# the image's reading), or None.
Runner = Callable[[PendingJob, Any], "bool | None"]
PRUNE_EVERY = 600.0  # seconds between prunes of old rows


class Sequencer:
    """Claims jobs and runs them per conversation, in their order, across instances."""

    def __init__(self, *, state: AdapterState, workers: KeyedWorkers, run: Runner,
                 poll: float = 0.005, retry: float = 5.0, max_retry: float = 300.0) -> None:
        self.state = state
        self._workers = workers
        self._run = run
        self._poll = poll
        self._retry_first, self._retry_max = retry, max_retry
        self._lock = threading.Lock()
        self._local: dict[str, Any] = {}  # claim -> what only this process knows of the job
        self._scheduled: set[str] = set()  # conversations with a drain queued, not started
        self._waiting: dict[str, str] = {}  # conversation -> the claim another instance holds
        self._retry: dict[str, list[float]] = {}  # conversation -> [due, delay]
        self._stop = threading.Event()
        self._tick = threading.Condition(self._lock)
        self._thread = threading.Thread(target=self._ticking, name="keyhelp-slack-order",
                                        daemon=True)
        self._thread.start()

    # ---- listeners (in Slack's ack window)
    def claim(self, claim: str, conversation: str, job: dict[str, Any], local: Any) -> bool:
        """Claim a job and start on it; False when ``claim`` was made before."""
        with self._lock:
            self._local[claim] = local  # before the claim: the sweep must see it as ours
        try:
            seq = self.state.claim_job(claim, conversation, job)
        except BaseException:
            with self._lock:
                self._local.pop(claim, None)
            raise
        if seq is None:
            with self._lock:
                self._local.pop(claim, None)
            return False
        self.schedule(conversation)
        return True

    def schedule(self, conversation: str) -> None:
        """Drain the conversation on its worker queue (once, however often asked meanwhile)."""
        with self._lock:
            self._waiting.pop(conversation, None)
            if conversation in self._scheduled:
                return
            self._scheduled.add(conversation)
        try:
            self._workers.submit(conversation, lambda: self._drain(conversation))
        except RuntimeError:  # shutting down: another instance takes the jobs over
            with self._lock:
                self._scheduled.discard(conversation)

    # ---- worker side
    def _drain(self, conversation: str) -> None:
        with self._lock:
            self._scheduled.discard(conversation)
        try:
            finished = self._drain_jobs(conversation)
        except Exception:  # a bug or a lost database: tried again later, in order
            logger.exception("%s: running its jobs failed", conversation)
            finished = False
        if not finished:
            self._later(conversation)

    def _drain_jobs(self, conversation: str) -> bool:
        """Run the conversation's jobs while they are this instance's to run; False when one
        is to be tried again later (Slack did not take a message)."""
        while True:
            job = self.state.pending(conversation)
            if job is None:
                return True
            if job.owner != self.state.owner:
                if job.lease_until > self.state.clock():
                    self._park(conversation, job.claim)  # a live instance is on it
                    return True
                if not self.state.take_over(job.claim):
                    continue  # another instance was quicker: look again
                logger.warning("%s: took over job %d from %s (its lease ran out)",
                               conversation, job.seq, job.owner)
            with self._lock:
                local = self._local.get(job.claim)
            outcome = self._run(job, local)
            if outcome is None:
                return True  # waiting, without a worker: scheduled again when ready
            if not outcome:
                return False
            with self._lock:
                self._local.pop(job.claim, None)
                self._retry.pop(conversation, None)

    def _park(self, conversation: str, claim: str) -> None:
        with self._lock:
            self._waiting[conversation] = claim
            self._tick.notify()

    def _later(self, conversation: str) -> None:
        """Try the conversation's first job again after a delay that doubles each time."""
        with self._lock:
            delay = self._retry.get(conversation, [0.0, self._retry_first / 2])[1] * 2
            delay = min(delay, self._retry_max)
            self._retry[conversation] = [time.monotonic() + delay, delay]
            self._tick.notify()

    # ---- the background thread
    def _ticking(self) -> None:
        renew_every = self.state.lease_seconds / 3
        next_renew, next_prune = 0.0, time.monotonic() + PRUNE_EVERY
        while not self._stop.is_set():
            now = time.monotonic()
            try:
                if now >= next_renew:
                    next_renew = now + renew_every
                    self.state.renew()
                    self._sweep()
                if now >= next_prune:
                    next_prune = now + PRUNE_EVERY
                    self.state.prune()
                self._wake_waiting()
                self._wake_retries(now)
            except DatabaseUnavailable as err:  # logged as it was retried; tried next tick
                logger.warning("ordering paused: %s", err)
            except Exception:
                logger.exception("ordering tick failed")
            with self._lock:
                due = min([next_renew, *(d for d, _ in self._retry.values())])
                wait = self._poll if self._waiting else max(0.0, due - time.monotonic())
                if not self._stop.is_set():
                    self._tick.wait(min(wait, renew_every))

    def _wake_waiting(self) -> None:
        """Conversations waiting on another instance whose job is done or whose lease ran out."""
        with self._lock:
            waiting = dict(self._waiting)
        if not waiting:
            return
        firsts = self.state.firsts(waiting)
        now = self.state.clock()
        for conversation, claim in waiting.items():
            first = firsts.get(conversation)
            if (first is None or first.claim != claim or first.owner == self.state.owner
                    or first.lease_until <= now):
                self.schedule(conversation)

    def _wake_retries(self, now: float) -> None:
        with self._lock:
            due = [c for c, (at, _) in self._retry.items() if at <= now]
            for conversation in due:
                self._retry[conversation][0] = math.inf  # until it fails again
        for conversation in due:
            self.schedule(conversation)

    def _sweep(self) -> None:
        """Jobs nobody here is on: a dead instance's (lease ran out), or ours but unknown
        to this process (a claim whose answer was lost with the connection)."""
        with self._lock:
            busy = self._scheduled | set(self._waiting) | set(self._retry)
            local = set(self._local)
        for job in self.state.stalled():
            if job.conversation in busy or (job.owner == self.state.owner
                                            and job.claim in local):
                continue
            busy.add(job.conversation)
            self.schedule(job.conversation)

    def close(self) -> None:
        """Stop ticking and end this instance's leases, so others take its jobs at once.

        Call after the workers finished what they could (``KeyedWorkers.shutdown``).
        """
        self._stop.set()
        with self._lock:
            self._tick.notify()
        self._thread.join(timeout=5)
        try:
            self.state.release()
        except Exception:  # the database is gone too: the leases run out by themselves
            logger.warning("could not end this instance's leases; they run out in %.0f s",
                           self.state.lease_seconds)
