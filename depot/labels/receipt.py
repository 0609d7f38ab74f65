"""The customer receipt 设备领取收据, A5 and bilingual (pure function, PDF bytes out)."""
from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from depot.domain.accessories import ACCESSORIES as ACCESSORY_CODES
from depot.i18n import pair as bilingual
from depot.labels.barcodes import MODULE_PT, fit_code128
from depot.labels.fonts import register_cjk_font
from depot.labels.paragraphs import cjk_style, cjk_table_style, esc, line_paragraphs
from depot.labels.tag import Lang

WarrantyStatus = Literal["in_warranty", "out_of_warranty", "unknown"]
WARRANTY_STATUSES: tuple[str, ...] = ("in_warranty", "out_of_warranty", "unknown")
LANGS: tuple[Lang, ...] = ("zh_CN", "zh_TW", "en")

# key -> the English sentence: the msgid (context 'receipt') of its translations.
RECEIPT_TEXT: dict[str, str] = {
    "title": "Equipment receipt",
    "device": "Device",
    "serial": "Serial number",
    "model": "Model",
    "replacement": "Replacement unit",
    "received_on": "Received on",
    "due_on": "Ready by",
    "status_url": "Track status",
    "customer": "Customer",
    "repair": "Repair",
    "name": "Name",
    "phone": "Phone",
    "address": "Address",
    "fault": "Fault",
    "accessories": "Accessories",
    "warranty": "Warranty",
    "in_warranty": "In warranty",
    "out_of_warranty": "Out of warranty",
    "unknown": "To be confirmed",
    "none": "None",
    "tbd": "To be decided",  # the date the unit will be ready: en reads "To be confirmed"
    "keep": "Keep this receipt and show it when you collect the device",
    "clerk_sign": "Clerk signature",
    "customer_sign": "Customer signature",
    "date": "Date",
    "page": "Page %(n)s",
    # the carton receipt (depot/labels/carton_receipt.py): one for every unit in a box
    "carton_title": "Carton receipt",
    "carton": "Carton",
    "carrier": "Carrier",
    "tracking_number": "Waybill number",
    "unit_count": "Units",
    "units": "Units in this carton",
    "no": "No.",
    "rma_number": "RMA number",
}


@dataclass(frozen=True)
class ReceiptData:
    depot_name: str
    depot_address: str
    depot_phone: str
    rma_number: str
    received_on: date
    serial: str
    model_code: str
    model_name: str
    customer_name: str
    customer_phone: str
    customer_address: str
    fault_description: str
    accessories: tuple[str, ...]
    warranty_status: WarrantyStatus
    warranty_reasons: tuple[str, ...]
    due_on: date | None
    status_url: str | None
    replacement_serial: str | None = None  # exchanged (换货): the unit that goes back instead


def receipt_text(key: str, lang: str, **values: object) -> tuple[str, str]:
    """(primary, secondary) wording: ``lang`` first, then English (or zh_CN under en)."""
    if lang not in LANGS:
        raise ValueError(f"unsupported receipt language {lang!r}; use one of {LANGS}")
    if key in ACCESSORY_CODES:  # the accessories' names are shared by every screen and document
        return bilingual(key, lang)
    return bilingual(RECEIPT_TEXT[key], lang, "receipt", **values)


