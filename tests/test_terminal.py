"""The terminal: words wrapped to its width (Japanese between characters, URLs whole), colour
only on a terminal without NO_COLOR, and piped output left exactly as rendered."""

from __future__ import annotations

import os
import pty
import re
import struct
import subprocess
import sys
import termios
import unicodedata
from fcntl import ioctl
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from wcwidth import strip_sequences, width

from bot.channels.cli.terminal import Terminal
from bot.channels.cli.wrapping import wrap

URL = "http://go.microsoft.com/fwlink/?LinkID=394189"
SGR = re.compile(r"\x1b\[[0-9;]*m")
LONG_EN = ("Shall I check the key you typed for easily confused characters (O and 0, S and 5, "
           "I and 1, …)? Paste it and I will describe what I find.")
EXPIRED_EN = "The product key you entered has expired. Enter a different key"

WORDS = st.sampled_from(["key", "product", "describe", "redemption", "Intune", "O↔0", "5×5",
                         "(VLSC)", "settings,", "again."])
# Japanese runs that start and end with a letter (a break at a space may fall next to them)
JAPANESE = st.builds("{}{}{}".format, st.sampled_from("あかプキ有"),
                     st.text(alphabet="あいうえおかきくけこプロダクトキー有効期限、。「」（）",
                             max_size=30), st.sampled_from("いくトー限"))
TOKENS = st.lists(st.one_of(WORDS, JAPANESE, st.just(URL)), min_size=1, max_size=25)


def _tokens_text(tokens: list[str]) -> str:
    return " ".join(tokens)


@settings(max_examples=200, deadline=None)
@given(TOKENS, st.integers(min_value=20, max_value=100))
def test_wrapping_breaks_only_between_words_or_japanese_characters(tokens: list[str],
                                                                    columns: int) -> None:
    text = _tokens_text(tokens)
    lines = wrap(text, columns).split("\n")
    for line in lines:
        # a line is over the width only when it holds one unbreakable piece (a URL)
        assert width(line) <= columns or line.strip() == URL, (line, columns)
        # never a closing mark at the start of a line, nor an opening one at its end
        if line:
            assert unicodedata.category(line[0]) not in ("Pe", "Pf") and line[0] not in "、。"
            assert unicodedata.category(line[-1]) not in ("Ps", "Pi")
    # nothing lost, nothing added: only spaces became line breaks, or breaks were put
    # between two characters of Japanese text
    assert "".join(text.split()) == "".join("".join(lines).split())
    # every English word and every URL is whole on one line
    for token in tokens:
        if token.isascii():
            assert any(token in line for line in lines), token
    assert sum(line.count(URL) for line in lines) == text.count(URL)


def test_english_words_are_never_cut() -> None:
    lines = wrap(LONG_EN, 80).split("\n")
    assert len(lines) == 2 and all(width(line) <= 80 for line in lines)
    assert [word for line in lines for word in line.split()] == LONG_EN.split()


def test_list_items_keep_their_indent_when_wrapped() -> None:
    text = "  1) " + "word " * 30 + "\n- " + "キー" * 30
    lines = wrap(text, 40).split("\n")
    assert lines[0].startswith("  1) word") and lines[1].startswith("     word")
    japanese = [line for line in lines if "キ" in line]
    assert japanese[0].startswith("- キー")
    assert len(japanese) > 1 and all(line.startswith("  キ") for line in japanese[1:])


def test_a_url_longer_than_the_line_stays_whole_on_its_own_line() -> None:
    text = f"お問い合わせ先：{URL} まで"
    lines = wrap(text, 20).split("\n")
    assert URL in lines and all(width(line) <= 20 for line in lines if line != URL)


class _Stream:
    """A stream that says whether it is a terminal, as sys.stdout does."""

    def __init__(self, tty: bool) -> None:
        self.tty, self.written = tty, ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> int:
        self.written += text
        return len(text)

    def flush(self) -> None:
        pass


def test_colour_only_on_a_terminal_and_never_with_no_color() -> None:
    assert Terminal(_Stream(tty=True), env={"TERM": "xterm"}, columns=80).colour
    assert not Terminal(_Stream(tty=True), env={"TERM": "xterm", "NO_COLOR": "1"},
                        columns=80).colour
    assert not Terminal(_Stream(tty=False), env={"TERM": "xterm"}, columns=80).colour
    assert not Terminal(_Stream(tty=True), env={"TERM": "dumb"}, columns=80).colour


def test_piped_output_is_neither_wrapped_nor_coloured() -> None:
    stream = _Stream(tty=False)
    terminal = Terminal(stream, env={}, columns=40)
    terminal.show(LONG_EN)
    assert terminal.width is None and stream.written == LONG_EN + "\n\n"


# ---- the real thing: `keyhelp chat` on a pseudo-terminal and on a pipe

def _env(tmp_path: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("KEYHELP_") and k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env.update(KEYHELP_DB=str(tmp_path / "t.db"), KEYHELP_CACHE_DIR=str(tmp_path / "cache"),
               TERM="xterm", **more)
    return env


def _chat_on_a_terminal(tmp_path: Path, columns: int, **env: str) -> str:
    """Run `keyhelp chat` with stdin and stdout on a pseudo-terminal of ``columns``."""
    master, slave = pty.openpty()
    ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.ONLCR  # no \r added to each newline: compare text as printed
    attrs[3] &= ~termios.ECHO
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    process = subprocess.Popen([sys.executable, "-m", "bot", "chat", "--lang", "en"],
                               stdin=slave, stdout=slave, stderr=subprocess.DEVNULL,
                               env=_env(tmp_path, **env))
    os.close(slave)
    os.write(master, f"{EXPIRED_EN}\n".encode())
    os.write(master, b"\x04")  # end of input (the terminal's Ctrl-D)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=120)
    os.close(master)
    return b"".join(chunks).decode("utf-8")


def test_chat_on_a_terminal_wraps_to_its_width_and_colours(tmp_path: Path) -> None:
    shown = _chat_on_a_terminal(tmp_path, 60)
    assert SGR.search(shown), shown
    # the prompt "> " stays before the reply when the terminal does not echo the input
    lines = [line.removeprefix("> ") for line in strip_sequences(shown).split("\n")]
    assert "Do you have another, newer product key" in " ".join(" ".join(lines).split())
    assert all(width(line) <= 60 for line in lines), lines
    assert any(width(line) > 50 for line in lines)  # filled to the width, not cut short


def test_no_color_turns_colour_off_on_a_terminal(tmp_path: Path) -> None:
    shown = _chat_on_a_terminal(tmp_path, 60, NO_COLOR="1")
    assert "\x1b[" not in shown
    assert "Do you have another" in " ".join(shown.split())


def test_chat_on_a_pipe_prints_the_text_unchanged(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "chat", "--lang", "en"],
                            input=f"{EXPIRED_EN}\n", text=True, capture_output=True,
                            env=_env(tmp_path, COLUMNS="40"), timeout=120)
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout
    assert any(width(line) > 40 for line in result.stdout.split("\n"))  # not wrapped
