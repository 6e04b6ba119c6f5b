"""Showing replies in a terminal: wrapped to its width, bold only where colour is welcome.

On a terminal, text is wrapped to the window's width (``bot.channels.cli.wrapping``: words
whole, Japanese between characters, URLs never broken). Colour (ANSI bold) is used only on a
terminal, never when ``NO_COLOR`` is set (https://no-color.org) or ``TERM=dumb``. Piped
output is the rendered text exactly: no wrapping and no colour, so scripts see one line per
paragraph (and a one-shot command piped elsewhere does not load the wrapping library).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from typing import TextIO


class Terminal:
    """Where the CLI writes replies: ``show(text)`` wraps (and keeps colour) only on a tty."""

    def __init__(self, stream: TextIO | None = None, *, env: Mapping[str, str] | None = None,
                 columns: int | None = None) -> None:
        self.stream = stream or sys.stdout
        env = os.environ if env is None else env
        tty = self.stream.isatty()
        self.width: int | None = None
        if tty:
            self.width = columns or shutil.get_terminal_size().columns
        self.colour = tty and not env.get("NO_COLOR") and env.get("TERM") != "dumb"

    def show(self, text: str) -> None:
        """One reply, then a blank line; flushed so a reader on a pipe sees it at once."""
        shown = text
        if self.width:
            from bot.channels.cli.wrapping import wrap

            shown = wrap(text, self.width)
        self.stream.write(shown + "\n\n")
        self.stream.flush()

    def prompt(self, text: str) -> None:
        """The input prompt, in bold where colour is welcome."""
        self.stream.write(f"\x1b[1m{text}\x1b[22m" if self.colour else text)
        self.stream.flush()
