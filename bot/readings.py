"""Kanji compared by reading, so an IME slip (仕様 for 使用, 火金 for 課金) still finds its message.

Japanese typos are mostly wrong kanji with the right sound. When characters alone leave
two intents tied, the message and the exact texts are compared as hiragana readings
(pykakasi). Its dictionary takes about a second to load, so it is loaded on first need,
not at start-up; without pykakasi installed this step is simply skipped.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable

from bot.phrases import Hit, Phrase

KANJI = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
READING_QUALITY = 0.9  # a same-sound match is strong evidence, a little below an exact one


class Readings:
    """Readings of every Japanese message clause, built lazily and shared between threads."""

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        self._phrases = [p for p in phrases if p.dense and "message" in p.sources]
        self._lock = threading.Lock()
        self._convert: Callable[[str], str] | None = None
        self._index: list[tuple[str, Phrase]] | None = None
        self.available = True

    def _load(self) -> None:
        try:
            import pykakasi  # lazy: ~1 s to load its dictionary
        except ImportError:
            self.available = False
            return
        kakasi = pykakasi.kakasi()

        def convert(text: str) -> str:
            return "".join(part["hira"] for part in kakasi.convert(text))

        self._index = [(convert(p.text), p) for p in self._phrases]
        self._convert = convert

    def match(self, dense: str, found: dict[int, float]) -> list[Hit]:
        """Clauses whose reading is in ``dense``'s reading, where better than ``found`` already."""
        if not self.available or not KANJI.search(dense):
            return []
        with self._lock:
            if self._index is None:
                self._load()
        if self._index is None or self._convert is None:
            return []
        reading = self._convert(dense)
        return [Hit(p, READING_QUALITY) for text, p in self._index
                if found.get(id(p), 0.0) < READING_QUALITY and text and text in reading]
