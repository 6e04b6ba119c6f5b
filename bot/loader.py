"""Read a rules file into ``Knowledge``, reporting every problem at once with its position.

Shape is checked while reading; references, flows and duplicates are checked afterwards
(``bot.rules_checks``), all against node positions so each problem names FILE:LINE:COLUMN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot import rules_checks
from bot.knowledge import (
    SOLVED_OUTCOME,
    STEP_KINDS,
    Answer,
    Cause,
    CueGroup,
    Intent,
    KeyFormat,
    Knowledge,
    Link,
    Locale,
    Localized,
    Outcome,
    Question,
    Remedy,
    Target,
    frozen_map,
)
from bot.problems import Problem, RulesError
from bot.yaml_nodes import Pos, Reader, compose, pos

SUPPORTED_VERSION = 1
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ID_EXPECTED = "lower-case letters, digits, '-'"
LOCALE_PATTERN = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
CHECKS = {"product-key": ("key-suspicious", "key-clean")}


@dataclass
class Ref:
    """A name used somewhere that must resolve to something declared."""

    kind: str  # link | outcome | ask | remedy | cause | intent
    id: str
    at: Pos
    intent: str | None = None


@dataclass
class _Build(Reader):
    locales: tuple[str, ...] = ()
    refs: list[Ref] = field(default_factory=list)
    where: dict[tuple[str, ...], Pos] = field(default_factory=dict)

    def ident(self, node: yaml.Node | None, what: str) -> str | None:
        value = self.text(node, what)
        if value is not None and not ID_PATTERN.match(value):
            self.report(node, f"{what} '{value}' is not a valid id", ID_EXPECTED)
        return value

    def key_ident(self, key: str, node: yaml.Node, what: str) -> bool:
        if ID_PATTERN.match(key):
            return True
        self.report(node.key_pos, f"{what} '{key}' is not a valid id", ID_EXPECTED)
        return False

    def localized(self, node: yaml.Node | None, what: str, at: Pos = (0, 0)) -> Localized | None:
        entries = self.mapping(node, what, optional=None, at=at)
        if entries is None:
            return None
        texts = {}
        for lang, value in entries.items():
            if lang not in self.locales:
                self.report(value.key_pos, f"{what} has text for undeclared locale '{lang}'",
                            "one of the locales: " + ", ".join(self.locales))
                continue
            text = self.text(value, f"the {lang} text of {what}")
            if text is not None:
                texts[lang] = text
        for lang in self.locales:
            if lang not in entries:
                self.report(node, f"{what} has no '{lang}' text",
                            "one text per locale: " + ", ".join(self.locales))
        return Localized(frozen_map({lang: texts[lang] for lang in self.locales if lang in texts}))

    def per_locale_texts(self, node: yaml.Node | None, what: str) -> dict[str, tuple[str, ...]]:
        entries = self.mapping(node, what, optional=None) or {}
        out: dict[str, tuple[str, ...]] = {}
        for lang, value in entries.items():
            if lang not in self.locales:
                self.report(value.key_pos, f"{what} has phrases for undeclared locale '{lang}'",
                            "one of the locales: " + ", ".join(self.locales))
                continue
            items = self.texts(value, f"the {lang} phrases of {what}")
            if not items and isinstance(value, yaml.SequenceNode):
                self.report(value, f"{what} has no {lang} phrases", "at least one phrase")
            out[lang] = tuple(text for text, _ in items)
        if node is not None and entries:
            for lang in self.locales:
                if lang not in entries:
                    self.report(node, f"{what} has no '{lang}' phrases",
                                "phrases for every locale: " + ", ".join(self.locales))
        return out

    def target(self, entries: dict[str, yaml.Node], at: yaml.Node, what: str,
               intent: str) -> Target | None:
        given = [kind for kind in STEP_KINDS if kind in entries]
        if len(given) != 1:
            self.report(at, f"{what} leads to {len(given)} places",
                        "exactly one of ask: QUESTION, remedy: REMEDY, outcome: OUTCOME")
            return None
        kind = given[0]
        target_id = self.ident(entries[kind], f"the {kind} of {what}")
        if target_id is None:
            return None
        self.refs.append(Ref(kind, target_id, pos(entries[kind]), intent))
        return Target(kind, target_id)

    def link_refs(self, node: yaml.Node | None, what: str, intent: str | None) -> tuple[str, ...]:
        names = []
        for name, item in self.texts(node, what):
            self.refs.append(Ref("link", name, pos(item), intent))
            names.append(name)
        return tuple(names)


def load_knowledge(path: Path | str) -> Knowledge:
    """Load and validate a rules file; raise ``RulesError`` listing every problem."""
    path = Path(path)
    knowledge, problems = check_rules(path)
    if problems or knowledge is None:
        raise RulesError(path, problems)
    return knowledge


def check_rules(path: Path) -> tuple[Knowledge | None, list[Problem]]:
    """Everything wrong with a rules file, and the knowledge when nothing is."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(file, 1, 1, "file not found", "a readable rules file")]
    except (OSError, UnicodeDecodeError) as err:
        return None, [Problem(file, 1, 1, f"cannot read file: {err}", "a UTF-8 text file")]
    root, problems = compose(text, file)
    if problems:
        return None, problems
    build = _Build(file)
    knowledge = _read_root(build, root, path)
    if knowledge is not None and not build.problems:
        rules_checks.check(knowledge, build.refs, build.where, build.report)
    return (knowledge if not build.problems else None), sorted(build.problems)


