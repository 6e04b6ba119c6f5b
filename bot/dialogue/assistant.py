"""The orchestrator: one user turn in, replies out (normalise → recognise → engine → replies).

The only module that knows the whole pipeline. Adapters call::

    assistant = Assistant.from_settings(Settings.from_env())
    replies = assistant.handle("C1/1700000000.0001", text="このプロダクト キーは有効ではありません")
    replies = assistant.handle("C1/1700000000.0001", action=replies[-1].choices[0].value)
    for reply in replies:
        print(render(reply, "cli").text)          # bot.render.renderer

``handle(conversation_id, *, text=None, action=None, hints=None) -> list[Reply]``: ``text`` is
a user message, ``action`` a ``Choice.value`` from a button shown earlier (stale buttons are
harmless: the current step is shown again), ``hints`` what the channel knows of the user's
language (``bot.dialogue.language.LanguageHints``: a remembered choice, the Slack locale or
the browser's languages), from which ``bot/dialogue/language.py`` decides. Without hints,
``lang`` is the language for a conversation that starts with this turn, and
``lang_explicit=True`` makes it the user's choice. The message's own language wins unless the
user chose one (``action="lang:ja"``, typing 日本語/English, an explicit ``lang``, or a choice
the hints carry), which is remembered. With neither text nor action, ``handle`` shows where
the conversation stands (resuming after a restart).
``start(conversation_id, lang=, explicit=False)`` opens with a welcome.
``diagnose(text, lang=None) -> Diagnosis`` answers one message without creating a conversation.
A screenshot's text (``bot.understand.image``: already masked) goes in as ``screenshot=`` to
``handle`` or ``diagnose``; ``image_note(conversation_id, reason)`` answers one that could not
be read at all (refused, busy) without a turn.
Thread-safe: turns of one conversation are serialised, different conversations run in parallel.
Several processes may share a store: a turn whose save lost the race to another process's is
taken again on the conversation as that one left it (``ConversationStore.save`` is a
compare-and-swap), so no turn is lost. The observer (the analytics) records a turn inside the
transaction that saves it: a turn is stored with its record, or, lost, with neither.
Typed commands ("start over"/「最初から」, "why?"/「なぜ？」, yes/no, numbers of the choices last
shown, answer labels) work like the buttons.
"""

from __future__ import annotations

import dataclasses
import random
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from bot.dialogue import steps, turns
from bot.dialogue.conversation import Conversation
from bot.dialogue.language import LanguageHints, Languages
from bot.dialogue.replies import ImageNote, Reply

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.dialogue.conversation_store import ConversationStore
    from bot.dialogue.reload import Brain, RulesWatcher
    from bot.sql import Unit
    from bot.understand.normalise import Normalised
    from bot.understand.recognise import Recognition

_STRIPES = 64  # per-conversation locks, striped: bounded memory for any number of conversations
PURGE_EVERY = 1000  # turns between sweeps of expired conversations
ATTEMPTS = 100  # a turn is taken again at most this often after losing the race to save
_BACKOFF = 0.02  # seconds, at most, waited (at random) before taking a lost turn again


class ConversationBusy(RuntimeError):
    """Other writers kept saving the conversation first, ``ATTEMPTS`` times in a row."""

    def __init__(self, conversation_id: str) -> None:
        super().__init__(f"conversation {conversation_id!r} is busy: other processes saved "
                         f"it first {ATTEMPTS} times in a row; try again")


@dataclasses.dataclass(frozen=True, slots=True)
class Diagnosis:
    """One-shot answer: what was recognised, the replies a conversation would start with."""

    recognition: Recognition
    replies: tuple[Reply, ...]
    fired: tuple[str, ...]  # engine rules that fired (trace)


# a conversation as read from its store: (version, state as JSON); (0, None) when none is
Stored = tuple[int, str | None]


def _parsed(read: Stored) -> Conversation | None:
    """The conversation a read gives; None for none, and for a state that does not parse (the
    store's own load then deals with it, as with any unreadable row)."""
    version, data = read
    if data is None:
        return None
    try:
        conversation = Conversation.from_json(data)
    except (ValueError, TypeError):
        return None
    conversation.version = version
    return conversation


# what taking a turn gives: the replies, and what to run inside the transaction that stores
# it (or None); its unit is None when there is no store
_Taken = tuple[list[Reply], Callable[["Unit | None"], None] | None]


class TurnObserver(Protocol):
    """Told of every stored turn (the analytics recorder, bot/analytics/cases.py), inside the
    transaction that stores it: ``unit`` (None without a store) is that transaction, which
    the observer joins when it writes to the same database."""

    def turn(self, before: Conversation, after: Conversation, replies: Sequence[Reply], *,
             action: str | None, masked_text: str | None,
             unit: Unit | None = None) -> None: ...


