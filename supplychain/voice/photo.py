"""A worker's photo, made safe to keep: what the phone put in the file besides the picture
(EXIF's GPS position, the device, the time; comments, XMP, colour profiles naming the maker)
never reaches the disk.

The upload is decoded here, in memory, and only its pixels go on: turned upright as the phone
recorded, made at most LONG_SIDE pixels on the long side, and encoded afresh as a JPEG from a
new image that carries no metadata at all. Everything is bounded before it is parsed: the
file's bytes, and its pixels, read from its header before anything is decoded (a small file
can declare a huge picture). Only JPEG, PNG and WebP are read (HEIF too when Pillow has a
plugin for it), recognised by their content; a file's name and declared type are never
asked.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from enum import Enum

from PIL import Image, ImageOps

FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")  # the HEIF plugin (pillow-heif) is not shipped
MAX_PIXELS = 40_000_000  # a 40-megapixel picture: more than any phone camera takes
LONG_SIDE = 2000
QUALITY = 85


class Refusal(Enum):
    """Why a photo was refused, as the worker's texts word it."""

    TOO_LARGE = "photo_too_large"
    UNREADABLE = "photo_unreadable"


class PhotoRefused(ValueError):
    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class Photo:
    """A photo as kept: a JPEG without metadata."""

    data: bytes
    width: int
    height: int


def readable_formats() -> tuple[str, ...]:
    """The formats of FORMATS that this Pillow can open."""
    Image.init()
    return tuple(f for f in FORMATS if f in Image.OPEN)


def clean(data: bytes, *, max_bytes: int) -> Photo:
    """The picture of data, upright, at most LONG_SIDE pixels long and re-encoded as a JPEG
    with no metadata; PhotoRefused if data is over max_bytes, over MAX_PIXELS, or not a
    picture of an accepted format."""
    if len(data) > max_bytes:
        raise PhotoRefused(Refusal.TOO_LARGE)
    if not data:
        raise PhotoRefused(Refusal.UNREADABLE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=readable_formats()) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise PhotoRefused(Refusal.TOO_LARGE)
                pixels = _upright_and_small(image)
    except PhotoRefused:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise PhotoRefused(Refusal.TOO_LARGE) from error
    except Exception as error:
        # Whatever a damaged or disguised file makes a decoder raise (UnidentifiedImageError,
        # OSError, SyntaxError, struct.error...): not a picture that can be read.
        raise PhotoRefused(Refusal.UNREADABLE) from error
    # A new image from the pixels alone: Pillow's JPEG writer would carry over a comment
    # from the decoded image's info, and the colour profile must not be written either.
    fresh = Image.frombytes("RGB", pixels.size, pixels.tobytes())
    out = io.BytesIO()
    fresh.save(out, "JPEG", quality=QUALITY, optimize=True)
    return Photo(out.getvalue(), fresh.width, fresh.height)


def _upright_and_small(image: Image.Image) -> Image.Image:
    """image decoded, turned as its EXIF orientation says, shrunk to LONG_SIDE and in RGB (a
    transparent picture on white)."""
    image.draft("RGB", (LONG_SIDE, LONG_SIDE))  # JPEG: decode at a smaller scale, faster
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
    if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
        rgba = upright.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return upright.convert("RGB")
