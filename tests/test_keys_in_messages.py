"""A pasted key, in any shape, through every entry point: never stored, logged or shown whole,
and never in the way of recognising the error message beside it."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from bot.channels.cli.classify import classify_line
from bot.dialogue.assistant import Assistant
from bot.render.renderer import CHANNELS, render
from bot.understand.recognise import Recogniser
from tests.assistant_helpers import make_assistant
from tests.key_shapes import KNOWLEDGE, PastedKey, leaks, messages

INVALID_EN = "The product key you entered isn't valid. Try entering it again"
# keys of the wrong length or grouping, cut short, split, full width, masked, with typos
MALFORMED = ["7KQ2MX-J4TR-P9WCB-H3GDY-8VF6K", "7KQ2MX-J4TR-P9WCB-H3GDY",
             "7KX2M-QH4PD-R9TBW-C6FYJ-38VG", "7KX2M-QH4PD-R9TBW-C6FYJ-38VGKK",
             "7KX2MQH4PDR9TBWC6FYJ38VGK", "7KX2M-QH4-R9TBW-C6FYJ-38VGK",
             "7KX2M-QH4PD-R9TBW\nC6FYJ-38VGK", "7kx2m qh4pd r9tbw c6fyj",
             "７ＫＸ２Ｍ－ＱＨ４ＰＤ－Ｒ９ＴＢＷ", "7KX2M-QH4PO-R9TBW-C6FYJ-38VGS", "7KX2M-QH4PD",
             "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX"]
_ALONE = Recogniser(KNOWLEDGE)
# each error message, whole and its first sentence when that alone names the error ("This
# product key isn't valid"; not 「申し訳ございません」)
ERRORS = sorted({(intent.id, lang, text) for intent in KNOWLEDGE.intents.values()
                 for message in intent.messages for lang, whole in message.texts.items()
                 for text in (whole, re.split(r"[.。]", whole)[0])
                 if _ALONE.classify(text).intent == intent.id})
RELAXED = settings(max_examples=60, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])


@pytest.mark.parametrize(("intent_id", "lang", "text"), ERRORS)
def test_an_error_message_is_recognised_whatever_key_is_beside_it(
        intent_id: str, lang: str, text: str, recogniser: Recogniser) -> None:
    joints = [" ", "\n", ": "] if lang == "en" else ["", " ", "\n", "："]
    for key in MALFORMED:
        for joint in joints:
            for message in (f"{text}{joint}{key}", f"{key}{joint}{text}"):
                got = recogniser.classify(message)
                assert (got.action, got.intent) == ("answer", intent_id), message


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return make_assistant(tmp_path_factory.mktemp("keys"))


def _stored(assistant: Assistant) -> str:
    """The conversation database's raw bytes (main file, WAL, shared memory) as text."""
    assert assistant.store is not None
    files = sorted(Path(assistant.store.path).parent.glob("*.db*"))
    assert files
    return "\n".join(p.read_bytes().decode("utf-8", errors="replace") for p in files)


def _shown(replies: list) -> list[str]:
    return [text for reply in replies for channel in CHANNELS
            for text in (render(reply, channel).text, render(reply, channel).fallback)]


@RELAXED
@given(message=messages())
def test_a_key_never_reaches_the_store_the_logs_or_any_reply(
        assistant: Assistant, caplog: pytest.LogCaptureFixture,
        message: tuple[str, PastedKey]) -> None:
    text, key = message
    with caplog.at_level(logging.DEBUG):
        at_question, first = f"c-{uuid.uuid4().hex}", f"f-{uuid.uuid4().hex}"
        replies = assistant.handle(at_question, text=INVALID_EN)
        replies += assistant.handle(at_question, text=text)  # where the key is checked
        replies += assistant.handle(at_question, text="no")  # the escalation's transcript
        replies += assistant.handle(first, text=text)  # a key in the first message
        replies += assistant.handle(first, text="why?")
        diagnosis = assistant.diagnose(text)
        recognition = assistant.brain.recogniser.classify(text)
        line = classify_line(assistant.brain.recogniser,
                             json.dumps({"id": 1, "text": text}).encode())
    outputs = [*_shown(replies), *_shown(list(diagnosis.replies)), caplog.text, _stored(assistant),
               json.dumps(recognition.to_json(), ensure_ascii=False),
               json.dumps(diagnosis.recognition.to_json(), ensure_ascii=False),
               json.dumps(line, ensure_ascii=False)]
    assert [leaks(output, key) for output in outputs] == [[]] * len(outputs)


