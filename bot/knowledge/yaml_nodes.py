"""Typed reading of a YAML node tree that keeps every position, collecting problems as it goes.

PyYAML's composer (libyaml when present: ~12 ms for the shipped file) gives each node its
line and column, which the round-trip loaders only give for containers and at 20× the cost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import yaml

from bot.knowledge.problems import Problem

Pos = tuple[int, int]  # 0-based line, column as PyYAML marks them

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_NULL_TAG = "tag:yaml.org,2002:null"


def pos(node: yaml.Node) -> Pos:
    return (node.start_mark.line, node.start_mark.column)


def compose(text: str, file: str) -> tuple[yaml.Node | None, list[Problem]]:
    """Parse YAML into nodes; a syntax error or an alias becomes a positioned problem."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line, mark.column) if mark else (0, 0)
        what = " ".join(s for s in (err.problem, err.context) if s) or "invalid YAML"
        return None, [Problem(file, line + 1, col + 1, f"YAML syntax error: {what}", "valid YAML")]
    except RecursionError:  # only the pure-Python parser; libyaml limits nesting itself
        return None, [Problem(file, 1, 1, "YAML nested too deeply", "valid YAML")]
    aliases = _aliases(text, file) if "*" in text else []  # no alias without a '*'
    return (None, aliases) if aliases else (root, [])


def _aliases(text: str, file: str) -> list[Problem]:
    """Every alias (``*name``): refused, since aliases of aliases can expand a small file
    beyond any memory (a "billion laughs"), and a rules file has no need of them."""
    return [Problem(file, event.start_mark.line + 1, event.start_mark.column + 1,
                    f"alias *{event.anchor} repeats the entry anchored as &{event.anchor}",
                    "the entry written out again here (rules files do not use aliases)")
            for event in yaml.parse(text, Loader=_Loader)
            if isinstance(event, yaml.AliasEvent)]


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == _NULL_TAG:
        return "nothing"
    return f"{node.value!r}"


@dataclass
class Reader:
    """Reads nodes as typed values; every mistake is recorded with its position, never raised."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def report(self, at: Pos | yaml.Node, message: str, expected: str | None = None) -> None:
        line, col = pos(at) if isinstance(at, yaml.Node) else at
        self.problems.append(Problem(self.file, line + 1, col + 1, message, expected))

    def mapping(
        self,
        node: yaml.Node | None,
        what: str,
        *,
        required: Iterable[str] = (),
        optional: Iterable[str] | None = (),
        at: Pos = (0, 0),
    ) -> dict[str, yaml.Node] | None:
        """A mapping's entries by key; ``optional=None`` allows any extra key (e.g. ids)."""
        if node is None:
            self.report(at, f"{what} is missing", "a mapping")
            return None
        if not isinstance(node, yaml.MappingNode):
            self.report(node, f"{what} is {_kind(node)}", "a mapping")
            return None
        entries: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.report(key_node, f"{what} has a key that is not text", "a plain key")
                continue
            key = str(key_node.value)
            if key in entries:
                self.report(key_node, f"duplicate key '{key}' in {what}", "each key once")
                continue
            entries[key] = value_node
            value_node.key_pos = pos(key_node)  # type: ignore[attr-defined]
        required = tuple(required)
        for key in required:
            if key not in entries:
                self.report(node, f"{what} has no '{key}'", f"a '{key}' entry")
        if optional is not None:
            allowed = set(required) | set(optional)
            for key, value_node in entries.items():
                if key not in allowed:
                    self.report(
                        value_node.key_pos,  # type: ignore[attr-defined]
                        f"unknown key '{key}' in {what}",
                        "one of " + ", ".join(sorted(allowed)),
                    )
        return entries

    def sequence(self, node: yaml.Node | None, what: str) -> list[yaml.Node]:
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.report(node, f"{what} is {_kind(node)}", "a list")
            return []
        return list(node.value)

    def text(self, node: yaml.Node | None, what: str) -> str | None:
        """Any non-empty scalar as written (so `No` stays the word, not a boolean)."""
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag == _NULL_TAG:
            self.report(node, f"{what} is {_kind(node)}", "text")
            return None
        value = str(node.value).strip()
        if not value:
            self.report(node, f"{what} is empty", "text")
            return None
        return value

    def integer(self, node: yaml.Node | None, what: str) -> int | None:
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag != _INT_TAG:
            self.report(node, f"{what} is {_kind(node)}", "a whole number")
            return None
        return int(node.value)

    def boolean(self, node: yaml.Node | None, what: str) -> bool | None:
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag != _BOOL_TAG:
            self.report(node, f"{what} is {_kind(node)}", "true or false")
            return None
        return node.value.lower() in ("true", "yes", "on", "y")

    def texts(self, node: yaml.Node | None, what: str) -> list[tuple[str, yaml.Node]]:
        """A list of texts, each with its node for later positioned checks."""
        out = []
        for item in self.sequence(node, what):
            value = self.text(item, f"an entry of {what}")
            if value is not None:
                out.append((value, item))
        return out
