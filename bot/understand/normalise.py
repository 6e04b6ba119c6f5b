"""First stage for every message: mask keys, strip Slack markup, fold, detect the reply language.

Example::

    >>> n = Normaliser(knowledge).normalise("<@U1> > Ｔｈｅ key ’isn’t’ valid")
    >>> n.text, n.lang
    ("the key 'isn't' valid", 'en')
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import NamedTuple

from bot.knowledge.model import KeyFormat, Knowledge
from bot.understand.keys import Found, KeyCheck, find_keys

# Slack sends at most 40,000 characters; anything longer is cut so one message cannot stall us.
MAX_CHARS = 100_000

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_MARKUP_CHARS = frozenset("<>&`*_~")  # every Slack markup pattern below needs one of these


class _Markup(NamedTuple):
    mention: re.Pattern[str]
    channel: re.Pattern[str]
    link: re.Pattern[str]
    quote: re.Pattern[str]
    code: re.Pattern[str]
    emphasis: re.Pattern[str]


@cache
def _markup() -> _Markup:
    """Slack markup patterns, compiled on first use: most pasted messages have no markup."""
    return _Markup(
        mention=re.compile(r"<[@!][^<>]*>"),  # <@U123>, <@U123|name>, <!channel>, <!subteam^S1>
        channel=re.compile(r"<#[^<>|]*\|([^<>]*)>|<#[^<>]*>"),
        link=re.compile(r"<((?:https?|mailto|tel):[^<>|]*)(?:\|([^<>]*))?>"),
        quote=re.compile(r"(?m)^\s*(?:>|&gt;)+\s?"),
        code=re.compile(r"`+"),
        # *bold* and ~strike~ marks go wherever they are; _italic_ ones only outside a word
        # (snake_case stays). Character classes only: linear time on any input.
        emphasis=re.compile(r"[*~]+|(?<![^\W_])_+|_+(?![^\W_])"),
    )
_QUOTES = str.maketrans({"’": "'", "‘": "'", "‛": "'", "`": "'", "´": "'",
                         "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_SPACE = re.compile(r"\s+")


class Normalised(NamedTuple):
    """A message as later stages may see it: key masked, markup gone, folded for matching."""

    original_masked: str  # the user's text with any key masked (safe to store/show)
    text: str  # folded text for matching (NFKC, width, case, ’→', whitespace, markup removed)
    lang: str  # detected reply language (a locale id from the rules file)
    key: KeyCheck | None
    unfinished: int = 0  # the message ends with this many characters of a key, short of one


def _decoded(raw: str | bytes | None) -> str:
    """Any input as a str of encodable characters, at most ``MAX_CHARS`` long."""
    if raw is None:
        return ""
    if isinstance(raw, bytes | bytearray):
        raw = bytes(raw).decode("utf-8", errors="replace")
    elif not isinstance(raw, str):
        raw = str(raw)
    raw = raw[:MAX_CHARS]
    # lone surrogates (from JSON "\ud800") cannot be encoded later: replace them
    return raw.encode("utf-8", errors="replace").decode("utf-8")


def mask_keys(raw: str | bytes | None, key_format: KeyFormat, unfinished: int = 0) -> Found:
    """The first thing done to any message: every key masked, then control characters gone.

    Keys are looked for before zero-width characters become spaces, so one pasted inside a
    group of a key does not split it. ``unfinished``: see ``bot.understand.keys.find_keys``.
    """
    found = find_keys(_decoded(raw), key_format, unfinished)
    return found._replace(masked=_CONTROL.sub(" ", found.masked))


def strip_slack(text: str) -> str:
    """Remove Slack mrkdwn so only what the user wrote is left (labels of links are kept)."""
    if _MARKUP_CHARS.isdisjoint(text):
        return text
    markup = _markup()
    text = markup.mention.sub(" ", text)
    text = markup.channel.sub(lambda m: " " + (m.group(1) or "") + " ", text)
    text = markup.link.sub(lambda m: m.group(2) or m.group(1), text)
    text = markup.quote.sub("", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = markup.code.sub(" ", text)
    return markup.emphasis.sub(" ", text)


_MARKS = frozenset("一-‐–—−")  # what OCR and IMEs put for the long-vowel mark ー
_LONG_MARK = re.compile("(?<=[\u30a1-\u30fa])[一\\-‐–—−]")


def fold(text: str) -> str:
    """Width, case, quote and whitespace variants folded to one form (NFKC + casefold); the
    kanji 一 or a dash after katakana is its long-vowel mark (キ一, キ-: OCR and IME slips)."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    if not _MARKS.isdisjoint(text):
        text = _LONG_MARK.sub("ー", text)
    return _SPACE.sub(" ", text).strip()


_ASCII = "".join(map(chr, range(128)))


class Normaliser:
    """Built once from the knowledge: the key format and each locale's script pattern."""

    def __init__(self, knowledge: Knowledge) -> None:
        self._key_format = knowledge.key_format
        self._default = knowledge.default_locale
        # (locale, script pattern, whether it matches any ASCII character): patterns are kept
        # as text and compiled on first use, and plain ASCII text skips those that cannot
        # match it (a wide class such as the Japanese one takes milliseconds to compile)
        self._scripts = [(loc.id, loc.script, bool(re.search(loc.script, _ASCII)))
                         for loc in knowledge.locales if loc.script]

    def detect_lang(self, text: str) -> str:
        """The locale whose script has most characters in ``text``; else the default locale."""
        best, best_count = self._default, 0
        ascii_only = text.isascii()
        for locale_id, script, matches_ascii in self._scripts:
            if ascii_only and not matches_ascii:
                continue
            count = len(re.findall(script, text))  # compiled once, by re's own cache
            if count > best_count:
                best, best_count = locale_id, count
        return best

    def normalise(self, text: str | bytes, unfinished: int = 0) -> Normalised:
        """Mask first, then fold; never raises, whatever the input.

        ``unfinished``: the conversation's last message ended with that many characters of a
        key (``Normalised.unfinished`` of that message); this one may hold the rest.
        """
        try:
            found = mask_keys(text, self._key_format, unfinished)
            folded = fold(strip_slack(found.masked))
            return Normalised(found.masked, folded, self.detect_lang(folded[:4000]), found.key,
                              found.unfinished)
        except Exception:  # defensive: a bad input must give a defined result, not a crash
            return Normalised("", "", self._default, None)
