"""Uploaded images: the byte, pixel and format checks, then 8-bit grayscale for the decoders.

Every check runs before a pixel is decoded, so a decompression bomb or a file that is no image
is refused in milliseconds (`open_upload`, also used for photos kept as evidence).
`load_gray` turns an accepted upload upright into the array the cascade reads.
"""
from __future__ import annotations

import io
import re
import struct
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from depot.errors import InvalidInputError

__all__ = ["MAX_SIDE", "load_gray", "open_upload"]

# Formats Pillow may open. An allow-list keeps out formats that shell out (EPS via Ghostscript)
# or that no phone or webcam produces.
_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP")

# What Pillow's decoders raise on malformed or truncated files (Warning: when run with -W error,
# Pillow's complaints about corrupt data arrive as exceptions).
_DAMAGED = (OSError, ValueError, SyntaxError, EOFError, IndexError, KeyError, TypeError,
            struct.error, Warning)

MAX_SIDE = 65_535  # zxing-cpp's limit (and JPEG's); longer strips are refused as too large


def load_gray(data: bytes, *, max_bytes: int = 15 * 1024 * 1024,
              max_pixels: int = 50_000_000) -> np.ndarray:
    """Validate an upload and return it upright (EXIF orientation applied) as 8-bit grayscale.

    The pixel count is checked from the header before any pixel is decoded, so a decompression
    bomb is refused in milliseconds without being allocated.
    """
    image = open_upload(data, max_bytes=max_bytes, max_pixels=max_pixels)
    try:
        if image.format in ("JPEG", "MPO"):  # MPO: multi-picture JPEG from some cameras
            image.draft("L", image.size)  # let libjpeg decode luminance only: faster on 12 MP
        return _grayscale(ImageOps.exif_transpose(image))
    except _DAMAGED as exc:
        raise InvalidInputError("the image is damaged and cannot be read",
                                code="not_an_image") from exc


def open_upload(data: bytes, *, max_bytes: int, max_pixels: int) -> Image.Image:
    """An uploaded image, opened lazily after the byte, pixel and format checks (also used for
    photos kept as evidence). Image.open reads only the header; the size check follows before
    any pixel is decoded.

    Pillow's own DecompressionBombWarning is silenced (our explicit limit replaces it); its
    DecompressionBombError (images over ~179 MP) is raised before we see the size.
    """
    if len(data) > max_bytes:
        raise InvalidInputError("the file is %(size)s bytes; the limit is %(limit)s",
                                code="upload_too_large", size=len(data), limit=max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=_FORMATS)
    except Image.DecompressionBombError as exc:
        match = re.search(r"\((\d+) pixels\)", str(exc))
        pixels = int(match.group(1)) if match else None
        raise _too_large(pixels, max_pixels) from None
    except (UnidentifiedImageError, *_DAMAGED):
        raise InvalidInputError("the file is not an image Depot can read (JPEG, PNG, WebP…)",
                                code="not_an_image") from None
    width, height = image.size
    if width * height > max_pixels or max(width, height) > MAX_SIDE:
        raise _too_large(width * height, max_pixels)
    if width < 1 or height < 1:
        raise InvalidInputError("the image is empty", code="not_an_image")
    return image


def _grayscale(image: Image.Image) -> np.ndarray:
    """8-bit luminance. Transparent areas become white (labels are dark on light), and high bit
    depth images are stretched to the full 8-bit range rather than clipped."""
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "La", "RGBa", "PA"):
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, image.convert("RGBA"))
    if image.mode in ("I", "F") or image.mode.startswith("I;16"):
        values = np.asarray(image, dtype=np.float32)
        low, high = float(values.min()), float(values.max())
        scaled = (values - low) * (255.0 / (high - low)) if high > low else values * 0
        return np.ascontiguousarray(scaled.round().astype(np.uint8))
    return np.ascontiguousarray(np.asarray(image.convert("L"), dtype=np.uint8))


def _too_large(pixels: int | None, limit: int) -> InvalidInputError:
    if pixels is None:
        return InvalidInputError("the image has too many pixels; the limit is %(limit)s",
                                 code="image_too_large", pixels=pixels, limit=limit)
    return InvalidInputError("the image has %(pixels)s pixels; the limit is %(limit)s",
                             code="image_too_large", pixels=pixels, limit=limit)

