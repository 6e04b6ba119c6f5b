"""Draw diagnosis flows (questions, answers, remedies, outcomes) as Mermaid or Graphviz DOT.

An author looks at the picture instead of reading nested YAML. One intent or all of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.knowledge.model import Intent, Knowledge, Target

HANDOFF = "handoff"
MAX_LABEL = 60


@dataclass(frozen=True)
class Node:
    """A box in a flow diagram."""

    id: str
    shape: str  # start | question | remedy | outcome | escalate
    label: str


@dataclass(frozen=True)
class Edge:
    """An arrow in a flow diagram, labelled with the answer that takes it."""

    source: str
    target: str
    label: str


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _node_id(intent: Intent, kind: str, step: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", f"{intent.id}__{kind}__{step}")


def flow(knowledge: Knowledge, intent: Intent, lang: str) -> tuple[list[Node], list[Edge]]:
    """The nodes and edges of one intent's diagnosis, labelled in ``lang``."""
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    fallback = knowledge.default_locale

    def node_for(target: Target) -> str:
        node_id = _node_id(intent, target.kind, target.id)
        if node_id in nodes:
            return node_id
        if target.kind == "ask":
            question = intent.questions[target.id]
            nodes[node_id] = Node(node_id, "question", _short(question.text.get(lang, fallback)))
            for answer in question.answers:
                edges.append(Edge(node_id, node_for(answer.target),
                                  _short(answer.label.get(lang, fallback))))
        elif target.kind == "remedy":
            remedy = intent.remedies[target.id]
            nodes[node_id] = Node(node_id, "remedy", _short(remedy.text.get(lang, fallback)))
            edges.append(Edge(node_id, node_for(knowledge.policy.solved), "solved"))
            # "no": the remedy's if_unsolved, else the rules file's policy.not_solved
            unsolved = remedy.if_unsolved or knowledge.policy.not_solved
            edges.append(Edge(node_id, node_for(unsolved) if isinstance(unsolved, Target)
                              else handoff(), "not solved"))
        else:
            outcome = knowledge.outcomes[target.id]
            shape = "escalate" if outcome.escalate else "outcome"
            nodes[node_id] = Node(node_id, shape, target.id)
        return node_id

    def handoff() -> str:
        node_id = _node_id(intent, "outcome", HANDOFF)
        nodes.setdefault(node_id, Node(node_id, "escalate", HANDOFF))
        return node_id

    start_id = _node_id(intent, "start", "start")
    nodes[start_id] = Node(start_id, "start", f"{intent.id}: {intent.title.get(lang, fallback)}")
    edges.append(Edge(start_id, node_for(intent.start), ""))
    return list(nodes.values()), edges


def _mermaid_text(text: str) -> str:
    return '"' + text.replace('"', "#quot;") + '"'


_MERMAID_SHAPES = {
    "start": ("([", "])"), "question": ("{", "}"), "remedy": ("[", "]"),
    "outcome": ("([", "])"), "escalate": ("[[", "]]"),
}


def to_mermaid(knowledge: Knowledge, intents: Iterable[Intent], lang: str) -> str:
    """A Mermaid flowchart; several intents become one subgraph each."""
    intents = list(intents)
    lines = ["flowchart TD"]
    for intent in intents:
        nodes, edges = flow(knowledge, intent, lang)
        indent = "  "
        if len(intents) > 1:
            graph_id = _node_id(intent, "graph", "all")
            lines.append(f"  subgraph {graph_id}[{_mermaid_text(intent.id)}]")
            indent = "    "
        for node in nodes:
            left, right = _MERMAID_SHAPES[node.shape]
            lines.append(f"{indent}{node.id}{left}{_mermaid_text(node.label)}{right}")
            if node.shape in ("question", "remedy", "escalate", "outcome"):
                lines.append(f"{indent}class {node.id} {node.shape}")
        for edge in edges:
            arrow = f"-- {_mermaid_text(edge.label)} -->" if edge.label else "-->"
            lines.append(f"{indent}{edge.source} {arrow} {edge.target}")
        if len(intents) > 1:
            lines.append("  end")
    lines += [
        "  classDef question fill:#fff4d6,stroke:#c99a2e",
        "  classDef remedy fill:#e3f1ff,stroke:#3b7dd8",
        "  classDef outcome fill:#e4f7e4,stroke:#3c9a3c",
        "  classDef escalate fill:#fde2e1,stroke:#c0392b",
    ]
    return "\n".join(lines) + "\n"


_DOT_SHAPES = {
    "start": "oval", "question": "diamond", "remedy": "box", "outcome": "oval",
    "escalate": "doubleoctagon",
}


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(knowledge: Knowledge, intents: Iterable[Intent], lang: str) -> str:
    """A Graphviz digraph; several intents become one cluster each."""
    lines = ["digraph keyhelp {", "  rankdir=TB;", '  node [fontname="sans-serif"];']
    for intent in intents:
        nodes, edges = flow(knowledge, intent, lang)
        lines.append(f"  subgraph cluster_{_node_id(intent, 'graph', 'all')} {{")
        lines.append(f"    label={_dot_text(intent.id)};")
        for node in nodes:
            lines.append(f"    {node.id} [shape={_DOT_SHAPES[node.shape]}, "
                         f"label={_dot_text(node.label)}];")
        for edge in edges:
            label = f" [label={_dot_text(edge.label)}]" if edge.label else ""
            lines.append(f"    {edge.source} -> {edge.target}{label};")
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"
