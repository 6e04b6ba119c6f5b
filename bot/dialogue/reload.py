"""Hot reload: a changed rules file is validated and swapped in without a restart.

``RulesWatcher.current()`` is called on every turn: a ``stat`` of the rules file (about a
microsecond) notices a change, or SIGHUP forces a check. A valid file becomes a new
``Brain`` (knowledge + freshly named engine ruleset + recogniser); an invalid one leaves the
old brain serving and its problems in ``watcher.problems`` (and the log). Conversations in
flight carry on: their state is ids in the store, re-read against the new rules each turn.

Validation never holds up other turns: one check runs at a time, outside the lock, and turns
arriving meanwhile are served by the current brain. A server validates in a background thread
(``background=True``), so not even the turn that noticed the change waits for it.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import DEFAULT_RULES_MAX_BYTES
from bot.dialogue.engine import Engine
from bot.dialogue.rulebook import compile_rules
from bot.knowledge.catalogs import Catalogs
from bot.knowledge.model import Knowledge
from bot.knowledge.source import read_limited

if TYPE_CHECKING:
    from bot.knowledge.problems import Problem
    from bot.understand.recognise import Recogniser



def _log():  # logging is imported only when there is something to log (start-up time)
    import logging

    return logging.getLogger("keyhelp.reload")


@dataclass(frozen=True, slots=True)
class Brain:
    """Everything built from one version of the rules file; replaced whole, never mutated."""

    knowledge: Knowledge
    engine: Engine
    recogniser: Recogniser
    catalogs: Catalogs
    digest: str  # sha256 of the rules file it was built from



def build_brain(knowledge: Knowledge, *, catalogs: Catalogs, digest: str = "") -> Brain:
    """Engine and recogniser for ``knowledge``; the recogniser comes from the start-up cache
    when the rules file (``digest``) and the recogniser's code are unchanged."""
    from bot.understand.recognise import Recogniser

    if digest:
        from bot import cache

        key = digest + cache.code_digest()
        # one entry per rules file, replaced when it changes: edits leave no stale entries
        name = "recogniser-" + hashlib.sha256(str(knowledge.source).encode()).hexdigest()[:12]
        recogniser = cache.cached(name, key, lambda: Recogniser(knowledge))
    else:
        recogniser = Recogniser(knowledge)
    return Brain(knowledge=knowledge, engine=Engine(compile_rules(knowledge)),
                 recogniser=recogniser, catalogs=catalogs, digest=digest)


def default_catalogs() -> Catalogs:
    from bot.paths import templates_dir

    return Catalogs(locale_dir=templates_dir() / "locale")


