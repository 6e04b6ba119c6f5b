"""Replies and named templates to channel text through Jinja2: wording in templates, knowledge
in rules.

``render(reply, "cli" | "slack" | "web") -> Rendered``. The body comes from ``templates/<channel>/
<kind>.j2``, else ``templates/default/<kind>.j2``; the plain-text ``fallback`` from the
default template in the terminal's Environment (nothing escaped). Templates that are not a
reply (Slack's help, App Home, escalation post and agent drafts; the terminal's "recognised"
line) go through the same Environments: ``render_named(channel, name, lang, **fields)``.
Each channel has exactly one Environment in the process, built once, with ``StrictUndefined``
and the channel's escaping rule and filters (bot/render/filters.py). Interface wording goes
through gettext (``{% trans %}``, ``_()``) in the template's ``lang``; plurals
(``{% pluralize %}``) follow the language's CLDR plural rules.
``choices`` and ``links`` come back structured, for the adapter to build buttons from.
The terminal adds two options: ``one_shot`` (a command that cannot take an answer: no numbered
choices, a word on how to go on) and ``colour`` (ANSI bold through the ``strong`` filter).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from bot.dialogue.replies import Reply
from bot.knowledge.catalogs import Catalogs
from bot.render.filters import (
    HTML_CHANNELS,
    Mrkdwn,
    environment_options,
    escape_mrkdwn,
    install,
    label_of,
    mrkdwn_url,
)

CHANNELS: tuple[str, ...] = ("cli", "slack", "web")
PLAIN = "cli"  # fallbacks are the default templates with nothing escaped: the terminal's way


@dataclass(frozen=True, slots=True)
class Rendered:
    """A reply ready to send: body text, plain-text fallback, buttons and links."""

    kind: str
    text: str  # the body, formatted for the channel
    fallback: str  # plain text (Slack notifications, screen readers, logs)
    choices: tuple[tuple[str, str], ...]  # (action value, label in the reply language)
    links: tuple[tuple[str, str], ...]  # (url, label)


class Renderer:
    """One Jinja2 Environment per channel, each built once and shared by every template."""

    def __init__(self, *, templates: Path, catalogs: Catalogs) -> None:
        self.templates = templates
        self.catalogs = catalogs
        self._envs: dict[str, jinja2.Environment] = {}
        self._lock = threading.Lock()

    def environment(self, channel: str) -> jinja2.Environment:
        """The channel's Environment, built on first use and kept (one per channel)."""
        env = self._envs.get(channel)
        if env is None:
            if channel not in CHANNELS:
                raise ValueError(f"unknown channel {channel!r}; one of {', '.join(CHANNELS)}")
            with self._lock:
                env = self._envs.get(channel) or self._environment(channel)
                self._envs[channel] = env
        return env

    def _environment(self, channel: str) -> jinja2.Environment:
        from bot.config import cache_dir

        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(self.templates)),
            # compiled templates on disk: a fresh `keyhelp diagnose` skips compiling them
            bytecode_cache=_bytecode_cache(cache_dir(), channel),
            undefined=jinja2.StrictUndefined, keep_trailing_newline=False,
            trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"],
            auto_reload=False, **environment_options(channel))
        install(env, channel, self.catalogs)
        return env

    def render(self, reply: Reply, channel: str, *, one_shot: bool = False,
               colour: bool = False) -> Rendered:
        """The reply for ``channel`` ("cli", "slack" or "web"; web's ``text`` is ``Markup``);
        the options are the terminal's."""
        # its fields as they are (``dataclasses.asdict`` would copy every nested record)
        context = {f.name: getattr(reply, f.name) for f in fields(reply)}
        body = self.environment(channel).select_template(
            [f"{channel}/{reply.kind}.j2", f"default/{reply.kind}.j2"]).render(
                context, one_shot=one_shot, colour=colour)
        plain = self.environment(PLAIN).get_template(f"default/{reply.kind}.j2").render(context)
        choices = tuple((c.value, label_of(self.catalogs, reply.lang, c)) for c in reply.choices)
        links = tuple((link.url, link.label) for link in getattr(reply, "links", ()))
        text = Markup(body.strip()) if channel in HTML_CHANNELS else body.strip()
        return Rendered(kind=reply.kind, text=text, fallback=plain.strip(),
                        choices=choices, links=links)

    def render_named(self, channel: str, name: str, lang: str, **fields: Any) -> str:
        """A channel's template that is not a reply (``templates/<channel>/<name>.j2``), in the
        channel's form: ``Mrkdwn`` for Slack and ``Markup`` for the web (not escaped again when
        nested in another template), text for the terminal."""
        text = self.environment(channel).get_template(f"{channel}/{name}.j2").render(
            lang=lang, **fields).strip()
        if channel == "slack":
            return Mrkdwn(text)
        return Markup(text) if channel in HTML_CHANNELS else text


def _bytecode_cache(folder: Path | None, channel: str) -> jinja2.BytecodeCache | None:
    """One folder per channel: Jinja2 keys compiled code by template name only, and the code
    holds the Environment's escaping (HTML autoescape, Slack's finalize); shared, a template
    compiled for the terminal would be served to the web page unescaped."""
    if folder is None:
        return None
    from bot.private_files import private_dir

    where = folder / "jinja2" / channel
    try:
        private_dir(where)  # 0700; Jinja2 writes each entry 0600 (mkstemp)
    except OSError:
        return None  # an unwritable cache only costs time
    return jinja2.FileSystemBytecodeCache(str(where))


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


__all__ = ["CHANNELS", "Mrkdwn", "Rendered", "Renderer", "default_renderer", "escape_mrkdwn",
           "mrkdwn_url", "render"]
