"""The compiled durable-rules engine: durable picks and chains the rules, sessions never pile up."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.dialogue.engine import Engine, check_branching
from bot.dialogue.rulebook import FALLBACK_RULE, PRI_STEP, Facts, Rule, compile_rules
from bot.knowledge.model import Knowledge, Target

# The C engine refuses the 1,025th live session of a ruleset (MemoryError); more turns than
# that through one engine prove every turn's session was deleted.
MORE_THAN_SESSION_CEILING = 2_500
AT_KEY_QUESTION = {"intent": "key-invalid", "step_kind": "ask", "step": "check-characters"}


@pytest.fixture(scope="module")
def engine(knowledge: Knowledge) -> Engine:
    return Engine(compile_rules(knowledge))


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
        assert decision.names == (f"start:{intent.id}",)
        rule = decision.rules[0]
        assert (rule.effect, rule.intent, rule.target, rule.begins) == ("go", intent.id,
                                                                        intent.start, True)


def test_an_answer_leads_where_the_rules_file_says(engine: Engine) -> None:
    decision = engine.decide(Facts(event="answer", intent="subscription-unavailable",
                                   step_kind="ask", step="trial-before", answer="no"))
    (rule,) = decision.rules
    assert (rule.target, rule.at, rule.answer) == (Target("ask", "country"),
                                                   Target("ask", "trial-before"), "no")


@pytest.mark.parametrize(("check", "target"), [
    ("key-suspicious", Target("remedy", "fix-characters")),
    ("key-clean", Target("remedy", "retype-look-alikes"))])
def test_a_pasted_keys_check_selects_the_when_answer_in_the_same_session(
        engine: Engine, check: str, target: Target) -> None:
    answer = "suspicious" if check == "key-suspicious" else "clean"
    decision = engine.decide(Facts(event="key", check=check, **AT_KEY_QUESTION))
    assert decision.names == ("key-check", f"check:key-invalid:check-characters:{answer}")
    assert decision.rules[-1].target == target


def test_a_key_inside_the_opening_message_is_checked_in_the_same_turn(engine: Engine) -> None:
    decision = engine.decide(Facts(event="message", recog="answer", recognised="key-invalid",
                                   check="key-suspicious"))
    assert decision.names == ("start-with-key:key-invalid",
                              "check:key-invalid:check-characters:suspicious")
    assert [rule.target for rule in decision.rules] == [Target("ask", "check-characters"),
                                                        Target("remedy", "fix-characters")]


def test_the_most_specific_rule_takes_the_turn_and_no_other_fires(engine: Engine) -> None:
    decision = engine.decide(Facts(event="unsolved", intent="key-expired", step_kind="remedy",
                                   step="enter-other-key"))
    assert decision.names == ("unsolved:key-expired:enter-other-key",)
    assert decision.rules[0].target == Target("outcome", "contact-support")


def test_a_message_after_a_case_ended_begins_a_new_case_then_starts(engine: Engine) -> None:
    decision = engine.decide(Facts(event="message", intent="key-expired", step_kind="outcome",
                                   step="solved", status="closed", recog="answer",
                                   recognised="key-lost"))
    assert decision.names == ("new-case", "start:key-lost")


def test_second_unrecognised_message_escalates(engine: Engine) -> None:
    assert engine.decide(Facts(event="message", recog="unknown")).rules[0].effect == \
        "not-recognised"
    again = engine.decide(Facts(event="message", recog="unknown", streak=1))
    assert again.rules[0].effect == "hand-off-unrecognised"


@settings(max_examples=25, deadline=None)
@given(count=st.integers(min_value=1, max_value=12), streak=st.integers(min_value=0, max_value=15))
def test_the_policys_count_decides_when_unrecognised_messages_hand_off(
        knowledge: Knowledge, count: int, streak: int) -> None:
    policy = dataclasses.replace(knowledge.policy, hand_off_after_unrecognised=count)
    engine = Engine(compile_rules(dataclasses.replace(knowledge, policy=policy)))
    effect = engine.decide(Facts(event="message", recog="unknown", streak=streak)).rules[0].effect
    assert effect == ("hand-off-unrecognised" if streak + 1 >= count else "not-recognised")


def test_the_catch_all_takes_only_what_nothing_else_takes(engine: Engine) -> None:
    assert engine.decide(Facts(event="nonsense")).names == ()
    assert engine.decide(Facts(event="nonsense")).rules[0].name == FALLBACK_RULE
    restart = engine.decide(Facts(event="restart"))
    assert [rule.name for rule in restart.rules] == ["restart"]


def test_each_build_gets_its_own_ruleset_name(knowledge: Knowledge) -> None:
    first, second = Engine(compile_rules(knowledge)), Engine(compile_rules(knowledge))
    assert first.ruleset != second.ruleset
    assert first.decide(Facts(event="why", step_kind="ask")).rules[0].effect == "explain-causes"


def _failing_rules(knowledge: Knowledge) -> list[Rule]:
    """The shipped rules plus two whose actions fail inside durable: one posts an event no rule
    takes (durable raises in the action), one keeps posting its own event (the chain guard)."""
    return [*compile_rules(knowledge),
            Rule("posts-nowhere", PRI_STEP, {"event": "nowhere"}, "repeat",
                 then={"turn": 0, "event": "unheard-of"}),
            Rule("loops", PRI_STEP, {"event": "loop"}, "repeat", then={"event": "loop"})]


def test_no_session_outlives_its_turn_even_when_turns_fail(knowledge: Knowledge) -> None:
    engine = Engine(_failing_rules(knowledge))
    too_big = "x" * (17 * 1024 * 1024)  # over durable's 16 MiB value limit: the post fails
    failures = 0
    for n in range(MORE_THAN_SESSION_CEILING):
        if n % 500 == 3:
            with pytest.raises(Exception, match="error code"):
                engine.decide(Facts(event="message", recognised=too_big))
            failures += 1
        elif n % 500 == 4:
            with pytest.raises(RuntimeError, match="rule action failed"):
                engine.decide(Facts(event="nowhere"))
            failures += 1
        elif n % 500 == 5:
            with pytest.raises(RuntimeError, match="chain without end"):
                engine.decide(Facts(event="loop"))
            failures += 1
        else:
            engine.decide(Facts(event="message", recog="unknown", streak=n % 2))
    assert failures == 15
    assert engine.live_sessions() == 0  # durable itself holds no state for any turn
    # still healthy after far more sessions than the engine could hold at once
    assert engine.decide(Facts(event="restart")).names == ("restart",)


def test_live_sessions_counts_a_session_durable_still_holds(knowledge: Knowledge) -> None:
    engine = Engine(compile_rules(knowledge))
    engine.decide(Facts(event="restart"))  # session "1", deleted after its turn
    assert engine.live_sessions() == 0
    # the same id opened behind the engine's back, straight through durable's host
    engine._host.post(engine.ruleset, {"event": "restart", "sid": "1", "id": "x", "turn": 1})
    assert engine.live_sessions() == 1
    engine._host.delete_state(engine.ruleset, "1")
    assert engine.live_sessions() == 0


def test_threads_sharing_one_engine_get_their_own_decisions(knowledge: Knowledge) -> None:
    engine = Engine(compile_rules(knowledge))
    intents = list(knowledge.intents.values())
    wrong: list[str] = []

    def work(offset: int) -> None:
        for n in range(150):
            intent = intents[(n + offset) % len(intents)]
            decision = engine.decide(Facts(event="message", recog="answer",
                                           recognised=intent.id))
            if decision.rules[0].target != intent.start:
                wrong.append(intent.id)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
    assert engine.live_sessions() == 0


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
