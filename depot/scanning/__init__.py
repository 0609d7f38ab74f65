"""Barcode scanning: codes from keyboard-wedge text and from photos. Pure code, no Flask, no DB."""
from __future__ import annotations

from depot.scanning.cascade import decode_array, decode_image, zbar_problem
from depot.scanning.text import SERIAL_PATTERN, Code, codes_from_text, looks_like_serial
from depot.scanning.upload import load_gray, open_upload

__all__ = [
    "SERIAL_PATTERN",
    "Code",
    "codes_from_text",
    "decode_array",
    "decode_image",
    "load_gray",
    "looks_like_serial",
    "open_upload",
    "zbar_problem",
]
