"""Screenshot fixtures: pages rendered once per run, one OCR reader, reads remembered.

Rendering (headless Chromium) and reading (Tesseract) are slow, so each page is rendered
once per test session into a temporary folder and each (page, variation) is read at most
once. Where Chromium or Tesseract's models are missing the tests that need them skip with
the reason, except under CI, where ``.ci/run`` installs them and a missing one fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from bot.knowledge.model import Knowledge
from bot.understand.image.read import Screenshot, ScreenshotReader
from bot.understand.image.settings import OcrSettings
from bot.understand.recognise import Recogniser
from tests.screenshots.pages import Page, require, session_pages, varied


@pytest.fixture(scope="session")
def pages(knowledge: Knowledge, tmp_path_factory: pytest.TempPathFactory) -> list[Page]:
    """Every exact message in every locale on a rendered redemption page (plus no-error ones)."""
    return session_pages(knowledge, tmp_path_factory.getbasetemp())


@pytest.fixture(scope="session")
def reader() -> Iterator[ScreenshotReader]:
    """The production reader, two workers (the tests' own threads wait on them)."""
    require(ocr=True)
    reader = ScreenshotReader.from_settings(OcrSettings(workers=2, queue=64))
    yield reader
    reader.close()


@pytest.fixture(scope="session")
def read_page(reader: ScreenshotReader,
              recogniser: Recogniser) -> Callable[[Page, str], Screenshot]:
    """``read_page(page, variation)``: the page varied and read, remembered for the run."""
    seen: dict[tuple[str, str], Screenshot] = {}

    def read(page: Page, variation: str) -> Screenshot:
        key = (str(page.path), variation)
        if key not in seen:
            seen[key] = reader.read(varied(page, variation), recogniser)
        return seen[key]

    return read


