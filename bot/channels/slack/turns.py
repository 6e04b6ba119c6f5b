"""Conversation turns in Slack: listeners claim jobs here, the ordering runs them, in order.

Every turn of one conversation is a job claimed in Slack's ack window under a key a repeat
carries (ordering.py): a retry, or a second click on a question, is dropped on any instance,
and the jobs of a conversation run one after another, in the order they were claimed, also
across instances (a double click, a retry wait or a slow turn never reorders what the user
sees). What a job does is in jobs.py.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from typing import Any

from slack_sdk import WebClient

from bot.channels.slack.agent import AgentDesk
from bot.channels.slack.backend import Backend
from bot.channels.slack.blocks import Message, fit, sections
from bot.channels.slack.delivery import Outbox
from bot.channels.slack.files import SlackScreenshots, job_file
from bot.channels.slack.home import HomeTab
from bot.channels.slack.jobs import TurnJobs
from bot.channels.slack.language import LanguagePicker
from bot.channels.slack.ordering import Sequencer
from bot.channels.slack.places import Place
from bot.channels.slack.respond import ResponseUrls
from bot.channels.slack.settings import SlackSettings
from bot.channels.slack.state import AdapterState
from bot.channels.slack.workers import KeyedWorkers

logger = logging.getLogger("keyhelp.slack.turns")
FEEDBACK = {"+1": 1, "thumbsup": 1, "-1": -1, "thumbsdown": -1}  # reaction names (skin tones cut)


class Conversations:
    """The Slack side of every conversation: language, turns, buttons, escalations, agents."""

    def __init__(self, *, backend: Backend, client: WebClient, store: AdapterState,
                 workers: KeyedWorkers, settings: SlackSettings,
                 screenshots: SlackScreenshots | None = None, job_retry: float = 5.0) -> None:
        self.backend = backend
        self._store = store
        self._workers = workers
        self.outbox = Outbox(client=client)
        self.responses = ResponseUrls(api_url=settings.api_url)
        self.picker = LanguagePicker(client=client, store=store)
        self.home = HomeTab(backend=backend, client=client, picker=self.picker,
                            support_channel=settings.support_channel)
        self.agents = AgentDesk(backend=backend, client=client, store=store, picker=self.picker,
                                outbox=self.outbox, responses=self.responses)
        self.screenshots = screenshots
        self.jobs = TurnJobs(backend=backend, client=client, state=store, picker=self.picker,
                             outbox=self.outbox, responses=self.responses,
                             support_channel=settings.support_channel, screenshots=screenshots)
        self.ordering = Sequencer(state=store, workers=workers, run=self.jobs.run,
                                  retry=job_retry)

    # ---- called by listeners: fast, never blocking on Slack or the orchestrator
    def follow(self, place: Place) -> None:
        self._store.follow_thread(place.conversation)

    def follows(self, place: Place) -> bool:
        return self._store.follows_thread(place.conversation)

    def message(self, place: Place, *, user: str | None, text: str, claim: str) -> bool:
        """A message to answer; ``claim``: its event id. False for a repeat of one claimed."""
        return self._claim(claim, place, {"kind": "message", "user": user}, text)

    def watched(self, place: Place, *, user: str | None, text: str, claim: str) -> bool:
        """A support-channel message: answered in a thread only if recognition is confident."""
        return self._claim(claim, place, {"kind": "watched", "user": user}, text)

    def screenshot(self, place: Place, *, user: str | None, file: dict[str, Any], claim: str,
                   watched: bool = False) -> bool:
        """A shared image, read as the message (files.py); False when images are not read
        here (the message's text is answered instead). ``watched``: answered only if it
        plainly shows one error."""
        if self.screenshots is None:
            return False
        reading = self.screenshots.start(file)
        job = {"kind": "screenshot", "user": user, "file": job_file(file), "watched": watched}
        if self._claim(claim, place, job, None, {"reading": reading}):
            # the job waits for the reading without holding a worker: woken when it is done
            reading.when_done(lambda: self.ordering.schedule(place.conversation))
        else:
            reading.cancel()
        return True

    def home_opened(self, user: str) -> None:
        """The Home tab was opened: publish it (figures for agents) off the request path."""
        self._workers.submit(f"home:{user}", lambda: self.home.opened(user))

    def click(self, place: Place, *, user: str, value: str, label: str,
              message: dict[str, Any], message_ts: str | None,
              response_url: str | None = None, claim: str | None = None) -> bool:
        """A button; on a private place (an ephemeral message) ``response_url`` replaces it.

        A button that settles its question is claimed with the question: of two clicks on
        it (a double click, or one on each of two instances), the second does nothing.
        """
        if self.backend.answers_question(value) and message_ts:
            claim = f"click:{place.channel}:{message_ts}"
        else:
            claim = f"action:{claim or secrets.token_hex(8)}"
        job = {"kind": "click", "user": user, "value": value, "label": label,
               "message": message, "message_ts": message_ts, "response_url": response_url}
        if self._claim(claim, place, job, None):
            return True
        logger.info("%s: second click on %s ignored", place.conversation, message_ts)
        return False

    def command(self, *, user: str, channel: str, text: str,
                claim: str | None = None) -> Message | None:
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
        self.message(Place.dm(user=user), user=user, text=text,
                     claim=f"command:{claim or secrets.token_hex(8)}")
        return None if channel.startswith("D") else self._notice("moved_to_dm", lang)

    def post_draft(self, draft_id: str, *, agent: str, response_url: str | None) -> None:
        self._workers.submit(f"agent:{agent}", lambda: self.agents.post_draft(
            draft_id, agent=agent, response_url=response_url))

    def diagnose_for_agent(self, *, agent: str, author: str | None, text: str, channel: str,
                           thread_ts: str) -> None:
        self._workers.submit(f"agent:{agent}", lambda: self.agents.diagnose(
            agent=agent, author=author, text=text, channel=channel, thread_ts=thread_ts))

    def reacted(self, *, channel: str, ts: str, reaction: str, added: bool) -> None:
        """👍/👎 on a message: feedback on an unasked answer (other messages: nothing)."""
        feedback = FEEDBACK.get(reaction.split("::")[0])
        if feedback is not None:
            self.backend.unasked_feedback(f"{channel}/{ts}", feedback if added else 0)

    def _claim(self, claim: str, place: Place, job: dict[str, Any], text: str | None,
               local: dict[str, Any] | None = None) -> bool:
        """Claim the job (its text stored masked: only this process keeps it whole, with
        ``local``, what only this process has of it)."""
        local = dict(local or {})
        if text is not None:
            job["text"] = self.backend.mask(text)
            local["text"] = text
        job["place"] = dataclasses.asdict(place)
        return self.ordering.claim(claim, place.conversation, job, local or None)

    def _notice(self, name: str, lang: str, **fields: Any) -> Message:
        text = self.backend.wording(name, lang, **fields)
        return Message(text=text, blocks=fit(sections(text)))

    def close(self) -> None:
        """After the workers finished: stop ordering, hand this instance's jobs over."""
        self.ordering.close()
