"""The shipped orchestrator (``bot.dialogue.assistant``) behind the Slack adapter's
``Backend`` seam.

Replies, and every Slack template that is not a reply (``templates/slack/*.j2``: help, App
Home, hand-off and escalation posts, agent drafts, button labels), are rendered by the one
renderer's "slack" Environment (bot/render/renderer.py); this module adds only what Slack needs
on top: the escalation summary for the support channel and the agent's draft.
"""

from __future__ import annotations

import functools
import re
import time
from typing import Any

from bot.channels.slack.backend import AgentDraft, SlackReply
from bot.config import DEFAULT_WATCH_MIN_CONFIDENCE
from bot.dialogue.assistant import Assistant
from bot.dialogue.conversation import Conversation
from bot.dialogue.language import LanguageHints
from bot.dialogue.replies import WHY, Escalate, Reply
from bot.dialogue.store import SqlConversations
from bot.render.renderer import (
    Rendered,
    Renderer,
    default_renderer,
    escape_mrkdwn,
    mrkdwn_url,
)
from bot.understand.normalise import Normalised, mask_keys

LANG_ACTION = re.compile(r"^lang:([A-Za-z-]+)$")
MASKED_KEY = re.compile(r"\bX{2,}[-X0-9A-Z]*")  # what bot.understand.keys.mask writes


