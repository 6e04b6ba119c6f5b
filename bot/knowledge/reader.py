"""The rules file's reader: typed, positioned values plus locales, references and positions.

Shared by the loader's sections (``bot.knowledge.loader``, ``bot.knowledge.intents``) so
each stays small.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from bot.knowledge.model import STEP_KINDS, Localized, Target, frozen_map
from bot.knowledge.yaml_nodes import Pos, Reader, pos

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
class RulesReader(Reader):
    """The reader plus what the rules file declares so far: locales, references, positions."""

    locales: tuple[str, ...] = ()
    refs: list[Ref] = field(default_factory=list)
    where: dict[tuple[str, ...], Pos] = field(default_factory=dict)
    # unit words of each measure ("duration": {"minutes": 1, "時間": 60}), from every locale
    measures: dict[str, dict[str, float]] = field(default_factory=dict)

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

    def by_id(self, node: yaml.Node | None, what: str, kind: str) -> list[tuple[str, yaml.Node]]:
        """The entries of a mapping keyed by ``kind`` ids; each bad id reported and left out."""
        entries = self.mapping(node, what, optional=None) or {}
        return [(key, value) for key, value in entries.items()
                if self.key_ident(key, value, kind)]

    def _declared(self, entries: dict[str, yaml.Node], what: str,
                  noun: str) -> list[tuple[str, yaml.Node]]:
        """Entries keyed by locale; one for a locale the file does not declare is reported."""
        declared = []
        for lang, value in entries.items():
            if lang in self.locales:
                declared.append((lang, value))
            else:
                self.report(value.key_pos, f"{what} has {noun} for undeclared locale '{lang}'",
                            "one of the locales: " + ", ".join(self.locales))
        return declared

    def localized(self, node: yaml.Node | None, what: str, at: Pos = (0, 0)) -> Localized | None:
        entries = self.mapping(node, what, optional=None, at=at)
        if entries is None:
            return None
        texts = {}
        for lang, value in self._declared(entries, what, "text"):
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
        for lang, value in self._declared(entries, what, "phrases"):
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
