"""Screenshots in the terminal: ``keyhelp diagnose --image FILE`` and ``/image FILE`` in chat.

The image path itself is ``bot.understand.image``; here a file becomes either a masked
``Screenshot`` or the reason it was not read (refused, busy, missing, no OCR), which the
assistant words as an ``ImageNote`` in the user's language.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.channels.cli.main import CliError

if TYPE_CHECKING:
    from bot.dialogue.assistant import Assistant, Diagnosis
    from bot.dialogue.replies import Reply
    from bot.understand.image.read import Screenshot, ScreenshotReader
    from bot.understand.image.settings import OcrSettings

COMMAND = "/image"  # in `keyhelp chat`: "/image FILE"


@dataclass(frozen=True, slots=True)
class ImageRead:
    """A file read (``screenshot``), or why not (``reason``: an ``ImageNote`` reason)."""

    screenshot: Screenshot | None
    reason: str = ""


class Images:
    """Reads image files for one command; Tesseract is loaded on the first image only."""

    def __init__(self) -> None:
        from bot.understand.image.settings import OcrSettings

        try:
            self.settings: OcrSettings = OcrSettings.from_env()
        except ValueError as err:
            raise CliError(str(err)) from None
        self._reader: ScreenshotReader | None = None

    def _ready(self) -> ScreenshotReader | None:
        from bot.understand.image.ocr import OcrUnavailable
        from bot.understand.image.read import ScreenshotReader

        if self._reader is None:
            try:
                self._reader = ScreenshotReader.from_settings(self.settings)
            except OcrUnavailable as err:
                print(f"keyhelp: cannot read screenshots: {err} (install tesseract-ocr and "
                      "tesseract-ocr-jpn, or set KEYHELP_TESSDATA / KEYHELP_OCR_LANGS)",
                      file=sys.stderr)
        return self._reader

    def read(self, assistant: Assistant, path: str) -> ImageRead:
        """``path`` read with the rules in force; never raises for a bad file."""
        from bot.understand.image.limits import Refused
        from bot.understand.image.pool import Busy

        reader = self._ready()
        if reader is None:
            return ImageRead(None, "unavailable")
        try:
            return ImageRead(reader.read_file(path, assistant.brain.recogniser))
        except Refused as refused:
            return ImageRead(None, refused.reason)
        except Busy:
            return ImageRead(None, "busy")
        except OSError:
            return ImageRead(None, "cannot-open")

    def note(self, assistant: Assistant, conversation_id: str | None, reason: str,
             lang: str | None = None) -> list[Reply]:
        """The reply for an image that was not read."""
        return assistant.image_note(conversation_id, reason, lang=lang,
                                    max_megabytes=self.settings.limits.max_megabytes)

    def turn(self, assistant: Assistant, conversation_id: str, argument: str) -> list[Reply]:
        """``/image FILE`` in a chat: the screenshot as the user's next message."""
        read = self.read(assistant, file_argument(argument))
        if read.screenshot is None:
            return self.note(assistant, conversation_id, read.reason)
        message = read.screenshot.message(assistant.brain.knowledge)
        return assistant.handle(conversation_id, screenshot=message)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()


def diagnose_image(assistant: Assistant, path: str, *,
                   lang: str | None) -> tuple[Diagnosis, dict[str, object]]:
    """``diagnose --image``: the diagnosis, and an ``image`` field for the JSON output.

    An image that was not read gives the reason as the only reply (``read`` false).
    """
    from bot.dialogue.assistant import Diagnosis

    images = Images()
    try:
        read = images.read(assistant, path)
    finally:
        images.close()
    if read.screenshot is None:
        replies = images.note(assistant, None, read.reason, lang=lang)
        unknown = assistant.brain.recogniser.classify("")
        return (Diagnosis(unknown._replace(lang=replies[0].lang), tuple(replies), ()),
                {"image": {"read": False, "reason": read.reason}})
    shot = read.screenshot
    result = assistant.diagnose("", lang=lang,
                                screenshot=shot.message(assistant.brain.knowledge))
    return result, {"image": {"read": True, "text": shot.shown,
                              "error_lines": shot.red is not None}}


def file_argument(argument: str) -> str:
    """The path after ``/image``: quotes allowed around a path with spaces."""
    try:
        parts = shlex.split(argument)
    except ValueError:
        return argument.strip()
    return parts[0] if len(parts) == 1 else argument.strip()


def is_command(line: str) -> bool:
    """``/image`` alone or followed by a path."""
    head = line.split(maxsplit=1)[0] if line.split() else ""
    return head.casefold() == COMMAND