class Assistant:
    """Holds the current rules (hot-reloaded), the engine and the conversation store."""

    def __init__(self, *, watcher: RulesWatcher, store: ConversationStore | None,
                 default_lang: str | None = None,
                 clock: Callable[[], float] = time.time, history_lines: int = 20,
                 observer: TurnObserver | None = None) -> None:
        self.watcher = watcher
        self.store = store
        self.observer = observer
        self.clock = clock
        self.default_lang = default_lang
        self.history_lines = history_lines
        self._locks = [threading.Lock() for _ in range(_STRIPES)]
        self._turns = 0

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Callable[[], float] = time.time,
                      with_store: bool = True, warm: bool = False,
                      observer: TurnObserver | None = None) -> Assistant:
        """The production wiring: rules from ``settings.rules_path``, the store it names.

        ``warm``: load the recogniser's lazy parts, and validate a changed rules file, in the
        background (servers, not one-shots).
        A ``KEYHELP_LANG`` that is not a locale of the rules file raises ``SettingError``.
        """
        from bot.config import LANG_ENV, check_locale
        from bot.dialogue.reload import RulesWatcher

        watcher = RulesWatcher(path=settings.rules_path, warm=warm, background=warm,
                               max_bytes=settings.rules_max_bytes)
        if settings.default_lang is not None:
            check_locale(settings.default_lang, watcher.current().knowledge.locale_ids,
                         name=LANG_ENV)
        store = None
        if with_store:
            from bot.dialogue.conversation_store import open_store

            store = open_store(settings, clock=clock)
        return cls(watcher=watcher, store=store, default_lang=settings.default_lang,
                   clock=clock, history_lines=settings.history_lines, observer=observer)

    @property
    def brain(self) -> Brain:
        """The rules in force now (checked for changes on every turn)."""
        return self.watcher.current()

    def languages(self, brain: Brain | None = None) -> Languages:
        """The language decision for the rules in force (bot/dialogue/language.py)."""
        brain = brain or self.brain
        return Languages(brain.knowledge, brain.recogniser.normaliser, self.default_lang)

    def _load(self, brain: Brain, conversation_id: str, hint: str | None,
              read: Stored | None = None) -> tuple[Conversation, bool]:
        """The stored conversation (or a new one), and whether a rules change reset it;
        ``read``: the caller's read of the store, taken instead of reading it again."""
        conv = _parsed(read) if read is not None else None
        if conv is None and (read is None or read[1] is not None) and self.store is not None:
            conv = self.store.load(conversation_id)  # not read, or read but unparsable
        if conv is None:
            conv = Conversation.new(conversation_id, lang=self.languages(brain).for_new(hint),
                                    now=self.clock())
        return conv, turns.repair(brain.knowledge, conv)

    def start(self, conversation_id: str, *, lang: str | None = None,
              explicit: bool = False) -> list[Reply]:
        """Open (or re-open) a conversation with the welcome prompt.

        ``lang`` is a hint unless ``explicit`` (the user chose it, e.g. ``chat --lang ja``).
        """

        def welcome(brain: Brain, conv: Conversation, _reset: bool) -> _Taken:
            if lang in brain.knowledge.locale_ids and (explicit or not conv.lang_explicit):
                conv.lang, conv.lang_explicit = lang, explicit or conv.lang_explicit  # type: ignore[assignment]
            reply = steps.welcome(brain.knowledge, conv)
            conv.shown = [choice.value for choice in reply.choices]
            return [reply], None

        return self._stored_turn(conversation_id, lang, welcome)

    def handle(self, conversation_id: str, *, text: str | None = None,
               action: str | None = None, lang: str | None = None,
               lang_explicit: bool = False, hints: LanguageHints | None = None,
               screenshot: Normalised | None = None, read: Stored | None = None
               ) -> list[Reply]:
        """One user turn: a message (``text``) or a button (``action``); returns the replies.

        ``lang_explicit``: ``lang`` is the user's choice, not a hint; this turn and the later
        ones answer in it whatever the messages are written in (as a ``lang:`` button would).
        ``hints`` (instead of ``lang``): a channel's hints, decided on with the message.
        ``read``: the conversation as the caller just read it from the store (its version and
        JSON, ``(0, None)`` for none), so the turn starts there without reading it again; if
        it has moved on since, the save's compare-and-swap fails and the turn is taken again
        on what is stored, as on any lost race.
        """
        if hints is not None:  # a screenshot's language is the language of its text
            said = screenshot.original_masked if screenshot is not None else text
            decision = self.languages().decide(hints, said)
            lang, lang_explicit = decision.lang, decision.explicit

        def turn(brain: Brain, conv: Conversation, reset: bool) -> _Taken:
            if lang_explicit and lang in brain.knowledge.locale_ids:
                conv.lang, conv.lang_explicit = lang, True  # type: ignore[assignment]
            if reset:  # the rules changed under this conversation: its input meant old steps
                replies: list[Reply] = [steps.welcome(brain.knowledge, conv, "restart")]
                conv.shown = [choice.value for choice in replies[0].choices]
                return replies, None
            before = dataclasses.replace(conv, candidates=list(conv.candidates))
            replies = list(turns.take_turn(brain, conv, text=text, action=action,
                                           history_lines=self.history_lines,
                                           screenshot=screenshot).replies)
            if self.observer is None:
                return replies, None
            return replies, lambda unit: self._observe(brain, before, conv, replies,
                                                       text=text, action=action, unit=unit)

        return self._stored_turn(conversation_id, lang, turn, read)

    def _stored_turn(self, conversation_id: str, hint: str | None,
                     take: Callable[[Brain, Conversation, bool], _Taken],
                     read: Stored | None = None) -> list[Reply]:
        """Load, ``take`` the turn, save; a save that lost the race to another process means
        the turn is taken again (at most ``ATTEMPTS`` times) on what that process stored.

        ``take`` changes the conversation and returns the replies, and what to do in the
        transaction that stores them (tell the observer: a lost save rolls back what it wrote,
        so a turn taken again is recorded once).
        """
        with self._locks[hash(conversation_id) % _STRIPES]:
            for attempt in range(ATTEMPTS):
                brain = self.brain
                conv, reset = self._load(brain, conversation_id, hint,
                                         read if attempt == 0 else None)
                replies, joining = take(brain, conv, reset)
                if self._save(conv, joining):
                    return replies
                # lost to a writer on the same conversation: let it finish, at a random delay
                # so two losers do not collide again
                time.sleep(random.uniform(0, _BACKOFF * min(1.0, (attempt + 1) / 10)))
        raise ConversationBusy(conversation_id)

    def _observe(self, brain: Brain, before: Conversation, after: Conversation,
                 replies: list[Reply], *, text: str | None, action: str | None,
                 unit: Unit | None) -> None:
        """Tell the observer; only a message nothing recognised is passed on (masked).

        Called inside the transaction that stores the turn, before its compare-and-swap:
        what the observer notes on the conversation (its analytics case) is stored with it.
        """
        missed = text and any(reply.kind == "not-recognised" for reply in replies)
        masked = brain.recogniser.normaliser.normalise(text).text if missed else None
        self.observer.turn(before, after, replies, action=action, masked_text=masked,
                           unit=unit)

    def _save(self, conv: Conversation, joining: Callable[[Unit | None], None] | None
              ) -> bool:
        """Store the turn, ``joining`` in its transaction; False when another writer saved
        the conversation first (then nothing ``joining`` wrote is kept)."""
        conv.updated = self.clock()
        conv.turns += 1
        if self.store is None:
            if joining is not None:
                joining(None)
            return True
        saved = self.store.save(conv) if joining is None else \
            self.store.save(conv, joining=joining)
        if not saved:
            return False
        self._turns += 1
        if self._turns % PURGE_EVERY == 0:
            self.store.purge_expired()
        return True

    def image_note(self, conversation_id: str | None, reason: str, *,
                   lang: str | None = None, max_megabytes: int = 0) -> list[Reply]:
        """Why a screenshot was not read (refused, busy), in the conversation's language.

        No turn is taken: the conversation stays where it was, its buttons still valid.
        """
        brain = self.brain
        conv = self.store.load(conversation_id) if self.store and conversation_id else None
        reply_lang = conv.lang if conv is not None else self.languages(brain).for_new(lang)
        choices = turns.current_choices(brain.knowledge, conv) if conv is not None else ()
        return [ImageNote(lang=reply_lang, choices=choices, reason=reason,
                          max_megabytes=max_megabytes)]

    def diagnose(self, text: str, lang: str | None = None, *,
                 screenshot: Normalised | None = None) -> Diagnosis:
        """Recognise one message (or ``screenshot``) and give the first step; nothing stored."""
        brain = self.brain
        conv = Conversation.new("diagnose", lang=self.languages(brain).for_new(lang),
                                now=self.clock())
        if lang in brain.knowledge.locale_ids:
            conv.lang_explicit = True
        result = turns.take_turn(brain, conv, text=text, action=None,
                                 history_lines=self.history_lines, screenshot=screenshot)
        # a command ("why", 「最初から」, a language name) or blank text is not recognised in a
        # turn; a one-shot diagnosis still reports what the recogniser makes of it
        recognition = result.recognition or (
            brain.recogniser.recognise(screenshot) if screenshot is not None
            else brain.recogniser.classify(text))
        return Diagnosis(recognition=recognition, replies=result.replies, fired=result.fired)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
