"""`keyhelp chat --jsonl`: one JSON object a line in, one out per line, through the real CLI
(a subprocess) and in-process; bad lines get an error and the stream goes on."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.cli.chat_jsonl import run
from tests.assistant_helpers import make_assistant
from tests.test_chat_cli import EXPIRED_EN, env_for

KEY = "7KX2M-QH4PD-R9TBW-C6FYJ-38VGK"
MASKED = "XXXXX-XXXXX-XXXXX-XXXXX-38VGK"


def line(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False)


def chat_jsonl(tmp_path: Path, lines: list[str | bytes], *args: str) -> list[dict]:
    data = b"".join((x if isinstance(x, bytes) else x.encode()) + b"\n" for x in lines)
    result = subprocess.run([sys.executable, "-m", "bot", "chat", "--jsonl", *args],
                            input=data, capture_output=True, env=env_for(tmp_path),
                            timeout=120)
    assert result.returncode == 0 and b"Traceback" not in result.stderr, result.stderr
    return [json.loads(out) for out in result.stdout.decode().splitlines()]


def test_a_conversation_runs_to_its_end_through_the_cli(tmp_path):
    out = chat_jsonl(tmp_path, [
        line(conversation="c1", text=EXPIRED_EN),
        line(conversation="c1", text="why do you ask?"),
        line(conversation="c1", action="answer:other-key:has-other"),
        line(conversation="c1", text="直りました"),
    ])
    assert [o["conversation"] for o in out] == ["c1"] * 4
    ask, why, remedy, closed = (o["replies"][0] for o in out)
    assert (ask["kind"], ask["intent"], ask["id"]) == ("ask", "key-expired", "other-key")
    assert ask["choices"][0] == {"value": "answer:other-key:has-other",
                                 "label": "I have another key"}
    assert why["kind"] == "explanation" and "validity period" in why["text"]
    assert (remedy["kind"], remedy["id"]) == ("remedy", "enter-other-key")
    assert remedy["links"][0]["url"].startswith("https://account.manage.microsoft.com")
    assert (closed["kind"], closed["intent"], closed["id"]) == ("closed", "key-expired",
                                                                "solved")
    assert out[0]["rules"] == ["start:key-expired"]
    # the engine keeps the trace of the rules behind the step (what "how did we get here?"
    # reads): the case's start, then the answer that led to the remedy
    assert out[2]["rules"] == ["start:key-expired", "answer:key-expired:other-key:has-other"]


def test_an_outcome_that_needs_a_person_carries_its_intent_and_id(tmp_path):
    out = chat_jsonl(tmp_path, [line(conversation="c", text=EXPIRED_EN),
                                line(conversation="c", text="no other key")])
    escalate = out[1]["replies"][0]
    assert (escalate["kind"], escalate["intent"], escalate["id"]) == (
        "escalate", "key-expired", "contact-support")


def test_conversations_interleave_and_keep_their_own_steps(tmp_path):
    out = chat_jsonl(tmp_path, [
        line(conversation="a", text=EXPIRED_EN),
        line(conversation="b", text="このプロダクト キーは既に使用されています"),
        line(conversation="a", text="yes"),
        line(conversation="b", text="わかりません"),
    ])
    assert [(o["conversation"], o["replies"][0]["kind"], o["replies"][0].get("id"))
            for o in out] == [("a", "ask", "other-key"), ("b", "ask", "who-used"),
                              ("a", "remedy", "enter-other-key"),
                              ("b", "remedy", "check-organisation")]
    assert out[1]["replies"][0]["text"].startswith("このキーを")


@pytest.mark.parametrize(("bad", "error"), [
    (b"not json", "not JSON"),
    (b"[1, 2]", "expected a JSON object"),
    (b'"text"', "expected a JSON object"),
    (b'{"text": "hi"}', '"conversation" must be a non-empty string'),
    (b'{"conversation": 7, "text": "hi"}', '"conversation" must be a non-empty string'),
    (b'{"conversation": "c"}', 'exactly one of "text" and "action"'),
    (b'{"conversation": "c", "text": "a", "action": "why"}', 'exactly one of'),
    (b'{"conversation": "c", "text": ["a"]}', '"text" must be a string'),
    (b'{"conversation": "c", "txt": "a"}', "unknown field 'txt'"),
    (b'{"conversation": "c", "text": "a", "lang": "fr"}', "unknown language 'fr'"),
    (b"[" * 50_000 + b"]" * 50_000, "nested too deeply"),
    (b'{"conversation": "c", "text": "\xff\xfe"}', "not UTF-8"),
    (b"", "empty"),
])
def test_a_bad_line_gets_an_error_and_the_stream_goes_on(tmp_path, bad, error):
    out = chat_jsonl(tmp_path, [bad, line(conversation="c", text=EXPIRED_EN)])
    assert len(out) == 2 and out[0]["line"] == 1 and error in out[0]["error"]
    assert "replies" not in out[0]
    assert out[1]["replies"][0]["id"] == "other-key"


def test_keys_are_masked_in_every_output(tmp_path):
    out = chat_jsonl(tmp_path, [
        line(conversation=f"c {KEY}", text=f"The product key you entered isn't valid {KEY}"),
        line(conversation="d", action=f"answer:{KEY}"),
        f'{{"conversation": "e", "text": "{KEY}"'.encode(),  # broken JSON around a key
    ])
    whole = json.dumps(out)
    assert KEY not in whole and "38VGK" in whole
    assert out[0]["conversation"] == f"c {MASKED}"


def test_lang_chooses_the_reply_language(tmp_path):
    out = chat_jsonl(tmp_path, [line(conversation="c", text=EXPIRED_EN)], "--lang", "ja")
    assert out[0]["replies"][0]["text"].startswith("有効期限が切れたキー")


def test_jsonl_does_not_go_with_a_conversation_option(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bot", "chat", "--jsonl",
                             "--conversation", "x"], capture_output=True, text=True,
                            env=env_for(tmp_path), timeout=120)
    assert result.returncode == 2 and "--conversation does not go with --jsonl" in result.stderr


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return make_assistant(tmp_path_factory.mktemp("jsonl"))


def run_lines(assistant, data: bytes) -> list[dict]:
    out = io.StringIO()
    run(assistant, io.BytesIO(data), out, None)
    return [json.loads(text) for text in out.getvalue().splitlines()]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(
    st.binary(max_size=60).filter(lambda b: b"\n" not in b),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                 lambda inner: st.lists(inner, max_size=3)
                 | st.dictionaries(st.sampled_from(["conversation", "text", "action", "x"]),
                                   inner, max_size=3)).map(
        lambda value: json.dumps(value).encode())), max_size=5))
def test_any_lines_get_one_answer_each_and_the_stream_goes_on(assistant, junk):
    good = line(conversation="prop", text=EXPIRED_EN).encode()
    out = run_lines(assistant, b"\n".join([*junk, good]) + b"\n")
    assert len(out) == len(junk) + 1
    assert all("error" in o or "replies" in o for o in out)
    assert out[-1]["replies"][0]["kind"] in ("ask", "remedy", "explanation", "escalate")


def test_a_line_longer_than_the_limit_is_an_error_not_a_stall(assistant, monkeypatch):
    monkeypatch.setattr("bot.channels.cli.chat_jsonl.MAX_LINE", 100)
    good = line(conversation="long", text="my key has expired").encode()
    out = run_lines(assistant, b"x" * 350 + b"\n" + good + b"\n")
    assert "longer than 100 bytes" in out[0]["error"] and out[1]["replies"][0]["id"] == \
        "other-key"
