"""CJK-aware line wrapping for the thermal labels: pure functions of text, width and size.

Widths are measured in the embedded CJK font (:func:`depot.labels.fonts.text_width`).
Chinese breaks between any two characters, Latin words at spaces, and closing punctuation
never starts a line.
"""
from __future__ import annotations

import re

from depot.labels.fonts import ELLIPSIS, text_width
from depot.labels.layout import LABEL_MIN_FONT

_CLOSING = set("，。、；：？！）》」』】〕,.;:?!)]}%")
_TOKEN = re.compile(r"\s+|[^\s\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\uff00-\uffef]+|.")


def wrap_text(text: str, width: float, size: float) -> list[str]:
    """Lines no wider than ``width``: CJK breaks at any character, Latin at spaces
    (a word longer than a line is cut), closing punctuation never starts a line."""
    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(text):
        if token.isspace():
            line = line + " " if line else line
            continue
        if text_width(line + token, size) <= width:
            line += token
            continue
        if token in _CLOSING and _can_carry(line.rstrip(), token, width, size):
            lines.append(line.rstrip()[:-1])  # the last CJK character goes down with it
            line = line.rstrip()[-1] + token
            continue
        if line.strip():
            lines.append(line.rstrip())
        while text_width(token, size) > width and len(token) > 1:
            cut = max(1, _fitting_prefix(token, width, size))
            lines.append(token[:cut])
            token = token[cut:]
        line = token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _can_carry(line: str, token: str, width: float, size: float) -> bool:
    return len(line) > 1 and not line[-1].isascii() and text_width(line[-1] + token, size) <= width


def _fitting_prefix(text: str, width: float, size: float) -> int:
    n = len(text)
    while n > 0 and text_width(text[:n], size) > width:
        n -= 1
    return n


def fit_lines(
    text: str, width: float, size: float, max_lines: int, min_size: float = LABEL_MIN_FONT
) -> tuple[list[str], float]:
    """Wrap into at most ``max_lines``: shrink to ``min_size``, then cut the last line with "…"."""
    while True:
        lines = wrap_text(text, width, size)
        if len(lines) <= max_lines:
            return lines, size
        if size <= min_size:
            break
        size = max(min_size, size - 0.5)
    kept = lines[:max_lines]
    last = kept[-1]
    while last and text_width(last + ELLIPSIS, size) > width:
        last = last[:-1]
    kept[-1] = last.rstrip() + ELLIPSIS
    return kept, size
