"""Screenshots of a redemption page made for real: HTML rendered by headless Chromium, varied
with Pillow. Shared by the screenshot tests and ``benchmarks/screenshots.py``.

Each error's exact on-screen texts come from the rules file (every message of every intent,
in every locale), shown in red under a key field holding a made-up key. ``VARIATIONS`` are
what a capture goes through: zoom, JPEG, a slightly turned or blurred phone photo, dark mode.
"""

from __future__ import annotations

import html
import io
import json
import os
import random
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from PIL import Image, ImageFilter, ImageOps

from bot.knowledge.model import Knowledge

CHROMIUM = os.environ.get("KEYHELP_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("KEYHELP_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")
WINDOW = (800, 330)

# The page around the error: made-up chrome in the style of the admin center's panel.
CHROME = {
    "ja": {"title": "プロダクト キーを入力してください",
           "hint": "受け取った 25 文字のプロダクト キーを入力してください。",
           "label": "プロダクト キー", "next": "次へ", "cancel": "キャンセル"},
    "en": {"title": "Enter your product key",
           "hint": "Enter the 25-character product key you received.",
           "label": "Product key", "next": "Next", "cancel": "Cancel"},
}

PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><style>
body {{ font-family: "Segoe UI", "IPAGothic", "IPAPGothic", sans-serif; margin: 18px 24px;
       background: #fff; color: #323130; }}
h1 {{ font-size: 20px; font-weight: 600; margin: 0 0 8px; }}
p {{ font-size: 13px; margin: 0 0 12px; }}
label {{ display: block; font-size: 13px; font-weight: 600; margin-bottom: 4px; }}
input {{ width: 400px; font-size: 15px; padding: 5px 8px; border: 1px solid #a4262c; }}
.error {{ color: #a4262c; font-size: 13px; margin-top: 6px; max-width: 740px;
          line-height: 1.45; }}
button {{ margin: 14px 8px 0 0; padding: 6px 18px; font-size: 13px; border: 1px solid #8a8886;
          background: #fff; color: #323130; }}
button.primary {{ background: #0078d4; border-color: #0078d4; color: #fff; }}
</style></head><body>
<h1>{title}</h1><p>{hint}</p>
<label for="key">{label}</label><input id="key" value="{key}">
<div class="error" role="alert">{error}</div>
<button class="primary">{next}</button><button>{cancel}</button>
</body></html>"""


class Page(NamedTuple):
    """One rendered page: which error it shows, in which language, with which key."""

    intent: str  # "" for a page with no error on it
    lang: str
    message: int  # index among the intent's messages
    key: str
    path: Path


def made_up_key(rng: random.Random, alphabet: str) -> str:
    """A key in the product-key shape, drawn from the rules' alphabet (never a real key)."""
    return "-".join("".join(rng.choice(alphabet) for _ in range(5)) for _ in range(5))


def page_specs(knowledge: Knowledge, seed: int = 15) -> list[tuple[str, str, int, str, str]]:
    """(intent, lang, message index, key, error text) for every exact message in every locale,
    then a page with no error per locale (intent "")."""
    rng = random.Random(seed)
    specs = []
    for intent in knowledge.intents.values():
        for number, message in enumerate(intent.messages):
            for lang in knowledge.locale_ids:
                key = made_up_key(rng, knowledge.key_format.alphabet)
                specs.append((intent.id, lang, number, key, message.get(lang, "")))
    for lang in knowledge.locale_ids:
        specs.append(("", lang, 0, made_up_key(rng, knowledge.key_format.alphabet), ""))
    return specs


def page_html(lang: str, key: str, error: str) -> str:
    words = CHROME.get(lang, CHROME["en"])
    return PAGE.format(lang=lang, key=html.escape(key), error=html.escape(error),
                       **{k: html.escape(v) for k, v in words.items()})


def missing_tools() -> str | None:
    """Why pages cannot be rendered here, or None."""
    for tool in (CHROMIUM, CHROMEDRIVER):
        if not shutil.which(tool):
            return f"{tool} is not installed (Debian packages chromium, chromium-driver)"
    return None


def missing_ocr() -> str | None:
    """Why Tesseract cannot read screenshots here, or None."""
    from bot.understand.image.ocr import find_tessdata, missing_models
    from bot.understand.image.settings import OcrSettings

    missing = missing_models(find_tessdata(), OcrSettings().langs)
    if missing:
        return (f"no Tesseract model for {', '.join(missing)} "
                "(Debian packages tesseract-ocr, tesseract-ocr-jpn)")
    return None


def require(*, pages: bool = False, ocr: bool = False) -> None:
    """In a test: skip with the reason where a tool is missing; under CI, fail instead."""
    import pytest

    why = (missing_tools() if pages else None) or (missing_ocr() if ocr else None)
    if why and os.environ.get("CI"):
        pytest.fail(f"{why} under CI: .ci/run installs it")
    if why:
        pytest.skip(f"{why}; these tests run under CI")


def session_pages(knowledge: Knowledge, base: Path) -> list[Page]:
    """The rendered pages in the test session's folder ``base`` (rendered once per session)."""
    require(pages=True)
    return render_pages(knowledge, base / "screenshot-pages")


def render_pages(knowledge: Knowledge, folder: Path) -> list[Page]:
    """Render every page once into ``folder`` (one browser for all); reuse what is there."""
    index = folder / "pages.json"
    if index.exists():
        return [Page(*row[:4], Path(row[4])) for row in json.loads(index.read_text())]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                f"--window-size={WINDOW[0]},{WINDOW[1]}", "--force-device-scale-factor=1"):
        options.add_argument(arg)
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        for intent, lang, number, key, error in page_specs(knowledge):
            source = folder / f"{intent or 'no-error'}-{number}-{lang}.html"
            source.write_text(page_html(lang, key, error), encoding="utf-8")
            driver.get(source.as_uri())
            path = source.with_suffix(".png")
            driver.save_screenshot(str(path))
            pages.append(Page(intent, lang, number, key, path))
    finally:
        driver.quit()
    index.write_text(json.dumps([[*p[:4], str(p.path)] for p in pages]))
    return pages


def _rescale(image: Image.Image, factor: float) -> Image.Image:
    size = (round(image.width * factor), round(image.height * factor))
    return image.resize(size, Image.Resampling.BILINEAR)


def _turn(image: Image.Image, degrees: float) -> Image.Image:
    return image.convert("RGB").rotate(degrees, resample=Image.Resampling.BICUBIC,
                                       expand=True, fillcolor=(255, 255, 255))


def dark_mode(image: Image.Image) -> Image.Image:
    """Light and dark swapped, hues kept (red stays red, lighter), as a dark theme draws it."""
    inverted = ImageOps.invert(image.convert("RGB"))
    hue, saturation, value = inverted.convert("HSV").split()
    hue = hue.point(lambda h: (h + 128) % 256)
    return Image.merge("HSV", (hue, saturation, value)).convert("RGB")


def _photo(image: Image.Image) -> Image.Image:
    """A phone photo of a screen: a little smaller, turned and soft (then JPEG, see below)."""
    return _turn(_rescale(image, 0.9), 2.0).filter(ImageFilter.GaussianBlur(0.8))


VARIATIONS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "plain": lambda im: im,
    "scale-50": lambda im: _rescale(im, 0.5),
    "scale-70": lambda im: _rescale(im, 0.7),
    "scale-150": lambda im: _rescale(im, 1.5),
    "scale-200": lambda im: _rescale(im, 2.0),
    "jpeg-q30": lambda im: im,
    "rotate+3": lambda im: _turn(im, 3.0),
    "rotate-3": lambda im: _turn(im, -3.0),
    "blur": lambda im: im.filter(ImageFilter.GaussianBlur(1.2)),
    "dark": dark_mode,
    "photo": _photo,
}


JPEG_QUALITY = {"jpeg-q30": 30, "photo": 60}  # the others are sent as PNG


def encoded(image: Image.Image, variation: str) -> bytes:
    """The varied image as a user would send it (JPEG or PNG)."""
    out = io.BytesIO()
    if variation in JPEG_QUALITY:
        image.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY[variation])
    else:
        image.save(out, "PNG")
    return out.getvalue()


def varied(page: Page, variation: str) -> bytes:
    """``page`` through one of ``VARIATIONS``, encoded as it would be sent."""
    with Image.open(page.path) as image:
        return encoded(VARIATIONS[variation](image.convert("RGB")), variation)


def every_image(pages: list[Page]) -> Iterator[tuple[Page, str, bytes]]:
    """Every page in every variation."""
    for page in pages:
        for variation in VARIATIONS:
            yield page, variation, varied(page, variation)


def hidden_parts(key: str) -> list[str]:
    """Every five characters in a row of the part of ``key`` a masked key hides (except any
    that also occur in what the masked key shows, e.g. 22222 in …-X2222-22222)."""
    chars = key.replace("-", "")
    shown = "X" * (len(chars) - 5) + chars[-5:]
    windows = [chars[i:i + 5] for i in range(len(chars) - 9)]
    return [w for w in windows if w not in shown]


def leaked(key: str, *outputs: str) -> list[str]:
    """The hidden pieces of ``key`` found in any output (spaces within a line, case ignored)."""
    flat = "|".join("".join(line.split()) for text in outputs
                    for line in text.splitlines()).upper()
    return [part for part in hidden_parts(key) if part in flat]


def page_of(pages: list[Page], intent: str, lang: str) -> Page:
    """The rendered page showing ``intent``'s message in ``lang`` ("" for no error)."""
    return next(p for p in pages if p.intent == intent and p.lang == lang)
