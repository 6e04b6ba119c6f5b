"""`keyhelp chat` and `keyhelp diagnose` as a user runs them: real subprocesses, piped stdin."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

EXPIRED_EN = "The product key you entered has expired. Enter a different key"
USED_JA = "このプロダクト キーは既に使用されています。別のプロダクト キーを入力してください"


def env_for(tmp_path: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYHELP_")}
    env.update(KEYHELP_DB=str(tmp_path / "chat.db"), KEYHELP_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONUNBUFFERED="1", **more)
    return env


def keyhelp(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, text=True,
                          capture_output=True, env=env_for(tmp_path), timeout=120)


def test_chat_with_piped_answers_reaches_the_remedy_and_ends(tmp_path: Path) -> None:
    result = keyhelp(tmp_path, "chat", stdin=f"{EXPIRED_EN}\n1\n1\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Do you have another, newer product key" in out
    assert "Enter the newer key on the redemption page" in out
    assert "1) Yes, it's solved" in out
    last = out.rstrip().split("\n\n")[-2:]
    assert last[0].startswith("Glad that fixed it") and last[1].strip() == "1) Start over"


def test_chat_in_japanese_uses_japanese_interface_words(tmp_path: Path) -> None:
    result = keyhelp(tmp_path, "chat", "--lang", "ja", stdin=f"{USED_JA}\nなぜ？\n2\n")
    assert result.returncode == 0, result.stderr
    assert "考えられる原因を次のどれかに絞り込めます" in result.stdout
    assert "ヘルプデスク向けの要約" in result.stdout


def test_chat_rejects_a_language_the_rules_do_not_have(tmp_path: Path) -> None:
    result = keyhelp(tmp_path, "chat", "--lang", "fr")
    assert result.returncode == 1 and "ja, en" in result.stderr


def test_chat_reports_a_broken_rules_file_with_its_position(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nlocales: nope\n", encoding="utf-8")
    result = keyhelp(tmp_path, "chat", "--rules", str(broken))
    assert result.returncode == 1
    assert f"{broken}:2:" in result.stderr and "Traceback" not in result.stderr


def test_diagnose_prints_intent_and_first_step(tmp_path: Path) -> None:
    result = keyhelp(tmp_path, "diagnose", USED_JA)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("認識したエラー：プロダクト キーは使用済み（確信度 ")
    assert "このキーを、あなた自身または組織内の誰か" in result.stdout


def test_an_unusable_file_is_named_with_the_setting_behind_it(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    rules = keyhelp(tmp_path, "diagnose", "hi", "--rules", str(missing))
    assert rules.returncode == 1 and "Traceback" not in rules.stderr
    assert f"Error: cannot use the rules file {missing} (--rules or KEYHELP_RULES)" in rules.stderr
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("", encoding="utf-8")
    env = {**env_for(tmp_path), "KEYHELP_DB": str(blocked / "chat.db")}  # below a file
    store = subprocess.run([sys.executable, "-m", "bot", "chat"], input="hi\n", text=True,
                           capture_output=True, timeout=120, env=env)
    assert store.returncode == 1 and "Traceback" not in store.stderr
    assert "Error: cannot use the conversation store" in store.stderr
    assert "(KEYHELP_DB)" in store.stderr
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"not a database" * 100)
    env["KEYHELP_DB"] = str(corrupt)
    refused = subprocess.run([sys.executable, "-m", "bot", "chat"], input="hi\n", text=True,
                             capture_output=True, timeout=120, env=env)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert f"conversation store {corrupt} (KEYHELP_DB): file is not a database" in refused.stderr


def test_a_terminal_that_cannot_show_japanese_still_gets_an_answer(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "diagnose", USED_JA], text=True,
                            capture_output=True, timeout=120,
                            env=env_for(tmp_path, PYTHONIOENCODING="ascii:strict"))
    assert result.returncode == 0 and "Traceback" not in result.stderr
    # the header (confidence as a percentage), its Japanese shown as "?"
    assert re.search(r"\? \d{2,3}%\?", result.stdout), result.stdout


def test_chat_reads_bytes_that_are_not_text_without_failing(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "chat", "--lang", "en"],
                            input=b"\xff\xfe\x80\nwhy\n", capture_output=True, timeout=120,
                            env=env_for(tmp_path, PYTHONIOENCODING="utf-8:strict"))
    assert result.returncode == 0 and b"Traceback" not in result.stderr
    assert b"Which error message do you see" in result.stdout


def test_diagnose_json_is_one_machine_readable_object(tmp_path: Path) -> None:
    result = keyhelp(tmp_path, "diagnose", EXPIRED_EN, "--json")
    data = json.loads(result.stdout)
    assert data["recognition"]["intent"] == "key-expired"
    assert data["replies"][0]["kind"] == "ask"
    assert data["replies"][0]["choices"][0] == {"value": "answer:other-key:has-other",
                                                "label": "I have another key"}
    assert data["rules"] == ["start:key-expired"]
    assert not (tmp_path / "chat.db").exists()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_a_chat_killed_with_sigkill_resumes_at_the_same_question(tmp_path: Path) -> None:
    first = subprocess.Popen([sys.executable, "-m", "bot", "chat"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=env_for(tmp_path))
    assert first.stdin is not None and first.stdout is not None and first.stderr is not None
    conversation = first.stderr.readline().split("--conversation ")[1].rstrip(")\n")
    first.stdin.write("The requested subscription is not available\n2\n")
    first.stdin.flush()
    # Wait on the output itself (no sleeping): the second question has been asked, so the
    # turn that led to it was committed before it was printed.
    for line in first.stdout:
        if "Is this service offered in the country" in line:
            break
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=60)
    assert first.returncode == -signal.SIGKILL

    resumed = subprocess.run([sys.executable, "-m", "bot", "chat", "--conversation",
                              conversation], input="1\n", text=True, capture_output=True,
                             env=env_for(tmp_path), timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    shown_first = resumed.stdout.split("\n\n")[0]
    assert "Is this service offered in the country" in shown_first
    assert "A key can't be redeemed for an account in a country" in resumed.stdout


def test_only_the_engine_module_imports_durable() -> None:
    package = Path(__file__).resolve().parent.parent / "bot"
    importers = sorted(str(p.relative_to(package)) for p in package.rglob("*.py")
                       if "import durable" in p.read_text(encoding="utf-8")
                       or "from durable" in p.read_text(encoding="utf-8"))
    assert importers == ["dialogue/engine.py"]


def modules_loaded_by_diagnose(tmp_path: Path, text: str) -> tuple[set[str], str]:
    """The modules a warm ``keyhelp diagnose TEXT`` process has loaded, and what it printed."""
    probe = (
        "import sys\n"
        "from bot.channels.cli.main import main\n"
        "try:\n"
        f"    main(['diagnose', {text!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n")
    env = env_for(tmp_path)
    for _ in range(2):  # the first run fills the cache; the second is the one measured
        result = subprocess.run([sys.executable, "-c", probe], text=True, capture_output=True,
                                env=env, timeout=120)
    return set(result.stderr.split()), result.stdout


def test_diagnose_imports_only_what_it_needs(tmp_path: Path) -> None:
    loaded, _ = modules_loaded_by_diagnose(tmp_path, "my key has expired")
    assert "bot.dialogue.engine" in loaded and "jinja2" in loaded
    assert not loaded & {"slack_bolt", "slack_sdk", "sqlite3", "yaml", "babel",
                         "bot.knowledge.loader", "bot.dialogue.store", "click",
                         "bot.channels.cli.rules", "bot.channels.cli.classify",
                         "bot.channels.cli.slack", "wcwidth"}


def test_a_pasted_message_is_diagnosed_without_loading_the_typo_matcher(tmp_path: Path) -> None:
    loaded, printed = modules_loaded_by_diagnose(tmp_path, USED_JA)
    assert "プロダクト キーは使用済み" in printed
    assert not loaded & {"rapidfuzz", "pykakasi", "snowballstemmer"}


def test_a_misspelt_message_loads_the_typo_matcher_and_is_recognised(tmp_path: Path) -> None:
    loaded, printed = modules_loaded_by_diagnose(
        tmp_path, "The prodcut key you entred has expried. Enter a diferent key")
    assert "Product key has expired" in printed
    assert "rapidfuzz" in loaded


# ---- what the terminal says is true, in the user's language, in user words

def test_unrecognised_japanese_gets_a_japanese_answer_and_summary(tmp_path: Path) -> None:
    result = keyhelp(tmp_path, "chat", stdin="こんにちは\n天気はどう？\n")
    assert result.returncode == 0, result.stderr
    assert "認識できませんでした" in result.stdout and "I don't recognise" not in result.stdout
    assert "言語：日本語" in result.stdout and "Language: en" not in result.stdout


@pytest.mark.parametrize(("lang", "script", "forward"), [
    ("en", f"{EXPIRED_EN}\n1\n2\n", "send it to your helpdesk"),
    ("ja", f"{USED_JA}\n2\n", "ヘルプデスクに送って"),
])
def test_the_terminal_promises_no_hand_off_and_says_where_to_send_the_summary(
        tmp_path: Path, lang: str, script: str, forward: str) -> None:
    result = keyhelp(tmp_path, "chat", "--lang", lang, stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for promise in ("taking over", "will contact", "follow up", "handing", "引き継ぎ",
                    "担当者から連絡"):
        assert promise not in out
    assert forward in out
    assert "http://go.microsoft.com/fwlink/?LinkID=394189" in out.split(forward)[1]


def test_diagnose_of_an_unrecognised_message_gives_no_confidence(tmp_path: Path) -> None:
    result = keyhelp(tmp_path, "diagnose", "the weather is nice today")
    assert result.returncode == 0, result.stderr
    assert "confidence" not in result.stdout.lower() and "action:" not in result.stdout


@pytest.mark.parametrize("text", [EXPIRED_EN, "The product key you entered isn't valid"])
def test_diagnose_offers_no_choices_it_cannot_take_and_says_how_to_go_on(tmp_path: Path,
                                                                        text: str) -> None:
    result = keyhelp(tmp_path, "diagnose", text)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert not re.search(r"^\s*\d\)", out, re.MULTILINE), out
    assert "Paste it here" not in out and "pick an option below" not in out
    assert "keyhelp chat" in out
