"""The return shipping label 退货/返修寄回面单 (thermal 4x6 in, 100x150 mm or 100x180 mm).

One layout, two outputs: :func:`layout_label` places every text line, box, rule and
barcode on the page (points, origin top left; built with :mod:`depot.labels.column`);
:func:`render_label_pdf` paints it with :mod:`depot.labels.paint_pdf` and
:mod:`depot.labels.zpl` turns the same layout into ZPL II.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from depot.i18n import both, translate
from depot.labels.barcodes import MODULE_PT, can_encode
from depot.labels.column import GAP, RULE, Column
from depot.labels.fonts import ELLIPSIS, fit_text, register_cjk_font, text_width
from depot.labels.layout import BOLD_MIN_FONT, LABEL_MIN_FONT, Badge, Box, Layout, Text
from depot.labels.paint_pdf import paint_layout
from depot.labels.wrap import fit_lines

LABEL_SIZES: dict[str, tuple[float, float]] = {
    "4x6": (288.0, 432.0),
    "100x150": (100 * mm, 150 * mm),
    "100x180": (100 * mm, 180 * mm),
}
MARGIN = 3 * mm
FREIGHT_MARKS: dict[str, str] = {"prepaid": both("PREPAID", "label"),
                                 "collect": both("COLLECT", "label")}


@dataclass(frozen=True)
class LabelData:
    ship_from_name: str
    ship_from_phone: str
    ship_from_address: str
    ship_to_name: str
    ship_to_phone: str
    ship_to_address: str
    rma_number: str
    contents: tuple[str, ...]
    freight: str  # "prepaid" (寄付) or "collect" (到付)
    carrier: str = ""
    tracking_number: str = ""
    shipped_on: date | None = None

    def __post_init__(self) -> None:
        if self.freight not in FREIGHT_MARKS:
            raise ValueError(f"freight must be 'prepaid' or 'collect', not {self.freight!r}")


def _header(col: Column, data: LabelData) -> None:
    collect = data.freight == "collect"
    mark, size = FREIGHT_MARKS[data.freight], (15.0 if collect else 13.0)
    w, h = text_width(mark, size) + 14, 26.0
    x = col.x + col.width - w
    text = Text(x + 7, col.y + h / 2 + size * 0.36, mark, size, bold=True)
    col.items += [Badge(x, col.y, w, h, text)] if collect else [Box(x, col.y, w, h, 1.6), text]
    top, col.width = col.y, col.width - w - 8
    col.line(data.carrier or translate("zh_CN", "Return", "label"), 16, bold=True, min_size=9)
    col.line("RMA " + both("Repair return", "label"), 7.5)
    col.width += w + 8
    col.y = max(col.y, top + h)


def _tracking(col: Column, value: str) -> None:
    """The carrier's number as a big symbol; unknown yet: a frame to write it in."""
    modules = (2 * MODULE_PT, MODULE_PT)
    if not value:
        top, height = col.y, 58 + 2 + 12 * 1.15
        col.items.append(Box(col.x, top, col.width, height, 0.8))
        col.x, col.y, col.width = col.x + 5, top + 4, col.width - 10
        col.line(both("Tracking No.", "label"), 8)
        col.x, col.y, col.width = col.x - 5, top + height, col.width + 10
    elif not (can_encode(value) and col.barcode(value, 58, 12, modules)):
        col.line(f"{both('Tracking', 'label')} {value}", 13, bold=True)


def _party(col: Column, marker: str, name: str, phone: str, address: str, *,
           big: bool, address_lines: int) -> None:
    """收 (ship-to, big, black marker) or 寄 (ship-from, small, outlined marker) block."""
    side, name_size, addr_size = (30.0, 16.0, 14.0) if big else (20.0, 9.5, 8.5)
    top, x0, w0 = col.y, col.x, col.width
    glyph = side * 0.72
    text = Text(x0 + (side - glyph) / 2, top + side / 2 + glyph * 0.36, marker, glyph, bold=True)
    col.items += ([Badge(x0, top, side, side, text)] if big
                  else [Box(x0, top, side, side, 1.2), text])
    col.x, col.width = x0 + side + 6, w0 - side - 6
    min_size = 11.0 if big else LABEL_MIN_FONT
    if not big or text_width(f"{name}  {phone}", min_size) <= col.width:
        col.line(*_name_and_phone(name, phone, col.width, name_size, min_size), bold=True)
    else:
        col.line(name, name_size, bold=True, min_size=11)
        col.line(phone, name_size - 2, bold=True, min_size=11)
    lines, size = fit_lines(address, col.width, addr_size, address_lines, min_size - big)
    col.lines(lines, size)
    col.x, col.width, col.y = x0, w0, max(col.y, top + side)