def _read_root(b: _Build, root: yaml.Node | None, path: Path) -> Knowledge | None:
    top = b.mapping(root, "the rules file",
                    required=("version", "locales", "default_locale", "links", "product_key",
                              "outcomes", "intents"),
                    optional=("fallback_links", "ambiguities", "out_of_scope"))
    if top is None:
        return None
    version = b.integer(top.get("version"), "version")
    if version is not None and version != SUPPORTED_VERSION:
        b.report(top["version"], f"version {version} is not supported",
                 f"version: {SUPPORTED_VERSION}")
    locales = _read_locales(b, top.get("locales"))
    b.locales = tuple(loc.id for loc in locales)
    default_locale = b.text(top.get("default_locale"), "default_locale")
    if default_locale is not None and b.locales and default_locale not in b.locales:
        b.report(top["default_locale"], f"default_locale '{default_locale}' is not declared",
                 "one of the locales: " + ", ".join(b.locales))
    if not b.locales:
        return None  # every text check depends on the locales
    links = _read_links(b, top.get("links"))
    fallback_links = b.link_refs(top.get("fallback_links"), "fallback_links", None)
    key_format = _read_key_format(b, top.get("product_key"))
    outcomes = _read_outcomes(b, top.get("outcomes"))
    intents = _read_intents(b, top.get("intents"))
    ambiguities = _read_ambiguities(b, top.get("ambiguities"))
    out_of_scope = b.per_locale_texts(top.get("out_of_scope"), "out_of_scope") \
        if "out_of_scope" in top else {}
    if key_format is None or default_locale is None or version is None:
        return None
    return Knowledge(
        version=version, source=path, locales=locales, default_locale=default_locale,
        links=frozen_map(links), key_format=key_format, outcomes=frozen_map(outcomes),
        intents=frozen_map(intents), fallback_links=fallback_links,
        ambiguities=frozen_map(ambiguities),
        out_of_scope=frozen_map(out_of_scope),
    )


def _read_locales(b: _Build, node: yaml.Node | None) -> tuple[Locale, ...]:
    locales: list[Locale] = []
    for item in b.sequence(node, "locales"):
        entries = b.mapping(item, "a locale", required=("id", "name"), optional=("script",))
        if entries is None:
            continue
        locale_id = b.text(entries.get("id"), "a locale id")
        name = b.text(entries.get("name"), "a locale name")
        script = b.text(entries.get("script"), "a locale script") if "script" in entries else None
        if locale_id is not None and not LOCALE_PATTERN.match(locale_id):
            b.report(entries["id"], f"locale id '{locale_id}' is not a language tag",
                     "a tag such as ja, en, zh-Hans")
            continue
        if script is not None:
            try:
                re.compile(script)
            except re.error as err:
                b.report(entries["script"], f"script pattern does not compile: {err}",
                         "a regular expression character class")
                script = None
        if locale_id is not None and any(loc.id == locale_id for loc in locales):
            b.report(entries["id"], f"duplicate locale '{locale_id}'", "each locale once")
        elif locale_id is not None and name is not None:
            locales.append(Locale(locale_id, name, script))
    if node is not None and not locales and not b.problems:
        b.report(node, "no locales declared", "at least one locale")
    return tuple(locales)


