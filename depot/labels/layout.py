"""What a thermal label is made of: text lines, boxes, badges and barcodes, placed in points
from the page's top left corner. Data only: :mod:`depot.labels.column` builds these items,
:mod:`depot.labels.paint_pdf` and :mod:`depot.labels.zpl` paint them."""
from __future__ import annotations

from dataclasses import dataclass

from depot.labels.barcodes import QUIET_MODULES

LABEL_MIN_FONT = 7.0
"""Smallest text on the label (about 20 dots high at 203 dpi)."""
BOLD_MIN_FONT = 9.5
"""Fake bold (stroked outlines) only from this size: below it a printer dot of stroke
clogs CJK glyphs, so smaller "bold" text prints regular (the PDF and ZPL alike)."""


@dataclass(frozen=True)
class Text:
    """One line of text; ``x`` is its left end, ``baseline`` from the page top."""

    x: float
    baseline: float
    text: str
    size: float
    bold: bool = False


@dataclass(frozen=True)
class Box:
    """A rectangle: filled black when ``line`` is 0, else outlined with that stroke."""

    x: float
    y: float
    w: float
    h: float
    line: float = 0.0


@dataclass(frozen=True)
class Badge:
    """A black box with white text (到付, 收): one ``Text`` placed inside the box."""

    x: float
    y: float
    w: float
    h: float
    text: Text


@dataclass(frozen=True)
class Barcode:
    """Code128 of ``value``; ``x`` is the outer edge of the left quiet zone. The value is
    printed centred below the bars at ``text_size`` (in ZPL: the interpretation line)."""

    x: float
    y: float
    value: str
    module: float
    bar_height: float
    width: float
    text_size: float

    @property
    def quiet(self) -> float:
        return QUIET_MODULES * self.module

    @property
    def height(self) -> float:
        return self.bar_height + 2 + self.text_size * 1.15


Item = Text | Box | Badge | Barcode


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    items: tuple[Item, ...]
