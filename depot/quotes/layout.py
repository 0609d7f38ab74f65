"""Styles, colours and small flowables shared by the quote's sections."""
from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph, Table

from depot.labels.fonts import set_faux_bold
from depot.labels.paragraphs import cjk_style, cjk_table_style, esc, line_paragraphs

INK = colors.HexColor("#1A1A1A")
GREY = colors.HexColor("#666666")
LINE = colors.HexColor("#A0A0A0")
SHADE = colors.HexColor("#ECEFF3")
RED = colors.HexColor("#B42318")
TOTAL_SHADE = colors.HexColor("#DDE3EA")

Commands = Sequence[tuple[object, ...]]
SPLIT_LINES = 8
"""A cell with more lines than this may split across pages; shorter rows move whole."""


class QuoteStyles:
    """Every paragraph style of the quote, all set in the one embedded CJK font."""

    def __init__(self, font: str) -> None:
        self.font = font
        self.depot = self._style("depot", 14, leading=18)
        self.small = self._style("small", 8, textColor=GREY)
        self.title = self._style("title", 17, alignment=TA_RIGHT, leading=21)
        self.subtitle = self._style("subtitle", 10.5, alignment=TA_RIGHT, textColor=GREY)
        self.section = self._style("section", 9, leading=11)
        self.label = self._style("label", 8, leading=9.6)
        self.value = self._style("value", 9)
        self.meta_value = self._style("meta_value", 9, alignment=TA_RIGHT, leading=11.5)
        self.bullet = self._style("bullet", 8.5, leftIndent=9, bulletIndent=0)
        self.cell = self._style("cell", 8.5)
        self.num = self._style("num", 8.5, alignment=TA_RIGHT)
        self.head = self._style("head", 8, leading=9.6)
        self.head_num = self._style("head_num", 8, leading=9.6, alignment=TA_RIGHT)
        self.pay = self._style("pay", 8.5, leading=11)
        self.url = self._style("url", 8, leading=10.5)
        self.caption = self._style("caption", 7.5, alignment=TA_CENTER, leading=9.5)
        self.footer_size = 7.5

    def _style(self, name: str, size: float, **kw: object) -> ParagraphStyle:
        kw.setdefault("leading", round(size * 1.35, 2))
        kw.setdefault("textColor", INK)
        return cjk_style(name, self.font, size, **kw)


def grey(text: str, size: float) -> str:
    return f'<font size="{size}" color="#666666">{esc(text)}</font>'


def stacked(words: tuple[str, str], style: ParagraphStyle, second_size: float) -> Paragraph:
    """Primary wording, the secondary language small and grey on the line below."""
    return Paragraph(f"{esc(words[0])}<br/>{grey(words[1], second_size)}", style)


def inline(words: tuple[str, str], style: ParagraphStyle, second_size: float) -> Paragraph:
    """Primary wording and the secondary language (small, grey) on one line."""
    return Paragraph(f"{esc(words[0])}&nbsp;&nbsp;{grey(words[1], second_size)}", style)


def wrapped(text: str, style: ParagraphStyle, width: float) -> list[Flowable]:
    """``text`` as one Paragraph, or one Paragraph per line when it has over SPLIT_LINES lines,
    so a table with ``splitable`` cells splits between lines (see ``line_paragraphs``)."""
    return line_paragraphs(text, style, width, whole_up_to=SPLIT_LINES)


def splitable(rows: Sequence[Sequence[object]]) -> int:
    """1 when a cell holds more than SPLIT_LINES flowables (rows may then split), else 0."""
    return int(any(isinstance(cell, list) and len(cell) > SPLIT_LINES
                   for row in rows for cell in row))


def table(rows: list[list[object]], widths: Sequence[float], font: str, commands: Commands,
          **kw: object) -> Table:
    """A Table whose empty cells use the CJK font too (else reportlab selects Helvetica).

    Rows split across pages only when some cell is long (see ``wrapped``).
    """
    kw.setdefault("splitInRow", splitable(rows))
    result = Table(rows, colWidths=list(widths), **kw)
    result.setStyle(cjk_table_style(font, commands))
    return result


def padding(left: float, right: float, top: float, bottom: float) -> list[tuple[object, ...]]:
    return [("LEFTPADDING", (0, 0), (-1, -1), left), ("RIGHTPADDING", (0, 0), (-1, -1), right),
            ("TOPPADDING", (0, 0), (-1, -1), top), ("BOTTOMPADDING", (0, 0), (-1, -1), bottom)]


class BoldText(Flowable):
    """One line of emboldened text: WenQuanYi has no bold face, so the glyphs are stroked too."""

    def __init__(self, text: str, font: str, size: float, *, align: str = "RIGHT",
                 color: colors.Color = INK) -> None:
        super().__init__()
        self.text, self.font, self.size, self.align, self.color = text, font, size, align, color

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.size * 1.3

    def draw(self) -> None:
        canvas = self.canv
        width = pdfmetrics.stringWidth(self.text, self.font, self.size)
        x = {"LEFT": 0.0, "CENTER": (self.width - width) / 2}.get(self.align, self.width - width)
        canvas.saveState()
        canvas.setFillColor(self.color)
        canvas.setStrokeColor(self.color)
        text = canvas.beginText(x, self.size * 0.3)
        text.setFont(self.font, self.size)
        set_faux_bold(canvas, text, self.size)
        text.textOut(self.text)
        canvas.drawText(text)
        canvas.restoreState()
