"""One claimed job carried through: its turn taken once, then its messages posted in order.

A job (bot/channels/slack/ordering.py) goes through two stored stages, so that an instance
taking over a dead one's job neither loses a reply nor takes the turn twice:

1. *begun*: the conversation's stored version and state before the turn are noted, then the
   turn is taken (and stored by the conversation store);
2. *posting*: after each message Slack took, its (channel, ts) is noted, then what follows
   it (the escalation summary, the record of an unasked answer); the last write finishes it.

Taking over a job resumes at its stage: the conversation's version unchanged — the turn was
not stored, and is taken (from the stored text, keys left out); moved on — the turn was
stored, so it is taken again on the noted state, without storing it, which gives the same
messages; then the messages not yet noted as posted are posted. The one message
that can reach Slack twice is the one in flight when an instance died (``chat.postMessage``
has no idempotency key): posted, but not yet noted.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.channels.slack.backend import Backend, SlackReply
from bot.channels.slack.blocks import Message, actions, context, fit, sections
from bot.channels.slack.delivery import Outbox, describe
from bot.channels.slack.files import Reading, SlackScreenshots
from bot.channels.slack.language import LanguagePicker
from bot.channels.slack.places import Place
from bot.channels.slack.respond import ResponseUrls
from bot.channels.slack.state import AdapterState, PendingJob
from bot.render.renderer import Mrkdwn
from bot.understand.normalise import Normalised

logger = logging.getLogger("keyhelp.slack.jobs")


@dataclass(frozen=True, kw_only=True)
class _Said:
    """A job's input: text, or a screenshot's masked text, or why an image was not read."""

    text: str | None = None
    screenshot: Normalised | None = None
    reason: str = ""


def _unasked(data: dict[str, Any]) -> bool:
    """A watched channel's message or image: answered only when confident, and recorded."""
    return data["kind"] == "watched" or bool(data.get("watched"))


