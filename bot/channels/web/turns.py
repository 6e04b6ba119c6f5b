"""One browser session's conversation: turns through the Assistant, kept as the page shows them.

Replies are rendered once, when they are made, for the "web" channel (HTML, autoescaped) and
kept in the web store with the user's own words masked, so showing the page again (the GET
after each POST, a reload, the back button) never replays a turn. An escalation is handed to
the configured targets at once and the page keeps what truly happened to it. A screenshot's
turn keeps only its masked text, marked as a screenshot (bot/channels/web/images.py).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.channels.web.handoff import Delivery, SlackChannel, Webhook, new_reference, payload
from bot.dialogue.language import LanguageHints
from bot.dialogue.replies import RESTART, Escalate, EscalationSummary, Reply
from bot.dialogue.steps import RESTART_CHOICE

if TYPE_CHECKING:
    from bot.channels.web.images import WebScreenshots
    from bot.channels.web.pages import Pages
    from bot.channels.web.store import SqlWebStore
    from bot.dialogue.assistant import Assistant
    from bot.render.renderer import Renderer
    from bot.understand.normalise import Normalised

_STRIPES = 64  # per-session locks, striped: a session's turns are kept in order
CONVERSATION_PREFIX = "web-"


class WebConversations:
    """Turns in, page entries out; the only part of the web adapter that calls the Assistant."""

    def __init__(self, *, assistant: Assistant, renderer: Renderer, pages: Pages,
                 store: SqlWebStore, webhook: Webhook | None = None,
                 slack: SlackChannel | None = None,
                 images: WebScreenshots | None = None) -> None:
        self.assistant = assistant
        self.images = images  # None: no upload field (screenshots are not read here)
        self.renderer = renderer
        self.pages = pages
        self.store = store
        self.webhook = webhook
        self.slack = slack
        self._locks = [threading.Lock() for _ in range(_STRIPES)]

    # ---- what the page needs to know
    @property
    def locales(self) -> list[tuple[str, str]]:
        """(id, name) of every language of the rules in force, for the language switch."""
        return [(loc.id, loc.name) for loc in self.assistant.brain.knowledge.locales]

    @property
    def default_lang(self) -> str:
        """``KEYHELP_LANG`` if the rules have it, else their default locale."""
        return self.assistant.languages().default

    def browser_lang(self, accepted: Sequence[str]) -> str | None:
        """The rules' locale that best fits the browser's languages (best first), if any."""
        return self.assistant.languages().negotiate(accepted)

    def mask(self, text: str) -> str:
        """The user's text as it may be shown or kept: every product key masked."""
        return self.assistant.brain.recogniser.normaliser.normalise(text).original_masked

    def read_screenshot(self, data: bytes) -> tuple[Normalised | None, str]:
        """An uploaded image's masked text, or why it was not read (an ImageNote reason)."""
        if self.images is None:
            return None, "unavailable"
        return self.images.read(data, self.assistant.brain)

    def entries(self, session: str, *, accepted: Sequence[str] = ()) -> list[dict[str, Any]]:
        """What the session was shown; a new session is opened with the welcome first, in
        the browser's language (``accepted``: its languages, best first)."""
        kept = self.store.entries(session)
        if kept:
            return kept
        with self._lock(session):
            if not self.store.entries(session):
                replies = self.assistant.start(CONVERSATION_PREFIX + session,
                                               lang=self.browser_lang(accepted))
                self.store.append(session, self._entry(None, replies))
            return self.store.entries(session)

    # ---- a turn
    def turn(self, session: str, *, text: str | None = None, action: str | None = None,
             screenshot: Normalised | None = None, accepted: Sequence[str] = ()) -> None:
        """One message, screenshot (its masked text) or button press; what it produced is
        appended to the session's page.

        The language is the dialogue core's decision from the session's choice (the switch)
        and the browser's languages (``accepted``, best first) with the message.
        """
        conversation = CONVERSATION_PREFIX + session
        with self._lock(session):
            if action is not None:
                said = self._label(session, action)
                chosen = action.removeprefix("lang:") if action.startswith("lang:") else None
                if chosen in self.assistant.brain.knowledge.locale_ids:
                    self.store.choose_lang(session, chosen)  # type: ignore[arg-type]
                replies = self.assistant.handle(conversation, action=action)
            else:
                said = (self.mask(text or "") if screenshot is None
                        else screenshot.original_masked)
                hints = LanguageHints(chosen=self.store.chosen_lang(session), preferred=accepted)
                replies = self.assistant.handle(conversation, text=text, hints=hints,
                                                screenshot=screenshot)
            self.store.append(session, self._entry(said, replies,
                                                   screenshot=screenshot is not None))

    def _label(self, session: str, action: str) -> str | None:
        """What the user pressed, in words: the button's label as last shown."""
        for name_id, name in self.locales:
            if action == f"lang:{name_id}":
                return name
        kept = self.store.entries(session, last=1)
        for value, label in kept[-1]["choices"] if kept else ():
            if value == action:
                return label
        if action == RESTART:
            lang = kept[-1]["lang"] if kept else self.default_lang
            return self.renderer.catalogs.gettext(lang, RESTART_CHOICE.label)
        return None

    def _entry(self, said: str | None, replies: list[Reply], *,
               screenshot: bool = False) -> dict[str, Any]:
        """The turn as kept: its HTML, its language and the buttons it offers."""
        shown, choices = [], []
        for reply in replies:
            rendered = self.renderer.render(reply, "web")
            item: dict[str, Any] = {"kind": reply.kind, "lang": reply.lang,
                                    "html": rendered.text, "summary": None}
            if isinstance(reply, Escalate):
                reference = new_reference()
                item.update(summary=self._summary_text(reply.summary, reply.lang),
                            reference=reference,
                            handoff=[d._asdict() for d in self._hand_off(reply.summary,
                                                                         reference)])
            shown.append(item)
            choices.extend(list(choice) for choice in rendered.choices)
        lang = replies[-1].lang if replies else self.default_lang
        return {"lang": lang, "choices": choices,
                "html": self.pages.turn(said=said, lang=lang, replies=shown,
                                        screenshot=screenshot)}

    # ---- hand-off
    def _summary_text(self, summary: EscalationSummary, lang: str) -> str:
        """The escalation summary as plain text (to copy, and in the webhook's payload)."""
        template = self.renderer.environment("cli").get_template("default/_summary.j2")
        return template.render(summary=summary, lang=lang).strip()

    def _hand_off(self, summary: EscalationSummary, reference: str) -> list[Delivery]:
        sent: list[Delivery] = []
        helpdesk_lang = self.default_lang  # the helpdesk reads its own language
        if self.webhook is not None:
            text = self._summary_text(summary, helpdesk_lang)
            sent.append(self.webhook.send(payload(summary, reference=reference, text=text)))
        if self.slack is not None:
            template = self.renderer.environment("slack").get_template("web/slack_handoff.j2")
            text = template.render(summary=summary, lang=helpdesk_lang, reference=reference)
            sent.append(self.slack.send(text.strip(), reference))
        return sent

    def _lock(self, session: str) -> threading.Lock:
        return self._locks[hash(session) % _STRIPES]

    def close(self) -> None:
        if self.images is not None:
            self.images.close()
        if self.webhook is not None:
            self.webhook.close()
        self.store.close()
