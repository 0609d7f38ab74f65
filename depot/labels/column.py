"""The layout engine of the thermal labels: a column that stacks text lines, rules and
barcodes top-down and records each as a :mod:`depot.labels.layout` item."""
from __future__ import annotations

from collections.abc import Sequence

from depot.labels.barcodes import fit_code128
from depot.labels.fonts import fit_text, text_width
from depot.labels.layout import LABEL_MIN_FONT, Barcode, Box, Item, Text

RULE = 1.5
"""Default thickness of a rule between two blocks."""
GAP = 4.0
"""Space above and below each rule."""


class Column:
    """Stacks items top-down in a column ``width`` wide starting at ``x``."""

    def __init__(self, x: float, y: float, width: float) -> None:
        self.x, self.y, self.width = x, y, width
        self.items: list[Item] = []

    def line(self, text: str, size: float, *, bold: bool = False, centre: bool = False,
             min_size: float = LABEL_MIN_FONT) -> None:
        text, size = fit_text(text, self.width, size, min_size)
        x = self.x + (self.width - text_width(text, size)) / 2 if centre else self.x
        self.items.append(Text(x, self.y + size * 0.95, text, size, bold))
        self.y += size * 1.25

    def lines(self, lines: Sequence[str], size: float, *, bold: bool = False) -> None:
        for text in lines:
            self.line(text, size, bold=bold, min_size=size)

    def rule(self, x: float, width: float, thickness: float = RULE) -> None:
        self.y += GAP
        self.items.append(Box(x, self.y, width, thickness))
        self.y += thickness + GAP

    def barcode(self, value: str, bar_height: float, text_size: float,
                modules: Sequence[float]) -> bool:
        """A centred symbol, widest module that fits; False (nothing drawn) if none fits."""
        symbol = fit_code128(value, max_width=self.width, bar_height=bar_height, modules=modules)
        if symbol is None:
            return False
        module = float(symbol.barWidth)
        item = Barcode(self.x + (self.width - symbol.width) / 2, self.y, value, module,
                       bar_height, float(symbol.width), text_size)
        self.items.append(item)
        self.y += item.height
        return True
