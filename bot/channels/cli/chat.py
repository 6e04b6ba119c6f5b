"""`keyhelp chat` and `keyhelp diagnose`: the terminal front end (no wording, no knowledge here).

Examples::

    keyhelp chat --lang ja
    printf '%s\\n' "The product key you entered isn't valid" 1 2 | keyhelp chat
    keyhelp diagnose "このプロダクト キーは既に使用されています" --json
    keyhelp diagnose --image screenshot.png      # the error read from a screenshot
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from bot.channels.cli.main import CliError, add_rules_option, started

if TYPE_CHECKING:
    from bot.dialogue.assistant import Assistant

QUIT = {"quit", "exit", ":q"}


def _assistant(rules: str | None, *, with_store: bool) -> Assistant:
    """Build the assistant; a broken rules file or setting becomes a readable exit message."""
    from bot.config import Settings
    from bot.dialogue.assistant import Assistant
    from bot.knowledge.problems import RulesError

    try:
        settings = Settings.from_env(rules=rules)
    except ValueError as err:
        raise CliError(str(err)) from None
    try:
        return Assistant.from_settings(settings, with_store=with_store)
    except RulesError as err:
        raise CliError(f"{err}\n{err.report()}\n"
                       "Fix the rules file (keyhelp rules check) and retry.") from None
    except OSError as err:  # say which file, and which setting points at it
        failed = str(err.filename)
        if failed == str(settings.rules_path):
            what = f"the rules file {failed} (--rules or KEYHELP_RULES)"
        elif failed in (str(settings.db_path), str(settings.db_path.parent)):
            what = f"the conversation store {settings.db_path} (KEYHELP_DB)"
        else:
            raise CliError(f"cannot start: {err}") from None
        raise CliError(f"cannot use {what}: {err.strerror or err}") from None


def _print(replies: list, channel: str = "cli") -> None:
    """Each reply, then a blank line; flushed so a reader on a pipe sees the question now."""
    from bot.render.renderer import render

    for reply in replies:
        print(render(reply, channel).text, end="\n\n", flush=True)


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
    args = parser.parse_args(argv)
    lang, conversation_id = args.lang, args.conversation_id
    assistant = _assistant(args.rules, with_store=True)
    started()
    assistant.watcher.install_sighup()  # `kill -HUP` re-reads the rules; edits are seen anyway
    locales = assistant.brain.knowledge.locale_ids
    if lang is not None and lang not in locales:
        assistant.close()
        parser.error(f"argument --lang: {lang!r} is not a locale of the rules file; one of: "
                     + ", ".join(locales))
    resuming = conversation_id is not None and assistant.store is not None \
        and assistant.store.load(conversation_id) is not None
    import uuid  # here: `keyhelp diagnose` does not pay for it

    conversation_id = conversation_id or f"cli-{uuid.uuid4().hex[:12]}"
    print(f"(conversation {conversation_id}; continue it later with "
          f"--conversation {conversation_id})", file=sys.stderr)
    if resuming:
        _print(assistant.handle(conversation_id, action="lang:" + lang) if lang
               else assistant.handle(conversation_id))
    else:
        _print(assistant.start(conversation_id, lang=lang, explicit=lang is not None))
    interactive = sys.stdin.isatty()
    images = None
    try:
        while True:
            if interactive:
                print("> ", end="", flush=True)
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
                _print(images.turn(assistant, conversation_id, text[len(image.COMMAND):]))
                continue
            _print(assistant.handle(conversation_id, text=text))
    except KeyboardInterrupt:
        print()
    finally:
        if images is not None:
            images.close()
        assistant.close()


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
    from bot.render.renderer import render

    assistant = _assistant(args.rules, with_store=False)
    more: dict[str, object] = {}
    if args.image is None:
        result = assistant.diagnose(args.text, lang=args.lang)
    else:
        from bot.channels.cli.image import diagnose_image

        result, more = diagnose_image(assistant, args.image, lang=args.lang)
    if args.as_json:
        replies = []
        for reply in result.replies:
            rendered = render(reply, "cli")
            replies.append({"kind": reply.kind, "text": rendered.fallback,
                            "choices": [{"value": v, "label": label}
                                        for v, label in rendered.choices],
                            "links": [{"url": u, "label": label} for u, label in rendered.links]})
        print(json.dumps({"recognition": result.recognition.to_json(), "replies": replies,
                          "rules": list(result.fired), **more}, ensure_ascii=False))
    else:
        recognition = result.recognition
        print(f"intent: {recognition.intent or '-'}  action: {recognition.action}  "
              f"confidence: {recognition.confidence:.2f}  lang: {recognition.lang}", end="\n\n")
        _print(list(result.replies))
    return 1 if more.get("image", {}).get("read") is False else None  # type: ignore[union-attr]
