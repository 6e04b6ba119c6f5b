"""Which language keyhelp answers in: the one place that decides, from the hints channels pass.

A channel says what it knows (``LanguageHints``): a choice the user made and the channel
remembers (``/keyhelp lang ja``, the web page's switch), and the locales the user's client
prefers (the Slack user's locale, the browser's ``Accept-Language``), best first. With the
message itself, ``Languages.decide`` picks, in this order: the choice; the script the message
is written in (Japanese characters → ja); the client's locales; ``KEYHELP_LANG``; the rules
file's ``default_locale``. Locale tags are matched to the rules file's locales through Babel's
negotiation, with CLDR's likely scripts, so ``zh-CN`` finds ``zh-Hans``, ``ja-JP`` finds
``ja`` and ``en-GB`` finds ``en``, while ``zh-TW`` (Traditional) does not find ``zh-Hans``.
Inside a conversation the message's own language is followed unless the user chose one
(``follow_message``). Everything comes from the rules file: a third language needs no change
here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.dialogue.conversation import Conversation
    from bot.knowledge.model import Knowledge
    from bot.understand.normalise import Normalised, Normaliser
    from bot.understand.recognise import Recognition


@dataclass(frozen=True, kw_only=True)
class LanguageHints:
    """What a channel knows of the user's language; ``Languages.decide`` turns it into one."""

    chosen: str | None = None  # the user's own choice, remembered by the channel
    # the client's locale tags, best first; a callable is asked only when the choice and the
    # message's script leave the language open (Slack's users.info costs an API call)
    preferred: Sequence[str] | Callable[[], Sequence[str]] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    """The reply language, and whether it outranks the language of the messages themselves."""

    lang: str
    explicit: bool


class Languages:
    """The language decision for one rules file (built per turn: rules are hot-reloaded)."""

    def __init__(self, knowledge: Knowledge, normaliser: Normaliser,
                 default: str | None = None) -> None:
        self._knowledge = knowledge
        self._normaliser = normaliser
        self.default = default if default in knowledge.locale_ids else knowledge.default_locale

    def negotiate(self, tags: Iterable[str]) -> str | None:
        """The rules file's locale that best fits ``tags`` (best first), or None."""
        return negotiate(tuple(tags), self._knowledge.locale_ids)

    def written_in(self, text: str | None) -> str | None:
        """The locale whose own script ``text`` is written in (most characters), if any."""
        if not text:
            return None
        lang = self._normaliser.detect_lang(text[:4000])
        script = next((loc.script for loc in self._knowledge.locales if loc.id == lang), None)
        return lang if script and re.search(script, text) else None

    def decide(self, hints: LanguageHints, text: str | None = None) -> Decision:
        """Choice, else the message's script, else the client's locales, else the default.

        ``explicit``: the decision differs from the language the message shows by itself, so
        it must stick for the conversation (a conversation otherwise follows its messages).
        """
        own = self.written_in(text)
        lang = (self.negotiate([hints.chosen]) if hints.chosen else None) or own
        if lang is None:
            preferred = hints.preferred() if callable(hints.preferred) else hints.preferred
            lang = self.negotiate(preferred) or self.default
        return Decision(lang, lang != (own or self._knowledge.default_locale))

    def for_new(self, hint: str | None) -> str:
        """The language a new conversation starts in: the hint if it is a locale, else the
        default."""
        return hint if hint in self._knowledge.locale_ids else self.default  # type: ignore[return-value]


def follow_message(knowledge: Knowledge, conv: Conversation, recognition: Recognition,
                   normalised: Normalised) -> None:
    """Unless the user chose a language, answer in the message's: the language it was
    recognised in, or the script it is written in when it was not recognised."""
    if conv.lang_explicit:
        return
    if recognition.action != "unknown":
        conv.lang = recognition.lang
        return
    script = next((loc.script for loc in knowledge.locales if loc.id == normalised.lang), None)
    if script and re.search(script, normalised.text):
        conv.lang = normalised.lang


@functools.lru_cache(maxsize=1024)
def negotiate(preferred: tuple[str, ...], available: tuple[str, ...]) -> str | None:
    """Babel's ``negotiate_locale`` over both sides' tags with their likely script added."""
    from babel import negotiate_locale

    keys: dict[str, str] = {}  # lower-case Babel identifier -> the rules file's locale id
    for locale_id in available:
        for key in _forms(locale_id):
            keys.setdefault(key.lower(), locale_id)
    wanted = [form for tag in preferred if tag for form in _forms(tag)]
    found = negotiate_locale(wanted, list(keys))
    return keys[found.lower()] if found else None


def _forms(tag: str) -> list[str]:
    """``tag`` (BCP 47 or POSIX) and its forms with CLDR's likely script and region:
    ``zh-CN`` → zh_CN, zh_Hans_CN, zh_Hans; ``ja`` → ja, ja_Jpan_JP, ja_Jpan."""
    from babel import Locale, UnknownLocaleError
    from babel.core import get_global, parse_locale

    tag = tag.strip().replace("-", "_")
    forms = [tag]
    try:
        locale = Locale.parse(tag)
    except (ValueError, TypeError, UnknownLocaleError):
        try:  # a region Babel does not know (Slack's "es-LA"): the language alone
            locale = Locale.parse(tag.split("_")[0])
        except (ValueError, TypeError, UnknownLocaleError):
            return forms
    language, script, region = locale.language, locale.script, locale.territory
    likely = get_global("likely_subtags")
    for key in (f"{language}_{script}" if script else "", f"{language}_{region}" if region
                else "", language):
        if key in likely:
            _, likely_region, likely_script, *_ = parse_locale(likely[key])
            script, region = script or likely_script, region or likely_region
            break
    if script:
        forms += [f"{language}_{script}_{region}" if region else "", f"{language}_{script}"]
    return [form for form in dict.fromkeys(forms) if form]
