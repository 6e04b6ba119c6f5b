"""Cases and their summaries: a restart begins a clean case, the reply language follows the
message's script, a summary says what happened, wholly in its language, in user words."""

from __future__ import annotations

import dataclasses
import itertools
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.dialogue.assistant import Assistant
from bot.dialogue.replies import Escalate, Explanation, NotRecognised, Welcome
from bot.knowledge.model import Knowledge
from bot.render.renderer import default_renderer, render
from tests.assistant_helpers import make_assistant, only
from tests.wording_helpers import shown_texts

INVALID_JA = "このプロダクト キーは有効ではありません。もう一度入力してください。"
EXPIRED_EN = "The product key you entered has expired. Enter a different key"
SUSPICIOUS_KEY = "BCDFG-HJKMP-QRTVW-XY2O4-6789S"
MASKED = "XXXXX-XXXXX-XXXXX-XXXXX-6789S"
KINDS = ("ask", "remedy", "clarify", "not-recognised", "escalate", "closed", "explanation",
         "welcome")
_ids = itertools.count()


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return make_assistant(Path(tmp_path_factory.mktemp("cases")))


def _cid() -> str:
    return f"case-{next(_ids)}"


# ---- 11: a restart begins a clean case

def test_start_over_begins_a_clean_case_and_keeps_the_old_one_as_restarted(
        assistant: Assistant) -> None:
    cid = _cid()
    assistant.handle(cid, text=INVALID_JA)
    assistant.handle(cid, text=SUSPICIOUS_KEY)  # checked and masked: part of the first case
    assert isinstance(only(assistant.handle(cid, text="最初から")), Welcome)
    assistant.handle(cid, text=EXPIRED_EN, lang="en", lang_explicit=True)
    assistant.handle(cid, action="answer:other-key:has-other")
    handed = only(assistant.handle(cid, action="solved:no"))
    assert isinstance(handed, Escalate)
    summary = handed.summary
    assert summary.masked_key is None and summary.intent == "key-expired"
    assert next(line.text for line in summary.transcript if line.role == "user") == EXPIRED_EN
    shown = render(handed, "cli").text
    assert MASKED not in shown and "有効ではありません" not in shown and "最初から" not in shown
    conv = assistant.store.load(cid)  # type: ignore[union-attr]
    assert conv is not None
    [earlier] = conv.cases
    assert earlier["status"] == "restarted" and earlier["intent"] == "key-invalid"
    assert any(MASKED in line[1] for line in earlier["history"] if line[0] == "user")


def test_a_new_error_after_a_closed_case_is_a_new_case(assistant: Assistant) -> None:
    cid = _cid()
    assistant.handle(cid, text=EXPIRED_EN)
    assistant.handle(cid, action="answer:other-key:has-other")
    assistant.handle(cid, action="solved:yes")
    assistant.handle(cid, text="my printer is jammed")
    handed = only(assistant.handle(cid, text="it makes a noise"))
    assert isinstance(handed, Escalate) and handed.summary.reason == "unrecognised"
    assert [line.text for line in handed.summary.transcript if line.role == "user"] == [
        "my printer is jammed", "it makes a noise"]
    conv = assistant.store.load(cid)  # type: ignore[union-attr]
    assert conv is not None and [c["status"] for c in conv.cases] == ["closed"]


# ---- 12: the reply language follows the script when nothing is recognised

def test_unrecognised_japanese_is_answered_in_japanese(assistant: Assistant) -> None:
    cid = _cid()
    first = only(assistant.handle(cid, text="こんにちは"))
    assert isinstance(first, NotRecognised) and first.lang == "ja"
    second = only(assistant.handle(cid, text="天気はどう？"))
    assert isinstance(second, Escalate) and second.summary.lang == "ja"
    assert "言語：日本語" in render(second, "cli").text


def test_unrecognised_text_without_a_script_keeps_the_conversation_language(
        assistant: Assistant) -> None:
    cid = _cid()
    assistant.handle(cid, text=INVALID_JA)
    assert only(assistant.handle(cid, text="hmm ok")).lang == "ja"


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x30FA),
               min_size=1, max_size=40))
def test_any_unrecognised_japanese_script_is_answered_in_japanese(assistant: Assistant,
                                                                  text: str) -> None:
    recognition = assistant.brain.recogniser.classify(text)
    if recognition.action != "unknown":
        return
    reply = assistant.handle(_cid(), text=text, lang="en")[-1]
    assert reply.lang == "ja", (text, reply)


# ---- 14: the reason says what happened; the summary is wholly in its language

