"""Each channel's escaping rule and every template filter, installed in one place.

Slack mrkdwn: every ``{{ value }}`` has ``&``, ``<`` and ``>`` escaped (HTML autoescape would
show ``&#39;`` literally) unless it is ``Mrkdwn``, text our filters or templates already made
safe; a link's URL also has ``|`` escaped (``%7C``), which would otherwise end the URL inside
``<url|label>``. A translated sentence is trusted like template text and only its placeholders
are escaped (``Translated``), so a translator may move a link or a mention within a sentence
while ``<!channel>`` typed by a user stays text. The web page: Jinja2's HTML autoescaping, with
filters that build ``markupsafe.Markup``. The terminal: nothing is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2
from jinja2 import pass_context
from markupsafe import Markup

from bot.dialogue.replies import Choice
from bot.knowledge.catalogs import Catalogs

HTML_CHANNELS = frozenset({"web"})  # autoescaped as HTML; filters build Markup
LINK_MSGID = "%(label)s: %(url)s"  # a link as text (the terminal, plain fallbacks)
_BOLD, _NORMAL = "\x1b[1m", "\x1b[22m"  # ANSI SGR: bold on, bold off (other styles kept)


class Mrkdwn(str):
    """Text already safe for Slack mrkdwn (built by our filters); not escaped again."""


class Translated(Mrkdwn):
    """A catalog sentence: ``%`` fills its named placeholders, escaping all but ``Mrkdwn``."""

    def __mod__(self, values: Any) -> Mrkdwn:
        if isinstance(values, Mapping):
            values = {name: _safe(value) for name, value in values.items()}
        return Mrkdwn(str.__mod__(self, values))


def escape_mrkdwn(value: object) -> str:
    """Slack mrkdwn escaping: only ``&``, ``<`` and ``>``."""
    text = str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn_url(url: str) -> str:
    """A URL as it stands inside ``<url|label>``: escaped, and ``|`` (the label's start) too."""
    return escape_mrkdwn(url).replace("|", "%7C")


def mrkdwn_link(url: str, label: str) -> Mrkdwn:
    return Mrkdwn(f"<{mrkdwn_url(url)}|{escape_mrkdwn(label)}>")


def _safe(value: Any) -> Any:
    return escape_mrkdwn(value) if isinstance(value, str) and not isinstance(value, Mrkdwn) \
        else value


def _finalize_for(channel: str):
    if channel != "slack":
        return lambda value: "" if value is None else value
    return lambda value: "" if value is None else \
        value if isinstance(value, Mrkdwn) else escape_mrkdwn(value)


def environment_options(channel: str) -> dict[str, Any]:
    """The Environment settings that differ by channel: its escaping."""
    return {"autoescape": channel in HTML_CHANNELS, "finalize": _finalize_for(channel)}


def install(env: jinja2.Environment, channel: str, catalogs: Catalogs) -> None:
    """Gettext in the template's ``lang`` and every filter, for ``channel``."""
    wrap = Translated if channel == "slack" else str

    @pass_context
    def gettext(context: Any, msgid: str) -> str:
        return wrap(catalogs.gettext(context["lang"], msgid))

    @pass_context
    def ngettext(context: Any, singular: str, plural: str, n: int) -> str:
        return wrap(catalogs.ngettext(context["lang"], singular, plural, n))

    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]

    @pass_context
    def link(context: Any, target: Any, label: str | None = None) -> str:
        """``link_ref | link`` (a ``LinkRef``), or ``url | link(label)``."""
        url = str(target if label is not None else target.url)
        label = label if label is not None else target.label
        return _link(channel, url, label, catalogs.gettext(context["lang"], LINK_MSGID))

    env.filters.update(
        label=pass_context(lambda context, choice: label_of(catalogs, context["lang"], choice)),
        link=link,
        quote=lambda text: _quote(channel, text),
        strong=pass_context(
            lambda context, text: f"{_BOLD}{text}{_NORMAL}" if context["colour"] else text),
        # output of the template itself (a ``{% set %}`` block): already in the channel's form
        trusted=lambda text: _trusted(channel, text),
        # Block Kit plain_text (a button's label) is shown verbatim: no mrkdwn escaping
        plain_text=lambda text: Mrkdwn(text) if channel == "slack" else str(text),
        channel_link=lambda cid: _mention(channel, "#", cid),
        mention=lambda uid: _mention(channel, "@", uid),
    )
    env.globals.update(channel=channel, one_shot=False, colour=False)


def label_of(catalogs: Catalogs, lang: str, choice: Choice) -> str:
    """A choice's label in ``lang``: interface labels are translated, the rules file's are not."""
    return catalogs.gettext(lang, choice.label) if choice.interface else choice.label


def _link(channel: str, url: str, label: str, form: str) -> str:
    """Slack's link markup, or the catalog's ``form`` of a label and its URL as text."""
    if channel == "slack":
        return mrkdwn_link(url, label)
    if channel in HTML_CHANNELS:  # only web links become anchors: no javascript: or data: URLs
        if url.lower().startswith(("https://", "http://")):
            return Markup('<a href="{}">{}</a>').format(url, label)
        return Markup(form) % {"label": label, "url": url}
    return form % {"label": label, "url": url}


def _quote(channel: str, text: str) -> str:
    lines = str(text).splitlines() or [""]
    if channel == "slack":
        return Mrkdwn("\n".join("> " + escape_mrkdwn(line) for line in lines))
    if channel in HTML_CHANNELS:
        return Markup("<blockquote>{}</blockquote>").format(str(text))
    return "\n".join("  > " + line for line in lines)


def _trusted(channel: str, text: Any) -> str:
    if channel == "slack":
        return Mrkdwn(str(text))
    return Markup(str(text)) if channel in HTML_CHANNELS else str(text)


def _mention(channel: str, sigil: str, slack_id: Any) -> str:
    """``<@U…>``/``<#C…>`` in Slack; elsewhere the id as text."""
    if channel == "slack":
        return Mrkdwn(f"<{sigil}{escape_mrkdwn(slack_id)}>")
    return f"{sigil}{slack_id}"
