"""Read a rules file into ``Knowledge``, reporting every problem at once with its position.

Shape is checked while reading; references, flows and duplicates are checked afterwards
(``bot.knowledge.checks``), all against node positions so each problem names FILE:LINE:COLUMN.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.config import DEFAULT_RULES_MAX_BYTES
from bot.knowledge import checks as rules_checks
from bot.knowledge.answer_words import read_answer_words
from bot.knowledge.intents import read_intents
from bot.knowledge.model import (
    CueGroup,
    KeyFormat,
    Knowledge,
    Link,
    Locale,
    Outcome,
    WordRules,
    frozen_map,
)
from bot.knowledge.policy import read_policy
from bot.knowledge.problems import Problem, RulesError
from bot.knowledge.reader import LOCALE_PATTERN, Ref, RulesReader
from bot.knowledge.scope_rules import read_calibration, read_negation, read_scope
from bot.knowledge.source import decode, read_limited
from bot.knowledge.yaml_nodes import compose, pos

SUPPORTED_VERSION = 1


def load_knowledge(path: Path | str, *, max_bytes: int = DEFAULT_RULES_MAX_BYTES) -> Knowledge:
    """Load and validate a rules file; raise ``RulesError`` listing every problem."""
    path = Path(path)
    knowledge, problems = check_rules(path, max_bytes=max_bytes)
    if problems or knowledge is None:
        raise RulesError(path, problems)
    return knowledge


def knowledge_from(content: bytes, path: Path) -> Knowledge:
    """``load_knowledge`` for bytes already read from ``path`` (so they are read only once)."""
    knowledge, problems = check_content(content, path)
    if problems or knowledge is None:
        raise RulesError(path, problems)
    return knowledge


def check_rules(path: Path, *,
                max_bytes: int = DEFAULT_RULES_MAX_BYTES) -> tuple[Knowledge | None, list[Problem]]:
    """Everything wrong with a rules file, and the knowledge when nothing is."""
    file = str(path)
    try:
        content = read_limited(path, max_bytes)
    except RulesError as err:  # too big to read
        return None, err.problems
    except FileNotFoundError:
        return None, [Problem(file, 1, 1, "file not found", "a readable rules file")]
    except OSError as err:
        return None, [Problem(file, 1, 1, f"cannot read file: {err}", "a readable rules file")]
    return check_content(content, path)


def check_content(content: bytes, path: Path) -> tuple[Knowledge | None, list[Problem]]:
    """``check_rules`` for the bytes of ``path``, already read."""
    file = str(path)
    text, problems = decode(content, file)
    if text is None:
        return None, problems
    root, problems = compose(text, file)
    if problems:
        return None, problems
    build = RulesReader(file)
    knowledge = _read_root(build, root, path)
    if knowledge is not None and not build.problems:
        rules_checks.check(knowledge, build.refs, build.where, build.report)
    return (knowledge if not build.problems else None), sorted(build.problems)


def _read_root(b: RulesReader, root: yaml.Node | None, path: Path) -> Knowledge | None:
    top = b.mapping(root, "the rules file",
                    required=("version", "locales", "default_locale", "links", "product_key",
                              "outcomes", "intents"),
                    optional=("fallback_links", "ambiguities", "out_of_scope", "scope",
                              "calibration", "policy"))
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
    policy = read_policy(b, top.get("policy"), top.get("outcomes"))
    intents = read_intents(b, top.get("intents"))
    ambiguities = _read_ambiguities(b, top.get("ambiguities"))
    out_of_scope = b.per_locale_texts(top.get("out_of_scope"), "out_of_scope") \
        if "out_of_scope" in top else {}
    scope = read_scope(b, top["scope"]) if "scope" in top else None
    calibration = read_calibration(b, top["calibration"]) if "calibration" in top else ()
    if key_format is None or default_locale is None or version is None:
        return None
    return Knowledge(
        version=version, source=path, locales=locales, default_locale=default_locale,
        links=frozen_map(links), key_format=key_format, outcomes=frozen_map(outcomes),
        intents=frozen_map(intents), fallback_links=fallback_links,
        ambiguities=frozen_map(ambiguities),
        out_of_scope=frozen_map(out_of_scope), calibration=calibration, policy=policy,
        **({"scope": scope} if scope is not None else {}),
    )


def _pattern(b: RulesReader, entries: dict[str, yaml.Node], key: str, what: str,
             expected: str) -> str | None:
    """An optional regular expression entry, reported where it stands if it does not compile."""
    if key not in entries:
        return None
    pattern = b.text(entries[key], what)
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as err:
            b.report(entries[key], f"{key} pattern does not compile: {err}", expected)
            return None
    return pattern


def _word_map(b: RulesReader, entries: dict[str, yaml.Node], key: str,
              what: str) -> dict[str, str]:
    """An optional mapping of words to their written-out form, both folded to lower case."""
    found = b.mapping(entries[key], f"the {key} of {what}", optional=None) \
        if key in entries else None
    out: dict[str, str] = {}
    for short, value in (found or {}).items():
        full = b.text(value, f"the written-out form of '{short}' in the {key} of {what}")
        if full is not None:
            out[short.casefold()] = full.casefold()
    return out


def _read_words(b: RulesReader, node: yaml.Node, what: str) -> WordRules | None:
    """A locale's ``words``: how loose matching reads the language (see WordRules)."""
    entries = b.mapping(node, what, optional=("stemmer", "spelled_out", "shorthand",
                                              "function_words", "particles",
                                              "negative_endings", "negative_forms",
                                              "negation", "alternatives", "answers",
                                              "romaji", "unsure_which", "cut_off"))
    if entries is None:
        return None
    particles = _pattern(b, entries, "particles", f"the particles of {what}",
                         "a regular expression")
    endings = b.texts(entries.get("negative_endings"), f"the negative_endings of {what}")
    forms = b.texts(entries.get("negative_forms"), f"the negative_forms of {what}")
    stemmer = b.text(entries.get("stemmer"), f"the stemmer of {what}") \
        if "stemmer" in entries else None
    if stemmer is not None:
        import snowballstemmer  # only when reading a rules file, never at a cached start

        if stemmer not in snowballstemmer.algorithms():
            b.report(entries["stemmer"], f"unknown stemmer '{stemmer}' in {what}",
                     "a Snowball algorithm: " + ", ".join(sorted(snowballstemmer.algorithms())))
            stemmer = None
    spelled = {short: tuple(full.split()) for short, full
               in _word_map(b, entries, "spelled_out", what).items()}
    shorthand = _word_map(b, entries, "shorthand", what)
    function = b.texts(entries.get("function_words"), f"the function_words of {what}")
    negation = read_negation(b, entries["negation"], f"the negation of {what}") \
        if "negation" in entries else None
    alternatives = b.texts(entries.get("alternatives"), f"the alternatives of {what}")
    romaji = b.texts(entries.get("romaji"), f"the romaji of {what}")
    unsure = b.texts(entries.get("unsure_which"), f"the unsure_which of {what}")
    cut_off = b.texts(entries.get("cut_off"), f"the cut_off of {what}")
    answers = read_answer_words(b, entries["answers"], f"the answers of {what}") \
        if "answers" in entries else None
    for measure, units in (answers.units if answers else {}).items():
        b.measures.setdefault(measure, {}).update(units)
    return WordRules(stemmer=stemmer, spelled_out=frozen_map(spelled),
                     shorthand=frozen_map(shorthand),
                     function_words=frozenset(word.casefold() for word, _ in function),
                     particles=particles, negative_endings=tuple(t for t, _ in endings),
                     negative_forms=tuple(t for t, _ in forms), negation=negation,
                     alternatives=tuple(t.casefold() for t, _ in alternatives), answers=answers,
                     romaji=tuple(t.casefold() for t, _ in romaji),
                     unsure_which=tuple(t.casefold() for t, _ in unsure),
                     cut_off=tuple(t for t, _ in cut_off))