class TurnJobs:
    """Runs jobs of four kinds: ``message``, ``watched`` (answered only if confident),
    ``click`` (a button: the question it settles shows the answer, then the turn) and
    ``screenshot`` (a shared image: its masked text is the message, files.py)."""

    def __init__(self, *, backend: Backend, client: WebClient, state: AdapterState,
                 picker: LanguagePicker, outbox: Outbox, responses: ResponseUrls,
                 support_channel: str | None,
                 screenshots: SlackScreenshots | None = None) -> None:
        self.backend = backend
        self._client = client
        self._state = state
        self._picker = picker
        self._outbox = outbox
        self._responses = responses
        self._support = support_channel
        self._screenshots = screenshots

    def run(self, job: PendingJob, local: dict[str, Any] | None) -> bool | None:
        """Carry the job as far as it goes: True once finished (or another instance took it);
        False when Slack did not take a message (it and the rest are tried again later);
        None while a shared image is still being read here (the job is woken when it is)."""
        data = job.job
        place = Place(**data["place"])
        reading = (local or {}).get("reading")
        if reading is not None and not reading.done():
            return None
        said = self._said(data, local, reading)
        if said is None:
            return True  # a screenshot job on an instance that reads no images: nothing to do
        replies = self._turn(job, place, said)
        if replies is None:
            return True
        outbox = [self._outgoing(place, reply) for reply in replies]
        if _unasked(data) and outbox:  # recorded once posted: its 👍/👎 count
            outbox[0]["unasked"] = True
        return self._post(job, place, outbox, said.text)

    def _said(self, data: dict[str, Any], local: dict[str, Any] | None,
              reading: Reading | None) -> _Said | None:
        """What the user gave: a message's text (this instance's unmasked, else the stored
        masked form), or a screenshot's masked text read now."""
        if data["kind"] != "screenshot":
            return _Said(text=(local or {}).get("text", data.get("text")))
        if self._screenshots is None:
            logger.error("a screenshot job, but images are not read here")
            return None
        message, reason = self._screenshots.read(data["file"], reading)
        return _Said(screenshot=message, reason=reason,
                     text=message.original_masked if message is not None else None)

    # ---- stages 1 and 2
    def _turn(self, job: PendingJob, place: Place, said: _Said) -> list[SlackReply] | None:
        """The turn's replies: taken now, or (its turn stored by an instance that died)
        taken again on the state before it; None when there is nothing (more) to do."""
        data, kind = job.job, job.job["kind"]
        if job.base is None and _unasked(data) and not self._confident(said):
            self._state.advance(job.claim, [], done=True)
            return None
        hints = self._picker.hints(data.get("user")) if kind != "click" else None
        inputs: dict[str, Any] = {"text": said.text, "hints": hints}
        if kind == "click":
            inputs = {"action": data["value"]}
        elif said.screenshot is not None:
            inputs = {"screenshot": said.screenshot, "hints": hints}
        version, before = self.backend.snapshot(place.conversation)
        if job.base is not None and version != job.base:
            # stored by the instance that died: the same turn, taken again on the state it
            # was taken on, gives the same replies (and nothing is stored again)
            logger.warning("%s: job %d's turn was stored by the instance that died; taking "
                           "it again on the state before it", place.conversation, job.seq)
            return self.backend.replay(job.before, place.conversation, **inputs)
        if job.base is None and not self._state.begin(job.claim, version, before):
            return None  # taken over meanwhile
        if kind == "click":
            self._settle_question(place, data)
        if _unasked(data):
            self._state.follow_thread(place.conversation)
        if said.reason and self._screenshots is not None:  # an image not read: no turn
            return self._screenshots.note(place.conversation, said.reason, hints=hints)
        return self.backend.handle(place.conversation, **inputs, read=(version, before))

    def _confident(self, said: _Said) -> bool:
        """Worth an unasked answer in a watched channel (its text, or its image's)."""
        if said.screenshot is not None and self._screenshots is not None:
            return self._screenshots.confident(said.screenshot)
        return not said.reason and self.backend.confident(said.text or "")

    def _settle_question(self, place: Place, data: dict[str, Any]) -> None:
        """A language button's choice is remembered; an answered question shows the answer
        in place of its buttons (redone harmlessly when a job is taken over)."""
        chosen_lang = self.backend.language_choice(data["value"])
        if chosen_lang:
            self._picker.choose(data["user"], chosen_lang)
        if not (self.backend.answers_question(data["value"]) and data.get("message_ts")):
            return
        answered = self._answered(data.get("message") or {}, data.get("label") or "")
        if place.private_to:  # Slack refuses chat.update on an ephemeral message
            self._responses.send(data.get("response_url"), answered, replace=True)
        else:
            self._outbox.update(channel=place.channel, ts=data["message_ts"], message=answered)

    # ---- stage 3
    def _post(self, job: PendingJob, place: Place, outbox: list[dict[str, Any]],
              text: str | None) -> bool:
        progress = [list(step) for step in job.progress]
        last = len(outbox) - 1
        for i, entry in enumerate(outbox):
            if i < len(progress) and progress[i][2]:
                continue  # posted and followed up before the takeover
            if i == len(progress):
                message = entry["message"]
                posted = self._outbox.post(Place(**entry["place"]), Message(
                    text=message["text"], blocks=tuple(message["blocks"])))
                if posted is None:
                    logger.error("%s: %d message(s) kept for the next turn",
                                 place.conversation, len(outbox) - i)
                    return False
                follow = bool(entry.get("escalation") or entry.get("unasked"))
                progress.append([*posted, not follow])
                if not self._state.advance(job.claim, progress, done=i == last and not follow):
                    return True
                if not follow:
                    continue
            self._follow_up(place, entry, job.job.get("user"), text, *progress[i][:2])
            progress[i][2] = True
            if not self._state.advance(job.claim, progress, done=i == last):
                return True
        if not outbox:
            self._state.advance(job.claim, [], done=True)
        return True

    def _follow_up(self, place: Place, entry: dict[str, Any], user: str | None,
                   text: str | None, channel: str, ts: str) -> None:
        try:
            if entry.get("unasked") and text is not None:
                self.backend.unasked(f"{channel}/{ts}", text)
            if entry.get("escalation"):  # rendered mrkdwn, stored as text: not escaped again
                self._escalate(place, summary=Mrkdwn(entry["escalation"]), user=user,
                               channel=channel, ts=ts)
        except Exception:  # the user's conversation must go on even so
            logger.exception("%s: follow-up of a posted message failed", place.conversation)

    # ---- what the messages say
    def _outgoing(self, place: Place, reply: SlackReply) -> dict[str, Any]:
        blocks = sections(reply.body)
        if reply.escalation is not None:
            handoff = self.backend.wording("handoff", reply.lang, support_channel=self._support)
            blocks.append(context(handoff))
            if not self._support:  # no support channel: the user forwards the summary
                blocks += sections(reply.escalation)
        blocks += actions(reply.choices, block_id=place.block_id)
        return {"place": dataclasses.asdict(place),
                "message": {"text": reply.fallback, "blocks": list(fit(blocks))},
                "escalation": reply.escalation}

    def _answered(self, message: dict[str, Any], label: str) -> Message:
        """The question as it was, its buttons replaced by the chosen answer."""
        kept = [b for b in message.get("blocks") or [] if b.get("type") in ("section", "context")]
        chosen = self.backend.wording("chosen", None, label=label)
        return Message(text=message.get("text") or label, blocks=fit([*kept, context(chosen)]))

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
        posted = self._outbox.post(Place(conversation=f"support:{place.conversation}",
                                         channel=self._support),
                                   Message(text=text, blocks=fit(sections(text))))
        if posted is None:
            logger.error("%s: escalation summary not posted", place.conversation)
