"""Cleaning a worker's photo, without a database: what is refused before decoding, and what
is kept of a photo (its pixels, upright and smaller, and nothing else)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from supplychain.voice import photo
from tests.factories import phone_jpeg


def declared_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares width x height pixels (a decompression bomb's shape)."""
    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[12:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(header))
    return bytes(data)


def _gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (declared_png(8000, 8000), photo.Refusal.TOO_LARGE),  # 64 megapixels in 70 bytes
        (declared_png(10000, 10000), photo.Refusal.TOO_LARGE),  # past Pillow's own bomb limit
        (b"", photo.Refusal.UNREADABLE),
        (b"x" * 1001, photo.Refusal.TOO_LARGE),
        (_gif(), photo.Refusal.UNREADABLE),  # a picture, of a kind not accepted
        (b"%PDF-1.4 not a picture", photo.Refusal.UNREADABLE),
        (phone_jpeg()[:600], photo.Refusal.UNREADABLE),  # cut short
    ],
)
def test_what_is_not_a_photo_within_bounds_is_refused_before_decoding(data, reason):
    limit = 1000 if data.startswith(b"x") else 8 * 2**20
    with pytest.raises(photo.PhotoRefused) as refused:
        photo.clean(data, max_bytes=limit)
    assert refused.value.reason == reason


def test_a_phone_photo_keeps_its_pixels_only_upright_and_smaller():
    kept = photo.clean(phone_jpeg(), max_bytes=8 * 2**20)
    with Image.open(io.BytesIO(kept.data)) as image:
        assert image.format == "JPEG" and image.size == (kept.width, kept.height) == (1333, 2000)
        assert not image.getexif() and "comment" not in image.info and "exif" not in image.info


def test_a_transparent_picture_is_laid_on_white():
    out = io.BytesIO()
    Image.new("RGBA", (4, 4), (255, 0, 0, 0)).save(out, "PNG")
    kept = photo.clean(out.getvalue(), max_bytes=8 * 2**20)
    with Image.open(io.BytesIO(kept.data)) as image:
        assert image.mode == "RGB" and image.getpixel((1, 1))[1] > 240  # white, not black