class OrchestratorBackend:
    """Adapts ``Assistant`` replies into rendered ``SlackReply`` values."""

    def __init__(self, *, assistant: Assistant, renderer: Renderer,
                 watch_min_confidence: float = DEFAULT_WATCH_MIN_CONFIDENCE) -> None:
        self.assistant = assistant
        self.watch_min_confidence = watch_min_confidence
        self.renderer = renderer
        self.languages = assistant.brain.knowledge.locale_ids

    @property
    def default_lang(self) -> str:
        """``KEYHELP_LANG``, else the rules file's default locale (bot/dialogue/language.py)."""
        return self.assistant.languages().default

    @classmethod
    def load(cls, *, settings: Any) -> OrchestratorBackend:
        """Rules, store and templates as configured by ``KEYHELP_*`` (see bot.config)."""
        # a long-running server: the first Japanese typo should not wait for the kana dictionary
        from bot.analytics.store import recorder_for

        recorder = recorder_for(settings.keyhelp, channel="slack", clock=time.time)
        assistant = Assistant.from_settings(settings.keyhelp, warm=True, observer=recorder)
        return cls(assistant=assistant, renderer=default_renderer(),
                   watch_min_confidence=settings.keyhelp.watch_min_confidence)

    def handle(self, conversation: str, *, text: str | None = None, action: str | None = None,
               hints: LanguageHints | None = None,
               screenshot: Normalised | None = None,
               read: tuple[int, str | None] | None = None) -> list[SlackReply]:
        """One turn; the language is decided from ``hints`` by the dialogue core.

        ``screenshot``: a shared image's masked text (see bot/channels/slack/files.py);
        ``read``: the conversation's ``snapshot`` just taken, so it is not read again.
        """
        replies = self.assistant.handle(conversation, text=text, action=action, hints=hints,
                                        screenshot=screenshot, read=read)
        return [self._slack_reply(reply) for reply in replies]

    def image_note(self, conversation: str, reason: str, *, lang: str,
                   max_megabytes: int) -> list[SlackReply]:
        """Why a shared image was not read, without a turn."""
        return [self._slack_reply(reply) for reply in self.assistant.image_note(
            conversation, reason, lang=lang, max_megabytes=max_megabytes)]

    def confident_screenshot(self, screenshot: Normalised) -> bool:
        """A watched channel's image: answered only when it plainly shows one error, as
        confidently as a watched message must (``KEYHELP_WATCH_MIN_CONFIDENCE``)."""
        recognition = self.assistant.brain.recogniser.recognise(screenshot)
        intents = self.assistant.brain.knowledge.intents
        return recognition.action == "answer" and \
            recognition.confidence >= self.watch_min_confidence and \
            getattr(intents.get(recognition.intent or ""), "kind", "") == "error"

    def language(self, hints: LanguageHints, text: str | None = None) -> str:
        return self.assistant.languages().decide(hints, text).lang

    def locale(self, tag: str) -> str | None:
        return self.assistant.languages().negotiate([tag])

    def command_word(self, word: str) -> str | None:
        return self.assistant.brain.catalogs.channel_command(word)

    def confident(self, text: str) -> bool:
        """Recognition answers (not clarify, not unknown) with a calibrated confidence of at
        least ``KEYHELP_WATCH_MIN_CONFIDENCE``: worth a reply nobody asked for.

        Only the recogniser runs: every message of a watched channel comes through here, and
        most get no reply, so no engine turn or reply is built for them.
        """
        recognition = self.assistant.brain.recogniser.classify(text)
        return recognition.action == "answer" and \
            recognition.confidence >= self.watch_min_confidence

    def mask(self, text: str) -> str:
        """Keys left out altogether (masked, then the masks dropped: a turn taken from this
        form after a takeover asks for the key rather than checking its mask), also a
        leading run that may be the rest of one begun in the previous message (not looked
        up: leaving out too much here only costs a takeover)."""
        masked = mask_keys(text, self.assistant.brain.knowledge.key_format, unfinished=1).masked
        return masked if masked == text else MASKED_KEY.sub("", masked)

    def snapshot(self, conversation: str) -> tuple[int, str | None]:
        store = self.assistant.store
        if isinstance(store, SqlConversations):  # as stored: nothing parsed, nothing written
            return store.stored(conversation) or (0, None)
        loaded = store.load(conversation) if store is not None else None
        return (0, None) if loaded is None else (loaded.version, loaded.to_json())

    def replay(self, snapshot: str | None, conversation: str, *, text: str | None = None,
               action: str | None = None, hints: LanguageHints | None = None,
               screenshot: Normalised | None = None) -> list[SlackReply]:
        """The same rules, settings and clock, on a store holding only ``snapshot`` whose
        saves go nowhere, and no observer (the turn was recorded when it was stored)."""
        live = self.assistant
        past = Assistant(watcher=live.watcher, store=_Replay(snapshot),
                         default_lang=live.default_lang, clock=live.clock,
                         history_lines=live.history_lines)
        replies = past.handle(conversation, text=text, action=action, hints=hints,
                              screenshot=screenshot)
        return [self._slack_reply(reply) for reply in replies]

    def rules_digest(self) -> str:
        return self.assistant.watcher.settled().digest

    def close(self) -> None:
        self.assistant.close()
        store = getattr(self.assistant.observer, "store", None)
        if store is not None:
            store.close()

    def answers_question(self, value: str) -> bool:
        """Every button but "Why?" settles the message it is on (its buttons are then removed)."""
        return value != WHY

    def language_choice(self, value: str) -> str | None:
        match = LANG_ACTION.match(value)
        return match.group(1) if match and match.group(1) in self.languages else None

    def diagnose(self, text: str, *, lang: str) -> AgentDraft:
        diagnosis = self.assistant.diagnose(text, lang=lang)
        recognition = diagnosis.recognition
        intent = recognition.intent
        title = None
        knowledge = self.assistant.brain.knowledge
        if intent and intent in knowledge.intents:
            title = knowledge.intents[intent].title.get(lang, knowledge.default_locale)
        bodies = [self._body(self.renderer.render(r, "slack")) for r in diagnosis.replies]
        return AgentDraft(intent=intent, title=title, confidence=recognition.confidence,
                          lang=lang, reply="\n\n".join(b for b in bodies if b))

    def wording(self, name: str, lang: str | None, **fields: Any) -> str:
        return self.renderer.render_named("slack", name, lang or self.default_lang, **fields)

    def unasked(self, message: str, text: str) -> None:
        store = getattr(self.assistant.observer, "store", None)
        if store is not None:
            found = self.assistant.brain.recogniser.classify(text)
            store.add_unasked(message=message, at=time.time(), lang=found.lang,
                              intent=found.intent or "", confidence=found.confidence)

    def unasked_feedback(self, message: str, feedback: int) -> None:
        store = getattr(self.assistant.observer, "store", None)
        if store is not None:
            store.unasked_feedback(message=message, feedback=feedback)

    def week(self, lang: str) -> dict[str, Any] | None:
        store = getattr(self.assistant.observer, "store", None)
        if store is None:
            return None
        from bot.analytics.stats import figures

        now = time.time()
        idle = self.assistant.store.idle_seconds if self.assistant.store is not None else 86400.0
        week = figures(store, since=now - 7 * 86400, now=now, idle_seconds=idle)
        knowledge = self.assistant.brain.knowledge
        week["titles"] = {i: intent.title.get(lang, knowledge.default_locale)
                          for i, intent in knowledge.intents.items()}
        return week

    def _slack_reply(self, reply: Reply) -> SlackReply:
        """Replies are frozen values and templates do not change while running: render once."""
        try:
            return self._cached_reply(reply)
        except TypeError:  # a field that cannot be hashed: render this one every time
            return self._render_reply(reply)

    @functools.lru_cache(maxsize=2048)  # noqa: B019 (one backend per process, lives as long)
    def _cached_reply(self, reply: Reply) -> SlackReply:
        return self._render_reply(reply)

    def _render_reply(self, reply: Reply) -> SlackReply:
        rendered = self.renderer.render(reply, "slack")
        escalation = None
        if isinstance(reply, Escalate):  # wholly in the conversation's language
            escalation = self.wording("escalation_summary", reply.summary.lang,
                                       summary=reply.summary)
        choices = tuple((value, self._button_label(value, label, reply.lang))
                        for value, label in rendered.choices)
        # the fallback is mrkdwn too (notifications): user text in it must not ping or link
        return SlackReply(kind=reply.kind, body=self._body(rendered),
                          fallback=escape_mrkdwn(rendered.fallback), lang=reply.lang,
                          choices=choices, escalation=escalation)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one backend per process, lives as long)
    def _button_label(self, value: str, label: str, lang: str) -> str:
        return self.wording("button_label", lang, value=value, label=label)

    def _body(self, rendered: Rendered) -> str:
        """The rendered text, plus its links if the template did not already show them."""
        missing = [(url, label) for url, label in rendered.links
                   if mrkdwn_url(url) not in rendered.text]
        if not missing:
            return rendered.text
        links = self.wording("links", None, links=missing)
        return f"{rendered.text}\n\n{links}" if rendered.text else links


class _Replay:
    """A conversation store holding one conversation as it was; saves are dropped."""

    def __init__(self, snapshot: str | None) -> None:
        self._snapshot = snapshot

    def load(self, conversation_id: str) -> Conversation | None:
        if self._snapshot is None:
            return None
        conversation = Conversation.from_json(self._snapshot)
        conversation.version = 1
        return conversation

    def save(self, conversation: Conversation, *, joining: object = None) -> bool:
        return True  # nothing is stored, and a replay has no observer to join a save

    def history(self, conversation_id: str) -> list[tuple[str, str]]:
        conversation = self.load(conversation_id)
        return [] if conversation is None else [(r, t) for r, t in conversation.history]

    def purge_expired(self) -> int:
        return 0

    def count(self) -> int:
        return 0 if self._snapshot is None else 1

    def close(self) -> None:
        """Nothing to release."""


__all__ = ["OrchestratorBackend"]
