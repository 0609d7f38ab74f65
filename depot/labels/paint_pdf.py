"""Painting a :class:`depot.labels.layout.Layout` onto a reportlab canvas, one page.

Layout coordinates run down from the page's top left; the canvas's run up from its bottom
left. WenQuanYi has no bold face, so bold text at :data:`BOLD_MIN_FONT` and above is set
with its outlines stroked as well as filled.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from depot.labels.barcodes import code128
from depot.labels.fonts import set_faux_bold, text_width
from depot.labels.layout import BOLD_MIN_FONT, Badge, Barcode, Box, Item, Layout, Text


def paint_layout(canvas: Canvas, layout: Layout, font: str) -> None:
    """Draw every item of ``layout`` on the canvas's current page (set in ``font``)."""
    painter = PdfPainter(canvas, font, layout.height)
    for item in layout.items:
        painter.draw(item)


@dataclass
class PdfPainter:
    """Draws layout items on ``canvas``, whose page is ``page_h`` points high."""

    canvas: Canvas
    font: str
    page_h: float

    def text(self, item: Text, *, white: bool = False) -> None:
        c = self.canvas
        c.saveState()  # the text render mode and colours are graphics state: restore them
        c.setFillGray(1 if white else 0)
        c.setStrokeGray(1 if white else 0)
        t = c.beginText(item.x, self.page_h - item.baseline)
        t.setFont(self.font, item.size)
        if item.bold and item.size >= BOLD_MIN_FONT:  # WQY has no bold: stroke the outline
            set_faux_bold(c, t, item.size)
        t.textOut(item.text)
        c.drawText(t)
        c.restoreState()

    def box(self, item: Box) -> None:
        c = self.canvas
        if item.line:
            c.setLineWidth(item.line)
            half = item.line / 2
            c.rect(item.x + half, self.page_h - item.y - item.h + half,
                   item.w - item.line, item.h - item.line, stroke=1, fill=0)
        else:
            c.rect(item.x, self.page_h - item.y - item.h, item.w, item.h, stroke=0, fill=1)

    def barcode(self, item: Barcode) -> None:
        symbol = code128(item.value, bar_height=item.bar_height, module=item.module)
        symbol.drawOn(self.canvas, item.x, self.page_h - item.y - item.bar_height)
        size = item.text_size
        x = item.x + (item.width - text_width(item.value, size)) / 2
        self.text(Text(x, item.y + item.bar_height + 2 + size * 0.95, item.value, size, True))

    def draw(self, item: Item) -> None:
        if isinstance(item, Text):
            self.text(item)
        elif isinstance(item, Box):
            self.box(item)
        elif isinstance(item, Badge):
            self.box(Box(item.x, item.y, item.w, item.h))
            self.text(item.text, white=True)
        else:
            self.barcode(item)
