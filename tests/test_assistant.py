"""The orchestrator end to end: real recogniser, real engine, real SQLite file."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from bot.dialogue.assistant import Assistant
from bot.dialogue.reload import RulesWatcher
from bot.dialogue.replies import (
    Ask,
    Clarify,
    Closed,
    Escalate,
    Explanation,
    NotRecognised,
    Remedy,
    Welcome,
)
from bot.dialogue.store import SqliteStore
from bot.knowledge.catalogs import Catalogs
from bot.paths import templates_dir
from bot.render.renderer import Renderer, render
from tests.assistant_helpers import Clock, make_assistant, only

INVALID_EN = "The product key you entered isn't valid. Try entering it again"
USED_JA = "このプロダクト キーは既に使用されています。別のプロダクト キーを入力してください"
SUSPICIOUS_KEY = "BCDFG-HJKMP-QRTVW-XY2O4-6789S"  # O at 19 and S at 25 are never in keys
CLEAN_KEY = "BCDFG-HJKMP-QRTVW-XY234-6789B"


@pytest.fixture
def assistant(tmp_path: Path) -> Assistant:
    return make_assistant(tmp_path)


def test_start_welcomes_and_offers_the_other_languages(assistant: Assistant) -> None:
    reply = only(assistant.start("c", lang="ja"))
    assert isinstance(reply, Welcome) and reply.lang == "ja"
    assert [c.value for c in reply.choices] == ["lang:en"]


def test_a_recognised_message_asks_the_first_question(assistant: Assistant) -> None:
    reply = only(assistant.handle("c", text=INVALID_EN))
    assert isinstance(reply, Ask)
    assert (reply.intent, reply.question, reply.lang) == ("key-invalid", "check-characters", "en")
    assert reply.accepts_key


def test_numbers_labels_and_buttons_all_answer(assistant: Assistant) -> None:
    assistant.handle("a", text=USED_JA)
    by_number = only(assistant.handle("a", text="1"))
    assistant.handle("b", text=USED_JA)
    by_label = only(assistant.handle("b", text="可能性はある・わからない"))
    assistant.handle("c", text=USED_JA)
    by_button = only(assistant.handle("c", action="answer:who-used:maybe"))
    for reply in (by_number, by_label, by_button):
        assert isinstance(reply, Remedy) and reply.remedy == "check-organisation"
        assert reply.lang == "ja"


def test_a_pasted_key_is_checked_and_each_suspect_named(assistant: Assistant,
                                                        tmp_path: Path) -> None:
    assistant.handle("c", text=INVALID_EN)
    reply = only(assistant.handle("c", text=f"here it is: {SUSPICIOUS_KEY}"))
    assert isinstance(reply, Remedy) and reply.remedy == "fix-characters"
    assert reply.key is not None
    assert [(s.position, s.char) for s in reply.key.suspects] == [(19, "O"), (25, "S")]
    assert "D" in reply.key.suspects[0].suggestions
    assert SUSPICIOUS_KEY not in repr(reply)
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("conversations.db*"))
    assert SUSPICIOUS_KEY.encode() not in raw
    assert SUSPICIOUS_KEY.replace("-", "").encode() not in raw


def test_a_key_in_the_first_message_is_checked_at_once(assistant: Assistant) -> None:
    reply = only(assistant.handle("c", text=f"{INVALID_EN}: {SUSPICIOUS_KEY}"))
    assert isinstance(reply, Remedy) and reply.remedy == "fix-characters"
    assert reply.key is not None and reply.key.masked.endswith("6789S")


def test_a_clean_key_is_retyped_with_the_look_alikes_named_then_goes_to_the_reseller(
        assistant: Assistant) -> None:
    assistant.handle("c", text=INVALID_EN)
    retype = only(assistant.handle("c", text=CLEAN_KEY))
    assert isinstance(retype, Remedy) and retype.remedy == "retype-look-alikes"
    assert retype.key is not None and retype.key.clean and "B/8" in retype.key.alike
    reply = only(assistant.handle("c", text="no"))
    assert isinstance(reply, Escalate) and reply.summary.outcome == "contact-reseller"
    assert reply.summary.masked_key is not None and CLEAN_KEY not in reply.summary.masked_key
    assert all(CLEAN_KEY not in line.text for line in reply.summary.transcript)


def test_why_at_a_question_names_the_causes_it_separates(assistant: Assistant,
                                                          knowledge) -> None:
    assistant.handle("c", text=USED_JA)
    reply = only(assistant.handle("c", text="なぜ？"))
    intent = knowledge.intents["key-already-used"]
    assert isinstance(reply, Explanation) and reply.about == "question"
    assert reply.causes == tuple(intent.causes[c].text.get("ja") for c in
                                 intent.questions["who-used"].separates)
    assert "why" not in [c.value for c in reply.choices]


def test_why_at_a_remedy_retraces_the_answers(assistant: Assistant) -> None:
    assistant.handle("c", text="The requested subscription is not available")
    assistant.handle("c", action="answer:trial-before:no")
    assistant.handle("c", action="answer:country:offered")
    reply = only(assistant.handle("c", text="why?"))
    assert isinstance(reply, Explanation) and reply.about == "path"
    assert [line.answer for line in reply.path] == ["No / not sure", "Yes / not sure"]


def test_solved_closes_and_unsolved_follows_the_rules(assistant: Assistant) -> None:
    assistant.handle("a", text="my key has expired")
    assistant.handle("a", action="answer:other-key:has-other")
    closed = only(assistant.handle("a", text="yes"))
    assert isinstance(closed, Closed) and closed.outcome == "solved"
    assistant.handle("b", text="my key has expired")
    assistant.handle("b", action="answer:other-key:has-other")
    handed = only(assistant.handle("b", action="solved:no"))
    assert isinstance(handed, Escalate) and handed.summary.outcome == "contact-support"


def test_unsolved_without_if_unsolved_hands_over(tmp_path, tiny_rules) -> None:
    assistant = make_assistant(tmp_path, rules=tiny_rules())
    assistant.handle("c", text="how to use this")  # remedy explain: no if_unsolved
    reply = only(assistant.handle("c", text="no"))
    assert isinstance(reply, Escalate) and reply.summary.reason == "unsolved"
    assert reply.summary.intent == "how-to" and reply.summary.answers == ()


def test_two_unrecognised_messages_in_a_row_escalate(assistant: Assistant) -> None:
    first = only(assistant.handle("c", text="the printer is on fire"))
    assert isinstance(first, NotRecognised) and not first.at_step
    second = only(assistant.handle("c", text="still on fire"))
    assert isinstance(second, Escalate) and second.summary.reason == "unrecognised"
    assert [line.text for line in second.summary.transcript if line.role == "user"] == [
        "the printer is on fire", "still on fire"]


def test_one_unrecognised_message_then_a_good_one_does_not_escalate(
        assistant: Assistant) -> None:
    assistant.handle("c", text="hmm")
    assert isinstance(only(assistant.handle("c", text=INVALID_EN)), Ask)
    again = only(assistant.handle("c", text="hmm"))  # at a question: asked again, with a hint
    assert isinstance(again, Ask) and again.hint


@pytest.mark.parametrize("words", ["start over", "最初から", "Start Over!"])
def test_start_over_works_at_any_step(assistant: Assistant, words: str) -> None:
    assistant.handle("c", text=USED_JA)
    assistant.handle("c", text="1")
    reply = only(assistant.handle("c", text=words))
    assert isinstance(reply, Welcome) and reply.reason == "restart" and reply.lang == "ja"
    conv = assistant.store.load("c")  # type: ignore[union-attr]
    assert conv is not None and (conv.intent, conv.step, conv.answers) == ("", "", [])


def test_language_change_reshows_the_step_and_is_remembered(assistant: Assistant) -> None:
    assistant.handle("c", text=INVALID_EN)
    reply = only(assistant.handle("c", action="lang:ja"))
    assert isinstance(reply, Ask) and reply.lang == "ja" and reply.question == "check-characters"
    assistant.handle("c", text="start over")
    assert only(assistant.handle("c", text="my key has expired")).lang == "ja"


def test_typing_a_language_name_switches_language(assistant: Assistant) -> None:
    assistant.handle("c", text=USED_JA)
    assert only(assistant.handle("c", text="English")).lang == "en"


def test_an_old_button_just_shows_the_current_step(assistant: Assistant) -> None:
    assistant.handle("c", text=USED_JA)
    reply = only(assistant.handle("c", action="answer:other-key:has-other"))
    assert isinstance(reply, Ask) and reply.question == "who-used"


def test_ambiguous_messages_ask_which_one_then_follow_the_choice(assistant: Assistant) -> None:
    reply = only(assistant.handle("c", text="my key doesn't work"))
    assert isinstance(reply, Clarify) and len(reply.choices) >= 2
    picked = only(assistant.handle("c", action=reply.choices[0].value))
    assert isinstance(picked, Ask | Remedy)


def test_idle_conversations_expire_and_start_fresh(tmp_path: Path) -> None:
    clock = Clock()
    assistant = make_assistant(tmp_path, clock=clock, idle_hours=24)
    assistant.handle("c", text=USED_JA)
    clock.now += 23 * 3600
    assert isinstance(only(assistant.handle("c", text="1")), Remedy)
    clock.now += 25 * 3600
    assert isinstance(only(assistant.handle("c", text="1")), NotRecognised)


@pytest.mark.parametrize("text", ["", "   ", "why", "start over", "最初から", "日本語", "2"])
def test_diagnose_of_blank_text_or_a_command_reports_unknown(assistant: Assistant,
                                                            text: str) -> None:
    result = assistant.diagnose(text)
    assert result.recognition.action == "unknown" and result.recognition.intent is None
    assert result.replies


def test_diagnose_answers_without_keeping_a_conversation(assistant: Assistant) -> None:
    result = assistant.diagnose(USED_JA)
    assert result.recognition.intent == "key-already-used"
    assert isinstance(result.replies[0], Ask) and result.replies[0].lang == "ja"
    assert result.fired == ("start:key-already-used",)
    assert assistant.diagnose(USED_JA, lang="en").replies[0].lang == "en"
    assert assistant.store is not None and assistant.store.count() == 0


def test_sixteen_threads_on_different_conversations_keep_their_own_state(
        assistant: Assistant) -> None:
    script = [("text", "The requested subscription is not available"),
              ("action", "answer:trial-before:no"), ("action", "answer:country:not-offered"),
              ("action", "solved:no")]
    per_thread, problems = 12, []

    def work(thread: int) -> None:
        for n in range(per_thread):
            cid = f"t{thread}-{n}"
            for kind, value in script:
                assistant.handle(cid, **{kind: value})
            conv = assistant.store.load(cid)  # type: ignore[union-attr]
            if conv is None or conv.turns != len(script) or conv.answers != [
                    ["trial-before", "no"], ["country", "not-offered"]]:
                problems.append(cid)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []
    assert assistant.store is not None and assistant.store.count() == 16 * per_thread


def test_sixteen_threads_on_one_conversation_lose_no_turn(assistant: Assistant) -> None:
    assistant.handle("shared", text="hello there")  # not recognised: streak 1
    threads = [threading.Thread(target=assistant.handle, args=("shared",),
                                kwargs={"action": "why"}) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    conv = assistant.store.load("shared")  # type: ignore[union-attr]
    assert conv is not None and conv.turns == 17


def test_a_third_language_needs_only_its_translations(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(templates_dir(), templates)
    (templates / "locale" / "zh-Hans.po").write_text(
        'msgid "Why?"\nmsgstr "为什么？"\n\n'
        'msgctxt "command"\nmsgid "why|why?|how did we get here|how did you get there"\n'
        'msgstr "为什么"\n', encoding="utf-8")
    catalogs = Catalogs(locale_dir=templates / "locale")
    rules = Path(__file__).parent / "fixtures" / "three-locales.yaml"
    assistant = Assistant(watcher=RulesWatcher(path=rules, catalogs=catalogs),
                          store=SqliteStore(path=tmp_path / "c.db"))
    ask = only(assistant.handle("c", text="此密钥已损坏"))
    assert isinstance(ask, Ask) and ask.lang == "zh-Hans"
    rendered = Renderer(templates=templates, catalogs=catalogs).render(ask, "cli")
    assert "您是手动输入的吗？" in rendered.text and "为什么？" in rendered.text
    assert isinstance(only(assistant.handle("c", text="为什么")), Explanation)
    plain = render(ask, "cli").text  # shipped catalogs: English interface words as fallback
    assert "您是手动输入的吗？" in plain and "Why?" in plain


def test_more_open_conversations_than_the_engine_has_sessions(assistant: Assistant) -> None:
    # durable-rules holds at most 1,024 live sessions per ruleset; conversations live in the
    # store, so far more can be open at once, each still at its own question.
    count = 1_500
    for n in range(count):
        assert isinstance(only(assistant.handle(f"open-{n}", text=USED_JA)), Ask)
    answered = [only(assistant.handle(f"open-{n}", text=str(1 + n % 2))) for n in range(count)]
    assert all(isinstance(r, Remedy) for r in answered[0::2])
    assert all(isinstance(r, Escalate) for r in answered[1::2])


def test_an_explicit_language_sticks_whatever_the_messages_are_written_in(
        assistant: Assistant) -> None:
    ask = only(assistant.handle("c", text=USED_JA, lang="en", lang_explicit=True))
    assert isinstance(ask, Ask) and ask.lang == "en" and ask.intent == "key-already-used"
    assert only(assistant.handle("c", text="1")).lang == "en"  # no lang given: still English
    hinted = only(assistant.handle("d", text=USED_JA, lang="en"))  # a hint: the text wins
    assert hinted.lang == "ja"
    switched = only(assistant.handle("c", text="start over", lang="ja", lang_explicit=True))
    assert isinstance(switched, Welcome) and switched.lang == "ja"  # a running one switches
