"""Evidence photos shrunk to thumbnail size before they are embedded (pure, deterministic)."""
from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

THUMB_PX = 480
"""Longest side of an embedded thumbnail: about 300 dpi at 40 mm, sharp in print."""
JPEG_QUALITY = 85


def thumbnail_jpeg(data: bytes, max_px: int = THUMB_PX) -> tuple[bytes, int, int]:
    """(JPEG bytes, width px, height px) no larger than ``max_px`` on the longest side.

    A JPEG that is already small enough is returned as it is; a larger one is decoded at a
    reduced DCT scale, resized with Lanczos and re-encoded, so a 2048 px photo costs a tenth
    of its bytes in the PDF. Raises ValueError for data that is not an image.
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format == "JPEG" and max(image.size) <= max_px and image.mode in ("RGB", "L"):
                return data, image.width, image.height
            image.draft("RGB", (max_px, max_px))  # cheap 1/2, 1/4, 1/8 decode for JPEGs
            small = image.convert("RGB") if image.mode not in ("RGB", "L") else image.copy()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValueError("not a readable image") from exc
    small.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue(), small.width, small.height
