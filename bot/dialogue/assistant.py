"""The orchestrator: one user turn in, replies out (normalise → recognise → engine → replies).

The only module that knows the whole pipeline. Adapters call::

    assistant = Assistant.from_settings(Settings.from_env())
    replies = assistant.handle("C1/1700000000.0001", text="このプロダクト キーは有効ではありません")
    replies = assistant.handle("C1/1700000000.0001", action=replies[-1].choices[0].value)
    for reply in replies:
        print(render(reply, "cli").text)          # bot.render.renderer

``handle(conversation_id, *, text=None, action=None, lang=None, lang_explicit=False)
-> list[Reply]``: ``text`` is a user message, ``action`` a ``Choice.value`` from a button shown
earlier (stale buttons are harmless: the current step is shown again), ``lang`` a language
hint (e.g. the Slack user's locale) for a conversation that starts with this turn; later the
message's own language wins unless the user chose one (``action="lang:ja"``, typing
日本語/English, or ``lang_explicit=True`` with ``lang``), which is remembered. With neither
text nor action, ``handle`` shows where the conversation stands (resuming after a restart).
``start(conversation_id, lang=, explicit=False)`` opens with a welcome.
``diagnose(text, lang=None) -> Diagnosis`` answers one message without creating a conversation.
A screenshot's text (``bot.understand.image``: already masked) goes in as ``screenshot=`` to
``handle`` or ``diagnose``; ``image_note(conversation_id, reason)`` answers one that could not
be read at all (refused, busy) without a turn.
Thread-safe: turns of one conversation are serialised, different conversations run in parallel.
Typed commands ("start over"/「最初から」, "why?"/「なぜ？」, yes/no, numbers of the choices last
shown, answer labels) work like the buttons.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from bot.dialogue import steps, turns
from bot.dialogue.conversation import Conversation
from bot.dialogue.replies import ImageNote, Reply

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.dialogue.reload import Brain, RulesWatcher
    from bot.dialogue.store import Store
    from bot.understand.normalise import Normalised
    from bot.understand.recognise import Recognition

_STRIPES = 64  # per-conversation locks, striped: bounded memory for any number of conversations
PURGE_EVERY = 1000  # turns between sweeps of expired conversations


class Diagnosis(NamedTuple):
    """One-shot answer: what was recognised, the replies a conversation would start with."""

    recognition: Recognition
    replies: tuple[Reply, ...]
    fired: tuple[str, ...]  # engine rules that fired (trace)


class Assistant:
    """Holds the current rules (hot-reloaded), the engine and the conversation store."""

    def __init__(self, *, watcher: RulesWatcher, store: Store | None,
                 default_lang: str | None = None,
                 clock: Callable[[], float] = time.time, history_lines: int = 20) -> None:
        self.watcher = watcher
        self.store = store
        self.clock = clock
        self.default_lang = default_lang
        self.history_lines = history_lines
        self._locks = [threading.Lock() for _ in range(_STRIPES)]
        self._turns = 0

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Callable[[], float] = time.time,
                      with_store: bool = True, warm: bool = False) -> Assistant:
        """The production wiring: rules from ``settings.rules_path``, SQLite at ``db_path``.

        ``warm``: load the recogniser's lazy parts in the background (servers, not one-shots).
        """
        from bot.dialogue.reload import RulesWatcher

        store = None
        if with_store:
            from bot.dialogue.store import Store

            store = Store(path=settings.db_path, idle_seconds=settings.idle_seconds, clock=clock)
        return cls(watcher=RulesWatcher(path=settings.rules_path, warm=warm), store=store,
                   default_lang=settings.default_lang, clock=clock,
                   history_lines=settings.history_lines)

    @property
    def brain(self) -> Brain:
        """The rules in force now (checked for changes on every turn)."""
        return self.watcher.current()

    def _lang_for_new(self, brain: Brain, hint: str | None) -> str:
        locales = brain.knowledge.locale_ids
        for candidate in (hint, self.default_lang):
            if candidate in locales:
                return candidate  # type: ignore[return-value]
        return brain.knowledge.default_locale

    def _load(self, brain: Brain, conversation_id: str,
              hint: str | None) -> tuple[Conversation, bool]:
        """The stored conversation (or a new one), and whether a rules change reset it."""
        conv = self.store.load(conversation_id) if self.store is not None else None
        if conv is None:
            conv = Conversation.new(conversation_id, lang=self._lang_for_new(brain, hint),
                                    now=self.clock())
        return conv, turns.repair(brain.knowledge, conv)

    def start(self, conversation_id: str, *, lang: str | None = None,
              explicit: bool = False) -> list[Reply]:
        """Open (or re-open) a conversation with the welcome prompt.

        ``lang`` is a hint unless ``explicit`` (the user chose it, e.g. ``chat --lang ja``).
        """
        with self._locks[hash(conversation_id) % _STRIPES]:
            brain = self.brain
            conv, _reset = self._load(brain, conversation_id, lang)
            if lang in brain.knowledge.locale_ids and (explicit or not conv.lang_explicit):
                conv.lang, conv.lang_explicit = lang, explicit or conv.lang_explicit  # type: ignore[assignment]
            reply = steps.welcome(brain.knowledge, conv)
            conv.shown = [choice.value for choice in reply.choices]
            self._save(conv)
            return [reply]

    def handle(self, conversation_id: str, *, text: str | None = None,
               action: str | None = None, lang: str | None = None,
               lang_explicit: bool = False,
               screenshot: Normalised | None = None) -> list[Reply]:
        """One user turn: a message (``text``) or a button (``action``); returns the replies.

        ``lang_explicit``: ``lang`` is the user's choice, not a hint; this turn and the later
        ones answer in it whatever the messages are written in (as a ``lang:`` button would).
        """
        with self._locks[hash(conversation_id) % _STRIPES]:
            brain = self.brain
            conv, reset = self._load(brain, conversation_id, lang)
            if lang_explicit and lang in brain.knowledge.locale_ids:
                conv.lang, conv.lang_explicit = lang, True  # type: ignore[assignment]
            if reset:  # the rules changed under this conversation: its input meant old steps
                replies: list[Reply] = [steps.welcome(brain.knowledge, conv, "restart")]
                conv.shown = [choice.value for choice in replies[0].choices]
            else:
                replies = list(turns.take_turn(brain, conv, text=text, action=action,
                                               history_lines=self.history_lines,
                                               screenshot=screenshot).replies)
            self._save(conv)
        return replies

    def _save(self, conv: Conversation) -> None:
        conv.updated = self.clock()
        conv.turns += 1
        if self.store is None:
            return
        self.store.save(conv)
        self._turns += 1
        if self._turns % PURGE_EVERY == 0:
            self.store.purge_expired()

    def image_note(self, conversation_id: str | None, reason: str, *,
                   lang: str | None = None, max_megabytes: int = 0) -> list[Reply]:
        """Why a screenshot was not read (refused, busy), in the conversation's language.

        No turn is taken: the conversation stays where it was, its buttons still valid.
        """
        brain = self.brain
        conv = self.store.load(conversation_id) if self.store and conversation_id else None
        reply_lang = conv.lang if conv is not None else self._lang_for_new(brain, lang)
        choices = turns.current_choices(brain.knowledge, conv) if conv is not None else ()
        return [ImageNote(lang=reply_lang, choices=choices, reason=reason,
                          max_megabytes=max_megabytes)]

    def diagnose(self, text: str, lang: str | None = None, *,
                 screenshot: Normalised | None = None) -> Diagnosis:
        """Recognise one message (or ``screenshot``) and give the first step; nothing stored."""
        brain = self.brain
        conv = Conversation.new("diagnose", lang=self._lang_for_new(brain, lang),
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
        return Diagnosis(recognition=recognition, replies=result.replies,
                         fired=tuple(conv.fired))

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
