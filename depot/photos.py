"""Photos from cameras and phones, made safe to keep: checked, turned upright, stripped, shrunk.

Metadata (GPS position, camera) is dropped by re-encoding only the pixels.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from depot.errors import InvalidInputError
from depot.scanning import open_upload

MAX_SIDE = 2048


@dataclass(frozen=True)
class NormalisedPhoto:
    data: bytes
    content_type: str
    width: int
    height: int


def pixels_of(data: bytes, *, max_bytes: int, max_pixels: int) -> int:
    """The pixel count from the header alone (nothing decoded)."""
    width, height = open_upload(data, max_bytes=max_bytes, max_pixels=max_pixels).size
    return width * height


def normalise_photo(data: bytes, *, max_bytes: int = 15 * 1024 * 1024,
                    max_pixels: int = 50_000_000, max_side: int = MAX_SIDE) -> NormalisedPhoto:
    """Upright, metadata-free JPEG no larger than max_side on its longer side."""
    image = open_upload(data, max_bytes=max_bytes, max_pixels=max_pixels)
    try:
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGB")
    except (OSError, ValueError, SyntaxError):
        raise InvalidInputError("the image is damaged and cannot be read",
                                code="not_an_image") from None
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    image.info = {}  # no comment, ICC profile or EXIF rides along into the stored copy
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return NormalisedPhoto(out.getvalue(), "image/jpeg", image.width, image.height)
