"""Hot reload: a changed rules file is validated and swapped in without a restart.

``RulesWatcher.current()`` is called on every turn: a ``stat`` of the rules file (about a
microsecond) notices a change, or SIGHUP forces a check. A valid file becomes a new
``Brain`` (knowledge + freshly named engine ruleset + recogniser); an invalid one leaves the
old brain serving and its problems in ``watcher.problems`` (and the log). Conversations in
flight carry on: their state is ids in the store, re-read against the new rules each turn.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from bot.dialogue.engine import Engine
from bot.dialogue.rulebook import compile_rules
from bot.knowledge.catalogs import Catalogs
from bot.knowledge.model import Knowledge

if TYPE_CHECKING:
    from bot.knowledge.problems import Problem
    from bot.understand.recognise import Recogniser



def _log():  # logging is imported only when there is something to log (start-up time)
    import logging

    return logging.getLogger("keyhelp.reload")


class Brain(NamedTuple):
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

    def __init__(self, *, path: Path, catalogs: Catalogs | None = None,
                 warm: bool = False) -> None:
        """``warm``: warm each new recogniser up in the background (for long-running servers)."""
        from bot.knowledge.cached import load_knowledge_cached

        self.path = Path(path)
        self.warm = warm
        self.problems: list[Problem] = []
        self.reloads = 0  # versions swapped in
        self.checks = 0  # times the file was read and compared
        self._lock = threading.Lock()
        self._forced = False
        self._stamp = _stamp(self.path)
        content = self.path.read_bytes()
        knowledge = load_knowledge_cached(self.path)
        self._brain = build_brain(knowledge, catalogs=catalogs or default_catalogs(),
                                  digest=hashlib.sha256(content).hexdigest())
        self._warm(self._brain)

    def _warm(self, brain: Brain) -> None:
        if self.warm:
            threading.Thread(target=brain.recogniser.warm_up, name="keyhelp-warm-up",
                             daemon=True).start()

    def current(self) -> Brain:
        """The brain to use for this turn, reloading first if the file changed."""
        if self._forced or _stamp(self.path) != self._stamp:
            self.reload()
        return self._brain

    def request_reload(self) -> None:
        """Check the file on the next turn even if it looks unchanged (e.g. from SIGHUP)."""
        self._forced = True

    def install_sighup(self) -> None:
        """Make ``kill -HUP <pid>`` trigger a reload (main thread only, POSIX only)."""
        if hasattr(signal, "SIGHUP"):
            signal.signal(signal.SIGHUP, lambda _sig, _frame: self.request_reload())

    def reload(self) -> list[Problem]:
        """Validate the file now; swap it in if valid. Returns the problems found (if any)."""
        from bot.knowledge.loader import check_rules

        with self._lock:
            self._forced = False
            self.checks += 1
            stamp = _stamp(self.path)
            try:
                content = self.path.read_bytes()
            except OSError as err:
                _log().warning("rules file %s unreadable, keeping the old rules: %s",
                               self.path, err)
                self._stamp = stamp
                return self.problems
            digest = hashlib.sha256(content).hexdigest()
            if digest == self._brain.digest:
                self._stamp, self.problems = stamp, []
                return []
            knowledge, problems = check_rules(self.path)
            self._stamp = stamp
            if knowledge is None or problems:
                self.problems = list(problems)
                _log().warning("rules file %s has %d problem(s); still serving the previous "
                            "version:\n%s", self.path, len(problems),
                            "\n".join(str(p) for p in problems))
                return self.problems
            try:
                brain = build_brain(knowledge, catalogs=self._brain.catalogs, digest=digest)
            except ValueError as err:  # valid file, but more than the engine can hold
                from bot.knowledge.problems import Problem

                self.problems = [Problem(str(self.path), 1, 1, str(err))]
                _log().warning("rules file %s not loaded: %s", self.path, err)
                return self.problems
            self._brain = brain
            self._warm(brain)
            self.problems = []
            self.reloads += 1
            _log().info("rules file %s reloaded (%d intents)", self.path, len(knowledge.intents))
            return []
