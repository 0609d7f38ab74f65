"""Photos from cameras and phones, made safe to keep: checked, turned upright, stripped, shrunk.

Metadata (GPS position, camera) is dropped by re-encoding only the pixels.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from depot.errors import InvalidInputError

MAX_SIDE = 2048


@dataclass(frozen=True)
class NormalisedPhoto:
    data: bytes
    content_type: str
    width: int
    height: int


def open_checked(data: bytes, *, max_bytes: int, max_pixels: int) -> Image.Image:
    """Open an upload as an image, refusing too large files and decompression bombs cheaply.

    Only the header is read before the pixel count is checked, so a bomb costs nothing.
    """
    if len(data) > max_bytes:
        raise InvalidInputError(f"the file is {len(data)} bytes; the limit is {max_bytes}",
                                code="upload_too_large", size=len(data), limit=max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidInputError("the file is not an image Depot can read (JPEG, PNG, WebP…)",
                                code="not_an_image") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInputError("the image has too many pixels", code="image_too_large") from None
    if width * height > max_pixels:
        raise InvalidInputError(f"the image has {width}×{height} pixels; the limit is {max_pixels}",
                                code="image_too_large", pixels=width * height, limit=max_pixels)
    return image


def normalise_photo(data: bytes, *, max_bytes: int = 15 * 1024 * 1024,
                    max_pixels: int = 50_000_000, max_side: int = MAX_SIDE) -> NormalisedPhoto:
    """Upright, metadata-free JPEG no larger than max_side on its longer side."""
    image = open_checked(data, max_bytes=max_bytes, max_pixels=max_pixels)
    try:
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGB")
    except (OSError, ValueError, SyntaxError):
        raise InvalidInputError("the image is damaged and cannot be read",
                                code="not_an_image") from None
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return NormalisedPhoto(out.getvalue(), "image/jpeg", image.width, image.height)
