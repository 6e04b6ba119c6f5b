"""`keyhelp chat` and `keyhelp diagnose`: the terminal front end (no wording, no knowledge here).

Replies go through ``bot.channels.cli.terminal.Terminal``: wrapped and in colour on a terminal,
exactly as rendered when piped. A one-shot ``diagnose`` renders its replies with ``one_shot``:
no numbered choices it could not take, and a word on how to go on (``keyhelp chat``).

Examples::

    keyhelp chat --lang ja
    printf '%s\\n' "The product key you entered isn't valid" 1 2 | keyhelp chat
    keyhelp chat --jsonl < turns.jsonl     # machine mode: bot/channels/cli/chat_jsonl.py
    keyhelp diagnose "このプロダクト キーは既に使用されています" --json
    keyhelp diagnose --image screenshot.png      # the error read from a screenshot
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING

from bot.channels.cli.main import CliError, add_rules_option

if TYPE_CHECKING:
    from bot.channels.cli.terminal import Terminal
    from bot.dialogue.assistant import Assistant

QUIT = {"quit", "exit", ":q"}


def _assistant(rules: str | None, *, with_store: bool, lang: str | None = None) -> Assistant:
    """Build the assistant; a broken rules file or setting becomes a readable exit message.

    ``lang`` (``--lang``) must be a locale of the rules file, as ``KEYHELP_LANG`` must; the
    store must be writable (checked now, not at the first turn).
    """
    from bot.config import DatabaseUnavailable, SettingError, Settings, check_locale
    from bot.dialogue.assistant import Assistant
    from bot.knowledge.problems import RulesError

    try:
        settings = Settings.from_env(rules=rules)
    except SettingError as err:
        raise CliError(str(err)) from None
    try:
        observer = None
        if with_store:  # a one-shot diagnose keeps no conversation and records nothing
            from bot.analytics.store import recorder_for

            observer = recorder_for(settings, channel="cli", clock=time.time)
        assistant = Assistant.from_settings(settings, with_store=with_store, observer=observer)
        if lang is not None:
            try:
                check_locale(lang, assistant.brain.knowledge.locale_ids, name="--lang")
            except SettingError:
                assistant.close()
                raise
        return assistant
    except (SettingError, DatabaseUnavailable) as err:
        raise CliError(str(err)) from None
    except RulesError as err:
        raise CliError(f"{err}\n{err.report()}\n"
                       "Fix the rules file (keyhelp rules check) and retry.") from None
    except OSError as err:  # say which file, and which setting points at it
        from bot.channels.cli.startup import unusable_file

        raise unusable_file(err, settings) from None


def _print(terminal: Terminal, replies: list, *, one_shot: bool = False) -> None:
    """Each reply, then a blank line; flushed so a reader on a pipe sees the question now."""
    from bot.render.renderer import render

    for reply in replies:
        terminal.show(render(reply, "cli", one_shot=one_shot, colour=terminal.colour).text)


def chat(argv: list[str]) -> None:
    """`keyhelp chat`: a conversation kept in the store, so it can be resumed by its id."""
    parser = argparse.ArgumentParser(
        prog="keyhelp chat",
        description="Talk to keyhelp in the terminal; answers can also be piped on stdin, "
                    "one per line. '/image FILE' sends a screenshot of the error.")
    parser.add_argument("--lang", metavar="LOCALE",
                        help="Reply language (a locale of the rules file, e.g. ja, en).")
    add_rules_option(parser)
    parser.add_argument("--conversation", dest="conversation_id", metavar="ID",
                        help="Continue this conversation (its id is printed when a chat starts).")
    parser.add_argument("--jsonl", action="store_true",
                        help="Machine mode: one JSON object a line in ({\"conversation\": ID, "
                             "\"text\": ...} or {..., \"action\": VALUE}), one out per line.")
    args = parser.parse_args(argv)
    if args.jsonl and args.conversation_id is not None:
        parser.error("--conversation does not go with --jsonl: each line names its conversation")
    lang, conversation_id = args.lang, args.conversation_id
    assistant = _assistant(args.rules, with_store=True, lang=lang)
    from bot.config import DatabaseUnavailable
    from bot.dialogue.assistant import ConversationBusy

    try:
        if args.jsonl:
            from bot.channels.cli.chat_jsonl import run

            run(assistant, sys.stdin.buffer, sys.stdout, lang)
        else:
            _chat(assistant, conversation_id, lang)
    except (ConversationBusy, DatabaseUnavailable) as err:
        raise CliError(str(err)) from None
    finally:
        assistant.close()


def _chat(assistant: Assistant, conversation_id: str | None, lang: str | None) -> None:
    """Resume the conversation with that id (which must exist), or start a new one."""
    assistant.watcher.install_sighup()  # `kill -HUP` re-reads the rules; edits are seen anyway
    from bot.channels.cli.terminal import Terminal

    terminal = Terminal()
    if conversation_id is not None:
        if assistant.store is None or assistant.store.load(conversation_id) is None:
            raise CliError(f"no conversation {conversation_id!r} in the conversation store "
                           "(KEYHELP_DB): it never existed, or expired after KEYHELP_IDLE_HOURS "
                           "idle; `keyhelp chat` starts a new one")
        _print(terminal, assistant.handle(conversation_id, action="lang:" + lang) if lang
               else assistant.handle(conversation_id))
    else:
        import uuid  # here: `keyhelp diagnose` does not pay for it

        conversation_id = f"cli-{uuid.uuid4().hex[:12]}"
        print(f"(conversation {conversation_id}; continue it later with "
              f"--conversation {conversation_id})", file=sys.stderr)
        _print(terminal, assistant.start(conversation_id, lang=lang, explicit=lang is not None))
    interactive = sys.stdin.isatty()
    images = None
    try:
        while True:
            if interactive:
                terminal.prompt("> ")
            line = sys.stdin.readline()
            if not line:
                break
            text = line.strip()
            if not text:
                continue
            if text.casefold() in QUIT:
                break
            from bot.channels.cli import image

            if image.is_command(text):
                images = images or image.Images()
                _print(terminal, images.turn(assistant, conversation_id,
                                             text[len(image.COMMAND):]))
                continue
            _print(terminal, assistant.handle(conversation_id, text=text))
    except KeyboardInterrupt:
        print()
    finally:
        if images is not None:
            images.close()


def diagnose(argv: list[str]) -> int | None:
    """`keyhelp diagnose`: one message in, the first step out; nothing stored."""
    parser = argparse.ArgumentParser(
        prog="keyhelp diagnose",
        description="Recognise one message and print the first question or remedy "
                    "(no conversation kept).")
    parser.add_argument("text", metavar="TEXT", nargs="?",
                        help="The error message, whole or in part.")
    parser.add_argument("--image", metavar="FILE",
                        help="Read the error from a screenshot instead (PNG, JPEG or WebP).")
    parser.add_argument("--json", dest="as_json", action="store_true",
                        help="Print one JSON object instead of text.")
    parser.add_argument("--lang", metavar="LOCALE",
                        help="Reply language (default: the message's language).")
    add_rules_option(parser)
    args = parser.parse_args(argv)
    if (args.text is None) == (args.image is None):
        parser.error("give the error message as TEXT or as --image FILE (one of the two)")
    if args.text is not None and not args.text.strip():
        parser.error("TEXT is empty: give the error message (or part of it) to diagnose")
    from bot.render.renderer import default_renderer

    assistant = _assistant(args.rules, with_store=False, lang=args.lang)
    more: dict[str, object] = {}
    if args.image is None:
        result = assistant.diagnose(args.text, lang=args.lang)
    else:
        from bot.channels.cli.image import diagnose_image

        result, more = diagnose_image(assistant, args.image, lang=args.lang)
    failed = 1 if more.get("image", {}).get("read") is False else None  # type: ignore[union-attr]
    if args.as_json:
        from bot.channels.cli.chat_jsonl import reply_json

        replies = [reply_json(reply) for reply in result.replies]
        print(json.dumps({"recognition": result.recognition.to_json(), "replies": replies,
                          "rules": list(result.fired), **more}, ensure_ascii=False))
        return failed
    from bot.channels.cli.terminal import Terminal

    terminal = Terminal()
    recognition = result.recognition
    lang = result.replies[0].lang
    knowledge = assistant.brain.knowledge
    if recognition.action == "answer" and recognition.intent in knowledge.intents:
        # only a recognised message has a confidence worth showing: for the others the
        # replies say what keyhelp made of it
        title = knowledge.intents[recognition.intent].title.get(lang, knowledge.default_locale)
        terminal.show(default_renderer().render_named(
            "cli", "recognised", lang, title=title,
            confidence=round(recognition.confidence * 100)))
    _print(terminal, list(result.replies), one_shot=True)
    return failed
