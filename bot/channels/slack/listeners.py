"""Bolt listeners: read Slack's payloads, ack at once, hand the work to the conversations.

Nothing here waits for the orchestrator: each listener acks (or lets Bolt ack an event)
and enqueues, so Slack hears back well within its 3-second limit.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse
from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest

from bot.channels.slack.files import image_file
from bot.channels.slack.places import Place, from_a_bot, without_mentions
from bot.channels.slack.settings import SlackSettings
from bot.channels.slack.state import AdapterState
from bot.channels.slack.turns import Conversations

logger = logging.getLogger("keyhelp.slack.listeners")
SHORTCUT_CALLBACK = "keyhelp_diagnose"
CHOICE_ACTION = re.compile(r"^choice-\d+$")
POST_DRAFT_ACTION = "post-draft"
ANY = re.compile(r".*")


# events answered by a job: the job's claim (its event id) is their exactly-once, made in the
# same transaction that numbers it in its conversation (bot/channels/slack/ordering.py)
CLAIMED_AS_JOBS = ("message", "app_mention")


class DedupeMiddleware(Middleware):
    """Before authorisation: drop other bots' messages and any delivery of a seen event_id.

    Messages and mentions are claimed as jobs by their listeners instead. A ``Middleware``
    subclass, not a function: Bolt then calls ``process`` directly instead of inspecting and
    injecting arguments on every request.
    """

    def __init__(self, store: AdapterState) -> None:
        self._store = store

    def process(self, *, req: BoltRequest, resp: BoltResponse,
                next: Callable[[], None]) -> BoltResponse | None:  # Bolt passes it by name
        body = req.body
        if body.get("type") == "event_callback":
            event = body.get("event") or {}
            if event.get("type") in CLAIMED_AS_JOBS:
                if from_a_bot(event):
                    return BoltResponse(status=200, body="")
                next()
                return None
            event_id = body.get("event_id")
            if isinstance(event_id, str) and not self._store.first_delivery(event_id):
                retry = (req.headers.get("x-slack-retry-num") or ["?"])[0]
                logger.info("event %s already handled; retry %s answered with 200", event_id, retry)
                return BoltResponse(status=200, body="")
        next()
        return None


def dedupe_middleware(store: AdapterState) -> Middleware:
    """The ``before_authorize`` middleware for ``store`` (see ``DedupeMiddleware``)."""
    return DedupeMiddleware(store)


def _event_claim(body: dict[str, Any], event: dict[str, Any]) -> str:
    """The key a repeat of this event carries: its event id (else its channel and ts)."""
    event_id = body.get("event_id")
    if isinstance(event_id, str) and event_id:
        return event_id
    return f"message:{event.get('channel')}:{event.get('ts')}"


DirectMessages = Callable[[dict[str, Any]], bool]


def register(app: App, *, conversations: Conversations,
             settings: SlackSettings) -> DirectMessages:
    """Attach every listener keyhelp uses (see manifest.yml for the matching subscriptions).

    Returns ``direct(body)``, which takes a person's direct message (an ``event_callback``
    body, signed and checked) the way ``on_message`` does, without Bolt: the commonest
    request then skips Bolt's per-request work (its middleware chain, a ``WebClient`` built
    per request, listener matching). It declines (False: dispatch it through Bolt) anything
    else, and everything until Bolt has once run ``on_message``: Bolt's single-team
    authorisation has then succeeded, and it keeps that result for the app's life.
    """
    authorised = threading.Event()

    def shared(event: dict[str, Any], place: Place, claim: str, watched: bool = False) -> bool:
        """An image file in the message is read as the message (files.py), not its text."""
        file = image_file(event)
        return file is not None and conversations.screenshot(
            place, user=event.get("user"), file=file, claim=claim, watched=watched)

    def direct_message(event: dict[str, Any], body: dict[str, Any]) -> None:
        """Answered where it was written, thread or not."""
        text, user, channel = event.get("text") or "", event.get("user"), event.get("channel")
        if not (user and channel and event.get("ts")):
            return  # not a shape Slack sends for a person's message
        claim = _event_claim(body, event)
        place = Place.dm(user=user, channel=channel, thread_ts=event.get("thread_ts"))
        shared(event, place, claim) or conversations.message(place, user=user, text=text,
                                                              claim=claim)

    @app.event("message")  # first: the commonest event is matched with one check
    def on_message(event: dict[str, Any], context: BoltContext, body: dict[str, Any]) -> None:
        authorised.set()
        if event.get("channel_type") == "im":
            direct_message(event, body)
            return
        text, user, channel = event.get("text") or "", event.get("user"), event.get("channel", "")
        if not (user and channel and event.get("ts")):
            return  # not a shape Slack sends for a person's message
        claim = _event_claim(body, event)
        if context.bot_user_id and f"<@{context.bot_user_id}" in text:
            return  # the app_mention event for this message does the work
        thread_ts = event.get("thread_ts")
        if thread_ts:
            place = Place.thread(channel=channel, thread_ts=thread_ts)
            if conversations.follows(place):
                shared(event, place, claim) or conversations.message(
                    place, user=user, text=text, claim=claim)
        elif channel in settings.watched_channels:
            place = Place.thread(channel=channel, thread_ts=event["ts"])
            shared(event, place, claim, watched=True) or conversations.watched(
                place, user=user, text=text, claim=claim)

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], body: dict[str, Any]) -> None:
        thread, channel = event.get("thread_ts") or event.get("ts"), event.get("channel")
        if not (thread and channel and event.get("user")):
            return  # not a shape Slack sends for a person's mention: nothing to answer
        place = Place.thread(channel=channel, thread_ts=thread)
        conversations.follow(place)
        text = without_mentions(event.get("text") or "")
        claim = _event_claim(body, event)
        shared(event, place, claim) or conversations.message(place, user=event.get("user"),
                                                              text=text, claim=claim)

    @app.event("reaction_added")
    def on_reaction_added(event: dict[str, Any]) -> None:
        _reaction(event, added=True)

    @app.event("reaction_removed")
    def on_reaction_removed(event: dict[str, Any]) -> None:
        _reaction(event, added=False)

    def _reaction(event: dict[str, Any], *, added: bool) -> None:
        item = event.get("item")
        if isinstance(item, dict) and isinstance(event.get("reaction"), str) \
                and isinstance(item.get("channel"), str) and isinstance(item.get("ts"), str):
            conversations.reacted(channel=item["channel"], ts=item["ts"],
                                  reaction=event["reaction"], added=added)

    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home" and isinstance(event.get("user"), str):
            conversations.home_opened(event["user"])

    @app.event(ANY)
    def on_other_event() -> None:
        """Any other event type: acknowledged (200), so Slack does not retry it."""

    @app.command("/keyhelp")
    def on_command(ack: Ack, command: dict[str, Any]) -> None:
        user, channel = command["user_id"], command["channel_id"]
        reply = conversations.command(user=user, channel=channel, text=command.get("text") or "",
                                      claim=command.get("trigger_id"))
        ack(**reply.kwargs()) if reply else ack()

    @app.action(CHOICE_ACTION)
    def on_choice(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        user = (body.get("user") or {}).get("id")
        container = body.get("container") or {}  # not in every shape Slack sends
        message = body.get("message") or {}  # absent for an ephemeral message
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
        thread_ts = container.get("thread_ts") or message.get("thread_ts")
        place = Place.from_block_id(action.get("block_id") or "", channel=channel,
                                    thread_ts=thread_ts)
        if place is None or not user:
            logger.warning("click on a foreign block, or by no user, ignored")
            return
        ephemeral = container.get("is_ephemeral") is True
        conversations.click(
            place.privately(user) if ephemeral else place, user=user,
            value=action.get("value") or "", label=(action.get("text") or {}).get("text") or "",
            message=message, message_ts=container.get("message_ts") or message.get("ts"),
            response_url=body.get("response_url") if ephemeral else None,
            claim=body.get("trigger_id") or action.get("action_ts"),
        )

    @app.action(POST_DRAFT_ACTION)
    def on_post_draft(ack: Ack, action: dict[str, Any], body: dict[str, Any]) -> None:
        ack()
        agent = (body.get("user") or {}).get("id")
        if not agent:
            logger.warning("draft button pressed by no user ignored")
            return
        conversations.post_draft(action.get("value") or "", agent=agent,
                                 response_url=body.get("response_url"))

    @app.message_shortcut(SHORTCUT_CALLBACK)
    def on_shortcut(ack: Ack, shortcut: dict[str, Any]) -> None:
        ack()
        agent = (shortcut.get("user") or {}).get("id")
        channel = (shortcut.get("channel") or {}).get("id")
        message = shortcut.get("message") or {}
        thread_ts = message.get("thread_ts") or message.get("ts") or shortcut.get("message_ts")
        if not (agent and channel and thread_ts):
            logger.warning("message shortcut without user, channel or message ignored")
            return
        conversations.diagnose_for_agent(agent=agent, author=message.get("user"),
                                         text=message.get("text") or "", channel=channel,
                                         thread_ts=thread_ts)

    @app.global_shortcut(SHORTCUT_CALLBACK)
    def on_global_shortcut(ack: Ack) -> None:
        """keyhelp's shortcut used from the shortcuts menu: there is no message to diagnose."""
        ack()
        logger.info("keyhelp's shortcut used without a message: acknowledged")

    # Last: what keyhelp does not own (a stale button of another app, another command or
    # shortcut) is acknowledged, so Slack shows the user no error; Bolt would answer 404.
    @app.action(ANY)
    def on_other_action(ack: Ack) -> None:
        ack()
        logger.info("click acknowledged: not keyhelp's")

    @app.shortcut(ANY)
    def on_other_shortcut(ack: Ack) -> None:
        ack()
        logger.info("shortcut acknowledged: not keyhelp's")

    @app.command(ANY)
    def on_other_command(ack: Ack) -> None:
        ack()
        logger.info("slash command acknowledged: not keyhelp's")

    def direct(body: dict[str, Any]) -> bool:
        event = body.get("event")
        if not (authorised.is_set() and body.get("type") == "event_callback"
                and isinstance(event, dict) and event.get("type") == "message"
                and event.get("channel_type") == "im"):
            return False
        if not from_a_bot(event):  # as DedupeMiddleware drops them
            direct_message(event, body)
        return True

    return direct
