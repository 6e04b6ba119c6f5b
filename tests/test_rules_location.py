"""Which rules file keyhelp reads: --rules > KEYHELP_RULES > the user file > the shipped rules.

After `pip install .` the shipped rules are inside the installed package; `keyhelp rules init`
makes the user's own copy, which every command and the Slack server then read.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from bot.channels.cli.main import main
from bot.channels.slack.settings import SlackSettings
from bot.paths import shipped_rules_path

SHIPPED = shipped_rules_path()
EXPIRED = "The product key you entered has expired. Enter a different key"
OLD_QUESTION = "Do you have another, newer product key that hasn't been used?"
NEW_QUESTION = "Is there a spare, unused key you could enter instead?"
NEW_MESSAGE = "Zorblax says your key has gone stale"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private home and config folder; no KEYHELP_RULES."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("KEYHELP_RULES", raising=False)
    monkeypatch.setenv("KEYHELP_DB", str(tmp_path / "conversations.db"))
    return tmp_path


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    """`keyhelp ARGS…` in this process: (exit status, stdout, stderr)."""

    def invoke(*args: str) -> tuple[int, str, str]:
        try:
            code = main(list(args)) or 0
        except SystemExit as exit_:
            code = exit_.code
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def user_file(home: Path) -> Path:
    return home / "config" / "keyhelp" / "rules.yaml"


@pytest.mark.parametrize(("option", "environment", "user"),
                         list(itertools.product([False, True], repeat=3)))
def test_rules_path_says_which_file_is_read_and_why(home: Path, run, monkeypatch,
                                                     option: bool, environment: bool,
                                                     user: bool) -> None:
    (home / "option.yaml").write_bytes(SHIPPED.read_bytes())
    (home / "env.yaml").write_bytes(SHIPPED.read_bytes())
    if environment:
        monkeypatch.setenv("KEYHELP_RULES", str(home / "env.yaml"))
    if user:
        assert run("rules", "init")[0] == 0
    args = ["--rules", str(home / "option.yaml")] if option else []
    code, out, err = run("rules", "path", *args)
    expected, why = ((home / "option.yaml", "from --rules") if option
                     else (home / "env.yaml", "from KEYHELP_RULES") if environment
                     else (user_file(home), "user file") if user
                     else (SHIPPED, "shipped with keyhelp"))
    assert code == 0
    assert out == f"{expected}\n"
    assert err.splitlines()[0].split(";")[0] == why
    assert ("is not read" in err) == (user and (option or environment))


def test_init_copies_the_shipped_rules_to_the_user_file_which_is_then_read(home: Path,
                                                                           run) -> None:
    code, out, err = run("rules", "init")
    assert code == 0, err
    target = user_file(home)
    assert target.read_bytes() == SHIPPED.read_bytes()
    assert out.splitlines() == [
        f"Wrote {target}, a copy of the rules shipped with keyhelp.",
        "keyhelp reads it from now on: edit it, then run `keyhelp rules check`."]
    code, out, _err = run("rules", "check")
    assert code == 0
    assert out.startswith(f"clean — {target} (user file): 13 intents")


def test_every_command_and_the_slack_server_read_the_edited_user_file(home: Path,
                                                                      run) -> None:
    target = user_file(home)  # as `keyhelp rules init` makes it, then edited
    target.parent.mkdir(parents=True)
    text = SHIPPED.read_text(encoding="utf-8").replace(OLD_QUESTION, NEW_QUESTION)
    text = text.replace("en: Product key has expired}", "en: Product key ran out}")
    text = text.replace(f"        en: {EXPIRED}\n",
                        f"        en: {EXPIRED}\n      - ja: ゾルブラックスのキーは古い\n"
                        f"        en: {NEW_MESSAGE}\n")
    target.write_text(text, encoding="utf-8")

    code, out, err = run("diagnose", EXPIRED)
    assert code == 0, err
    assert NEW_QUESTION in out
    code, out, err = run("classify", NEW_MESSAGE)
    assert code == 0, err
    assert json.loads(out)["intent"] == "key-expired"
    code, out, _err = run("rules", "show", "key-expired")
    assert NEW_QUESTION in out and NEW_MESSAGE in out
    code, out, _err = run("rules", "graph", "key-expired")
    assert "key-expired: Product key ran out" in out
    slack = SlackSettings.from_env({"SLACK_BOT_TOKEN": "xoxb-1",
                                    "SLACK_SIGNING_SECRET": "0123456789abcdef" * 2,
                                    "HOME": str(home / "home"),
                                    "XDG_CONFIG_HOME": str(home / "config")}, mode="http")
    assert slack.keyhelp.rules_path == target


def test_init_never_overwrites_an_edited_file_unless_forced(home: Path, run) -> None:
    assert run("rules", "init")[0] == 0
    target = user_file(home)
    target.write_text("# my edits\n", encoding="utf-8")
    code, out, err = run("rules", "init")
    assert (code, out) == (1, "")
    assert err.splitlines() == [f"Error: {target} already exists; keep editing it, or replace "
                                "it with the shipped rules: keyhelp rules init --force"]
    assert target.read_text(encoding="utf-8") == "# my edits\n"
    target.chmod(0o640)
    assert run("rules", "init", "--force")[0] == 0
    assert target.read_bytes() == SHIPPED.read_bytes()
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in target.parent.iterdir()] == ["rules.yaml"]  # no temporary left


def test_the_user_file_is_under_home_without_an_absolute_xdg_config_home(
        home: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:
    for config in (None, "relative/config"):  # the XDG spec says to ignore a relative one
        if config is None:
            monkeypatch.delenv("XDG_CONFIG_HOME")
        else:
            monkeypatch.setenv("XDG_CONFIG_HOME", config)
        code, out, _err = run("rules", "init", "--force")
        target = home / "home" / ".config" / "keyhelp" / "rules.yaml"
        assert code == 0 and out.startswith(f"Wrote {target},")
        assert run("rules", "path")[1] == f"{target}\n"


def test_init_to_another_path_says_how_to_use_it(home: Path, run) -> None:
    target = home / "team" / "rules.yaml"
    code, out, _err = run("rules", "init", str(target))
    assert code == 0 and target.read_bytes() == SHIPPED.read_bytes()
    assert out.splitlines()[1] == f"Use it with --rules {target} or KEYHELP_RULES={target}."
    assert run("rules", "path")[1] == f"{SHIPPED}\n"  # the user file is not that one


def test_init_while_keyhelp_rules_is_set_says_that_file_still_wins(
        home: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYHELP_RULES", str(SHIPPED))
    code, out, _err = run("rules", "init")
    assert code == 0
    assert out.splitlines()[1] == (f"keyhelp still reads {SHIPPED} (from KEYHELP_RULES) "
                                   "instead.")


def test_rules_check_names_the_file_it_checked_and_why(home: Path, run, tiny_rules) -> None:
    code, out, err = run("rules", "check")
    assert code == 0
    assert out.startswith(f"clean — {SHIPPED} (shipped with keyhelp): 13 intents")
    assert "keyhelp rules init" in err  # the shipped file is not the one to edit
    broken = tiny_rules(("escalate: false", "escalate: maybe"))
    code, _out, err = run("rules", "check", str(broken))
    assert code == 1
    assert err.splitlines() == [f"{broken} (from the command line): 1 problem"]
