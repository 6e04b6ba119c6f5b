"""Conversation turns in Slack: listeners enqueue here, workers run the orchestrator and post.

Every turn for one conversation runs on that conversation's queue (see workers.py), so a
double click, a retry wait or a slow orchestrator never reorders what the user sees.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels.slack.agent import AgentDesk
from bot.channels.slack.backend import Backend, SlackReply
from bot.channels.slack.blocks import Message, actions, context, fit, sections
from bot.channels.slack.delivery import Outbox, Outgoing, describe
from bot.channels.slack.language import LanguagePicker
from bot.channels.slack.places import Place
from bot.channels.slack.settings import SlackSettings
from bot.channels.slack.store import SlackStore
from bot.channels.slack.workers import KeyedWorkers

logger = logging.getLogger("keyhelp.slack.turns")


class Conversations:
    """The Slack side of every conversation: language, turns, buttons, escalations, agents."""

    def __init__(self, *, backend: Backend, client: WebClient, store: SlackStore,
                 workers: KeyedWorkers, settings: SlackSettings) -> None:
        self.backend = backend
        self._client = client
        self._store = store
        self._workers = workers
        self._support = settings.support_channel
        self.outbox = Outbox(client=client)
        self.picker = LanguagePicker(client=client, store=store, supported=backend.languages,
                                     default=settings.default_lang or backend.default_lang,
                                     scripts=backend.scripts)
        self.agents = AgentDesk(backend=backend, client=client, store=store, picker=self.picker,
                                outbox=self.outbox)

    # ---- called by listeners: fast, never blocking on Slack or the orchestrator
    def follow(self, place: Place) -> None:
        self._store.follow_thread(place.conversation)

    def follows(self, place: Place) -> bool:
        return self._store.follows_thread(place.conversation)

    def message(self, place: Place, *, user: str | None, text: str) -> None:
        self._workers.submit(place.conversation, lambda: self._turn(place, user=user, text=text))

    def enqueue(self, place: Place, job: Callable[[], None]) -> None:
        """Run ``job`` in the conversation's order (a shared image's turn, files.py)."""
        self._workers.submit(place.conversation, job)

    def deliver(self, place: Place, replies: list[SlackReply], user: str | None) -> None:
        """Post a turn's replies (from the worker), as ``_turn`` does."""
        self.outbox.deliver(place, [self._outgoing(place, reply, user) for reply in replies])

    def watched(self, place: Place, *, user: str | None, text: str) -> None:
        """A support-channel message: answered in a thread only if recognition is confident."""

        def job() -> None:
            if self.backend.confident(text):
                self.follow(place)
                self._turn(place, user=user, text=text)

        self._workers.submit(place.conversation, job)

    def click(self, place: Place, *, user: str, value: str, label: str,
              message: dict[str, Any], message_ts: str | None) -> None:
        self._workers.submit(place.conversation, lambda: self._click(
            place, user=user, value=value, label=label, message=message, message_ts=message_ts))

    def command(self, *, user: str, channel: str, text: str) -> Message | None:
        """``/keyhelp [text | help | lang ja|en]``; the returned message is the ephemeral ack."""
        words = text.split()
        lang = self.picker.pick(user, text)
        if not words or words[0].lower() in ("help", "ヘルプ"):
            return self._notice("help", lang, languages=self.backend.languages)
        if words[0].lower() == "lang":
            chosen = words[1].lower() if len(words) > 1 else ""
            if not self.picker.supports(chosen):
                return self._notice("lang_unknown", lang, languages=self.backend.languages)
            self.picker.choose(user, chosen)
            return self._notice("lang_set", chosen, chosen=chosen)
        self.message(Place.dm(user=user), user=user, text=text)
        return None if channel.startswith("D") else self._notice("moved_to_dm", lang)

    def post_draft(self, draft_id: str, *, agent: str, response_url: str | None) -> None:
        self._workers.submit(f"agent:{agent}", lambda: self.agents.post_draft(
            draft_id, agent=agent, response_url=response_url))

    def diagnose_for_agent(self, *, agent: str, author: str | None, text: str, channel: str,
                           thread_ts: str) -> None:
        self._workers.submit(f"agent:{agent}", lambda: self.agents.diagnose(
            agent=agent, author=author, text=text, channel=channel, thread_ts=thread_ts))

    # ---- worker side
    def _turn(self, place: Place, *, user: str | None, text: str | None = None,
              action: str | None = None) -> None:
        lang = self.picker.pick(user, text) if text is not None else None
        # The orchestrator would follow the text's own script; when Slack's rule picks another
        # language (a remembered choice, or the locale for script-less text), it must stick.
        explicit = lang is not None and lang != self.backend.text_lang(text or "")
        replies = self.backend.handle(place.conversation, text=text, action=action, lang=lang,
                                      lang_explicit=explicit)
        self.outbox.deliver(place, [self._outgoing(place, reply, user) for reply in replies])

    def _click(self, place: Place, *, user: str, value: str, label: str,
               message: dict[str, Any], message_ts: str | None) -> None:
        chosen_lang = self.backend.language_choice(value)
        if chosen_lang:
            self.picker.choose(user, chosen_lang)
        if self.backend.answers_question(value) and message_ts:
            if not self._store.claim(f"{place.channel}:{message_ts}"):
                logger.info("%s: second click on %s ignored", place.conversation, message_ts)
                return
            self.outbox.update(channel=place.channel, ts=message_ts,
                               message=self._answered(message, label))
        self._turn(place, user=user, action=value)

    def _answered(self, message: dict[str, Any], label: str) -> Message:
        """The question as it was, its buttons replaced by the chosen answer."""
        kept = [b for b in message.get("blocks") or [] if b.get("type") in ("section", "context")]
        chosen = self.backend.wording("chosen", None, label=label)
        return Message(text=message.get("text") or label, blocks=fit([*kept, context(chosen)]))

    def _outgoing(self, place: Place, reply: SlackReply, user: str | None) -> Outgoing:
        blocks = sections(reply.body)
        if reply.escalation is not None:
            handoff = self.backend.wording("handoff", reply.lang, support_channel=self._support)
            blocks.append(context(handoff))
            if not self._support:  # no support channel: the user forwards the summary
                blocks += sections(reply.escalation)
        blocks += actions(reply.choices, block_id=place.block_id)
        message = Message(text=reply.fallback, blocks=fit(blocks))
        after = None
        if reply.escalation is not None:
            summary = reply.escalation

            def after(channel: str, ts: str) -> None:
                self._escalate(place, summary=summary, user=user, channel=channel, ts=ts)

        return Outgoing(message=message, after=after)

    def _escalate(self, place: Place, *, summary: str, user: str | None, channel: str,
                  ts: str) -> None:
        """Post the escalation summary with a link to the conversation in the support channel."""
        if not self._support:
            logger.warning("%s escalated but KEYHELP_SUPPORT_CHANNEL is not set",
                           place.conversation)
            return
        try:
            link = self._client.chat_getPermalink(channel=channel, message_ts=place.thread_ts or ts)
            permalink = link.get("permalink")
        except (SlackApiError, OSError) as err:
            logger.warning("chat.getPermalink failed: %s", describe(err))
            permalink = None
        text = self.backend.wording("escalation", self.picker.default, summary=summary, user=user,
                                   permalink=permalink, conversation=place.conversation)
        posted = self.outbox.post(Place(conversation=f"support:{place.conversation}",
                                        channel=self._support),
                                  Message(text=text, blocks=fit(sections(text))))
        if posted is None:
            logger.error("%s: escalation summary not posted", place.conversation)

    def _notice(self, name: str, lang: str, **fields: Any) -> Message:
        text = self.backend.wording(name, lang, **fields)
        return Message(text=text, blocks=fit(sections(text)))
