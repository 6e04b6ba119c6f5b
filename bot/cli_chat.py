"""`keyhelp chat` and `keyhelp diagnose`: the terminal front end (no wording, no knowledge here).

Examples::

    keyhelp chat --lang ja
    printf '%s\\n' "The product key you entered isn't valid" 1 2 | keyhelp chat
    keyhelp diagnose "このプロダクト キーは既に使用されています" --json
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from bot.assistant import Assistant

QUIT = {"quit", "exit", ":q"}


def _assistant(rules: str | None, *, with_store: bool) -> Assistant:
    """Build the assistant; a broken rules file or setting becomes a readable exit message."""
    from bot.assistant import Assistant
    from bot.config import Settings
    from bot.problems import RulesError

    try:
        settings = Settings.from_env(rules=rules)
        return Assistant.from_settings(settings, with_store=with_store)
    except RulesError as err:
        raise click.ClickException(f"{err}\n{err.report()}\n"
                                   "Fix the rules file (keyhelp rules check) and retry.") from None
    except (ValueError, OSError) as err:
        raise click.ClickException(str(err)) from None


def _print(replies: list, channel: str = "cli") -> None:
    from bot.render import render

    for reply in replies:
        click.echo(render(reply, channel).text)
        click.echo()


@click.command()
@click.option("--lang", default=None,
              help="Reply language (a locale of the rules file, e.g. ja, en).")
@click.option("--rules", type=click.Path(dir_okay=False), default=None,
              help="Rules file (default: $KEYHELP_RULES, else the shipped one).")
@click.option("--conversation", "conversation_id", default=None,
              help="Continue this conversation (its id is printed when a chat starts).")
def chat(lang: str | None, rules: str | None, conversation_id: str | None) -> None:
    """Talk to keyhelp in the terminal; answers can also be piped on stdin, one per line."""
    assistant = _assistant(rules, with_store=True)
    assistant.watcher.install_sighup()  # `kill -HUP` re-reads the rules; edits are seen anyway
    if lang is not None and lang not in assistant.brain.knowledge.locale_ids:
        raise click.BadParameter(
            f"{lang!r} is not a locale of the rules file; one of: "
            + ", ".join(assistant.brain.knowledge.locale_ids), param_hint="--lang")
    resuming = conversation_id is not None and assistant.store is not None \
        and assistant.store.load(conversation_id) is not None
    import uuid  # here: `keyhelp diagnose` does not pay for it

    conversation_id = conversation_id or f"cli-{uuid.uuid4().hex[:12]}"
    click.echo(f"(conversation {conversation_id}; continue it later with "
               f"--conversation {conversation_id})", err=True)
    if resuming:
        _print(assistant.handle(conversation_id, action="lang:" + lang) if lang
               else assistant.handle(conversation_id))
    else:
        _print(assistant.start(conversation_id, lang=lang, explicit=lang is not None))
    interactive = sys.stdin.isatty()
    try:
        while True:
            if interactive:
                click.echo("> ", nl=False)
            line = sys.stdin.readline()
            if not line:
                break
            text = line.strip()
            if not text:
                continue
            if text.casefold() in QUIT:
                break
            _print(assistant.handle(conversation_id, text=text))
    except KeyboardInterrupt:
        click.echo()
    finally:
        assistant.close()


@click.command()
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--lang", default=None, help="Reply language (default: the message's language).")
@click.option("--rules", type=click.Path(dir_okay=False), default=None,
              help="Rules file (default: $KEYHELP_RULES, else the shipped one).")
def diagnose(text: str, as_json: bool, lang: str | None, rules: str | None) -> None:
    """Recognise one message and print the first question or remedy (no conversation kept)."""
    from bot.render import render

    assistant = _assistant(rules, with_store=False)
    result = assistant.diagnose(text, lang=lang)
    if as_json:
        replies = []
        for reply in result.replies:
            rendered = render(reply, "cli")
            replies.append({"kind": reply.kind, "text": rendered.fallback,
                            "choices": [{"value": v, "label": label}
                                        for v, label in rendered.choices],
                            "links": [{"url": u, "label": label} for u, label in rendered.links]})
        click.echo(json.dumps({"recognition": result.recognition.to_json(), "replies": replies,
                               "rules": list(result.fired)}, ensure_ascii=False))
        return
    recognition = result.recognition
    click.echo(f"intent: {recognition.intent or '-'}  action: {recognition.action}  "
               f"confidence: {recognition.confidence:.2f}  lang: {recognition.lang}")
    click.echo()
    _print(list(result.replies))
