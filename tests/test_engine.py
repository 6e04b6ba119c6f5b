"""The compiled durable-rules engine: decisions come from the rules file, sessions never pile up."""

from __future__ import annotations

import threading

import pytest

from bot.dialogue.engine import FALLBACK_RULE, Engine, Facts, Rule, check_branching, compile_rules
from bot.knowledge.model import Knowledge, Target

# The C engine refuses the 1,025th live session of a ruleset (MemoryError); more turns than
# that through one engine prove every turn's session was deleted.
MORE_THAN_SESSION_CEILING = 2_500


@pytest.fixture(scope="module")
def engine(knowledge: Knowledge) -> Engine:
    return Engine(knowledge=knowledge)


def test_every_answer_and_unsolved_branch_becomes_a_rule(knowledge: Knowledge) -> None:
    names = {rule.name for rule in compile_rules(knowledge)}
    for intent in knowledge.intents.values():
        assert f"start:{intent.id}" in names
        for question in intent.questions.values():
            for answer in question.answers:
                assert f"answer:{intent.id}:{question.id}:{answer.id}" in names
        for remedy in intent.remedies.values():
            if remedy.if_unsolved is not None:
                assert f"unsolved:{intent.id}:{remedy.id}" in names
    assert FALLBACK_RULE in names


def test_a_recognised_message_starts_the_intents_flow(engine: Engine,
                                                      knowledge: Knowledge) -> None:
    for intent in knowledge.intents.values():
        decision = engine.decide(Facts(event="message", recog="answer", recognised=intent.id))
        assert (decision.effect, decision.intent, decision.target) == ("go", intent.id,
                                                                      intent.start)


def test_an_answer_leads_where_the_rules_file_says(engine: Engine) -> None:
    decision = engine.decide(Facts(event="answer", intent="subscription-unavailable",
                                   step_kind="ask", step="trial-before", answer="no"))
    assert decision.target == Target("ask", "country")
    assert decision.answer == "no"


def test_the_key_check_result_selects_the_when_answer(engine: Engine) -> None:
    suspicious = engine.decide(Facts(event="key", intent="key-invalid", step_kind="ask",
                                     step="check-characters", check="key-suspicious"))
    clean = engine.decide(Facts(event="key", intent="key-invalid", step_kind="ask",
                                step="check-characters", check="key-clean"))
    assert suspicious.target == Target("remedy", "fix-characters")
    assert clean.target == Target("remedy", "retype-look-alikes")


def test_unsolved_follows_if_unsolved_before_the_generic_escalation(engine: Engine) -> None:
    decision = engine.decide(Facts(event="unsolved", intent="key-expired", step_kind="remedy",
                                   step="enter-other-key"))
    assert decision.target == Target("outcome", "contact-support")
    assert decision.fired[:2] == ("unsolved:key-expired:enter-other-key", "unsolved")


def test_second_unrecognised_message_escalates(engine: Engine) -> None:
    assert engine.decide(Facts(event="message", recog="unknown")).effect == "not-recognised"
    again = engine.decide(Facts(event="message", recog="unknown", streak=1))
    assert again.effect == "escalate-unrecognised"


def test_the_catch_all_fires_on_every_turn_and_wins_only_alone(engine: Engine) -> None:
    assert engine.decide(Facts(event="nonsense")).effect == "stay"
    assert FALLBACK_RULE in engine.decide(Facts(event="restart")).fired
    assert engine.decide(Facts(event="restart")).effect == "restart"


def test_each_build_gets_its_own_ruleset_name(knowledge: Knowledge) -> None:
    first, second = Engine(knowledge=knowledge), Engine(knowledge=knowledge)
    assert first.ruleset != second.ruleset
    assert first.decide(Facts(event="why", step_kind="ask")).effect == "explain-question"


def test_no_session_outlives_its_turn_even_when_turns_fail(knowledge: Knowledge) -> None:
    engine = Engine(knowledge=knowledge)
    too_big = "x" * (17 * 1024 * 1024)  # over durable's 16 MiB value limit: assert fails
    failures = 0
    for n in range(MORE_THAN_SESSION_CEILING):
        if n % 500 == 3:
            with pytest.raises(Exception, match="error code"):
                engine.decide(Facts(event="message", lang=too_big))
            failures += 1
        else:
            # distinct facts every time, so each turn really runs in durable (none remembered)
            engine.decide(Facts(event="message", recog="unknown", streak=n % 2, lang=f"l{n}"))
    assert failures == 5
    # still healthy after far more sessions than the engine could hold at once
    assert engine.decide(Facts(event="restart")).effect == "restart"


def test_threads_sharing_one_engine_get_their_own_decisions(knowledge: Knowledge) -> None:
    engine = Engine(knowledge=knowledge)
    intents = list(knowledge.intents.values())
    wrong: list[str] = []

    def work(offset: int) -> None:
        for n in range(150):
            intent = intents[(n + offset) % len(intents)]
            decision = engine.decide(Facts(event="message", recog="answer",
                                           recognised=intent.id))
            if decision.target != intent.start:
                wrong.append(intent.id)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def test_rules_that_would_hang_the_engine_are_refused() -> None:
    wide = [Rule(f"start:i{n}", 10, {"$and": [{"event": "message"}, {"recognised": f"i{n}"}]},
                 "go") for n in range(600)]
    with pytest.raises(ValueError, match="600 rules branch at event=message"):
        check_branching(wide)
    deep = [Rule(f"r{n}", 10, {"$and": [{"event": "answer"}, {"intent": f"i{n % 10}"},
                                        {"step": f"s{n}"}]}, "go") for n in range(1200)]
    check_branching(deep)  # 10 intents x 120 steps: fine


def test_the_shipped_rules_branch_far_below_the_limit(knowledge: Knowledge) -> None:
    check_branching(compile_rules(knowledge))


def test_a_remembered_decision_is_the_one_the_rules_make(knowledge: Knowledge) -> None:
    """Repeated facts are answered from memory; a fresh engine (no memory) agrees on each."""
    remembering = Engine(knowledge=knowledge)
    turns = [Facts(event="message", recog="answer", recognised=intent_id)
             for intent_id in knowledge.intents]
    turns += [Facts(event="answer", intent="subscription-unavailable", step_kind="ask",
                    step="trial-before", answer="no"),
              Facts(event="message", recog="unknown", streak=1), Facts(event="nonsense")]
    first = [remembering.decide(facts) for facts in turns]
    again = [remembering.decide(facts) for facts in turns]
    fresh = [Engine(knowledge=knowledge).decide(facts) for facts in turns]
    assert again == first == fresh
    assert {d.effect for d in first} >= {"go", "escalate-unrecognised", "stay"}