def _read_links(b: _Build, node: yaml.Node | None) -> dict[str, Link]:
    links = {}
    for link_id, value in (b.mapping(node, "links", optional=None) or {}).items():
        if not b.key_ident(link_id, value, "link"):
            continue
        entries = b.mapping(value, f"link '{link_id}'", required=("url", "label"))
        if entries is None:
            continue
        url = b.text(entries.get("url"), f"the url of link '{link_id}'")
        if url is not None and not re.match(r"^https?://\S+$", url):
            b.report(entries["url"], f"link '{link_id}' has url '{url}'", "an http(s) URL")
        label = b.localized(entries.get("label"), f"the label of link '{link_id}'", pos(value))
        if url is not None and label is not None:
            links[link_id] = Link(link_id, url, label)
    return links


def _read_key_format(b: _Build, node: yaml.Node | None) -> KeyFormat | None:
    entries = b.mapping(node, "product_key",
                        required=("groups", "group_size", "separator", "alphabet"),
                        optional=("confusables",))
    if entries is None:
        return None
    groups = b.integer(entries.get("groups"), "product_key.groups")
    size = b.integer(entries.get("group_size"), "product_key.group_size")
    separator = b.text(entries.get("separator"), "product_key.separator")
    alphabet = b.text(entries.get("alphabet"), "product_key.alphabet")
    for name, value in (("groups", groups), ("group_size", size)):
        if value is not None and not 1 <= value <= 16:
            b.report(entries[name], f"product_key.{name} is {value}", "a number from 1 to 16")
    if alphabet is not None and not re.fullmatch(r"[A-Z0-9]+", alphabet):
        b.report(entries["alphabet"], "product_key.alphabet has characters other than A-Z, 0-9",
                 "upper-case letters and digits only")
    confusables = []
    for item in b.sequence(entries.get("confusables"), "product_key.confusables"):
        group = tuple(text.upper() for text, _ in b.texts(item, "a confusables group"))
        if len(group) < 2 or any(len(ch) != 1 for ch in group):
            b.report(item, "a confusables group must list single characters",
                     "two or more single characters, e.g. [O, \"0\"]")
            continue
        confusables.append(group)
    if None in (groups, size, separator, alphabet):
        return None
    return KeyFormat(alphabet, groups, size, separator, tuple(confusables))


def _read_outcomes(b: _Build, node: yaml.Node | None) -> dict[str, Outcome]:
    outcomes = {}
    for outcome_id, value in (b.mapping(node, "outcomes", optional=None) or {}).items():
        if not b.key_ident(outcome_id, value, "outcome"):
            continue
        what = f"outcome '{outcome_id}'"
        entries = b.mapping(value, what, required=("escalate", "text"), optional=("links",))
        if entries is None:
            continue
        escalate = b.boolean(entries.get("escalate"), f"the escalate of {what}")
        text = b.localized(entries.get("text"), f"the text of {what}", pos(value))
        links = b.link_refs(entries.get("links"), f"the links of {what}", None)
        b.where[("outcome", outcome_id)] = value.key_pos
        if escalate is not None and text is not None:
            outcomes[outcome_id] = Outcome(outcome_id, text, links, escalate)
    if isinstance(node, yaml.MappingNode) and SOLVED_OUTCOME not in outcomes \
            and all(key.value != SOLVED_OUTCOME for key, _ in node.value):
        b.report(node, f"outcomes has no '{SOLVED_OUTCOME}'",
                 f"an outcome named {SOLVED_OUTCOME}: where a remedy that worked leads")
    return outcomes


