"""Slack-only wording (``templates/slack/*.j2``): every value escaped for mrkdwn unless trusted.

Same rules as ``bot.render.renderer``'s Slack environment: ``{{ value }}`` is escaped (``&``, ``<``,
``>``) unless it is ``Mrkdwn`` (already-rendered text such as a reply body), and every sentence
goes through gettext (``{% trans name=value %}``, ``_()``) with the renderer's ``Catalogs``
(``templates/locale/<lang>.po``), so a new language needs only a new ``.po`` file. A translated
sentence is trusted like template text; only its placeholders are escaped (a ``Mrkdwn`` value
such as ``<#C0123>`` is kept), so a translator can move a channel link within the sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

from bot.knowledge.catalogs import Catalogs
from bot.paths import templates_dir
from bot.render.renderer import Mrkdwn, escape_mrkdwn


class Translated(Mrkdwn):
    """A catalog sentence: ``%`` fills its named placeholders, escaping all but ``Mrkdwn``."""

    def __mod__(self, values: Any) -> Mrkdwn:
        if isinstance(values, Mapping):
            values = {name: _safe(value) for name, value in values.items()}
        return Mrkdwn(str.__mod__(self, values))


def _safe(value: Any) -> Any:
    return value if isinstance(value, Mrkdwn) or not isinstance(value, str) \
        else escape_mrkdwn(value)


def _finalize(value: Any) -> Any:
    return "" if value is None else _safe(value)


def _link(target: Any, label: str | None = None) -> Mrkdwn:
    """``url | link(label)``, or ``link_ref | link`` for a ``LinkRef`` (as in
    bot.render.renderer)."""
    url = str(target if label is not None else target.url)
    label = label if label is not None else target.label
    return Mrkdwn(f"<{escape_mrkdwn(url).replace('|', '%7C')}|{escape_mrkdwn(label)}>")


def _trusted(text: Any) -> Mrkdwn:
    """Template output that is already mrkdwn (a ``{% set %}`` block), or a plain_text label."""
    return Mrkdwn(str(text))


class Wording:
    """Renders ``templates/slack/<name>.j2``; built once, safe to share between threads."""

    def __init__(self, *, default_lang: str, catalogs: Catalogs,
                 templates: Path | None = None) -> None:
        root = templates or templates_dir()
        self._env = Environment(
            loader=FileSystemLoader(str(root)), undefined=StrictUndefined, autoescape=False,
            finalize=_finalize, trim_blocks=True, lstrip_blocks=True, auto_reload=False,
            extensions=["jinja2.ext.i18n"],
        )

        @pass_context
        def gettext(context: Any, msgid: str) -> Translated:
            return Translated(catalogs.gettext(context["lang"], msgid))

        @pass_context
        def ngettext(context: Any, singular: str, plural: str, n: int) -> Translated:
            return Translated(catalogs.ngettext(context["lang"], singular, plural, n))

        self._env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
        # Every filter, in one place.
        self._env.filters["link"] = _link
        self._env.filters["trusted"] = _trusted
        self._env.filters["plain_text"] = _trusted  # Block Kit plain_text: shown verbatim
        self._env.filters["channel_link"] = lambda cid: Mrkdwn(f"<#{escape_mrkdwn(cid)}>")
        self._env.filters["mention"] = lambda uid: Mrkdwn(f"<@{escape_mrkdwn(uid)}>")
        self._env.filters["quote"] = lambda text: Mrkdwn(
            "\n".join("> " + escape_mrkdwn(line) for line in str(text).splitlines() or [""]))
        self._default_lang = default_lang

    def __call__(self, name: str, lang: str | None, **fields: Any) -> Mrkdwn:
        """The template's text: safe mrkdwn, so it is not escaped again when nested."""
        template = self._env.get_template(f"slack/{name}.j2")
        return Mrkdwn(template.render(lang=lang or self._default_lang, **fields).strip())


__all__ = ["Mrkdwn", "Wording"]
