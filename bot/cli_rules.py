"""`keyhelp rules …`: check, show and draw the rules file, for the helpdesk lead who edits it."""

from __future__ import annotations

from pathlib import Path

import click

from bot.graph import to_dot, to_mermaid
from bot.knowledge import Intent, Knowledge, Target
from bot.loader import check_rules
from bot.paths import rules_path

RULES_OPTION = click.option(
    "--rules", "rules_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Rules file (default: $KEYHELP_RULES, else the shipped one).",
)


def _load_or_exit(path: Path) -> Knowledge:
    knowledge, problems = check_rules(path)
    if problems or knowledge is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise SystemExit(1)
    return knowledge


def _pick_lang(knowledge: Knowledge, lang: str | None) -> str:
    if lang is None:
        return knowledge.default_locale
    if lang not in knowledge.locale_ids:
        choices = ", ".join(knowledge.locale_ids)
        raise click.BadParameter(f"'{lang}' is not a locale of {knowledge.source} "
                                 f"(choose from {choices})", param_hint="--lang")
    return lang


def _pick_intent(knowledge: Knowledge, intent_id: str) -> Intent:
    if intent_id not in knowledge.intents:
        raise click.BadParameter(f"no intent '{intent_id}' (known: {', '.join(knowledge.intents)})",
                                 param_hint="INTENT")
    return knowledge.intents[intent_id]


@click.group()
def rules() -> None:
    """Check, show and draw the rules file."""


@rules.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def check(file: Path | None) -> None:
    """Validate FILE (default: the rules in use); list every problem as FILE:LINE:COLUMN."""
    path = file or rules_path()
    knowledge, problems = check_rules(path)
    if problems or knowledge is None:
        for problem in problems:
            click.echo(str(problem))
        click.echo(f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''}", err=True)
        raise SystemExit(1)
    questions = sum(len(i.questions) for i in knowledge.intents.values())
    remedies = sum(len(i.remedies) for i in knowledge.intents.values())
    click.echo(f"{path}: clean — {len(knowledge.intents)} intents, {questions} questions, "
               f"{remedies} remedies, {len(knowledge.outcomes)} outcomes, "
               f"locales {', '.join(knowledge.locale_ids)}")


@rules.command()
@click.argument("intent_id", metavar="INTENT")
@click.option("--lang", default=None, help="Locale to show (default: the file's default).")
@RULES_OPTION
def show(intent_id: str, lang: str | None, rules_file: Path | None) -> None:
    """Print one intent: its messages, cues, causes and diagnosis flow."""
    knowledge = _load_or_exit(rules_path(rules_file))
    lang = _pick_lang(knowledge, lang)
    intent = _pick_intent(knowledge, intent_id)
    fallback = knowledge.default_locale
    out = [f"{intent.id} ({intent.kind}): {intent.title.get(lang, fallback)}", "", "Messages:"]
    out += [f"  - {m.get(lang, fallback)}" for m in intent.messages] or ["  (none: a topic)"]
    out += ["", "Cues:", "  " + " | ".join(intent.cues.get(lang, ())), "", "Causes:"]
    out += [f"  {c.id}: {c.text.get(lang, fallback)}" for c in intent.causes.values()]
    out += ["", "Flow:"]
    out += _flow_lines(knowledge, intent, intent.start, lang, depth=1)
    click.echo("\n".join(out))


def _flow_lines(knowledge: Knowledge, intent: Intent, target: Target, lang: str,
                depth: int) -> list[str]:
    pad = "  " * depth
    fallback = knowledge.default_locale
    if target.kind == "ask":
        question = intent.questions[target.id]
        lines = [f"{pad}? {question.text.get(lang, fallback)}  [{target.id}]"]
        for answer in question.answers:
            auto = f" (when {answer.when})" if answer.when else ""
            lines.append(f"{pad}  - {answer.label.get(lang, fallback)}{auto}")
            lines += _flow_lines(knowledge, intent, answer.target, lang, depth + 2)
        return lines
    if target.kind == "remedy":
        remedy = intent.remedies[target.id]
        links = "".join(f"\n{pad}  link: {knowledge.links[name].url}" for name in remedy.links)
        lines = [f"{pad}> {remedy.text.get(lang, fallback)}  [{target.id}]{links}",
                 f"{pad}  - not solved:"]
        if remedy.if_unsolved is None:
            return [*lines, f"{pad}    = hand-off to a helpdesk agent"]
        return lines + _flow_lines(knowledge, intent, remedy.if_unsolved, lang, depth + 2)
    outcome = knowledge.outcomes[target.id]
    tag = " (escalates)" if outcome.escalate else ""
    return [f"{pad}= {target.id}{tag}: {outcome.text.get(lang, fallback)}"]


@rules.command()
@click.argument("intent_id", metavar="[INTENT]", required=False)
@click.option("--format", "fmt", type=click.Choice(["mermaid", "dot"]), default="mermaid",
              show_default=True)
@click.option("--lang", default=None, help="Locale of the labels (default: the file's default).")
@RULES_OPTION
def graph(intent_id: str | None, fmt: str, lang: str | None, rules_file: Path | None) -> None:
    """Draw the diagnosis flow of INTENT (default: every intent)."""
    knowledge = _load_or_exit(rules_path(rules_file))
    lang = _pick_lang(knowledge, lang)
    intents = ([_pick_intent(knowledge, intent_id)] if intent_id
               else list(knowledge.intents.values()))
    render = to_mermaid if fmt == "mermaid" else to_dot
    click.echo(render(knowledge, intents, lang), nl=False)
