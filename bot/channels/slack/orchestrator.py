"""The shipped orchestrator (``bot.dialogue.assistant``) behind the Slack adapter's
``Backend`` seam.

Replies are rendered by ``bot.render.renderer`` for the "slack" channel; this module adds only what
Slack needs on top: the escalation summary for the support channel and the agent's draft.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from bot.channels.slack.backend import AgentDraft, SlackReply
from bot.channels.slack.wording import Wording
from bot.dialogue.assistant import Assistant
from bot.dialogue.replies import WHY, Escalate, Reply
from bot.render.renderer import Mrkdwn, Rendered, Renderer, default_renderer, escape_mrkdwn
from bot.understand.normalise import Normalised

LANG_ACTION = re.compile(r"^lang:([A-Za-z-]+)$")


class OrchestratorBackend:
    """Adapts ``Assistant`` replies into rendered ``SlackReply`` values."""

    def __init__(self, *, assistant: Assistant, renderer: Renderer, default_lang: str | None,
                 wording: Wording | None = None) -> None:
        self.assistant = assistant
        self.renderer = renderer
        knowledge = assistant.brain.knowledge
        self.languages = knowledge.locale_ids
        self.default_lang = default_lang or knowledge.default_locale
        self.scripts = {loc.id: loc.script for loc in knowledge.locales if loc.script}
        # the renderer's templates and catalogs: one set of translations per process
        self._wording = wording or Wording(default_lang=self.default_lang,
                                           catalogs=renderer.catalogs,
                                           templates=renderer.templates)

    @classmethod
    def load(cls, *, settings: Any) -> OrchestratorBackend:
        """Rules, store and templates as configured by ``KEYHELP_*`` (see bot.config)."""
        # a long-running server: the first Japanese typo should not wait for the kana dictionary
        assistant = Assistant.from_settings(settings.keyhelp, warm=True)
        return cls(assistant=assistant, renderer=default_renderer(),
                   default_lang=settings.keyhelp.default_lang)

    def handle(self, conversation: str, *, text: str | None = None, action: str | None = None,
               lang: str | None = None, lang_explicit: bool = False,
               screenshot: Normalised | None = None) -> list[SlackReply]:
        """One turn; ``lang_explicit``: ``lang`` was decided by Slack's rules and must stick.

        ``screenshot``: a shared image's masked text (see bot/channels/slack/files.py).
        """
        replies = self.assistant.handle(conversation, text=text, action=action, lang=lang,
                                        lang_explicit=lang_explicit, screenshot=screenshot)
        return [self._slack_reply(reply) for reply in replies]

    def image_note(self, conversation: str, reason: str, *, lang: str,
                   max_megabytes: int) -> list[SlackReply]:
        """Why a shared image was not read, without a turn."""
        return [self._slack_reply(reply) for reply in self.assistant.image_note(
            conversation, reason, lang=lang, max_megabytes=max_megabytes)]

    def confident_screenshot(self, screenshot: Normalised) -> bool:
        """A watched channel's image: answered only when it plainly shows one error."""
        recognition = self.assistant.brain.recogniser.recognise(screenshot)
        intents = self.assistant.brain.knowledge.intents
        return recognition.action == "answer" and \
            getattr(intents.get(recognition.intent or ""), "kind", "") == "error"

    def confident(self, text: str) -> bool:
        """Recognition says "answer" (not clarify, not unknown): worth a reply in a busy channel.

        Only the recogniser runs: every message of a watched channel comes through here, and
        most get no reply, so no engine turn or reply is built for them.
        """
        return self.assistant.brain.recogniser.classify(text).action == "answer"

    def text_lang(self, text: str) -> str:
        """The language the orchestrator itself would read from the text (script, else default)."""
        return self.assistant.brain.recogniser.normaliser.detect_lang(text)

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
        return self._wording(name, lang, **fields)

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
        if isinstance(reply, Escalate):
            escalation = self._wording("escalation_summary", self.default_lang,
                                       summary=reply.summary)
        choices = tuple((value, self._button_label(value, label, reply.lang))
                        for value, label in rendered.choices)
        # the fallback is mrkdwn too (notifications): user text in it must not ping or link
        return SlackReply(kind=reply.kind, body=self._body(rendered),
                          fallback=escape_mrkdwn(rendered.fallback), lang=reply.lang,
                          choices=choices, escalation=escalation)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one backend per process, lives as long)
    def _button_label(self, value: str, label: str, lang: str) -> str:
        return self._wording("button_label", lang, value=value, label=label)

    def _body(self, rendered: Rendered) -> str:
        """The rendered text, plus its links if the template did not already show them."""
        missing = [(url, label) for url, label in rendered.links
                   if escape_mrkdwn(url) not in rendered.text]
        if not missing:
            return rendered.text
        links = self._wording("links", None, links=missing)
        return f"{rendered.text}\n\n{links}" if rendered.text else links


__all__ = ["Mrkdwn", "OrchestratorBackend"]
