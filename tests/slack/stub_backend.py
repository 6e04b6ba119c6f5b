"""A tiny stand-in orchestrator for transport tests: predictable replies, records every turn."""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from bot.slack.backend import AgentDraft, SlackReply
from bot.slack.blocks import escape
from bot.slack.wording import Wording

CHOICES = (("yes", "Yes 👍"), ("no", "No 👎"), ("why", "Why?"))


class StubBackend:
    """Echoes each message back (escaped) as a question with two buttons; "no" escalates."""

    languages = ("ja", "en")
    default_lang = "en"
    scripts: ClassVar[dict[str, str]] = {"ja": "[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]"}

    def __init__(self, *, replies_per_turn: int = 1, confident_words: tuple[str, ...] = ("key",)):
        self.turns: list[dict[str, Any]] = []
        self.replies_per_turn = replies_per_turn
        self.confident_words = confident_words
        self._wording = Wording(default_lang="en")
        self._lock = threading.Lock()

    def handle(self, conversation: str, *, text: str | None = None, action: str | None = None,
               lang: str | None = None, explicit: bool = False) -> list[SlackReply]:
        with self._lock:
            self.turns.append({"conversation": conversation, "text": text, "action": action,
                               "lang": lang} | ({"explicit": True} if explicit else {}))
            n = sum(1 for t in self.turns if t["conversation"] == conversation)
        if action == "no":
            return [SlackReply(kind="escalate", body="Escalating.", fallback="Escalating.",
                               lang=lang or "en", escalation="*Summary* key `XXXXX-…-7QKF3`")]
        said = escape(text if text is not None else f"clicked {action}")
        return [
            SlackReply(kind="ask", body=f"turn {n}.{i}: {said}", fallback=f"turn {n}.{i}",
                       lang=lang or "en", choices=CHOICES)
            for i in range(self.replies_per_turn)
        ]

    def confident(self, text: str) -> bool:
        return any(word in text for word in self.confident_words)

    def text_lang(self, text: str) -> str:
        return "ja" if any("\u3040" <= c <= "\u9fff" for c in text) else "en"

    def answers_question(self, value: str) -> bool:
        return value != "why"

    def language_choice(self, value: str) -> str | None:
        return value.split(":", 1)[1] if value.startswith("lang:") else None

    def diagnose(self, text: str, *, lang: str) -> AgentDraft:
        return AgentDraft(intent="key-invalid", title="Product key isn't valid", confidence=0.9,
                          lang=lang, reply=f"Draft in {lang}: {escape(text)}")

    def wording(self, name: str, lang: str | None, **fields: Any) -> str:
        return self._wording(name, lang, **fields)
