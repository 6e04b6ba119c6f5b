"""Replies to channel text through Jinja2 templates: wording in templates, knowledge in rules.

``render(reply, "cli" | "slack" | "web") -> Rendered``. The body comes from ``templates/<channel>/
<kind>.j2``, else ``templates/default/<kind>.j2``; the plain-text ``fallback`` from the
default template without channel escaping. Each channel has one Environment, built once, with
``StrictUndefined``; escaping is the channel's: none for the terminal, for Slack mrkdwn only
``&``, ``<``, ``>`` of every ``{{ value }}`` (HTML autoescape would show ``&#39;`` literally),
and Jinja2's HTML autoescaping for the web page (its body is safe HTML, ``markupsafe.Markup``).
Interface wording goes through gettext (``{% trans %}``, ``_()``) in the reply's ``lang``;
plurals (``{% pluralize %}``) follow the language's CLDR plural rules.
``choices`` and ``links`` come back structured, for the adapter to build buttons from.
The terminal adds two options: ``one_shot`` (a command that cannot take an answer: no numbered
choices, a word on how to go on) and ``colour`` (ANSI bold through the ``strong`` filter).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
from jinja2 import pass_context
from markupsafe import Markup

from bot.dialogue.replies import Choice, Reply
from bot.knowledge.catalogs import Catalogs

CHANNELS: tuple[str, ...] = ("cli", "slack", "web")
HTML_CHANNELS = frozenset({"web"})  # autoescaped as HTML; filters build Markup
_PLAIN = "plain"  # the fallback's environment: default templates, no escaping
LINK_MSGID = "%(label)s: %(url)s"  # a link as text (the terminal, plain fallbacks)
_BOLD, _NORMAL = "\x1b[1m", "\x1b[22m"  # ANSI SGR: bold on, bold off (other styles kept)


class Rendered(NamedTuple):
    """A reply ready to send: body text, plain-text fallback, buttons and links."""

    kind: str
    text: str  # the body, formatted for the channel
    fallback: str  # plain text (Slack notifications, screen readers, logs)
    choices: tuple[tuple[str, str], ...]  # (action value, label in the reply language)
    links: tuple[tuple[str, str], ...]  # (url, label)


class Mrkdwn(str):
    """Text already safe for Slack mrkdwn (built by our filters); not escaped again."""


def escape_mrkdwn(value: object) -> str:
    """Slack mrkdwn escaping: only ``&``, ``<`` and ``>``."""
    text = str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _finalize_for(channel: str):
    if channel != "slack":
        return lambda value: "" if value is None else value

    def finalize(value: object) -> object:
        if value is None:
            return ""
        return value if isinstance(value, Mrkdwn) else escape_mrkdwn(value)
    return finalize


class Renderer:
    """One Jinja2 Environment per channel (plus the plain one), each built once."""

    def __init__(self, *, templates: Path, catalogs: Catalogs) -> None:
        self.templates = templates
        self.catalogs = catalogs
        self._envs: dict[str, jinja2.Environment] = {}
        self._lock = threading.Lock()

    def environment(self, channel: str) -> jinja2.Environment:
        """The channel's Environment, built on first use and kept (one per channel)."""
        env = self._envs.get(channel)
        if env is None:
            with self._lock:
                env = self._envs.get(channel) or self._environment(channel)
                self._envs[channel] = env
        return env

    def _environment(self, channel: str) -> jinja2.Environment:
        from bot.config import cache_dir

        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(self.templates)),
            # compiled templates on disk: a fresh `keyhelp diagnose` skips compiling them
            bytecode_cache=_bytecode_cache(cache_dir()),
            undefined=jinja2.StrictUndefined, autoescape=channel in HTML_CHANNELS,
            keep_trailing_newline=False,
            trim_blocks=True, lstrip_blocks=True, finalize=_finalize_for(channel),
            extensions=["jinja2.ext.i18n"], auto_reload=False)
        catalogs = self.catalogs

        @pass_context
        def gettext(context: Any, msgid: str) -> str:
            return catalogs.gettext(context["lang"], msgid)

        @pass_context
        def ngettext(context: Any, singular: str, plural: str, n: int) -> str:
            return catalogs.ngettext(context["lang"], singular, plural, n)

        env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
        # Every filter, in one place.
        env.filters["label"] = pass_context(
            lambda context, choice: _label(catalogs, context["lang"], choice))
        env.filters["link"] = pass_context(lambda context, link: _link(
            channel, link.url, link.label, catalogs.gettext(context["lang"], LINK_MSGID)))
        env.filters["quote"] = lambda text: _quote(channel, text)
        env.filters["strong"] = pass_context(
            lambda context, text: f"{_BOLD}{text}{_NORMAL}" if context["colour"] else text)
        env.globals.update(channel=channel, one_shot=False, colour=False)
        return env

    def render(self, reply: Reply, channel: str, *, one_shot: bool = False,
               colour: bool = False) -> Rendered:
        """The reply for ``channel`` ("cli", "slack" or "web"; web's ``text`` is ``Markup``);
        the options are the terminal's."""
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}; one of {', '.join(CHANNELS)}")
        context = reply._asdict()
        body = self.environment(channel).select_template(
            [f"{channel}/{reply.kind}.j2", f"default/{reply.kind}.j2"]).render(
                context, one_shot=one_shot, colour=colour)
        plain = self.environment(_PLAIN).get_template(f"default/{reply.kind}.j2").render(context)
        choices = tuple((c.value, _label(self.catalogs, reply.lang, c)) for c in reply.choices)
        links = tuple((link.url, link.label) for link in getattr(reply, "links", ()))
        text = Markup(body.strip()) if channel in HTML_CHANNELS else body.strip()
        return Rendered(kind=reply.kind, text=text, fallback=plain.strip(),
                        choices=choices, links=links)

    def render_named(self, channel: str, name: str, lang: str, **fields: Any) -> str:
        """A channel's template that is not a reply (``templates/<channel>/<name>.j2``)."""
        return self.environment(channel).get_template(f"{channel}/{name}.j2").render(
            lang=lang, **fields).strip()


def _bytecode_cache(folder: Path | None) -> jinja2.BytecodeCache | None:
    if folder is None:
        return None
    from bot.private_files import private_dir

    try:
        private_dir(folder / "jinja2")  # 0700; Jinja2 writes each entry 0600 (mkstemp)
    except OSError:
        return None  # an unwritable cache only costs time
    return jinja2.FileSystemBytecodeCache(str(folder / "jinja2"))


def _label(catalogs: Catalogs, lang: str, choice: Choice) -> str:
    return catalogs.gettext(lang, choice.label) if choice.interface else choice.label


def _link(channel: str, url: str, label: str, form: str) -> str:
    """Slack's link markup, or the catalog's ``form`` of a label and its URL as text."""
    if channel == "slack":
        return Mrkdwn(f"<{escape_mrkdwn(url)}|{escape_mrkdwn(label)}>")
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


_default: Renderer | None = None
_default_lock = threading.Lock()


def default_renderer() -> Renderer:
    """The renderer for the shipped templates, built on first use."""
    global _default
    with _default_lock:
        if _default is None:
            from bot.paths import templates_dir

            root = templates_dir()
            _default = Renderer(templates=root, catalogs=Catalogs(locale_dir=root / "locale"))
        return _default


def render(reply: Reply, channel: str, *, one_shot: bool = False,
           colour: bool = False) -> Rendered:
    """Render with the shipped templates, e.g. ``render(reply, "slack").text``."""
    return default_renderer().render(reply, channel, one_shot=one_shot, colour=colour)