def _read_locales(b: RulesReader, node: yaml.Node | None) -> tuple[Locale, ...]:
    locales: list[Locale] = []
    for item in b.sequence(node, "locales"):
        entries = b.mapping(item, "a locale", required=("id", "name"),
                            optional=("script", "words"))
        if entries is None:
            continue
        locale_id = b.text(entries.get("id"), "a locale id")
        name = b.text(entries.get("name"), "a locale name")
        script = _pattern(b, entries, "script", "a locale script",
                          "a regular expression character class")
        if locale_id is not None and not LOCALE_PATTERN.match(locale_id):
            b.report(entries["id"], f"locale id '{locale_id}' is not a language tag",
                     "a tag such as ja, en, zh-Hans")
            continue
        if locale_id is not None and any(loc.id == locale_id for loc in locales):
            b.report(entries["id"], f"duplicate locale '{locale_id}'", "each locale once")
        elif locale_id is not None and name is not None:
            words = _read_words(b, entries["words"], f"the words of locale '{locale_id}'") \
                if "words" in entries else None
            locales.append(Locale(locale_id, name, script, words))
    if node is not None and not locales and not b.problems:
        b.report(node, "no locales declared", "at least one locale")
    return tuple(locales)


def _read_links(b: RulesReader, node: yaml.Node | None) -> dict[str, Link]:
    links = {}
    for link_id, value in b.by_id(node, "links", "link"):
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


def _read_key_format(b: RulesReader, node: yaml.Node | None) -> KeyFormat | None:
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


def _read_outcomes(b: RulesReader, node: yaml.Node | None) -> dict[str, Outcome]:
    outcomes = {}
    for outcome_id, value in b.by_id(node, "outcomes", "outcome"):
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
    return outcomes


def _read_ambiguities(b: RulesReader, node: yaml.Node | None) -> dict[str, CueGroup]:
    groups: dict[str, CueGroup] = {}
    if node is None:
        return groups
    alone = ""  # the group a bare pasted key asks about, once one says so
    for group_id, value in b.by_id(node, "ambiguities", "ambiguity"):
        what = f"ambiguity '{group_id}'"
        entries = b.mapping(value, what, required=("intents", "cues"),
                            optional=("with_key", "or_with", "key_alone"))
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
        with_key = b.boolean(entries.get("with_key"), f"the with_key of {what}")
        or_with = b.per_locale_texts(entries["or_with"], f"the or_with of {what}") \
            if "or_with" in entries else {}
        if or_with and not with_key:
            b.report(entries["or_with"], f"{what} has or_with without with_key",
                     "with_key: true (or_with names the words that may stand in for the key)")
        key_alone = b.boolean(entries.get("key_alone"), f"the key_alone of {what}")
        if key_alone and alone:
            b.report(entries["key_alone"], f"{what} is key_alone, and so is ambiguity '{alone}'",
                     "key_alone on one ambiguity only (a bare key can be asked about one way)")
        alone = alone or (group_id if key_alone else "")
        groups[group_id] = CueGroup(group_id, tuple(intents), frozen_map(cues), bool(with_key),
                                    frozen_map(or_with), bool(key_alone))
    return groups
