"""Make a capture easy for OCR: the page and, apart, its red error lines, each upright,
dark text on light, at a size Tesseract reads well.

Captures come zoomed (50–200 %), in dark mode, JPEG-compressed, or as a phone photo of a
screen (slightly turned, soft). Pillow alone does it: no array library is needed.
"""

from __future__ import annotations

from typing import NamedTuple

from PIL import Image, ImageChops, ImageOps, ImageStat

TARGET_WIDTH = 1600  # a page-wide capture is brought to about this width (Tesseract's sweet spot)
MAX_UPSCALE = 4.0
MAX_OCR_PIXELS = 6_000_000  # bigger captures are shrunk first: the text stays readable
RED_MARGIN = 24  # red must exceed green and blue by this much (0–255) to count as error red
# A row of a red text line has at least 1/100 of the width red, and RED_ROW_MIN pixels (the
# sides of a red frame give a handful); a red band thinner than MIN_TEXT_ROWS (or 1/200 of
# the width) is a frame's edge, not text. Measured at 1600 px: text 14+ rows, edges 2–6.
RED_ROW_SHARE = 100
RED_ROW_MIN = 16
MIN_TEXT_ROWS = 8
DESKEW_LIMIT = 4.0  # degrees: small turns of a phone photo; larger ones are left to OCR
DESKEW_STEP = 0.5
SKEW_WIDTH = 600  # the turn is measured on a copy about this wide (its lines still sharp)


class Prepared(NamedTuple):
    """Grey images ready for OCR: the whole page, and the error-red text alone if any."""

    page: Image.Image
    red: Image.Image | None


def _scale_for(image: Image.Image) -> float:
    """Upscale small captures (text must be ~30 px tall), shrink huge ones."""
    scale = min(MAX_UPSCALE, max(1.0, TARGET_WIDTH / image.width))
    pixels = image.width * image.height * scale * scale
    if pixels > MAX_OCR_PIXELS:
        scale *= (MAX_OCR_PIXELS / pixels) ** 0.5
    return scale


def _resized(image: Image.Image, scale: float) -> Image.Image:
    if abs(scale - 1.0) < 0.05:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def red_layer(rgb: Image.Image) -> Image.Image:
    """White where a pixel is clearly red (red above both green and blue), black elsewhere."""
    red, green, blue = rgb.split()
    redness = ImageChops.darker(ImageChops.subtract(red, green), ImageChops.subtract(red, blue))
    return redness.point(lambda v: 255 if v > RED_MARGIN else 0)


def is_dark(grey: Image.Image) -> bool:
    """Light text on a dark background (dark mode): most of the picture is dark."""
    return ImageStat.Stat(grey).median[0] < 110


def skew_angle(grey: Image.Image) -> float:
    """The small turn that makes text lines horizontal, by the sharpest row profile.

    Each candidate angle is tried on a small copy; squeezing the turned copy to one pixel
    wide gives each row's mean ink, whose spread is largest when lines lie flat.
    """
    shrink = max(1, grey.width // SKEW_WIDTH)
    small = ImageOps.invert(grey).reduce(shrink) if shrink > 1 else ImageOps.invert(grey)
    def spread(angle: float) -> float:
        turned = small.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False)
        return ImageStat.Stat(turned.resize((1, turned.height), Image.Resampling.BOX)).var[0]

    steps = int(DESKEW_LIMIT / DESKEW_STEP)
    best, best_spread = 0.0, spread(0.0)  # upright unless a turn is clearly sharper
    for n in range(-steps, steps + 1):
        angle = n * DESKEW_STEP
        if angle and (value := spread(angle)) > best_spread * 1.01 + 1e-6:
            best, best_spread = angle, value
    return best


def _upright(grey: Image.Image, angle: float) -> Image.Image:
    if not angle:
        return grey
    return grey.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def red_box(mask: Image.Image) -> tuple[int, int, int, int] | None:
    """Where the red text lines are in an upright red ``mask`` (None: no red text).

    Rows are summed (squeezing the mask to one pixel wide); runs of rows with red make bands.
    A band thinner than a line of text is a red frame's edge (the key field on error): left out.
    """
    rows = mask.resize((1, mask.height), Image.Resampling.BOX).tobytes()  # mean per row
    least = 255 * max(RED_ROW_MIN, mask.width // RED_ROW_SHARE) / mask.width
    thinnest = max(MIN_TEXT_ROWS, mask.width // 200)
    bands, start = [], None
    for y, value in enumerate([*rows, 0]):
        if value >= least and start is None:
            start = y
        elif value < least and start is not None:
            if y - start >= thinnest:
                bands.append((start, y))
            start = None
    if not bands:
        return None
    top, bottom = bands[0][0], bands[-1][1]
    box = mask.crop((0, top, mask.width, bottom)).getbbox()
    if box is None:
        return None
    pad = max(8, (bottom - top) // 4)
    return (max(0, box[0] - pad), max(0, top - pad), min(mask.width, box[2] + pad),
            min(mask.height, bottom + pad))


def prepare(rgb: Image.Image) -> Prepared:
    """The page and its red lines, upscaled, deskewed, dark text on light."""
    rgb = _resized(rgb, _scale_for(rgb))
    grey = ImageOps.grayscale(rgb)
    if is_dark(grey):
        grey = ImageOps.invert(grey)
    angle = skew_angle(grey)
    page = _upright(grey, angle)
    mask = red_layer(rgb)
    if angle:
        mask = mask.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=0)
    box = red_box(mask)
    return Prepared(page, page.crop(box) if box else None)
