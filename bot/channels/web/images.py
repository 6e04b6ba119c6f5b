"""Screenshots uploaded with the message form: kept in memory only, read in the OCR pool.

The form is ``multipart/form-data`` with an optional ``image`` file. Its bytes never touch
the disk (werkzeug would spool a large upload to a temporary file: ``UploadRequest`` keeps it
in memory, bounded by the request's size cap) and are handed to the bounded OCR pool
(``bot.understand.image``). WSGI gives a request one thread, so the request waits for its
own image, but only for it: the reading runs on a pool worker, other requests go on, and
when the pool is full the answer is "busy" at once, as in Slack. The image and the raw OCR
text are never stored or logged; what comes back is already masked.
"""

from __future__ import annotations

import io
import logging
from concurrent.futures import TimeoutError as FutureTimeout
from typing import IO, TYPE_CHECKING

from werkzeug.wrappers import Request

from bot.understand.image.limits import Limits, Refused
from bot.understand.image.ocr import OcrUnavailable
from bot.understand.image.pool import Busy
from bot.understand.image.read import ScreenshotReader

if TYPE_CHECKING:
    from bot.dialogue.reload import Brain
    from bot.understand.image.settings import OcrSettings
    from bot.understand.normalise import Normalised

logger = logging.getLogger("keyhelp.web.images")
FIELD = "image"  # the form's file input
WAIT = 60.0  # seconds a request waits for its image (a full queue is ~5 s): then "busy"
# werkzeug feeds a multipart body to its decoder 64 KiB at a time and counts the decoder's
# buffer against max_form_memory_size: below this floor every upload would be refused
MULTIPART_MEMORY = 2 * 64 * 1024


class UploadRequest(Request):
    """A request whose uploaded files stay in memory: never a temporary file on disk."""

    def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                         filename: str | None = None,
                         content_length: int | None = None) -> IO[bytes]:
        return io.BytesIO()


def form_memory(request: Request, max_bytes: int) -> int:
    """``max_form_memory_size`` for ``request``: the text's cap (multipart: at least the
    decoder's floor; the text itself is still held to the page's message length)."""
    return max(max_bytes, MULTIPART_MEMORY) if is_upload(request) else max_bytes


def is_upload(request: Request) -> bool:
    """The message form with its file field (``multipart/form-data``)."""
    return request.mimetype == "multipart/form-data"


def uploaded(request: Request) -> bytes | None:
    """The image's bytes, or None when the file field was left empty (or is absent)."""
    file = request.files.get(FIELD)
    if file is None:
        return None
    data = file.stream.read()
    return data if data or file.filename else None


class WebScreenshots:
    """Reads uploaded screenshots in the bounded pool; ``reader`` None when OCR is missing."""

    def __init__(self, *, reader: ScreenshotReader | None, limits: Limits,
                 wait: float = WAIT) -> None:
        self.reader, self.limits, self._wait = reader, limits, wait

    @classmethod
    def build(cls, settings: OcrSettings) -> WebScreenshots:
        """Tesseract's models checked now; without them the page has no upload field."""
        try:
            reader: ScreenshotReader | None = ScreenshotReader.from_settings(settings)
        except OcrUnavailable as err:
            logger.warning("screenshots cannot be read: %s", err)
            reader = None
        return cls(reader=reader, limits=settings.limits)

    @property
    def max_megabytes(self) -> int:
        return self.limits.max_megabytes

    def read(self, data: bytes, brain: Brain) -> tuple[Normalised | None, str]:
        """The image's masked text (to recognise with ``brain``'s rules), or why there is
        none: an ``ImageNote`` reason (too-large, not-image, too-many-pixels, unreadable,
        busy, unavailable)."""
        if self.reader is None:
            return None, "unavailable"
        try:
            future = self.reader.submit(data, brain.recogniser)
        except Refused as refused:  # over the byte limit: not even queued
            return None, refused.reason
        except Busy:
            return None, "busy"
        try:
            shot = future.result(timeout=self._wait)
        except FutureTimeout:
            future.cancel()
            return None, "busy"
        except Refused as refused:
            return None, refused.reason
        except Exception:  # a reader bug costs this image, not the request
            logger.exception("reading an uploaded image failed")
            return None, "unreadable"
        return shot.message(brain.knowledge), ""

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
