"""Kanji compared by reading, so an IME slip (仕様 for 使用, 火金 for 課金) still finds its message.

Japanese typos are mostly wrong kanji with the right sound. When characters alone leave
no single intent, the message and the exact texts and cues are compared as hiragana readings
(pykakasi). Its dictionary takes about a second to load, so it is loaded on first need,
not at start-up; without pykakasi installed this step is simply skipped.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable

from bot.understand.phrases import Hit, Phrase

_KANJI_CLASS = "\u3400-\u9fff\uf900-\ufaff"
READING_QUALITY = 0.9  # a same-sound match is strong evidence, a little below an exact one
# A cue is a word or two (紛失, 引き換え): its reading must be this long to be compared,
# so a short one does not turn up inside unrelated words of the same sound.
MIN_CUE_READING = 4
MIN_KANA_CUE_READING = 3  # ... or this long where the message has it in kana (むこう)
# Romanised readings (a message typed in latin letters: "kii ga mukou desu") are compared
# with long vowels written single too (nyuuryoku ~ nyuryoku); a phrase's must be this long,
# a context word's (kii) this long.
MIN_ROMAJI = 5
MIN_ROMAJI_SCOPE = 3
# at least this many of the rules' romaji marker words (desu, masu) before a message is read
# as romanised Japanese
ROMAJI_MARKERS = 2
_LONG_VOWEL = re.compile(r"([aeiou])\1|(?<=o)u")
_SAID = {"deha": "dewa", "niha": "niwa", "toha": "towa", "wo": "o"}
_PARTICLE = re.compile("|".join(_SAID))


def has_kanji(text: str) -> bool:
    """Kanji present? A plain scan: a regex over these ranges costs ms to compile at start-up."""
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def has_kana(text: str, first: str = "\u3041", last: str = "\u30ff") -> bool:
    """Kana present (hiragana and katakana by default)?"""
    return any(first <= ch <= last for ch in text)


class Readings:
    """Readings of Japanese message clauses and cues, built lazily, shared between threads."""

    def __init__(self, phrases: Iterable[Phrase], romaji: Iterable[str] = ()) -> None:
        phrases = list(phrases)
        self._markers = frozenset(romaji)
        self._romaji_phrases = [p for p in phrases if p.dense and self._markers and (
            p.sources & {"message", "cue", "group"} or p.scope in ("products", "context"))]
        self._romaji: list[tuple[str, Phrase]] | None = None
        # katakana too: a message typed in hiragana, never converted (きーがむこう), reads
        # the same as キーが無効; the context words (キー) keep such a message in scope
        self._phrases = [p for p in phrases if p.dense and (
            has_kanji(p.text) or has_kana(p.text, "\u30a1", "\u30ff")) and (
            p.sources & {"message", "cue", "group"} or p.scope in ("products", "context"))]
        # phrases written in hiragana: where the message has one as written, the phrase
        # itself is found (and denied: なくしてない), never its kanji forms by their reading
        self._written = frozenset(p.text for p in phrases if p.dense and not has_kanji(p.text)
                                  and hiragana(p.text) == p.text
                                  and p.sources & {"message", "cue"})
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
        runs = re.compile(f"[{_KANJI_CLASS}]+|[^{_KANJI_CLASS}]+")

        def convert(text: str) -> str:
            # pykakasi reads some words with their kana ending (期限切 -> きげんぎれ) and
            # then reads that ending again (れ): the repeat is dropped
            kana, last = "", ""
            for part in kakasi.convert(text):
                hira = part["hira"]
                if last and part["orig"][:1] == last[-1:] and not has_kanji(part["orig"][:1]):
                    hira = hira[1:]
                kana += hira
                last = hira or last
            return kana

        def by_character(text: str) -> str:
            # a slip pykakasi has no word for (分失) is read kanji by kanji: ふん+しつ
            return "".join(convert(run) if not has_kanji(run[0]) else
                           "".join(convert(ch) for ch in run) for run in runs.findall(text))

        self._index = [(reading, p) for p in self._phrases
                       for reading in [convert(p.text)]
                       if "message" in p.sources or p.scope is not None
                       or len(reading) >= MIN_KANA_CUE_READING]
        self._convert = lambda text: convert(text) + "|" + by_character(text)

        def romanised(text: str) -> str:
            return "".join(part["hepburn"] for part in kakasi.convert(convert(text)))

        self._romaji = [(reading, p) for p in self._romaji_phrases
                        for whole in [romanised(p.text)]
                        for reading in {whole, _short(whole), _spoken(whole),
                                        _short(_spoken(whole))}
                        if len(reading) >= (MIN_ROMAJI_SCOPE if p.scope else MIN_ROMAJI)]

    def __getstate__(self) -> dict:
        """Pickle (start-up cache) without the lock and the loaded dictionary."""
        state = dict(self.__dict__)
        state.update(_lock=None, _convert=None, _index=None, _romaji=None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """The dictionary is in memory: a reading lookup will not wait for it."""
        return self._index is not None

    def load(self) -> None:
        """Load the dictionary now (once; other threads wait for it rather than load again)."""
        with self._lock:
            if self._index is None and self.available:
                self._load()

    def match(self, dense: str, found: dict[int, float]) -> list[Hit]:
        """Phrases whose reading is in ``dense``'s reading, where better than ``found`` already."""
        # kanji (an IME slip) or kana without kanji (not converted at all)
        if not self.available or not (has_kanji(dense) or has_kana(dense, "\u3041", "\u309f")):
            return []
        self.load()
        if self._index is None or self._convert is None:
            return []
        # kana alone needs no dictionary: its reading is itself, katakana as hiragana
        kana = hiragana(dense)
        reading = self._convert(dense) if has_kanji(dense) else kana
        # a short cue's reading (むこう) only where it was typed in kana: read from kanji it
        # turns up inside other words of the same sound (向こう)
        return [Hit(p, READING_QUALITY) for text, p in self._index
                if found.get(id(p), 0.0) < READING_QUALITY and text and text in reading
                and (len(text) >= MIN_CUE_READING or "message" in p.sources
                     or p.scope is not None or text in kana)
                and not (text in kana and text in self._written)]

    def match_romaji(self, spaced: str, found: dict[int, float]) -> list[Hit]:
        """Phrases whose romanised reading is in a message typed in latin letters, if the
        message has enough of the rules' romaji marker words to be one."""
        words = spaced.split()
        if not self.available or len(self._markers.intersection(words)) < ROMAJI_MARKERS:
            return []
        self.load()
        if self._romaji is None:
            return []
        dense = "".join(words).replace("-", "")
        text = dense + "|" + _short(dense)
        return [Hit(p, READING_QUALITY) for reading, p in self._romaji
                if found.get(id(p), 0.0) < READING_QUALITY and reading in text]


def _spoken(romaji: str) -> str:
    """Particles as said and typed: では deha -> dewa, には niha -> niwa, を wo -> o."""
    return _PARTICLE.sub(lambda m: _SAID[m.group(0)], romaji)


def _short(romaji: str) -> str:
    """Long vowels written single: nyuuryoku -> nyuryoku, mukou -> muko."""
    return _LONG_VOWEL.sub(lambda m: m.group(1) or "", romaji)


def hiragana(text: str) -> str:
    """Katakana written as hiragana (キー -> きー); the rest as it is."""
    return "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in text)
