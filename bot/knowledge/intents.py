"""Reading the ``intents`` section: messages, cues, causes and each diagnosis flow."""

from __future__ import annotations

import yaml

from bot.knowledge.answer_words import check_answers, read_answer_extras
from bot.knowledge.model import STEP_KINDS, Answer, Cause, Intent, Question, Remedy, frozen_map
from bot.knowledge.reader import CHECKS, Ref, RulesReader
from bot.knowledge.yaml_nodes import pos


def read_intents(b: RulesReader, node: yaml.Node | None) -> dict[str, Intent]:
    intents = {}
    for intent_id, value in b.by_id(node, "intents", "intent"):
        b.where[("intent", intent_id)] = value.key_pos
        intent = _read_intent(b, intent_id, value)
        if intent is not None:
            intents[intent_id] = intent
    return intents


def _read_intent(b: RulesReader, intent_id: str, node: yaml.Node) -> Intent | None:
    what = f"intent '{intent_id}'"
    entries = b.mapping(node, what,
                        required=("kind", "title", "messages", "cues", "causes", "start"),
                        optional=("questions", "remedies", "names"))
    if entries is None:
        return None
    kind = b.text(entries.get("kind"), f"the kind of {what}")
    if kind is not None and kind not in ("error", "topic"):
        b.report(entries["kind"], f"{what} has kind '{kind}'", "error or topic")
    title = b.localized(entries.get("title"), f"the title of {what}", pos(node))
    messages = []
    for index, item in enumerate(b.sequence(entries.get("messages"), f"the messages of {what}")):
        message = b.localized(item, f"message {index + 1} of {what}")
        if message is not None:
            messages.append(message)
            b.where[("message", intent_id, str(index))] = pos(item)
    if kind == "error" and "messages" in entries and not messages:
        b.report(entries["messages"], f"error {what} has no messages",
                 "the exact on-screen text, at least once")
    cues = b.per_locale_texts(entries.get("cues"), f"the cues of {what}")
    names = b.per_locale_texts(entries["names"], f"the names of {what}") \
        if "names" in entries else {}
    causes = {}
    for cause_id, value in b.by_id(entries.get("causes"), f"the causes of {what}", "cause"):
        text = b.localized(value, f"cause '{cause_id}' of {what}", value.key_pos)
        if text is not None:
            causes[cause_id] = Cause(cause_id, text)
    start_entries = b.mapping(entries.get("start"), f"the start of {what}",
                              optional=STEP_KINDS) or {}
    start = b.target(start_entries, entries["start"], f"the start of {what}",
                     intent_id) if "start" in entries else None
    questions = _read_questions(b, intent_id, entries.get("questions"))
    remedies = _read_remedies(b, intent_id, entries.get("remedies"))
    if None in (kind, title, start):
        return None
    return Intent(intent_id, kind, title, tuple(messages), frozen_map(cues), frozen_map(causes),
                  start, frozen_map(questions), frozen_map(remedies), frozen_map(names))


def _read_questions(b: RulesReader, intent_id: str, node: yaml.Node | None) -> dict[str, Question]:
    questions: dict[str, Question] = {}
    if node is None:
        return questions
    for qid, value in b.by_id(node, f"the questions of intent '{intent_id}'", "question"):
        what = f"question '{qid}' of intent '{intent_id}'"
        entries = b.mapping(value, what, required=("text", "separates", "answers"),
                            optional=("check", "measures"))
        if entries is None:
            continue
        b.where[("ask", intent_id, qid)] = value.key_pos
        text = b.localized(entries.get("text"), f"the text of {what}", pos(value))
        separates = []
        for cause, item in b.texts(entries.get("separates"), f"the separates of {what}"):
            b.refs.append(Ref("cause", cause, pos(item), intent_id))
            separates.append(cause)
        check = b.text(entries.get("check"), f"the check of {what}") if "check" in entries else None
        if check is not None and check not in CHECKS:
            b.report(entries["check"], f"{what} has unknown check '{check}'",
                     "one of " + ", ".join(CHECKS))
            check = None
        measures = b.text(entries.get("measures"), f"the measures of {what}")
        answers, nodes = _read_answers(b, intent_id, what, entries.get("answers"), check,
                                       measures)
        if "answers" in entries and not answers and not b.sequence(entries["answers"], what):
            b.report(entries["answers"], f"{what} has no answers (a dead end)",
                     "at least one answer leading on")
        check_answers(b, answers, nodes, what, entries.get("measures") if measures else None)
        if text is not None:
            questions[qid] = Question(qid, text, tuple(separates), tuple(answers), check,
                                      measures)
    return questions


def _read_answers(b: RulesReader, intent_id: str, question: str, node: yaml.Node | None,
                  check: str | None, measure: str | None,
                  ) -> tuple[list[Answer], dict[str, dict[str, yaml.Node]]]:
    """The answers, and each one's entries by id (positions for later checks)."""
    answers: list[Answer] = []
    nodes: dict[str, dict[str, yaml.Node]] = {}
    for item in b.sequence(node, f"the answers of {question}"):
        entries = b.mapping(item, f"an answer of {question}", required=("id", "label"),
                            optional=("when", "cues", "means", "range", *STEP_KINDS))
        if entries is None:
            continue
        answer_id = b.ident(entries.get("id"), f"an answer id of {question}")
        what = f"answer '{answer_id}' of {question}"
        label = b.localized(entries.get("label"), f"the label of {what}", pos(item))
        target = b.target(entries, item, what, intent_id)
        when = b.text(entries.get("when"), f"the when of {what}") if "when" in entries else None
        if when is not None and when not in CHECKS.get(check or "", ()):
            expected = ("one of " + ", ".join(CHECKS[check])) if check else \
                "no 'when' (the question has no check)"
            b.report(entries["when"], f"{what} has when '{when}'", expected)
        if answer_id is not None and any(a.id == answer_id for a in answers):
            b.report(entries["id"], f"duplicate answer id '{answer_id}' in {question}",
                     "each answer id once")
        elif None not in (answer_id, label, target):
            extras = read_answer_extras(b, entries, what, measure)
            answers.append(Answer(answer_id, label, target, when, **extras))  # type: ignore[arg-type]
            nodes[answer_id] = entries
    if check is not None:
        for result in CHECKS[check]:
            if not any(a.when == result for a in answers):
                b.report(node or (0, 0), f"{question} has no answer for check result '{result}'",
                         f"an answer with when: {result}")
    return answers, nodes


def _read_remedies(b: RulesReader, intent_id: str, node: yaml.Node | None) -> dict[str, Remedy]:
    remedies: dict[str, Remedy] = {}
    if node is None:
        return remedies
    for rid, value in b.by_id(node, f"the remedies of intent '{intent_id}'", "remedy"):
        what = f"remedy '{rid}' of intent '{intent_id}'"
        entries = b.mapping(value, what, required=("text",), optional=("links", "if_unsolved"))
        if entries is None:
            continue
        b.where[("remedy", intent_id, rid)] = value.key_pos
        text = b.localized(entries.get("text"), f"the text of {what}", pos(value))
        links = b.link_refs(entries.get("links"), f"the links of {what}", intent_id)
        if_unsolved = None
        if "if_unsolved" in entries:
            unsolved = b.mapping(entries["if_unsolved"], f"the if_unsolved of {what}",
                                 optional=STEP_KINDS)
            if unsolved is not None:
                if_unsolved = b.target(unsolved, entries["if_unsolved"],
                                       f"the if_unsolved of {what}", intent_id)
        if text is not None:
            remedies[rid] = Remedy(rid, text, links, if_unsolved)
    return remedies
