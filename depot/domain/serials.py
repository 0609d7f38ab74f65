"""When two serials name the same device, and when they only look alike.

A serial is the same whatever its case and the whitespace around it (a scanner's mode, a clerk
typing in lower case): `serial_key` is what is compared, the stored spelling stays as it was
registered. Letters and digits that are easy to misread on a worn label (O and 0, I, l and 1)
make serials that look alike: they may be two devices, so they are a warning, not a refusal.
"""
from __future__ import annotations

from itertools import combinations, product

# Each character that is easily misread, lower-cased, and what it may have been.
LOOK_ALIKE: dict[str, str] = {"0": "o", "o": "0", "1": "il", "i": "1l", "l": "1i"}
MAX_LOOK_ALIKES = 512  # spellings looked up at most (the closest first)


def serial_key(serial: str) -> str:
    """The form serials are compared in: no surrounding whitespace, lower case (serials are
    ASCII, so Python's lower() and the database's lower() agree)."""
    return serial.strip().lower()


def look_alikes(serial: str, limit: int = MAX_LOOK_ALIKES) -> list[str]:
    """The keys of serials that differ from `serial` only in characters easily misread for one
    another: one character first, then two, and so on, at most `limit` of them."""
    key = serial_key(serial)
    positions = [i for i, char in enumerate(key) if char in LOOK_ALIKE]
    out: list[str] = []
    for count in range(1, len(positions) + 1):
        for chosen in combinations(positions, count):
            for replacement in product(*(LOOK_ALIKE[key[i]] for i in chosen)):
                chars = list(key)
                for i, char in zip(chosen, replacement, strict=True):
                    chars[i] = char
                out.append("".join(chars))
                if len(out) >= limit:
                    return out
    return out
