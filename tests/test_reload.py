"""Hot reload: edits are validated and swapped in; broken edits keep the old rules serving."""

from __future__ import annotations

import os
import shutil
import signal
import threading
from pathlib import Path

import pytest

from bot.dialogue.reload import RulesWatcher
from bot.dialogue.replies import Ask, Remedy, Welcome
from bot.knowledge.cached import load_knowledge_cached
from bot.knowledge.problems import RulesError
from bot.paths import rules_path
from tests.assistant_helpers import make_assistant, only

OLD_QUESTION = "Do you have another, newer product key that hasn't been used?"
EXPIRED = "The product key you entered has expired. Enter a different key"


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    copy = tmp_path / "rules.yaml"
    shutil.copyfile(rules_path(), copy)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_valid_edit_is_used_on_the_next_turn(tmp_path: Path, rules: Path) -> None:
    assistant = make_assistant(tmp_path, rules=rules)
    first = only(assistant.handle("c", text=EXPIRED))
    assert isinstance(first, Ask) and first.text.endswith(OLD_QUESTION.split("? ")[-1])
    edit(rules, OLD_QUESTION, "Is there a newer, unused product key you could use instead?")
    again = only(assistant.handle("c", text="why"))
    assert again.kind == "explanation"
    shown = only(assistant.handle("c", action="stale"))
    assert isinstance(shown, Ask) and "Is there a newer, unused product key" in shown.text
    assert assistant.watcher.reloads == 1


def test_an_invalid_edit_keeps_the_old_rules_and_reports_why(tmp_path: Path,
                                                             rules: Path) -> None:
    assistant = make_assistant(tmp_path, rules=rules)
    assistant.handle("c", text=EXPIRED)
    edit(rules, "remedy: enter-other-key", "remedy: no-such-remedy")
    reply = only(assistant.handle("c", text="1"))  # the conversation carries on, old rules
    assert isinstance(reply, Remedy) and reply.remedy == "enter-other-key"
    assert assistant.watcher.problems
    problem = assistant.watcher.problems[0]
    assert problem.file == str(rules) and "no-such-remedy" in problem.message
    edit(rules, "remedy: no-such-remedy", "remedy: enter-other-key")
    assistant.handle("c", action="why")
    assert assistant.watcher.problems == []


def test_a_conversation_whose_step_was_removed_starts_over(tmp_path: Path, rules: Path) -> None:
    assistant = make_assistant(tmp_path, rules=rules)
    at_question = only(assistant.handle("c", text="I lost my product key"))
    assert isinstance(at_question, Ask) and at_question.question == "seller-known"
    text = rules.read_text(encoding="utf-8")
    start = text.index("    start: {ask: seller-known}")
    end = text.index("    remedies:\n      ask-seller:")
    rules.write_text(text[:start] + "    start: {remedy: ask-seller}\n" + text[end:],
                     encoding="utf-8")
    assert assistant.watcher.reload() == []
    reply = only(assistant.handle("c", text="1"))
    assert isinstance(reply, Welcome) and reply.reason == "restart"
    assert isinstance(only(assistant.handle("c", text="I lost my product key")), Remedy)


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="needs SIGHUP")
def test_sighup_forces_a_check(tmp_path: Path, rules: Path) -> None:
    assistant = make_assistant(tmp_path, rules=rules)
    previous = signal.getsignal(signal.SIGHUP)
    try:
        assistant.watcher.install_sighup()
        checks = assistant.watcher.checks
        assistant.handle("c", text=EXPIRED)
        assert assistant.watcher.checks == checks  # unchanged file: not even read
        os.kill(os.getpid(), signal.SIGHUP)  # the handler runs in this (main) thread
        assistant.handle("c", text="1")
        assert assistant.watcher.checks == checks + 1
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_the_start_up_cache_never_serves_an_edited_file(rules: Path) -> None:
    first = load_knowledge_cached(rules)
    edit(rules, OLD_QUESTION, "Any other unused key?")
    second = load_knowledge_cached(rules)
    other_key = second.intents["key-expired"].questions["other-key"]
    assert other_key.text.get("en").endswith("Any other unused key?")
    assert first.intents["key-expired"].questions["other-key"].text.get("en") != \
        other_key.text.get("en")


