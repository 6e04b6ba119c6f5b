"""Slack-only wording (``templates/slack/*.j2``): every value escaped for mrkdwn unless trusted.

Same rules as ``bot.render``'s Slack environment: ``{{ value }}`` is escaped (``&``, ``<``,
``>``) unless it is ``Mrkdwn`` (already-rendered text such as a reply body), and gettext
(``{% trans %}``) reads the shared catalogs, so shared partials such as
``default/_summary.j2`` can be included. Sentences only Slack needs pick their language with
``{% if lang == "ja" %}``, so adding one needs no catalog change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

from bot.i18n import Catalogs
from bot.paths import templates_dir
from bot.render import Mrkdwn, escape_mrkdwn


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    return value if isinstance(value, Mrkdwn) or not isinstance(value, str) \
        else escape_mrkdwn(value)


def _link(target: Any, label: str | None = None) -> Mrkdwn:
    """``url | link(label)``, or ``link_ref | link`` for a ``LinkRef`` (as in bot.render)."""
    url = str(target if label is not None else target.url)
    label = label if label is not None else target.label
    return Mrkdwn(f"<{escape_mrkdwn(url).replace('|', '%7C')}|{escape_mrkdwn(label)}>")


class Wording:
    """Renders ``templates/slack/<name>.j2``; built once, safe to share between threads."""

    def __init__(self, *, default_lang: str, templates: Path | None = None,
                 catalogs: Catalogs | None = None) -> None:
        root = templates or templates_dir()
        catalogs = catalogs or Catalogs(locale_dir=root / "locale")
        self._env = Environment(
            loader=FileSystemLoader(str(root)), undefined=StrictUndefined, autoescape=False,
            finalize=_finalize, trim_blocks=True, lstrip_blocks=True, auto_reload=False,
            extensions=["jinja2.ext.i18n"],
        )

        @pass_context
        def gettext(context: Any, msgid: str) -> str:
            return catalogs.gettext(context["lang"], msgid)

        @pass_context
        def ngettext(context: Any, singular: str, plural: str, n: int) -> str:
            return catalogs.gettext(context["lang"], singular if n == 1 else plural)

        self._env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
        self._env.filters["link"] = _link
        # for Block Kit plain_text fields (button labels), which Slack shows verbatim
        self._env.filters["plain_text"] = lambda text: Mrkdwn(str(text))
        self._env.filters["quote"] = lambda text: Mrkdwn(
            "\n".join("> " + escape_mrkdwn(line) for line in str(text).splitlines() or [""]))
        self._default_lang = default_lang

    def __call__(self, name: str, lang: str | None, **fields: Any) -> Mrkdwn:
        """The template's text: safe mrkdwn, so it is not escaped again when nested."""
        template = self._env.get_template(f"slack/{name}.j2")
        return Mrkdwn(template.render(lang=lang or self._default_lang, **fields).strip())


__all__ = ["Mrkdwn", "Wording"]