@pytest.mark.parametrize("answer", [{"action": "solved:no"}, {"text": "2"}, {"text": "no"},
                                    {"text": "still broken"}])
def test_a_remedy_that_did_not_help_is_the_reason_even_when_an_outcome_follows(
        assistant: Assistant, answer: dict[str, str]) -> None:
    cid = _cid()
    assistant.handle(cid, text=EXPIRED_EN)
    assistant.handle(cid, action="answer:other-key:has-other")
    handed = only(assistant.handle(cid, **answer))
    assert isinstance(handed, Escalate)
    assert handed.summary.reason == "unsolved" and handed.summary.outcome == "contact-support"
    shown = render(handed, "cli").text
    assert "did not solve it" in shown and "needs a person" not in shown


def test_an_outcome_reached_by_an_answer_says_a_person_is_needed(assistant: Assistant) -> None:
    cid = _cid()
    assistant.handle(cid, text=EXPIRED_EN)
    handed = only(assistant.handle(cid, action="answer:other-key:no-other"))
    assert isinstance(handed, Escalate) and handed.summary.reason == "outcome"


def _latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", text))


def _allowed_latin(knowledge: Knowledge, lang: str) -> set[str]:
    """Latin words the language's own texts use (product names, VLSC, the bot's name)."""
    catalog = default_renderer().catalogs.catalogs.get(lang, {})
    texts = [t.get(lang) for t in shown_texts(knowledge)] + list(catalog.values())
    return {"keyhelp", *knowledge.locale_ids} | {w for t in texts if t for w in _latin_words(t)}


def _escalations(assistant: Assistant, lang: str) -> list[Escalate]:
    """One escalation by each road, in ``lang``: unsolved, outcome, unrecognised."""
    found = []
    for turns in ([{"text": INVALID_JA}, {"text": SUSPICIOUS_KEY}, {"text": "why?"},
                   {"text": "2"}],
                  [{"text": INVALID_JA}, {"text": "hmm"}, {"text": "1"},
                   {"action": "solved:no"}],
                  [{"text": EXPIRED_EN}, {"text": "なぜ？"}, {"text": "2"}],
                  [{"text": "the key doesn't work"}, {"action": "intent:key-expired"},
                   {"action": "answer:other-key:has-other"}, {"text": "no"}],
                  [{"text": "こんにちは"}, {"text": "hello"}]):
        cid = _cid()
        assistant.start(cid, lang=lang, explicit=True)
        for turn in turns:
            replies = assistant.handle(cid, **turn)
        assert isinstance(replies[-1], Escalate), (turns, replies[-1])
        found.append(replies[-1])
    return found


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_summary_is_wholly_in_its_language(assistant: Assistant, knowledge: Knowledge,
                                             lang: str) -> None:
    allowed = _allowed_latin(knowledge, lang)
    for handed in _escalations(assistant, lang):
        for channel in ("cli", "slack"):
            text = render(handed, channel).text
            user = default_renderer().catalogs.gettext(lang, "User: %(text)s").split("%")[0]
            own = "\n".join(line for line in text.split("\n")
                            if not line.strip().startswith(user))  # what users typed
            own = re.sub(r"https?://\S+|<[^>|]*\||X{5}-X{5}-X{5}-X{5}-\w{5}", "", own)
            if lang == "ja":
                assert _latin_words(own) <= allowed, (_latin_words(own) - allowed, text)
            else:
                assert not re.search(r"[\u3040-\u30ff\u3400-\u9fff]", own), text


# ---- 17: no internal words

def test_why_does_not_show_the_rules_that_fired(assistant: Assistant) -> None:
    cid = _cid()
    assistant.handle(cid, text=EXPIRED_EN)
    why = only(assistant.handle(cid, text="why?"))
    assert isinstance(why, Explanation)
    for lang in ("en", "ja"):
        shown = render(dataclasses.replace(why, lang=lang), "cli").text
        assert "start:" not in shown and "rules applied" not in shown and "ルール" not in shown


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_transcript_lines_are_words_for_people_not_reply_kinds(assistant: Assistant,
                                                               lang: str) -> None:
    for handed in _escalations(assistant, lang):
        said = [line.strip().removeprefix("keyhelp") for line in
                render(handed, "cli").text.split("\n") if line.strip().startswith("keyhelp")]
        assert said
        kinds = "|".join(re.escape(kind) for kind in KINDS)
        for line in said:  # e.g. "keyhelp: explanation" or "keyhelp: ask: Do you …"
            assert not re.match(rf"\W*({kinds})(\W*$|:)", line), line