def test_a_key_pasted_over_two_chat_messages_is_masked_in_both(assistant: Assistant) -> None:
    cid = f"c-{uuid.uuid4().hex}"
    assistant.handle(cid, text=INVALID_EN)
    assistant.handle(cid, text="cbfyj-qhtpd-rbtbw")  # no digits: only the first line says key
    replies = assistant.handle(cid, text="ccfyj-bbvgk")
    replies += assistant.handle(cid, text="no")
    key = PastedKey(("CBFYJ", "QHTPD", "RBTBW", "CCFYJ", "BBVGK"), "")
    assert leaks("\n".join(_shown(replies)), key) == []
    assert leaks(_stored(assistant), key) == []


def test_a_glued_key_typed_with_look_alikes_is_masked_beside_words(assistant: Assistant) -> None:
    # read off a label with O for 0, S for 5, I for 1 …: most of its characters are ones a
    # key never has, and lower-case words follow it; it is still a key, not a word
    cid = f"c-{uuid.uuid4().hex}"
    replies = assistant.handle(cid, text="A0SL5EIUZ2QWRTYLOSE3AIUX8 keeps failing, says used")
    replies += assistant.handle(cid, text="no")
    key = PastedKey(("A0SL5", "EIUZ2", "QWRTY", "LOSE3", "AIUX8"), "")
    assert leaks("\n".join(_shown(replies)), key) == []
    assert leaks(_stored(assistant), key) == []


def _keyhelp(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[1]),
           "KEYHELP_DB": str(tmp_path / "cli.db"), "KEYHELP_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, text=True,
                          capture_output=True, env=env, timeout=120)


CLI_SHAPES = ["7KX2M-QH4PD-R9TBW\nC6FYJ-38VGK", "7kx2m-qh4pd-r9tbw-\r\ncbfyj-38vgk",
              "７ＫＸ２Ｍ－ＱＨ４ＰＤ\u3000Ｒ９ＴＢＷ\u200b－Ｃ６ＦＹＪ\u30fc３８ＶＧＫ",
              "7KX2M\u2010QH4PD\u2014R9TBW\u2212C6FYJ\uff0d38VGK"]


@pytest.mark.parametrize("shape", CLI_SHAPES)
def test_no_command_prints_or_stores_a_key_in_any_shape(shape: str, tmp_path: Path) -> None:
    key = PastedKey(("7KX2M", "QH4PD", "R9TBW", "C6FYJ", "38VGK"), shape)
    message = f"This product key isn't valid:\n{shape}\nplease help"
    runs = [_keyhelp(tmp_path, "diagnose", message),
            _keyhelp(tmp_path, "diagnose", "--json", message),
            _keyhelp(tmp_path, "classify", message),
            _keyhelp(tmp_path, "classify", "--jsonl", stdin=json.dumps({"text": message}) + "\n"),
            # the terminal reads a line at a time: a key over two lines arrives in two turns
            _keyhelp(tmp_path, "chat", "--lang", "en", stdin=f"{INVALID_EN}\n{shape}\nno\n")]
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert leaks(run.stdout + run.stderr, key) == [], run.args
    stored = "".join(p.read_bytes().decode("utf-8", "replace") for p in tmp_path.glob("cli.db*"))
    assert stored and leaks(stored, key) == []
