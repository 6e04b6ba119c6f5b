"""`keyhelp rules …`: check, show and draw the rules file, for the helpdesk lead who edits it.

Example::

    keyhelp rules init
    keyhelp rules check
    keyhelp rules show key-invalid --lang ja
    keyhelp rules graph key-invalid --format dot
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.channels.cli import rules_file
from bot.channels.cli.main import CliError, add_rules_option, file_path
from bot.config import rules_max_bytes
from bot.knowledge.catalogs import Catalogs
from bot.knowledge.graph import to_dot, to_mermaid
from bot.knowledge.loader import check_rules
from bot.knowledge.model import Answer, Intent, Knowledge, Target
from bot.paths import SHIPPED, resolve_rules, rules_path, templates_dir

SHOW_CONTEXT = "rules show"  # msgctxt of `rules show`'s labels in templates/locale/*.po


def _max_bytes() -> int:
    try:
        return rules_max_bytes()
    except ValueError as err:
        raise CliError(str(err)) from None


def _load_or_exit(path: Path) -> Knowledge:
    knowledge, problems = check_rules(path, max_bytes=_max_bytes())
    if problems or knowledge is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        raise SystemExit(1)
    return knowledge


def _pick_lang(parser: argparse.ArgumentParser, knowledge: Knowledge, lang: str | None) -> str:
    if lang is None:
        return knowledge.default_locale
    if lang not in knowledge.locale_ids:
        choices = ", ".join(knowledge.locale_ids)
        parser.error(f"argument --lang: '{lang}' is not a locale of {knowledge.source} "
                     f"(choose from {choices})")
    return lang


def _pick_intent(parser: argparse.ArgumentParser, knowledge: Knowledge, intent_id: str) -> Intent:
    if intent_id not in knowledge.intents:
        parser.error(f"argument INTENT: no intent '{intent_id}' "
                     f"(known: {', '.join(knowledge.intents)})")
    return knowledge.intents[intent_id]


def rules(argv: list[str]) -> int | None:
    """`keyhelp rules init|path|check|show|graph`; each handler gets its own parser."""
    parser = argparse.ArgumentParser(prog="keyhelp rules",
                                     description="Check, show and draw the rules file.")
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND",
                                     required=True)
    rules_file.add_commands(commands)
    summary = "Validate FILE (default: the rules in use); list every problem as FILE:LINE:COLUMN."
    check_parser = commands.add_parser("check", help=summary, description=summary)
    check_parser.add_argument("file", metavar="FILE", nargs="?", type=file_path,
                              help="Rules file to check.")
    check_parser.set_defaults(run=check)

    summary = "Print one intent: its messages, cues, causes and diagnosis flow."
    show_parser = commands.add_parser("show", help=summary, description=summary)
    show_parser.add_argument("intent_id", metavar="INTENT", help="Intent id, e.g. key-invalid.")
    show_parser.add_argument("--lang", metavar="LOCALE",
                             help="Locale to show (default: the file's default).")
    add_rules_option(show_parser)
    show_parser.set_defaults(run=show)

    summary = "Draw the diagnosis flow of INTENT (default: every intent)."
    graph_parser = commands.add_parser("graph", help=summary, description=summary)
    graph_parser.add_argument("intent_id", metavar="INTENT", nargs="?",
                              help="Intent id (default: every intent).")
    graph_parser.add_argument("--format", dest="fmt", choices=["mermaid", "dot"],
                              default="mermaid", help="Diagram language (default: %(default)s).")
    graph_parser.add_argument("--lang", metavar="LOCALE",
                              help="Locale of the labels (default: the file's default).")
    add_rules_option(graph_parser)
    graph_parser.set_defaults(run=graph)

    args = parser.parse_args(argv)
    return args.run(args, commands.choices[args.command])


def check(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Every problem on stdout (one FILE:LINE:COLUMN line each), the count on stderr."""
    choice = resolve_rules(args.file, explicit_origin="from the command line")
    knowledge, problems = check_rules(choice.path, max_bytes=_max_bytes())
    checked = f"{choice.path} ({choice.origin})"
    if problems or knowledge is None:
        for problem in problems:
            print(problem)
        print(f"{checked}: {len(problems)} problem{'s' if len(problems) != 1 else ''}",
              file=sys.stderr)
        return 1
    questions = sum(len(i.questions) for i in knowledge.intents.values())
    remedies = sum(len(i.remedies) for i in knowledge.intents.values())
    print(f"clean — {checked}: {len(knowledge.intents)} intents, {questions} questions, "
          f"{remedies} remedies, {len(knowledge.outcomes)} outcomes, "
          f"locales {', '.join(knowledge.locale_ids)}")
    if choice.origin == SHIPPED:
        print(rules_file.EDIT_HINT, file=sys.stderr)
    print(_policy_line(knowledge))
    return 0


