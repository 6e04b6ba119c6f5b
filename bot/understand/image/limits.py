"""Open untrusted image bytes safely: size, format (by content) and pixel limits first.

A screenshot comes from anyone: it may be huge, not an image at all, or a decompression bomb
(a small file that unpacks to billions of pixels). Everything is checked before pixels are
decoded, and Pillow's own bomb guard (``Image.MAX_IMAGE_PIXELS``: a warning past it, an
error past twice it) is turned into a refusal too, never a crash or a silent slow read.
"""

from __future__ import annotations

import io
import warnings
from typing import Literal, NamedTuple

from PIL import Image, ImageOps, UnidentifiedImageError

Reason = Literal["too-large", "not-image", "too-many-pixels", "unreadable"]
FORMATS = ("PNG", "JPEG", "WEBP")  # tried by content: a file's name or Slack's type is ignored


class Refused(Exception):
    """An image keyhelp will not read; ``reason`` picks the user-facing wording."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason)
        self.reason: Reason = reason


class Limits(NamedTuple):
    """What a screenshot may be; the defaults fit any real screen capture or phone photo."""

    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 40_000_000  # an 8K screen is 33 M; a 48 MP photo is refused

    @property
    def max_megabytes(self) -> int:
        return self.max_bytes // (1024 * 1024)


def check_size(size: int, limits: Limits) -> None:
    """Refuse before reading (or downloading) more than the byte limit."""
    if size > limits.max_bytes:
        raise Refused("too-large")


def open_image(data: bytes, limits: Limits) -> Image.Image:
    """The decoded image, upright (EXIF orientation applied), as RGB on white; or ``Refused``."""
    check_size(len(data), limits)
    with warnings.catch_warnings():
        # Pillow warns between MAX_IMAGE_PIXELS and twice it, and raises beyond: refuse both
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise Refused("too-many-pixels") from None
        except UnidentifiedImageError:
            raise Refused("not-image") from None
        except Exception:  # a damaged header: Pillow raises many kinds (ValueError, OSError…)
            raise Refused("unreadable") from None
        # only the header has been read so far: refuse a bomb before decoding a pixel
        if image.width * image.height > limits.max_pixels or min(image.size) < 1:
            raise Refused("too-many-pixels")
        try:
            image.load()
            image = ImageOps.exif_transpose(image)
            return _on_white(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise Refused("too-many-pixels") from None
        except Exception:  # truncated or corrupt data
            raise Refused("unreadable") from None


def _on_white(image: Image.Image) -> Image.Image:
    """RGB; transparent parts become white (dropping alpha would often leave them black)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB")
