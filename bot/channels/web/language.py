"""The browser's languages, from its ``Accept-Language`` header, as hints for the dialogue core.

Which language to answer in is decided in bot/dialogue/language.py (the user's choice, the
message's script, these languages, the default), with Babel's locale negotiation against the
rules file's locales; this module only reads the header.
"""

from __future__ import annotations

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header


def accepted_languages(header: str | None) -> tuple[str, ...]:
    """The header's language tags, best first (``*`` and refused ones, q=0, left out)."""
    if not header:
        return ()
    accepted = parse_accept_header(header, LanguageAccept)
    return tuple(tag for tag, quality in accepted if tag and tag != "*" and quality > 0)
