"""Conversation turns in Slack: listeners enqueue here, workers run the orchestrator and post.

Every turn for one conversation runs on that conversation's queue (see workers.py), so a
double click, a retry wait or a slow orchestrator never reorders what the user sees.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels.slack.agent import AgentDesk
from bot.channels.slack.backend import Backend, SlackReply
from bot.channels.slack.blocks import Message, actions, context, fit, sections
from bot.channels.slack.delivery import Outbox, Outgoing, describe
from bot.channels.slack.home import HomeTab
from bot.channels.slack.language import LanguagePicker
from bot.channels.slack.places import Place
from bot.channels.slack.respond import ResponseUrls
from bot.channels.slack.settings import SlackSettings
from bot.channels.slack.store import SlackStore
from bot.channels.slack.workers import KeyedWorkers

logger = logging.getLogger("keyhelp.slack.turns")
FEEDBACK = {"+1": 1, "thumbsup": 1, "-1": -1, "thumbsdown": -1}  # reaction names (skin tones cut)


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
        self.responses = ResponseUrls(api_url=settings.api_url)
        self.picker = LanguagePicker(client=client, store=store)
        self.home = HomeTab(backend=backend, client=client, picker=self.picker,
                            support_channel=settings.support_channel)
        self.agents = AgentDesk(backend=backend, client=client, store=store, picker=self.picker,
                                outbox=self.outbox, responses=self.responses)

    # ---- called by listeners: fast, never blocking on Slack or the orchestrator
    def follow(self, place: Place) -> None:
        self._store.follow_thread(place.conversation)

    def follows(self, place: Place) -> bool:
        return self._store.follows_thread(place.conversation)

    def message(self, place: Place, *, user: str | None, text: str) -> None:
        self._workers.submit(place.conversation, lambda: self._turn(place, user=user, text=text))

    def home_opened(self, user: str) -> None:
        """The Home tab was opened: publish it (figures for agents) off the request path."""
        self._workers.submit(f"home:{user}", lambda: self.home.opened(user))

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
                self._turn(place, user=user, text=text, unasked=True)

        self._workers.submit(place.conversation, job)

    def click(self, place: Place, *, user: str, value: str, label: str,
              message: dict[str, Any], message_ts: str | None,
              response_url: str | None = None) -> None:
        """A button; on a private place (an ephemeral message) ``response_url`` replaces it."""
        self._workers.submit(place.conversation, lambda: self._click(
            place, user=user, value=value, label=label, message=message, message_ts=message_ts,
            response_url=response_url))

    def command(self, *, user: str, channel: str, text: str) -> Message | None:
        """``/keyhelp [text | help | lang ja|en]`` (the words from the catalogs, in any
        language); the returned message is the ephemeral ack."""
        words = text.split()
        lang = self.backend.language(self.picker.hints(user), text)
        word = self.backend.command_word(words[0]) if words else "help"
        if word == "help":
            return self._notice("help", lang, languages=self.backend.languages)
        if word == "lang":
            chosen = self.backend.locale(words[1]) if len(words) > 1 else None
            if chosen is None:
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
              action: str | None = None, unasked: bool = False) -> None:
        """One turn; ``unasked``: keyhelp answers a watched channel on its own (recorded, so its
        precision and the 👍/👎 it gets show in the figures)."""
        # a message brings Slack's hints (the user's choice, their locale); a click does not
        hints = self.picker.hints(user) if text is not None else None
        replies = self.backend.handle(place.conversation, text=text, action=action, hints=hints)
        outgoing = [self._outgoing(place, reply, user) for reply in replies]
        if unasked and outgoing and text is not None:
            first = outgoing[0]

            def recorded(channel: str, ts: str, then=first.after) -> None:
                self.backend.unasked(f"{channel}/{ts}", text)
                if then is not None:
                    then(channel, ts)

            outgoing[0] = dataclasses.replace(first, after=recorded)
        self.outbox.deliver(place, outgoing)

    def reacted(self, *, channel: str, ts: str, reaction: str, added: bool) -> None:
        """👍/👎 on a message: feedback on an unasked answer (other messages: nothing)."""
        feedback = FEEDBACK.get(reaction.split("::")[0])
        if feedback is not None:
            self.backend.unasked_feedback(f"{channel}/{ts}", feedback if added else 0)

    def _click(self, place: Place, *, user: str, value: str, label: str,
               message: dict[str, Any], message_ts: str | None,
               response_url: str | None) -> None:
        chosen_lang = self.backend.language_choice(value)
        if chosen_lang:
            self.picker.choose(user, chosen_lang)
        if self.backend.answers_question(value) and message_ts:
            if not self._store.claim(f"{place.channel}:{message_ts}"):
                logger.info("%s: second click on %s ignored", place.conversation, message_ts)
                return
            answered = self._answered(message, label)
            if place.private_to:  # Slack refuses chat.update on an ephemeral message
                self.responses.send(response_url, answered, replace=True)
            else:
                self.outbox.update(channel=place.channel, ts=message_ts, message=answered)
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
        text = self.backend.wording("escalation", self.backend.default_lang, summary=summary,
                                   user=user, permalink=permalink,
                                   conversation=place.conversation)
        posted = self.outbox.post(Place(conversation=f"support:{place.conversation}",
                                        channel=self._support),
                                  Message(text=text, blocks=fit(sections(text))))
        if posted is None:
            logger.error("%s: escalation summary not posted", place.conversation)

    def _notice(self, name: str, lang: str, **fields: Any) -> Message:
        text = self.backend.wording(name, lang, **fields)
        return Message(text=text, blocks=fit(sections(text)))