def _stamp(path: Path) -> tuple[int, int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return (0, 0, 0)
    return (info.st_mtime_ns, info.st_size, info.st_ino)


class RulesWatcher:
    """Serves the newest valid version of a rules file; raises RulesError only at start-up."""

    def __init__(self, *, path: Path, catalogs: Catalogs | None = None, warm: bool = False,
                 background: bool = False,
                 max_bytes: int = DEFAULT_RULES_MAX_BYTES) -> None:
        """``warm``: warm each new recogniser up in the background (for long-running servers);
        ``background``: validate a changed file in a background thread (servers too)."""
        from bot.knowledge.cached import load_knowledge_cached

        self.path = Path(path)
        self.warm = warm
        self.background = background
        self.max_bytes = max_bytes
        self.problems: list[Problem] = []
        self.reloads = 0  # versions swapped in
        self.checks = 0  # times the file was read and compared
        self._lock = threading.Lock()  # guards the fields below; never held while parsing
        self._forced = False
        self._checking: threading.Thread | None = None  # the thread running a check, if any
        self._stamp = _stamp(self.path)
        content = read_limited(self.path, max_bytes)
        knowledge = load_knowledge_cached(self.path, content=content)
        self._brain = build_brain(knowledge, catalogs=catalogs or default_catalogs(),
                                  digest=hashlib.sha256(content).hexdigest())
        self._warm(self._brain)

    def _warm(self, brain: Brain) -> None:
        if self.warm:
            threading.Thread(target=brain.recogniser.warm_up, name="keyhelp-warm-up",
                             daemon=True).start()

    def current(self) -> Brain:
        """The brain to use for this turn, after checking the file first if it changed.

        While another thread checks the file, this turn gets the current brain at once.
        """
        if self._forced or _stamp(self.path) != self._stamp:
            if self.background:
                if self._checking is None:  # else a turn after the check under way starts one
                    self._start(threading.Thread(target=self._check, daemon=True,
                                                 name="keyhelp-rules-check"))
            elif self._start(threading.current_thread()):
                self._check()
        return self._brain

    def settled(self) -> Brain:
        """The brain in force once an edit of the file is checked (waiting for a background
        check): what ``/healthz`` reports, so a health check right after an edit sees it."""
        self.current()
        self.wait()
        return self._brain

    def request_reload(self) -> None:
        """Check the file on the next turn even if it looks unchanged (e.g. from SIGHUP)."""
        self._forced = True

    def install_sighup(self) -> None:
        """Make ``kill -HUP <pid>`` trigger a reload (main thread only, POSIX only)."""
        if hasattr(signal, "SIGHUP"):
            signal.signal(signal.SIGHUP, lambda _sig, _frame: self.request_reload())

    def reload(self) -> list[Problem]:
        """Validate the file now, in this thread; swap it in if valid. Returns its problems.

        If another thread is checking it already, waits for that check instead.
        """
        if self._start(threading.current_thread()):
            return self._check()
        self.wait()
        return self.problems

    def wait(self) -> None:
        """Return once no check is running (for tests, and for an orderly shutdown)."""
        checking = self._checking
        if checking is not None and checking is not threading.current_thread():
            checking.join()

    def _start(self, thread: threading.Thread) -> bool:
        """Claim the one check allowed at a time for ``thread`` (started here if not running)."""
        with self._lock:
            if self._checking is not None:
                return False
            self._checking, self._forced = thread, False
            if not thread.is_alive():
                thread.start()  # before the lock is released, so wait() can always join it
        return True

    def _check(self) -> list[Problem]:
        """Read, validate and build without holding the lock; swap in the result."""
        stamp = _stamp(self.path)
        try:
            self.checks += 1
            problems, brain = self._validate()
            with self._lock:
                self.problems = problems
                if brain is not None:
                    self._brain = brain
                    self.reloads += 1
        finally:
            with self._lock:
                self._stamp, self._checking = stamp, None
        if brain is not None:
            self._warm(brain)
            _log().info("rules file %s reloaded (%d intents)", self.path,
                        len(brain.knowledge.intents))
        return problems

    def _validate(self) -> tuple[list[Problem], Brain | None]:
        """The file's problems, and a new brain if it is valid and changed."""
        from bot.knowledge.loader import check_content
        from bot.knowledge.problems import Problem, RulesError

        try:
            content = read_limited(self.path, self.max_bytes)
        except RulesError as err:  # too big: refused unread
            return self._refused(err.problems), None
        except OSError as err:
            _log().warning("rules file %s unreadable, keeping the old rules: %s",
                           self.path, err)
            return self.problems, None
        digest = hashlib.sha256(content).hexdigest()
        if digest == self._brain.digest:
            return [], None
        knowledge, problems = check_content(content, self.path)
        if knowledge is None or problems:
            return self._refused(problems), None
        try:
            return [], build_brain(knowledge, catalogs=self._brain.catalogs, digest=digest)
        except ValueError as err:  # valid file, but more than the engine can hold
            return self._refused([Problem(str(self.path), 1, 1, str(err))]), None

    def _refused(self, problems: list[Problem]) -> list[Problem]:
        _log().warning("rules file %s has %d problem(s); still serving the previous "
                       "version:\n%s", self.path, len(problems),
                       "\n".join(str(p) for p in problems))
        return list(problems)