def render_receipt(data: ReceiptData, *, lang: str = "zh_CN") -> bytes:
    """The customer's A5 equipment receipt (设备领取收据), bilingual, one or more pages.

    Raises ValueError for an unknown ``lang`` or an RMA number Code128 cannot carry.
    """
    receipt_text("title", lang)  # validates lang before any work
    styles = _ReceiptStyles(register_cjk_font())
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A5, invariant=1, leftMargin=12 * mm, rightMargin=12 * mm,
        topMargin=10 * mm, bottomMargin=11 * mm,
        title=f"{receipt_text('title', lang)[0]} {data.rma_number}", author=data.depot_name,
        initialFontName=styles.font,  # no stray, unembedded Helvetica in the resources
    )
    flow = _ReceiptFlow(data, lang, styles, doc.width - 2 * FRAME_PADDING)
    footer = _footer(data.rma_number, lang, styles.font)
    doc.build(flow.story(), onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


class _ReceiptStyles:
    def __init__(self, font: str) -> None:
        self.font = font

        def style(name: str, size: float, **kw: object) -> ParagraphStyle:
            kw.setdefault("leading", size * 1.35)
            return cjk_style(name, font, size, **kw)

        self.depot = style("depot", 13, leading=17)
        self.small = style("small", 8, textColor=GREY)
        self.title = style("title", 16, alignment=TA_CENTER, leading=18)
        self.rma = style("rma", 11, alignment=TA_CENTER)
        self.section = style("section", 8.5, leading=10)
        self.label = style("label", 8, leading=9.6)
        self.value = style("value", 9)
        self.bullet = style("bullet", 8.5, leftIndent=9, bulletIndent=0)
        self.note = style("note", 9, alignment=TA_CENTER)


GREY = colors.HexColor("#666666")
LINE = colors.HexColor("#999999")
SHADE = colors.HexColor("#EEEEEE")


def _footer(rma_number: str, lang: str, font: str) -> Callable[[Canvas, object], None]:
    def draw(canvas: Canvas, doc: object) -> None:
        page = canvas.getPageNumber()
        primary, secondary = receipt_text("page", lang, n=page)
        canvas.saveState()
        canvas.setFont(font, 7)
        canvas.setFillColor(GREY)
        canvas.drawCentredString(getattr(doc, "pagesize", A5)[0] / 2, 6 * mm,
                                 f"{rma_number}   {primary} / {secondary}")
        canvas.restoreState()

    return draw


_Value = str | Callable[[float], list[Flowable]]  # text, or content built for a width
_Row = str | list[tuple[str, _Value]]  # a section key, or one or two (label key, value) pairs


SPLIT_LINES = 8
FRAME_PADDING = 6  # reportlab's default Frame padding, each side


class _ReceiptFlow:
    """Builds the platypus story of one receipt."""

    LABEL_W = 23 * mm

    def __init__(self, data: ReceiptData, lang: str, styles: _ReceiptStyles, width: float) -> None:
        self.d, self.lang, self.s, self.width = data, lang, styles, width

    def table_style(self, commands: Sequence[tuple[object, ...]]) -> TableStyle:
        """Commands plus the CJK font for empty cells (else reportlab selects Helvetica)."""
        return cjk_table_style(self.s.font, commands)

    def pair(self, key: str) -> tuple[str, str]:
        return receipt_text(key, self.lang)

    def bilingual(self, key: str, style: ParagraphStyle, second_size: float) -> Paragraph:
        primary, secondary = self.pair(key)
        return Paragraph(f'{esc(primary)}<br/><font size="{second_size}" color="#666666">'
                         f"{esc(secondary)}</font>", style)

    def story(self) -> list[Flowable]:
        return [self.header(), Spacer(1, 2 * mm), self.bilingual("title", self.s.title, 10),
                Spacer(1, 3 * mm), *self.details(), Spacer(1, 3 * mm), self.closing()]

    def number(self) -> str:
        """What the header's Code128 carries: the RMA number (a carton's receipt: its own)."""
        return self.d.rma_number

    def header(self) -> Table:
        d = self.d
        phone = "{} / {}: ".format(*self.pair("phone")) + d.depot_phone
        depot = [Paragraph(esc(d.depot_name), self.s.depot),
                 Paragraph(esc(d.depot_address), self.s.small),
                 Paragraph(esc(phone), self.s.small)]
        right_w = self.width * 0.46
        number = self.number()
        symbol = fit_code128(number, max_width=right_w, bar_height=13 * mm,
                             modules=(MODULE_PT, 2 * MODULE_PT))
        if symbol is None:
            raise ValueError(f"number {number!r} is too long for the receipt barcode")
        code = [symbol, Spacer(1, 1), Paragraph(esc(number), self.s.rma)]
        table = Table([[depot, code]], colWidths=[self.width - right_w, right_w])
        table.setStyle(self.table_style([
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "CENTER"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black), ("BOTTOMPADDING", (0, 0), (-1, 0), 6),
        ]))
        return table

    def details(self) -> list[Flowable]:
        d = self.d
        due = d.due_on.isoformat() if d.due_on else self.joined(["tbd"])
        rows: list[_Row] = [
            "device",
            [("received_on", d.received_on.isoformat()), ("due_on", due)],
            [("serial", d.serial), ("model", f"{d.model_code}  {d.model_name}".strip())],
        ]
        if d.replacement_serial:
            rows.append([("replacement", d.replacement_serial)])
        if d.status_url:
            rows.append([("status_url", d.status_url)])
        rows += [
            "customer",
            [("name", d.customer_name), ("phone", d.customer_phone)],
            [("address", d.customer_address)],
            "repair",
            [("fault", d.fault_description)],
            [("accessories", self.joined(self.accessory_keys()))],
            [("warranty", self.warranty)],
        ]
        return [self.row(row) for row in rows]

    def row(self, row: _Row) -> Table:
        """One table per row, stacked flush: spans and rows split across pages get along badly."""
        pad, lines = 4, 1
        style: list[tuple[object, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.4, LINE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
            ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ]
        if isinstance(row, str):  # section heading
            primary, secondary = self.pair(row)
            cells: list[object] = [Paragraph(f'{esc(primary)}  <font size="7.5" color="#666666">'
                                             f"{esc(secondary)}</font>", self.s.section)]
            widths = [self.width]
            style += [("BACKGROUND", (0, 0), (-1, -1), SHADE),
                      ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]
        else:
            value_w = (self.width - len(row) * self.LABEL_W) / len(row)
            widths = [self.LABEL_W, value_w] * len(row)
            cells = []
            for key, value in row:
                inner = value_w - 2 * pad
                content = (line_paragraphs(value, self.s.value, inner) if isinstance(value, str)
                           else value(inner))
                cells += [self.bilingual(key, self.s.label, 6.5), content]
                lines = max(lines, len(content))
        # Short rows move to the next page whole; long ones split between lines.
        table = Table([cells], colWidths=widths, splitInRow=int(lines > SPLIT_LINES))
        table.setStyle(self.table_style(style))
        return table

    def joined(self, keys: Sequence[str]) -> str:
        # Each item in both languages; the items apart as the first language writes a list.
        return ("；" if self.lang.startswith("zh") else "; ").join(
            f"{p} / {s}" for p, s in map(self.pair, keys))

    def accessory_keys(self) -> list[str]:
        keys = [code if code in ACCESSORY_CODES else "other" for code in self.d.accessories]
        return list(dict.fromkeys(keys)) or ["none"]

    def warranty(self, width: float) -> list[Flowable]:
        status = self.d.warranty_status if self.d.warranty_status in WARRANTY_STATUSES else "unknown"
        out = line_paragraphs(self.joined([status]), self.s.value, width)
        for reason in self.d.warranty_reasons:
            out += line_paragraphs(reason, self.s.bullet, width, bullet="•")
        return out

    def closing(self) -> KeepTogether:
        box = Table([[self.bilingual("keep", self.s.note, 8)]], colWidths=[self.width])
        box.setStyle(self.table_style([
            ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
            ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ]))
        return KeepTogether([box, Spacer(1, 3 * mm), self.signatures()])

    def signatures(self) -> Table:
        """Clerk and customer: a signature line and a date line each, captions below."""
        def caption(key: str) -> Paragraph:
            primary, secondary = self.pair(key)
            return Paragraph(f'{esc(primary)} <font size="6.5" color="#666666">'
                             f"{esc(secondary)}</font>", self.s.label)

        gap, date_w = 3 * mm, 17 * mm
        sign_w = (self.width - 3 * gap) / 2 - date_w
        table = Table(
            [[""] * 7,
             [caption("clerk_sign"), "", caption("date"), "", caption("customer_sign"), "", caption("date")]],
            colWidths=[sign_w, gap, date_w, gap, sign_w, gap, date_w], rowHeights=[10 * mm, None])
        table.setStyle(self.table_style([
            *(("LINEBELOW", (col, 0), (col, 0), 0.6, colors.black) for col in (0, 2, 4, 6)),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 1), (-1, 1), 2),
        ]))
        return table
