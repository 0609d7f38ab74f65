"""Codes typed by a keyboard-wedge scanner, and the plausibility check for serial numbers.

A wedge scanner "types" what it reads, usually followed by Enter or Tab, sometimes prefixed with
an AIM symbology identifier (``]C1``) and with GS1 group separators in between. What reaches us
is therefore the code wrapped in whitespace and control characters; this module cleans that up.

`Code` lives here rather than in `image` so that text input does not pull in the image decoders.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from depot.errors import InvalidInputError

__all__ = ["SERIAL_PATTERN", "Code", "codes_from_text", "looks_like_serial"]

#: 4-40 characters of letters, digits and ``-_./``; RMA numbers (``RMA-2026-000123``) fit too.
SERIAL_PATTERN: re.Pattern[str] = re.compile(r"[A-Za-z0-9\-_./]{4,40}")

# An AIM symbology identifier: "]", symbology letter, modifier character: "]C1", "]d2", "]Q3".
_AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
# Wedge scanners end a scan, or separate several, with Enter (CR, LF) or Tab.
_SEPARATORS = re.compile(r"[\r\n\t\v\f\x1c\x1e\x85\u2028\u2029]+")


@dataclass(frozen=True)
class Code:
    """One decoded code: its text and the symbology it came from.

    ``symbology`` is a lowercase snake name ("code128", "qrcode", "datamatrix", ...) or "text" for
    keyboard input, where the symbology is unknown.
    """

    text: str
    symbology: str


def codes_from_text(text: str) -> list[Code]:
    """Turn keyboard-wedge input into codes, one per non-empty line (or Tab-separated field).

    Raises InvalidInputError(code="empty_scan") when nothing but whitespace and control
    characters was sent: that is a scanner misfire, not a lookup for an empty serial.
    """
    codes: list[Code] = []
    seen: set[str] = set()
    for field in _SEPARATORS.split(text):
        cleaned = _clean_field(field)
        if cleaned and cleaned not in seen:
            seen.add(cleaned)
            codes.append(Code(cleaned, "text"))
    if not codes:
        raise InvalidInputError("the scan is empty", code="empty_scan")
    return codes


def _clean_field(field: str) -> str:
    """Strip control/format characters (GS separators, BOMs, zero-width spaces), surrounding
    whitespace, and a leading AIM identifier that some scanners are configured to send.
    Other space characters (no-break, ideographic) become plain spaces, so lookups can match."""
    visible = "".join(_visible(ch) for ch in field)
    return _AIM_PREFIX.sub("", visible.strip(), count=1).strip()


def _visible(ch: str) -> str:
    category = unicodedata.category(ch)
    if category.startswith("C"):
        return ""
    return " " if category == "Zs" else ch


def looks_like_serial(text: str, pattern: str | re.Pattern[str] | None = None) -> bool:
    """Whether ``text`` as a whole is plausible as a serial number.

    Decoders occasionally misread, and photos show other codes (EANs, URLs) next to the serial,
    so a decoded text is only trusted as a serial if it fits the product model's own pattern
    (when the caller has one) or the general SERIAL_PATTERN.
    """
    if pattern is None:
        regex = SERIAL_PATTERN
    elif isinstance(pattern, str):
        regex = re.compile(pattern)
    else:
        regex = pattern
    return regex.fullmatch(text) is not None
