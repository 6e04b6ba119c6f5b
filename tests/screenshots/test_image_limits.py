"""Untrusted image bytes: refused with a reason before decoding, never a crash or a slow read."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from bot.understand.image.limits import Limits, Refused, open_image


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` × ``height`` pixels, with one tiny data chunk:
    a few dozen bytes that would unpack to gigabytes (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


SAMPLE = Image.new("RGB", (64, 32), (200, 30, 40))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_png_jpeg_and_webp_are_read(fmt: str) -> None:
    image = open_image(encoded(SAMPLE, fmt), Limits())
    assert image.mode == "RGB" and image.size == (64, 32)


def test_the_format_is_told_by_content_not_by_name() -> None:
    # a JPEG sent as "screenshot.png" is still read; a GIF (not accepted) is refused
    assert open_image(encoded(SAMPLE, "JPEG"), Limits()).size == (64, 32)
    with pytest.raises(Refused) as refused:
        open_image(encoded(SAMPLE, "GIF"), Limits())
    assert refused.value.reason == "not-image"


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7\n", b"The product key isn't valid",
                                  b"\x89PNG\r\n\x1a\n", b"<svg xmlns='http://www.w3.org/2000/svg'/>"])
def test_what_is_not_an_accepted_image_is_refused_as_such(data: bytes) -> None:
    with pytest.raises(Refused) as refused:
        open_image(data, Limits())
    assert refused.value.reason in ("not-image", "unreadable")


def test_a_file_over_the_byte_limit_is_refused_before_it_is_opened() -> None:
    data = encoded(SAMPLE, "PNG")
    with pytest.raises(Refused) as refused:
        open_image(data, Limits(max_bytes=len(data) - 1))
    assert refused.value.reason == "too-large"
    assert open_image(data, Limits(max_bytes=len(data))).size == (64, 32)


@pytest.mark.parametrize(("width", "height"), [
    (8000, 6000),  # 48 M pixels: over our limit, under Pillow's bomb guard
    (10_000, 10_000),  # 100 M: Pillow warns (DecompressionBombWarning)
    (50_000, 50_000),  # 2.5 G: Pillow raises (DecompressionBombError)
])
def test_decompression_bombs_are_refused_before_decoding(width: int, height: int) -> None:
    bomb = png_header_claiming(width, height)
    assert len(bomb) < 200
    with pytest.raises(Refused) as refused:
        open_image(bomb, Limits())
    assert refused.value.reason == "too-many-pixels"


def test_pillows_own_bomb_guard_refuses_even_under_a_looser_limit_of_ours() -> None:
    # 100 M pixels is past Image.MAX_IMAGE_PIXELS (89 M), where Pillow only warns
    with pytest.raises(Refused) as refused:
        open_image(png_header_claiming(10_000, 10_000), Limits(max_pixels=10**12))
    assert refused.value.reason == "too-many-pixels"


def test_a_truncated_image_is_refused_as_damaged() -> None:
    data = encoded(Image.effect_noise((300, 200), 60).convert("RGB"), "PNG")
    with pytest.raises(Refused) as refused:
        open_image(data[: len(data) // 2], Limits())
    assert refused.value.reason == "unreadable"


def test_transparent_parts_become_white_not_black() -> None:
    clear = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    assert open_image(encoded(clear, "PNG"), Limits()).getpixel((5, 5)) == (255, 255, 255)


def test_a_phone_photo_is_turned_upright_by_its_exif_orientation() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    photo = encoded(Image.new("RGB", (40, 20), "white"), "JPEG", exif=exif.tobytes())
    assert open_image(photo, Limits()).size == (20, 40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.binary(max_size=2048),
    # real image headers followed by garbage: the decoders' own error paths
    st.sampled_from([encoded(SAMPLE, f) for f in ("PNG", "JPEG", "WEBP")]).flatmap(
        lambda good: st.tuples(st.integers(0, len(good)), st.binary(max_size=256)).map(
            lambda cut: good[:cut[0]] + cut[1])),
))
def test_any_bytes_give_an_image_or_a_refusal_never_another_error(data: bytes) -> None:
    try:
        image = open_image(data, Limits())
    except Refused as refused:
        assert refused.reason in ("too-large", "not-image", "too-many-pixels", "unreadable")
    else:
        assert image.mode == "RGB"