class _Labels:
    """`rules show`'s own words in the language shown (msgctxt "rules show" in the catalogs)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.catalogs = Catalogs(locale_dir=templates_dir() / "locale")

    def __call__(self, msgid: str, **values: str) -> str:
        return self.catalogs.pgettext(self.lang, SHOW_CONTEXT, msgid) % values


def _policy_line(knowledge: Knowledge) -> str:
    """The policy in force, defaults included, as the rules file's own words."""
    policy = knowledge.policy

    def said(action: str | Target) -> str:
        return f"{{outcome: {action.id}}}" if isinstance(action, Target) else action

    return (f"policy: hand off after {policy.hand_off_after_unrecognised} unrecognised "
            f"message(s) in a row; why? at a question: {policy.why_at_question}, at a remedy: "
            f"{policy.why_at_remedy}, at the end: {policy.why_at_end}; start over: "
            f"{policy.start_over}; language change: {policy.language_change}; solved: "
            f"{said(policy.solved)}; not solved: {said(policy.not_solved)}")


def show(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """The intent as a tree, so an author can read the whole flow without the YAML."""
    knowledge = _load_or_exit(rules_path(args.rules))
    lang = _pick_lang(parser, knowledge, args.lang)
    intent = _pick_intent(parser, knowledge, args.intent_id)
    fallback = knowledge.default_locale
    say = _Labels(lang)
    out = [say("%(intent)s (%(kind)s): %(title)s", intent=intent.id, kind=say(intent.kind),
               title=intent.title.get(lang, fallback)), "", say("Messages:")]
    out += [f"  - {m.get(lang, fallback)}" for m in intent.messages] or \
        ["  " + say("(none: a topic)")]
    out += ["", say("Cues:"), "  " + " | ".join(intent.cues.get(lang, ())), "", say("Causes:")]
    out += [f"  {c.id}: {c.text.get(lang, fallback)}" for c in intent.causes.values()]
    out += ["", say("Flow:")]
    out += _flow_lines(knowledge, intent, intent.start, say, depth=1)
    print("\n".join(out))


def _flow_lines(knowledge: Knowledge, intent: Intent, target: Target, say: _Labels,
                depth: int) -> list[str]:
    pad = "  " * depth
    lang, fallback = say.lang, knowledge.default_locale
    if target.kind == "ask":
        question = intent.questions[target.id]
        measures = f" (measures {question.measures})" if question.measures else ""
        lines = [f"{pad}? {question.text.get(lang, fallback)}  [{target.id}]{measures}"]
        for answer in question.answers:
            label = answer.label.get(lang, fallback)
            if answer.when:
                label = say("%(answer)s (when %(cause)s)", answer=label, cause=answer.when)
            lines.append(f"{pad}  - {label}{_typed(answer, say)}")
            if answer.cues.get(lang):
                lines.append(f"{pad}    " + say("typed: %(cues)s",
                                                cues=" | ".join(answer.cues[lang])))
            lines += _flow_lines(knowledge, intent, answer.target, say, depth + 2)
        return lines
    if target.kind == "remedy":
        remedy = intent.remedies[target.id]
        links = "".join(f"\n{pad}  " + say("link: %(url)s", url=knowledge.links[name].url)
                        for name in remedy.links)
        lines = [f"{pad}> {remedy.text.get(lang, fallback)}  [{target.id}]{links}",
                 f"{pad}  - " + say("not solved:")]
        unsolved = remedy.if_unsolved or knowledge.policy.not_solved  # the policy's "else"
        if not isinstance(unsolved, Target):
            return [*lines, f"{pad}    = " + say("hand-off to a helpdesk agent")]
        return lines + _flow_lines(knowledge, intent, unsolved, say, depth + 2)
    outcome = knowledge.outcomes[target.id]
    line = "%(outcome)s (escalates): %(text)s" if outcome.escalate else "%(outcome)s: %(text)s"
    return [f"{pad}= " + say(line, outcome=target.id, text=outcome.text.get(lang, fallback))]


def _typed(answer: Answer, say: _Labels) -> str:
    """How a typed answer is read besides its label: what it means, its range."""
    notes = [say("means %(meanings)s", meanings=" / ".join(answer.means))] if answer.means \
        else []
    span = answer.range
    if span is not None:
        low, high = f"{span.low:g}", f"{span.high:g}"
        notes.append(say("%(low)s or more", low=low) if span.high == float("inf") else
                     say("under %(high)s", high=high) if not span.low else
                     say("%(low)s to %(high)s", low=low, high=high))
    return say(" (%(notes)s)", notes="; ".join(notes)) if notes else ""


def graph(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """Mermaid (for Markdown, as in the README) or Graphviz dot of one intent or all."""
    knowledge = _load_or_exit(rules_path(args.rules))
    lang = _pick_lang(parser, knowledge, args.lang)
    intents = ([_pick_intent(parser, knowledge, args.intent_id)] if args.intent_id
               else list(knowledge.intents.values()))
    render = to_mermaid if args.fmt == "mermaid" else to_dot
    print(render(knowledge, intents, lang), end="")
