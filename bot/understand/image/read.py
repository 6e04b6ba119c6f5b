"""Screenshot bytes in, masked text out: decode within limits, prepare, OCR, mask at once.

The raw OCR text lives only inside ``_read``, between Tesseract and the normaliser, which
masks any product key before anything else sees it; the image is never written anywhere.
All of it runs in a bounded pool, off the caller's thread.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import NamedTuple

from bot.knowledge.model import Knowledge
from bot.understand.image.keylines import mask_key_lines
from bot.understand.image.limits import Limits, check_size, open_image
from bot.understand.image.match import closest_message
from bot.understand.image.ocr import Ocr, find_tessdata
from bot.understand.image.pool import BoundedPool
from bot.understand.image.prepare import prepare
from bot.understand.image.settings import OcrSettings
from bot.understand.normalise import Normalised, fold
from bot.understand.recognise import Recogniser


class Screenshot(NamedTuple):
    """What a screenshot says, already masked: the raw OCR text is never kept."""

    page: Normalised  # the error-red lines first, then the whole page
    red: Normalised | None  # the error-red lines alone, when the page has any

    @property
    def shown(self) -> str:
        """The masked text to record: the red lines if found, else the page, on one line."""
        return " ".join((self.red or self.page).original_masked.split())

    def message(self, knowledge: Knowledge) -> Normalised:
        """What to recognise: the red lines weigh most, then the page.

        When the red lines (else the page) are clearly one of the rules' exact messages,
        that message's text is matched instead of OCR's slips; the masked read is kept for
        the transcript. A key on the page stays masked but is not checked: OCR cannot tell
        O from 0 or B from 8 for sure, and the check is about exactly those characters.
        """
        for read in (self.red, self.page):
            if read is None:
                continue
            closest = closest_message(knowledge, read.text)
            if closest is not None:
                return Normalised(self.shown, fold(closest.text), closest.lang, None)
        return self.page._replace(original_masked=self.shown, key=None)


class ScreenshotReader:
    """Reads screenshots in a bounded pool of OCR workers (see ``BoundedPool``)."""

    def __init__(self, *, ocr: Ocr, pool: BoundedPool, limits: Limits | None = None) -> None:
        self.ocr, self.pool, self.limits = ocr, pool, limits or Limits()

    @classmethod
    def from_settings(cls, settings: OcrSettings) -> ScreenshotReader:
        """Tesseract's models checked now (``OcrUnavailable`` if missing), workers started."""
        ocr = Ocr(tessdata=find_tessdata(settings.tessdata), langs=settings.langs)
        return cls(ocr=ocr, pool=BoundedPool(workers=settings.workers, queue=settings.queue),
                   limits=settings.limits)

    def submit(self, data: bytes, recogniser: Recogniser) -> Future[Screenshot]:
        """Queue one image; ``Refused`` (too large) or ``Busy`` at once, others via the future.

        ``recogniser``: the rules in force, for their normaliser and key format.
        """
        check_size(len(data), self.limits)
        return self.pool.submit(self._read, data, recogniser)

    def submit_fetched(self, fetch: Callable[[], bytes],
                       recogniser: Recogniser) -> Future[Screenshot]:
        """Like ``submit``, the bytes got in the worker by ``fetch()`` (a download, say)."""
        return self.pool.submit(lambda: self._read(fetch(), recogniser))

    def read(self, data: bytes, recogniser: Recogniser) -> Screenshot:
        """``submit`` and wait (a terminal command has nothing else to do meanwhile)."""
        return self.submit(data, recogniser).result()

    def read_file(self, path: str | Path, recogniser: Recogniser) -> Screenshot:
        """A file, refused by its size before it is read (``OSError`` if it cannot be)."""
        path = Path(path)
        check_size(path.stat().st_size, self.limits)
        return self.read(path.read_bytes(), recogniser)

    def _read(self, data: bytes, recogniser: Recogniser) -> Screenshot:
        prepared = prepare(open_image(data, self.limits))
        red_raw = self.ocr.read(prepared.red, block=True) if prepared.red is not None else ""
        page = _masked(recogniser, f"{red_raw}\n{self.ocr.read(prepared.page)}")
        red = _masked(recogniser, red_raw) if red_raw.strip() else None
        return Screenshot(page=page, red=red)

    def close(self) -> None:
        self.pool.shutdown(wait=False)


def _masked(recogniser: Recogniser, raw: str) -> Normalised:
    """Normalised (keys masked), then any line that is a misread key masked too.

    The first pass's key check is kept: it saw the key as read, the second sees it masked.
    """
    normaliser = recogniser.normaliser
    first = normaliser.normalise(raw)
    safe = mask_key_lines(first.original_masked, recogniser.knowledge.key_format)
    if safe == first.original_masked:
        return first
    return normaliser.normalise(safe)._replace(key=first.key)
