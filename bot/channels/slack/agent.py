"""The helpdesk agent's shortcut: a private diagnosis of someone's message, with a reply draft.

The draft is kept server-side (the button carries only its id) and is posted at most once:
taking it removes it, so two presses on two instances post it once.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels.slack.backend import Backend
from bot.channels.slack.blocks import Message, button, context, fit, sections
from bot.channels.slack.delivery import Outbox, describe
from bot.channels.slack.language import LanguagePicker
from bot.channels.slack.places import Place
from bot.channels.slack.respond import ResponseUrls
from bot.channels.slack.state import AdapterState

logger = logging.getLogger("keyhelp.slack.agent")
POST_DRAFT_ACTION = "post-draft"


class AgentDesk:
    """Runs "Diagnose with keyhelp" and the "post it in the thread" button behind it."""

    def __init__(self, *, backend: Backend, client: WebClient, store: AdapterState,
                 picker: LanguagePicker, outbox: Outbox, responses: ResponseUrls) -> None:
        self._backend = backend
        self._client = client
        self._store = store
        self._picker = picker
        self._outbox = outbox
        self._responses = responses

    def diagnose(self, *, agent: str, author: str | None, text: str, channel: str,
                 thread_ts: str) -> None:
        """Show the agent, privately, the recognised error, confidence and a ready reply."""
        author_lang = self._backend.language(self._picker.hints(author), text)
        agent_lang = self._backend.language(self._picker.hints(agent))
        draft = self._backend.diagnose(text, lang=author_lang)
        draft_id = self._store.save_draft(channel=channel, thread_ts=thread_ts, text=draft.reply)
        summary = self._backend.wording(
            "agent_diagnosis", agent_lang, title=draft.title, intent=draft.intent,
            confidence=round(draft.confidence * 100), reply_lang=author_lang)
        label = self._backend.wording("agent_post_button", agent_lang)
        blocks = [*sections(summary), *sections(draft.reply),
                  {"type": "actions", "block_id": "agent-draft",
                   "elements": [button(label, draft_id, action_id=POST_DRAFT_ACTION,
                                       style="primary")]}]
        message = Message(text=summary, blocks=fit(blocks))
        try:
            self._client.chat_postEphemeral(channel=channel, user=agent, thread_ts=thread_ts,
                                            **message.kwargs())
        except (SlackApiError, OSError) as err:
            # keyhelp is not in that channel: tell the agent in their DM instead
            logger.warning("chat.postEphemeral failed (%s); sending the draft by DM", describe(err))
            self._outbox.post(Place.dm(user=agent), message)

    def post_draft(self, draft_id: str, *, agent: str, response_url: str | None) -> None:
        """Post the draft as keyhelp in the author's thread, then replace the private message."""
        agent_lang = self._backend.language(self._picker.hints(agent))
        taken = self._store.take_draft(draft_id)
        if taken is None:
            self._respond(response_url, self._backend.wording("agent_draft_gone", agent_lang),
                          replace=True)
            return
        channel, thread_ts, text = taken
        place = Place.thread(channel=channel, thread_ts=thread_ts)
        posted = self._outbox.post(place, Message(text=text, blocks=fit(sections(text))))
        name = "agent_draft_posted" if posted else "agent_draft_failed"
        if posted is None:  # put back, so the agent can press the button again
            self._store.restore_draft(draft_id, channel=channel, thread_ts=thread_ts, text=text)
        # on failure the private message (and its button) stays, with a note beside it
        self._respond(response_url, self._backend.wording(name, agent_lang),
                      replace=posted is not None)
        logger.info("agent %s draft %s", agent, "posted" if posted else "failed")

    def _respond(self, response_url: str | None, text: str, *, replace: bool) -> None:
        self._responses.send(response_url, Message(text=text, blocks=(context(text),)),
                             replace=replace)
