"""Tesseract, in process (tesserocr): one engine per worker thread, its models loaded once.

tesserocr links the Tesseract library, so neither the image nor its text passes through a
file or another process (pytesseract writes both to temporary files), and the language
models (about 50 MB for Japanese) are loaded once per thread rather than once per image.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from PIL import Image

# Where Debian (tesseract-ocr 5 and 4) and other systems put the language models.
_SYSTEM_TESSDATA = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                    "/usr/share/tessdata", "/usr/local/share/tessdata")


class OcrUnavailable(Exception):
    """Tesseract or its language models are missing: screenshots cannot be read here."""


def find_tessdata(explicit: str | None = None) -> Path | None:
    """The models folder: ``explicit``, else ``$TESSDATA_PREFIX``, else a system one."""
    candidates = [explicit] if explicit else [os.environ.get("TESSDATA_PREFIX"),
                                               *_SYSTEM_TESSDATA]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def missing_models(tessdata: Path | None, langs: str) -> list[str]:
    """The languages of ``langs`` ("jpn+eng") with no model in ``tessdata``."""
    return [lang for lang in langs.split("+")
            if tessdata is None or not (tessdata / f"{lang}.traineddata").is_file()]


class Ocr:
    """Reads text from prepared images; safe to share between threads (one engine each)."""

    def __init__(self, *, tessdata: Path | None, langs: str) -> None:
        missing = missing_models(tessdata, langs)
        if missing:
            raise OcrUnavailable(f"no Tesseract model for {', '.join(missing)} in "
                                 f"{tessdata or 'any tessdata folder'}")
        try:
            import tesserocr  # noqa: F401  (checked here, used per thread)
        except ImportError as err:
            raise OcrUnavailable(f"tesserocr is not installed ({err})") from None
        self.tessdata, self.langs = tessdata, langs
        self._local = threading.local()

    def _engine(self):
        """This thread's engine, made on its first image (models load once per thread)."""
        import tesserocr

        engine = getattr(self._local, "engine", None)
        if engine is None:
            engine = tesserocr.PyTessBaseAPI(path=f"{self.tessdata}/", lang=self.langs)
            self._local.engine = engine
        return engine

    def read(self, image: Image.Image, *, block: bool = False) -> str:
        """The text in ``image``: a whole page, or one ``block`` of lines (the error lines).

        Never logged or stored: the caller masks it at once.
        """
        import tesserocr

        engine = self._engine()
        engine.SetPageSegMode(tesserocr.PSM.SINGLE_BLOCK if block else tesserocr.PSM.AUTO)
        engine.SetImage(image)
        try:
            return engine.GetUTF8Text()
        finally:
            engine.Clear()
