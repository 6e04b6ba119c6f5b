"""Diagrams show every question, answer, remedy and outcome of a flow."""

from __future__ import annotations

from bot.knowledge.graph import flow, to_mermaid
from bot.knowledge.model import Knowledge


def test_flow_has_a_node_for_every_step_of_the_intent(knowledge: Knowledge):
    intent = knowledge.intents["subscription-unavailable"]
    nodes, edges = flow(knowledge, intent, "en")
    shapes = [n.shape for n in nodes]
    assert shapes.count("question") == len(intent.questions)
    assert shapes.count("remedy") == len(intent.remedies)
    answers = sum(len(q.answers) for q in intent.questions.values())
    # every answer, plus solved / not solved for each remedy, plus the start edge
    assert len(edges) == answers + 2 * len(intent.remedies) + 1


def test_remedy_without_if_unsolved_leads_to_a_handoff(tiny_rules):
    from bot.knowledge.loader import load_knowledge

    knowledge = load_knowledge(tiny_rules())
    nodes, edges = flow(knowledge, knowledge.intents["how-to"], "ja")
    handoff = [n for n in nodes if n.label == "handoff"]
    assert len(handoff) == 1 and handoff[0].shape == "escalate"
    assert any(e.target == handoff[0].id and e.label == "not solved" for e in edges)


def test_mermaid_quotes_are_escaped(knowledge: Knowledge):
    text = to_mermaid(knowledge, [knowledge.intents["key-already-entered"]], "en")
    assert '"Yes, it#quot;s listed"' not in text  # apostrophes are not quotes
    assert "Yes, it's listed" in text
    assert text.count('"') % 2 == 0