def _name_and_phone(name: str, phone: str, width: float, size: float,
                    min_size: float) -> tuple[str, float]:
    """"name  phone" shrunk to fit; below ``min_size`` the name is cut, never the phone."""
    head, size = fit_text(f"{name}  {phone}", width, size, min_size)
    if text_width(f"{name}  {phone}", size) <= width:
        return head, size
    name, _ = fit_text(name, width - text_width(f"  {phone}", size), size, size)
    return f"{name}  {phone}", size


def _contents(col: Column, contents: Sequence[str], bottom: float,
              limit: int | None = None) -> None:
    """One line per item, shrunk then cut to the width; as many as fit above ``bottom`` (and
    at most ``limit``), the rest counted on a last "…(+N)" line."""
    col.line(both("Contents", "label"), BOLD_MIN_FONT, bold=True)
    size, tail = 9.0, BOLD_MIN_FONT * 1.25
    lines = [fit_text(f"· {item}", col.width, size, LABEL_MIN_FONT) for item in contents]
    lines = lines or [("· —", size)]
    shown, y = 0, col.y
    for line_size in (line_size for _, line_size in lines):
        more = shown + 1 < len(lines)
        if y + line_size * 1.25 + (tail if more else 0) > bottom:
            break
        y += line_size * 1.25
        shown += 1
    shown = shown if limit is None else min(shown, limit)
    for text, line_size in lines[:shown]:
        col.line(text, line_size, min_size=line_size)
    if shown < len(lines):
        col.line(f"{ELLIPSIS}(+{len(lines) - shown})", BOLD_MIN_FONT, bold=True)


def layout_label(data: LabelData, size: str = "4x6", *,
                 contents_limit: int | None = None) -> Layout:
    """Every item of one label, positioned in points from the page's top left corner.

    ``contents_limit`` lists at most that many contents lines (the ZPL's memory budget).
    Raises ValueError for an unknown size or an RMA number that cannot be a Code128 symbol.
    """
    if size not in LABEL_SIZES:
        raise ValueError(f"unknown label size {size!r}; choose one of {', '.join(LABEL_SIZES)}")
    if not can_encode(data.rma_number):
        raise ValueError(f"cannot encode RMA number {data.rma_number!r} as Code128")
    page_w, page_h = LABEL_SIZES[size]
    x, width = MARGIN, page_w - 2 * MARGIN
    col = Column(x, MARGIN, width)
    _header(col, data)
    col.rule(x, width, 2.5)
    _tracking(col, data.tracking_number)
    col.rule(x, width)
    _party(col, translate("zh_CN", "To", "label"), data.ship_to_name, data.ship_to_phone, data.ship_to_address,
           big=True, address_lines=4 + int((page_h - 432) // 60))
    col.rule(x, width)
    _party(col, translate("zh_CN", "From", "label"), data.ship_from_name, data.ship_from_phone, data.ship_from_address,
           big=False, address_lines=2)
    col.rule(x, width)
    if not col.barcode(data.rma_number, 34, 11, (MODULE_PT,)):
        raise ValueError(f"a {size} label is too narrow for RMA {data.rma_number!r}")
    col.rule(x, width)
    footer_size = 8.5
    contents_bottom = page_h - MARGIN - footer_size * 1.25 - 2 * GAP - RULE
    if contents_bottom - col.y < 2 * BOLD_MIN_FONT * 1.25:  # only a new, too small size gets here
        raise ValueError(f"a {size} label is too small for the return label layout")
    _contents(col, data.contents, contents_bottom, contents_limit)
    col.y = contents_bottom
    col.rule(x, width)
    shipped = data.shipped_on.isoformat() if data.shipped_on else "____-__-__"
    col.line(f"{both('Shipped', 'label')} {shipped}    {data.rma_number}", footer_size)
    return Layout(page_w, page_h, tuple(col.items))


def render_label_pdf(labels: Sequence[LabelData], size: str = "4x6") -> bytes:
    """A PDF with one portrait page per label (byte-identical for the same input)."""
    if not labels:
        raise ValueError("no labels to render")
    layouts = [layout_label(label, size) for label in labels]
    font = register_cjk_font()
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=LABEL_SIZES[size], invariant=1, initialFontName=font)
    canvas.setTitle(f"Return label {labels[0].rma_number}")
    canvas.setAuthor("Depot")
    for layout in layouts:
        paint_layout(canvas, layout, font)
        canvas.showPage()
    canvas.save()
    return buf.getvalue()