def test_a_corrupt_cache_entry_is_rebuilt(rules: Path, tmp_path: Path) -> None:
    load_knowledge_cached(rules)
    for entry in (tmp_path / "cache").glob("knowledge-*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert "key-expired" in load_knowledge_cached(rules).intents


def test_a_broken_file_at_start_up_raises_with_every_problem(rules: Path) -> None:
    edit(rules, "remedy: enter-other-key", "remedy: nowhere")
    with pytest.raises(RulesError) as caught:
        load_knowledge_cached(rules)
    assert "nowhere" in caught.value.report()


def join_warm_ups() -> None:
    """Wait for the background warm-ups (joined, not slept on)."""
    for thread in threading.enumerate():
        if thread.name == "keyhelp-warm-up":
            thread.join()


def test_a_server_watcher_warms_each_new_recogniser_in_the_background(rules: Path) -> None:
    watcher = RulesWatcher(path=rules, warm=True)
    join_warm_ups()
    assert watcher.current().recogniser.readings.loaded
    edit(rules, OLD_QUESTION, "Is there a newer, unused product key you could use instead?")
    reloaded = watcher.current()
    assert watcher.reloads == 1
    join_warm_ups()
    assert reloaded.recogniser.readings.loaded


def test_a_one_shot_watcher_leaves_the_kana_dictionary_unloaded(rules: Path) -> None:
    watcher = RulesWatcher(path=rules)
    assert not watcher.current().recogniser.readings.loaded


NEW_REMEDY = "Enter the newer key on the redemption page instead of the expired one."
EDITED_REMEDY = "Type the newer key into the redemption page in place of the expired one."


def become_a_pipe(rules: Path) -> str:
    """Replace the rules file by a named pipe: reading it waits until the test writes the
    edited rules, so a check of the file stays in progress exactly as long as the test likes."""
    edited = rules.read_text(encoding="utf-8").replace(NEW_REMEDY, EDITED_REMEDY)
    rules.unlink()
    os.mkfifo(rules)
    return edited


def settle(rules: Path, text: str) -> None:
    """Put a plain file back, so no later check waits on the pipe."""
    spare = rules.with_suffix(".tmp")
    spare.write_text(text, encoding="utf-8")
    os.replace(spare, rules)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_turns_are_served_by_the_current_rules_while_an_edit_is_validated(
        tmp_path: Path, rules: Path) -> None:
    assistant = make_assistant(tmp_path, rules=rules)
    assert isinstance(only(assistant.handle("a", text=EXPIRED)), Ask)
    edited = become_a_pipe(rules)
    # notices the edit and checks it (a daemon, so that old code stuck on the pipe can't hang)
    checker = threading.Thread(target=assistant.watcher.current, daemon=True)
    checker.start()
    with rules.open("w", encoding="utf-8") as pipe:  # returns once the check is reading
        replies: list[Remedy] = []
        served = threading.Event()

        def turn() -> None:
            replies.append(only(assistant.handle("a", text="1")))
            served.set()

        threading.Thread(target=turn, daemon=True).start()
        # bounded only so that a turn stuck behind the check fails instead of hanging
        waited = not served.wait(timeout=30)
        pipe.write(edited)
    checker.join(timeout=30)
    settle(rules, edited)
    assert not waited, "a turn waited for the rules check to finish"
    assert not checker.is_alive(), "the check read the file twice"
    assert replies[0].text == NEW_REMEDY  # the rules in force when the turn came in
    assert assistant.watcher.reloads == 1
    assert only(assistant.handle("a", action="stale")).text == EDITED_REMEDY


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_server_validates_an_edit_in_the_background(rules: Path) -> None:
    watcher = RulesWatcher(path=rules, background=True)
    before = watcher.current()
    edited = become_a_pipe(rules)
    assert watcher.current() is before  # the check starts, this turn does not wait for it
    assert watcher.current() is before  # still checking: the pipe has not been written
    with rules.open("w", encoding="utf-8") as pipe:
        pipe.write(edited)
    watcher.wait()
    settle(rules, edited)
    after = watcher.current()
    watcher.wait()
    assert after is not before and watcher.reloads == 1 and watcher.problems == []
    remedy = after.knowledge.intents["key-expired"].remedies["enter-other-key"]
    assert remedy.text.get("en") == EDITED_REMEDY
