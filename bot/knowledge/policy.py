"""The rules file's ``policy:`` section read into ``Policy``, every mistake with its position.

The section is the general dialogue behaviour a helpdesk lead may change (when to hand off,
what "why?", "start over", a language change and "did this solve it?" lead to). Every entry
is optional: a missing one keeps keyhelp's usual behaviour (``Policy()``'s defaults).
``bot.dialogue.rulebook`` compiles it into engine rules.
"""

from __future__ import annotations

import dataclasses

import yaml

from bot.knowledge.model import SOLVED_OUTCOME, Policy, Target
from bot.knowledge.reader import Ref, RulesReader
from bot.knowledge.yaml_nodes import pos

MAX_UNRECOGNISED = 100
_NULL_TAG = "tag:yaml.org,2002:null"
OUTCOME = "{outcome: OUTCOME}"
# The words each command may lead to; "outcome" means an {outcome: ID} mapping.
WHY_CHOICES = {"at_question": ("explain-causes", "repeat"),
               "at_remedy": ("explain-path", "repeat"),
               "at_end": ("explain-path", "repeat")}
CHOICES = {"start_over": ("restart", "first-step"),
           "language_change": ("repeat", "restart"),
           "solved": ("outcome",),
           "not_solved": ("hand-off", "outcome")}


def read_policy(b: RulesReader, node: yaml.Node | None,
                outcomes: yaml.Node | None) -> Policy:
    """The policy (defaults for what is missing); problems go to ``b``.

    ``outcomes`` is the file's ``outcomes:`` node: without a ``solved`` entry in the policy,
    the outcome named ``solved`` must be declared there.
    """
    default = Policy()
    if node is not None and node.tag == _NULL_TAG:
        node = None  # `policy:` with every entry commented out: the usual behaviour
    entries = (b.mapping(node, "policy", optional=("hand_off_after_unrecognised", "why",
                                                   *CHOICES)) if node is not None else {}) or {}
    if "solved" not in entries:
        _require_solved_outcome(b, outcomes)
    found: dict[str, object] = {}
    if "hand_off_after_unrecognised" in entries:
        value = entries["hand_off_after_unrecognised"]
        count = b.integer(value, "policy.hand_off_after_unrecognised")
        if count is not None and not 1 <= count <= MAX_UNRECOGNISED:
            b.report(value, f"policy.hand_off_after_unrecognised is {count}",
                     f"a whole number from 1 to {MAX_UNRECOGNISED}")
        elif count is not None:
            found["hand_off_after_unrecognised"] = count
    if "why" in entries and entries["why"].tag != _NULL_TAG:  # all commented out: usual
        why = b.mapping(entries["why"], "policy.why", optional=tuple(WHY_CHOICES)) or {}
        for key, allowed in WHY_CHOICES.items():
            if key in why:
                found[f"why_{key}"] = _action(b, why[key], f"policy.why.{key}", allowed)
    for key, allowed in CHOICES.items():
        if key in entries:
            found[key] = _action(b, entries[key], f"policy.{key}", allowed)
    return dataclasses.replace(default, **{k: v for k, v in found.items() if v is not None})


def _action(b: RulesReader, node: yaml.Node, what: str,
            allowed: tuple[str, ...]) -> str | Target | None:
    """One command's effect: one of the ``allowed`` words, or an outcome if "outcome" is one."""
    words = [word for word in allowed if word != "outcome"]
    expected = ", ".join([*words, OUTCOME] if "outcome" in allowed else words)
    if "outcome" in allowed and isinstance(node, yaml.MappingNode):
        entries = b.mapping(node, what, required=("outcome",))
        outcome = b.ident(entries.get("outcome"), f"the outcome of {what}") if entries else None
        if outcome is None:
            return None
        b.refs.append(Ref("outcome", outcome, pos(entries["outcome"])))  # type: ignore[index]
        return Target("outcome", outcome)
    if not isinstance(node, yaml.ScalarNode) or node.tag == _NULL_TAG:
        b.report(node, f"{what} is {_shape(node)}", expected)
        return None
    word = b.text(node, what)
    if word is not None and word not in words:
        b.report(node, f"{what} is '{word}'", expected)
        return None
    return word


def _shape(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "nothing"


def _require_solved_outcome(b: RulesReader, outcomes: yaml.Node | None) -> None:
    """Where "yes, it's solved" leads by default: the outcome named ``solved``."""
    if isinstance(outcomes, yaml.MappingNode) and all(
            key.value != SOLVED_OUTCOME for key, _ in outcomes.value):
        b.report(outcomes, f"outcomes has no '{SOLVED_OUTCOME}'",
                 f"an outcome named {SOLVED_OUTCOME}: where a remedy that worked leads "
                 f"(or name another in policy.solved)")
