"""Hostile rules files: control characters, bytes that are not UTF-8, huge files, YAML bombs.

Each is a positioned ``FILE:LINE:COLUMN`` problem, from `keyhelp rules check` and at start-up,
never an exception; a huge file is refused before it is read.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.channels.cli.main import main
from bot.config import Settings
from bot.knowledge.loader import check_rules
from bot.paths import shipped_rules_path
from tests.assistant_helpers import make_assistant, only

SHIPPED = shipped_rules_path().read_text(encoding="utf-8")
CONTROLS = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))]  # Unicode category Cc
YAML_ALLOWS = {"\t", "\n", "\r", "\x85"}  # the only control characters YAML files may hold
EXPIRED = "The product key you entered has expired. Enter a different key"


def yaml_lines(text: str) -> list[str]:
    """The lines of ``text`` as YAML counts them (and so as problems are positioned)."""
    return re.split("\r\n|[\r\n\x85\u2028\u2029]", text)


def line_col(text: str, offset: int) -> tuple[int, int]:
    before = yaml_lines(text[:offset])
    return len(before), len(before[-1]) + 1


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args)) or 0
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("char", ["\x1b", "\x0b", "\x00"])
def test_a_control_character_is_reported_where_it_stands_by_rules_check(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], char: str) -> None:
    at = SHIPPED.index("  key-expired:")
    path = tmp_path / "rules.yaml"
    path.write_text(SHIPPED[:at + 6] + char + SHIPPED[at + 6:], encoding="utf-8")
    code, out, err = run(capsys, "rules", "check", str(path))
    line, column = line_col(SHIPPED, at + 6)
    assert code == 1, err
    assert out.splitlines() == [f"{path}:{line}:{column}: control character "
                                f"U+{ord(char):04X} (invisible in most editors) "
                                "(expected printable text: delete the character)"]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(char=st.sampled_from(CONTROLS), offset=st.integers(0, len(SHIPPED)))
@example(char="\x1b", offset=0)
@example(char="\x00", offset=len(SHIPPED))
def test_any_control_character_anywhere_gives_positioned_problems_never_an_exception(
        tmp_path: Path, char: str, offset: int) -> None:
    text = SHIPPED[:offset] + char + SHIPPED[offset:]
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    _knowledge, problems = check_rules(path)
    lines = yaml_lines(text)
    for problem in problems:
        assert problem.file == str(path)
        assert 1 <= problem.line <= len(lines), problem
        assert 1 <= problem.column <= len(lines[problem.line - 1]) + 1, problem
    if char not in YAML_ALLOWS:
        assert (*line_col(text, offset), f"U+{ord(char):04X}") in {
            (p.line, p.column, p.message.split()[2]) for p in problems}


def test_every_control_character_is_listed_not_just_the_first(tmp_path: Path) -> None:
    lines = SHIPPED.split("\n")
    lines[9] = "\x1b" + lines[9]
    lines[19] = lines[19] + "\x07"
    path = tmp_path / "rules.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    _knowledge, problems = check_rules(path)
    assert [(p.line, p.column) for p in problems] == [(10, 1), (20, len(lines[19]))]


def test_bytes_that_are_not_utf8_are_reported_where_they_stand(tmp_path: Path) -> None:
    raw = SHIPPED.encode("utf-8")
    at = raw.index("このプロダクト キーは有効ではありません".encode())  # after Japanese text
    path = tmp_path / "rules.yaml"
    path.write_bytes(raw[:at] + b"\x93\xfa" + raw[at:])
    _knowledge, problems = check_rules(path)
    text_at = len(raw[:at].decode("utf-8"))
    assert [(p.line, p.column, p.message) for p in problems] == [
        (*line_col(SHIPPED, text_at), "bytes 0x93 0xFA are not UTF-8")]


def test_a_byte_order_mark_is_accepted_and_shifts_no_column(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + SHIPPED.encode("utf-8"))
    knowledge, problems = check_rules(path)
    assert problems == [] and knowledge is not None
    path.write_bytes(b"\xef\xbb\xbf" + SHIPPED.replace("version: 1", "version: 2").encode())
    _knowledge, problems = check_rules(path)
    version = SHIPPED.index("version: 1") + len("version: ")
    assert [(p.line, p.column) for p in problems] == [line_col(SHIPPED, version)]


def test_start_up_with_a_control_character_is_an_error_line_not_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(SHIPPED.replace("version: 1", "version: 1\x1b"), encoding="utf-8")
    code, _out, err = run(capsys, "diagnose", "--rules", str(path), EXPIRED)
    line, column = line_col(SHIPPED, SHIPPED.index("version: 1") + len("version: 1"))
    assert code == 1
    assert err.startswith("Error: ") and "Traceback" not in err
    assert f"{path}:{line}:{column}: control character U+001B" in err


def test_hot_reload_keeps_serving_when_an_edit_adds_a_control_character(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(SHIPPED, encoding="utf-8")
    assistant = make_assistant(tmp_path, rules=rules)
    assert only(assistant.handle("c", text=EXPIRED)).kind == "ask"
    edited = SHIPPED.replace("Enter the newer key", "Enter the\x1b newer key", 1)
    rules.write_text(edited, encoding="utf-8")
    reply = only(assistant.handle("c", text="1"))  # the old rules answer
    assert reply.kind == "remedy" and reply.remedy == "enter-other-key"
    [problem] = assistant.watcher.problems
    assert (problem.line, problem.column) == line_col(edited, edited.index("\x1b"))


# --- size -------------------------------------------------------------------------------------

def test_a_50_mb_file_is_refused_unread_with_one_line(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:  # sparse: 50 MB of NULs that take no disk space
        handle.truncate(50 * 1024 * 1024)
    code, out, err = run(capsys, "rules", "check", str(path))
    assert code == 1, err
    assert out.splitlines() == [
        f"{path}:1:1: the file is 52,428,800 bytes, over the limit for a rules file "
        "(expected at most 4,194,304 bytes; KEYHELP_RULES_MAX_BYTES sets the limit)"]


def test_the_size_limit_is_a_setting(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYHELP_RULES_MAX_BYTES", "1000")
    code, out, _err = run(capsys, "rules", "check")
    assert code == 1 and "over the limit" in out and "at most 1,000 bytes" in out
    code, _out, err = run(capsys, "diagnose", EXPIRED)
    assert code == 1 and "over the limit" in err and "Traceback" not in err
    monkeypatch.setenv("KEYHELP_RULES_MAX_BYTES", str(len(SHIPPED.encode())))
    assert run(capsys, "rules", "check")[0] == 0


def test_a_file_that_grows_past_the_limit_is_refused_by_hot_reload(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(SHIPPED, encoding="utf-8")
    assistant = make_assistant(tmp_path, rules=rules)
    with rules.open("ab") as handle:
        handle.truncate(5 * 1024 * 1024)
    assert only(assistant.handle("c", text=EXPIRED)).kind == "ask"
    assert [p.message for p in assistant.watcher.problems] == [
        "the file is 5,242,880 bytes, over the limit for a rules file"]


@given(value=st.text(max_size=12) | st.sampled_from(["nan", "inf", "-1", "0", "1.5", "1e6",
                                                     "1_000", "٣", "12 KB", "  4096  "]))
def test_the_size_limit_must_be_a_whole_number_of_bytes(value: str) -> None:
    env = {"KEYHELP_RULES_MAX_BYTES": value}
    if not value.strip():
        assert Settings.from_env(env).rules_max_bytes == 4 * 1024 * 1024
    elif value.strip().isascii() and value.strip().isdigit() and int(value) > 0:
        assert Settings.from_env(env).rules_max_bytes == int(value)
    else:
        with pytest.raises(ValueError, match=r"^KEYHELP_RULES_MAX_BYTES must be a whole number"):
            Settings.from_env(env)


def test_a_bad_size_limit_is_one_error_line_naming_the_variable(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYHELP_RULES_MAX_BYTES", "lots")
    for command in (["rules", "check"], ["diagnose", EXPIRED], ["classify", EXPIRED]):
        code, _out, err = run(capsys, *command)
        assert code == 1, command
        assert err.splitlines() == [
            "Error: KEYHELP_RULES_MAX_BYTES must be a whole number of bytes above zero "
            "(default 4194304), got 'lots'"], command


# --- YAML bombs -------------------------------------------------------------------------------

def test_an_alias_is_refused_where_it_stands(tiny_rules) -> None:
    path = tiny_rules(("label: {ja: サポート, en: Support}",
                       "label: &support {ja: サポート, en: Support}"),
                      ("text: {ja: サポートへ, en: Contact support}", "text: *support"))
    _knowledge, problems = check_rules(path)
    text = path.read_text(encoding="utf-8")
    assert [(p.line, p.column, p.message) for p in problems] == [
        (*line_col(text, text.index("*support")),
         "alias *support repeats the entry anchored as &support")]


def test_a_billion_laughs_is_refused_at_once(tiny_rules) -> None:
    laughs = ["lol: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    laughs += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, 10)]
    bomb = "\n".join(laughs) + "\n"
    path = tiny_rules(("version: 1\n", "version: 1\n" + bomb),
                      ("en: [weather]", "en: *l9"))
    _knowledge, problems = check_rules(path)
    assert len(problems) == 9 * 9 + 1  # each alias once, nothing expanded
    assert all(p.message.startswith("alias *l") for p in problems)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_read_no_further_than_the_limit(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fifo = tmp_path / "rules.yaml"
    os.mkfifo(fifo)  # its size is unknown until it has been read
    monkeypatch.setenv("KEYHELP_RULES_MAX_BYTES", "4096")

    def feed() -> None:  # 40 KB, or less if the reader stops early
        try:
            with fifo.open("wb") as pipe:
                pipe.write(b"# comment\n" * 4096)
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed)
    writer.start()
    code, out, _err = run(capsys, "rules", "check", str(fifo))
    writer.join()
    assert code == 1
    assert out.splitlines() == [f"{fifo}:1:1: the file is more than 4,096 bytes, over the "
                                "limit for a rules file (expected at most 4,096 bytes; "
                                "KEYHELP_RULES_MAX_BYTES sets the limit)"]


@pytest.mark.parametrize("nesting", ["[" * 100_000 + "]" * 100_000,
                                     "\n" + "- " * 5000 + "x\n"])
def test_deep_nesting_is_a_positioned_problem(tmp_path: Path, nesting: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(SHIPPED + "deep: " + nesting, encoding="utf-8")
    _knowledge, problems = check_rules(path)
    [problem] = problems
    assert problem.message.startswith("YAML syntax error") and problem.line > 1