def _read_intents(b: _Build, node: yaml.Node | None) -> dict[str, Intent]:
    intents = {}
    for intent_id, value in (b.mapping(node, "intents", optional=None) or {}).items():
        if b.key_ident(intent_id, value, "intent"):
            b.where[("intent", intent_id)] = value.key_pos
            intent = _read_intent(b, intent_id, value)
            if intent is not None:
                intents[intent_id] = intent
    return intents


def _read_intent(b: _Build, intent_id: str, node: yaml.Node) -> Intent | None:
    what = f"intent '{intent_id}'"
    entries = b.mapping(node, what,
                        required=("kind", "title", "messages", "cues", "causes", "start"),
                        optional=("questions", "remedies"))
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
    causes = {}
    for cause_id, value in (b.mapping(entries.get("causes"), f"the causes of {what}",
                                      optional=None) or {}).items():
        if b.key_ident(cause_id, value, "cause"):
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
                  start, frozen_map(questions), frozen_map(remedies))


def _read_questions(b: _Build, intent_id: str, node: yaml.Node | None) -> dict[str, Question]:
    questions: dict[str, Question] = {}
    if node is None:
        return questions
    for qid, value in (b.mapping(node, f"the questions of intent '{intent_id}'",
                                 optional=None) or {}).items():
        if not b.key_ident(qid, value, "question"):
            continue
        what = f"question '{qid}' of intent '{intent_id}'"
        entries = b.mapping(value, what, required=("text", "separates", "answers"),
                            optional=("check",))
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
        answers = _read_answers(b, intent_id, what, entries.get("answers"), check)
        if "answers" in entries and not answers and not b.sequence(entries["answers"], what):
            b.report(entries["answers"], f"{what} has no answers (a dead end)",
                     "at least one answer leading on")
        if text is not None:
            questions[qid] = Question(qid, text, tuple(separates), tuple(answers), check)
    return questions


def _read_answers(b: _Build, intent_id: str, question: str, node: yaml.Node | None,
                  check: str | None) -> list[Answer]:
    answers: list[Answer] = []
    for item in b.sequence(node, f"the answers of {question}"):
        entries = b.mapping(item, f"an answer of {question}", required=("id", "label"),
                            optional=("when", *STEP_KINDS))
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
            answers.append(Answer(answer_id, label, target, when))
    if check is not None:
        for result in CHECKS[check]:
            if not any(a.when == result for a in answers):
                b.report(node or (0, 0), f"{question} has no answer for check result '{result}'",
                         f"an answer with when: {result}")
    return answers


def _read_remedies(b: _Build, intent_id: str, node: yaml.Node | None) -> dict[str, Remedy]:
    remedies: dict[str, Remedy] = {}
    if node is None:
        return remedies
    for rid, value in (b.mapping(node, f"the remedies of intent '{intent_id}'",
                                 optional=None) or {}).items():
        if not b.key_ident(rid, value, "remedy"):
            continue
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


def _read_ambiguities(b: _Build, node: yaml.Node | None) -> dict[str, CueGroup]:
    groups: dict[str, CueGroup] = {}
    if node is None:
        return groups
    for group_id, value in (b.mapping(node, "ambiguities", optional=None) or {}).items():
        if not b.key_ident(group_id, value, "ambiguity"):
            continue
        what = f"ambiguity '{group_id}'"
        entries = b.mapping(value, what, required=("intents", "cues"))
        if entries is None:
            continue
        intents = []
        for name, item in b.texts(entries.get("intents"), f"the intents of {what}"):
            b.refs.append(Ref("intent", name, pos(item)))
            intents.append(name)
        if "intents" in entries and len(intents) < 2:
            b.report(entries["intents"], f"{what} names {len(intents)} intent(s)",
                     "two or more intents to choose between")
        cues = b.per_locale_texts(entries.get("cues"), f"the cues of {what}")
        groups[group_id] = CueGroup(group_id, tuple(intents), frozen_map(cues))
    return groups
