"""Which language to answer in: the user's choice, the message's script, the browser, the default.

Mirrors the Slack adapter's order, with the browser's ``Accept-Language`` in the place of the
Slack locale. Locales and their scripts come from the rules file, so a third language needs
no change here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header


def from_browser(header: str | None, locales: Iterable[str]) -> str | None:
    """The best of ``locales`` for an ``Accept-Language`` header (``ja-JP`` → ``ja``)."""
    if not header:
        return None
    accepted = parse_accept_header(header, LanguageAccept)
    available = list(locales)
    best = accepted.best_match(available)
    if best:
        return best
    # "ja-JP" alone (no plain "ja") still means Japanese: compare primary subtags
    for tag, _quality in accepted:
        primary = tag.split("-")[0].lower()
        for locale in available:
            if locale.split("-")[0].lower() == primary:
                return locale
    return None


def by_script(text: str | None, scripts: dict[str, str]) -> str | None:
    """A locale whose own script appears in ``text`` (Japanese characters → ja)."""
    if text:
        for lang, pattern in scripts.items():
            if re.search(pattern, text):
                return lang
    return None
