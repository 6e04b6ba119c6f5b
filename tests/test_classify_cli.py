"""`keyhelp classify` as the evaluation runs it: a subprocess reading JSON lines on stdin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

KEY = "7KX2M-QH4PD-R9TBW-C6FYJ-38VGK"
RESULT_FIELDS = ["action", "intent", "candidates", "confidence", "lang", "key", "evidence"]


def run(*args: str, stdin: bytes = b"", env: dict[str, str] | None = None,
        ) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "bot", "classify", *args], input=stdin,
                          capture_output=True, timeout=60, env=env, check=False)


def lines(out: bytes) -> list[dict]:
    return [json.loads(line) for line in out.decode("utf-8").splitlines()]


def test_jsonl_adds_result_and_keeps_other_fields() -> None:
    rows = [{"id": "a", "text": "The product key you entered has expired", "extra": [1, {"x": 2}]},
            {"id": "b", "text": "キーが通らない"},
            {"id": "c", "text": "hello"}]
    proc = run("--jsonl", stdin="".join(json.dumps(r) + "\n" for r in rows).encode())
    assert proc.returncode == 0, proc.stderr
    out = lines(proc.stdout)
    assert [o["id"] for o in out] == ["a", "b", "c"]
    assert out[0]["extra"] == [1, {"x": 2}] and out[0]["text"] == rows[0]["text"]
    assert [o["result"]["action"] for o in out] == ["answer", "clarify", "unknown"]
    assert out[0]["result"]["intent"] == "key-expired"
    assert out[1]["result"]["lang"] == "ja"
    assert all(list(o["result"]) == RESULT_FIELDS for o in out)


def test_jsonl_never_echoes_a_full_key() -> None:
    row = {"id": 1, "text": f"key {KEY} has already been used"}
    proc = run("--jsonl", stdin=(json.dumps(row) + "\n").encode())
    assert proc.returncode == 0
    assert b"7KX2M" not in proc.stdout and b"QH4PD" not in proc.stdout
    out = lines(proc.stdout)[0]
    assert out["result"]["key"] == {"present": True, "masked": "XXXXX-XXXXX-XXXXX-XXXXX-38VGK"}
    assert out["text"] == "key XXXXX-XXXXX-XXXXX-XXXXX-38VGK has already been used"


@pytest.mark.parametrize(("line", "error"), [
    (b"not json at all", "not valid JSON"),
    (b"[1, 2, 3]", "not a JSON object"),
    (b'{"id": 1}', '"text"'),
    (b'{"id": 1, "text": 42}', '"text"'),
    (b'{"id": 1, "text": "caf\xe9 \xff"}', "UTF-8"),
    (b"\xff\xfe\x00\x01", "UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
])
def test_jsonl_bad_lines_get_a_defined_output_line(line: bytes, error: str) -> None:
    good = b'{"id": "ok", "text": "help"}'
    proc = run("--jsonl", stdin=line + b"\n" + good + b"\n")
    assert proc.returncode == 0 and not proc.stderr
    bad, ok = lines(proc.stdout)
    assert error in bad["error"]
    assert bad["result"]["action"] == "unknown"
    assert ok["id"] == "ok" and "error" not in ok


def test_jsonl_skips_blank_lines_and_accepts_no_final_newline() -> None:
    proc = run("--jsonl", stdin=b'\n\n{"text": "hi"}\n   \n{"text": "hello"}')
    assert proc.returncode == 0
    assert len(lines(proc.stdout)) == 2


def test_jsonl_on_empty_input_prints_nothing() -> None:
    proc = run("--jsonl")
    assert proc.returncode == 0 and proc.stdout == b""


def test_text_argument_prints_one_result() -> None:
    proc = run("このプロダクト キーは既に使用されています")
    assert proc.returncode == 0
    result = json.loads(proc.stdout)
    assert list(result) == RESULT_FIELDS
    assert result["intent"] == "key-already-used" and result["lang"] == "ja"


def test_text_and_jsonl_together_is_a_usage_error() -> None:
    proc = run("--jsonl", "text")
    assert proc.returncode == 2 and b"Traceback" not in proc.stderr


def test_broken_rules_file_is_an_exit_message(tmp_path: Path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text("version: 1\nlocales: nonsense\n", encoding="utf-8")
    proc = run("--rules", str(bad), "hello")
    assert proc.returncode == 1
    assert b"Traceback" not in proc.stderr and b"rules.yaml" in proc.stderr


def test_rules_option_and_env_choose_the_knowledge(tmp_path: Path) -> None:
    tiny = Path(__file__).parent / "fixtures" / "tiny.yaml"
    proc = run("--rules", str(tiny), "This key is broken")
    assert json.loads(proc.stdout)["intent"] == "key-broken"
    env = {"KEYHELP_RULES": str(tiny), "PATH": "/usr/bin:/bin"}
    proc = run("This key is broken", env=env)
    assert json.loads(proc.stdout)["intent"] == "key-broken"


def test_classify_does_not_import_slack_jinja_or_durable() -> None:
    code = ("import sys; from bot.channels.cli.classify import classify; "
            "bad = [m for m in ('slack_bolt', 'slack_sdk', 'jinja2', 'durable', 'rules')"
            " if m in sys.modules]; print(bad)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60,
                          check=True)
    assert proc.stdout.strip() == b"[]"


def test_kanji_readings_load_only_when_needed() -> None:
    """pykakasi takes about a second to load: start-up and English messages never pay it."""
    code = ("import sys; from bot.knowledge.loader import load_knowledge; "
            "from bot.paths import rules_path; from bot.understand.recognise import Recogniser; "
            "r = Recogniser(load_knowledge(rules_path())); "
            "r.classify('The product key you entered has expired'); "
            "print('pykakasi' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60,
                          check=True)
    assert proc.stdout.strip() == b"False"
