"""Where one conversation stands, as plain JSON-able values: what the store keeps per row.

Its own module so that a one-shot ``keyhelp diagnose``, which keeps no conversation, does
not import the SQLite store. ``version`` is the store's, not the conversation's: the stored
version it was loaded at, which a save compares and swaps (bot/dialogue/conversation_store.py);
it is kept beside the JSON, not in it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields


@dataclass
class Conversation:
    """Where one conversation stands; plain JSON-able values only."""

    id: str
    lang: str
    created: float
    updated: float
    lang_explicit: bool = False  # the user chose the language: never guess it again
    intent: str = ""
    step_kind: str = ""  # ask | remedy | outcome | "" (nothing open yet)
    step: str = ""
    answers: list[list[str]] = field(default_factory=list)  # [question id, answer id]
    key: dict | None = None  # KeyCheck.to_data(): masked form and flaws only
    key_unfinished: int = 0  # the last message ended with this many characters of a key
    streak: int = 0  # unrecognised messages in a row
    status: str = "new"  # new | open | closed | escalated
    candidates: list[str] = field(default_factory=list)  # intents offered by a clarify
    # the current case's transcript, newest last (see bot.dialogue.cases)
    history: list[list[str]] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)  # earlier cases and how each ended
    fired: list[str] = field(default_factory=list)  # engine rules behind the current step
    shown: list[str] = field(default_factory=list)  # choice values last offered: "2" picks one
    turns: int = 0
    case: str = ""  # the current diagnosis's id in the analytics (bot/analytics/cases.py)
    version: int = 0  # stored version this was loaded at; 0: never stored (see the store)

    @classmethod
    def new(cls, conversation_id: str, *, lang: str, now: float) -> Conversation:
        return cls(id=conversation_id, lang=lang, created=now, updated=now)

    def to_json(self) -> str:
        # vars(), not asdict(): the fields are plain JSON values already, and asdict's deep
        # copy was a third of a turn's time.
        data = dict(vars(self))
        del data["version"]  # the store keeps it in a column of its own
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Conversation:
        data = json.loads(text)
        return cls(**{k: v for k, v in data.items() if k in _FIELDS})


# unknown keys in old rows are ignored, and a version in the JSON is never trusted
_FIELDS = frozenset(f.name for f in fields(Conversation)) - {"version"}
