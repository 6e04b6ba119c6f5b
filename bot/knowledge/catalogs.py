"""Interface wording per language: gettext catalogs ``templates/locale/<lang>.po`` read with Babel.

English msgids are the fallback, so a new language needs only a new ``.po`` file. The same
catalogs give the words a user may type as commands (msgctxt ``command``: "start over",
「最初から」, "why?", 「なぜ？」 …, and the words after a channel's own command: ``/keyhelp
help``, ``/keyhelp ヘルプ``, ``/keyhelp lang ja``), so those are translated too, not coded.
Parsed catalogs are cached on disk keyed by the files' content hash (Babel's import alone
costs ~60 ms).
Plural forms are chosen by the language's CLDR plural rules through Babel (``ngettext``),
never by ``n == 1``.
"""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

from bot import cache

COMMAND_CONTEXT = "command"
# CLDR plural categories in the order gettext numbers a catalog's plural forms (msgstr[i])
PLURAL_ORDER = ("zero", "one", "two", "few", "many", "other")
# command -> English msgid: alternatives separated by "|"; translators do the same.
COMMANDS = {
    "restart": "start over|restart|reset|begin again",
    "why": "why|why?|how did we get here|how did you get there",
    "yes": "yes|y|solved|it worked|that worked|fixed",
    "no": "no|n|not solved|still broken|didn't work|it didn't work",
}
# the first word after a channel's own command (Slack's ``/keyhelp``), translated the same way
CHANNEL_COMMANDS = {
    "help": "help",
    "lang": "lang",
}


def fold_command(text: str) -> str:
    """Commands compare regardless of width, case, spacing and final punctuation."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    return " ".join(folded.split()).strip(" 。.!！?？")


Entries = dict[str, dict[str, str]]  # language -> msgid -> translation
PluralEntries = dict[str, dict[str, tuple[str, ...]]]  # language -> singular msgid -> forms


def _read_catalogs(locale_dir: Path) -> tuple[Entries, PluralEntries]:
    from babel.messages.pofile import read_po

    catalogs: Entries = {}
    plurals: PluralEntries = {}
    for po in sorted(locale_dir.glob("*.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=None)
        entries: dict[str, str] = {}
        forms: dict[str, tuple[str, ...]] = {}
        for message in catalog:
            if isinstance(message.id, tuple | list) and all(message.string or ()):
                forms[message.id[0]] = tuple(str(form) for form in message.string)
            elif message.id and message.string and isinstance(message.id, str):
                key = f"{message.context}\x04{message.id}" if message.context else message.id
                entries[key] = str(message.string)
        catalogs[po.stem], plurals[po.stem] = entries, forms
    return catalogs, plurals


def plural_index(lang: str, n: int) -> int:
    """Which plural form ``n`` takes in ``lang``, by CLDR's rules (English for an unknown one)."""
    from babel import Locale, UnknownLocaleError

    try:
        rule = Locale.parse(lang.replace("-", "_")).plural_form
    except (UnknownLocaleError, ValueError):
        rule = Locale("en").plural_form
    used = [tag for tag in PLURAL_ORDER if tag in rule.tags or tag == "other"]
    return used.index(rule(n))


class Catalogs:
    """All translations, loaded once at start-up; lookups never fail (English fallback)."""

    def __init__(self, *, locale_dir: Path) -> None:
        self.locale_dir = locale_dir
        files = sorted(locale_dir.glob("*.po"))
        digest = hashlib.sha256()
        for po in files:
            digest.update(po.name.encode() + b"\0" + po.read_bytes() + b"\0")
        digest.update(cache.code_digest().encode())  # the entry's shape is the code's
        self.catalogs, self.plurals = cache.cached(
            "catalogs", digest.hexdigest(), lambda: _read_catalogs(locale_dir))
        self._commands = self._command_table(COMMANDS)
        self._channel_commands = self._command_table(CHANNEL_COMMANDS)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.catalogs))

    def gettext(self, lang: str, msgid: str) -> str:
        return self.catalogs.get(lang, {}).get(msgid) or msgid

    def ngettext(self, lang: str, singular: str, plural: str, n: int) -> str:
        """The form of ``singular`` that ``n`` takes in ``lang`` (English msgids as fallback)."""
        forms = self.plurals.get(lang, {}).get(singular)
        if forms:
            return forms[min(plural_index(lang, n), len(forms) - 1)]
        return (singular, plural)[min(plural_index("en", n), 1)]

    def pgettext(self, lang: str, context: str, msgid: str) -> str:
        return self.catalogs.get(lang, {}).get(f"{context}\x04{msgid}") or msgid

    def _command_table(self, commands: dict[str, str]) -> dict[str, str]:
        table: dict[str, str] = {}
        for command, msgid in commands.items():
            variants = [msgid] + [self.pgettext(lang, COMMAND_CONTEXT, msgid)
                                  for lang in self.catalogs]
            for variant in variants:
                for phrase in variant.split("|"):
                    if fold_command(phrase):
                        table.setdefault(fold_command(phrase), command)
        return table

    def command(self, text: str) -> str | None:
        """``restart``/``why``/``yes``/``no`` if ``text`` is one of their phrases, else None."""
        return self._commands.get(fold_command(text))

    def channel_command(self, word: str) -> str | None:
        """``help``/``lang`` if ``word`` is one of their words in any language, else None."""
        return self._channel_commands.get(fold_command(word))
