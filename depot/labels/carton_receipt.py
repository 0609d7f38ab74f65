"""The carton receipt (整箱收货回执): one customer receipt, A4 and bilingual, for every unit in a
box, in the single receipt's fonts and layout (depot/labels/receipt.py); a pure function,
PDF bytes out. The units' table repeats its heading on every page it runs over."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table

from depot.domain.accessories import ACCESSORIES as ACCESSORY_CODES
from depot.labels.fonts import register_cjk_font
from depot.labels.paragraphs import esc, line_paragraphs
from depot.labels.receipt import (
    FRAME_PADDING,
    LINE,
    SHADE,
    WARRANTY_STATUSES,
    _footer,
    _ReceiptFlow,
    _ReceiptStyles,
    receipt_text,
)


@dataclass(frozen=True)
class CartonUnit:
    rma_number: str
    serial: str
    model_code: str
    model_name: str
    fault_description: str
    accessories: tuple[str, ...]
    warranty_status: str


@dataclass(frozen=True)
class CartonReceiptData:
    depot_name: str
    depot_address: str
    depot_phone: str
    carton_number: str
    received_on: date
    carrier: str
    tracking_number: str
    customer_name: str
    customer_phone: str
    customer_address: str
    units: tuple[CartonUnit, ...]


# The table's columns: (receipt word, width in mm); the fault takes what is left.
COLUMNS = (("no", 9), ("rma_number", 31), ("serial", 28), ("model", 23), ("fault", 0),
           ("accessories", 28), ("warranty", 27))


def render_carton_receipt(data: CartonReceiptData, *, lang: str = "zh_CN") -> bytes:
    """The A4 receipt of a whole carton, bilingual (``lang`` first), as many pages as its units
    need. Raises ValueError for an unknown ``lang`` or a number Code128 cannot carry."""
    receipt_text("title", lang)  # validates lang before any work
    styles = _ReceiptStyles(register_cjk_font())
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, invariant=1, leftMargin=12 * mm, rightMargin=12 * mm,
        topMargin=10 * mm, bottomMargin=12 * mm,
        title=f"{receipt_text('carton_title', lang)[0]} {data.carton_number}",
        author=data.depot_name, initialFontName=styles.font)
    flow = _CartonFlow(data, lang, styles, doc.width - 2 * FRAME_PADDING)
    footer = _footer(data.carton_number, lang, styles.font)
    doc.build(flow.story(), onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


class _CartonFlow(_ReceiptFlow):
    LABEL_W = 26 * mm

    def number(self) -> str:
        return self.d.carton_number

    def story(self) -> list[Flowable]:
        return [self.header(), Spacer(1, 2 * mm), self.bilingual("carton_title", self.s.title, 10),
                Spacer(1, 3 * mm), *self.details(), Spacer(1, 3 * mm), self.row("units"),
                self.units(), Spacer(1, 4 * mm), self.closing()]

    def details(self) -> list[Flowable]:
        d = self.d
        rows = [
            "carton",
            [("received_on", d.received_on.isoformat()), ("unit_count", str(len(d.units)))],
            [("carrier", d.carrier), ("tracking_number", d.tracking_number)],
            "customer",
            [("name", d.customer_name), ("phone", d.customer_phone)],
            [("address", d.customer_address)],
        ]
        return [self.row(row) for row in rows]

    def units(self) -> Table:
        pad = 3
        fixed = sum(w for _key, w in COLUMNS) * mm
        widths = [w * mm if w else self.width - fixed for _key, w in COLUMNS]
        head = [self.bilingual(key, self.s.label, 6.5) for key, _w in COLUMNS]
        body = []
        for n, unit in enumerate(self.d.units, start=1):
            cells = [str(n), unit.rma_number, unit.serial,
                     f"{unit.model_code}  {unit.model_name}".strip(), unit.fault_description,
                     self.listed(self.accessory_keys_of(unit)), self.warranty_of(unit)]
            body.append([line_paragraphs(text, self.s.value, width - 2 * pad)
                         for text, width in zip(cells, widths, strict=True)])
        if not body:  # an empty carton still says so
            body.append([Paragraph("—", self.s.value)] + [""] * (len(COLUMNS) - 1))
        # Rows split between lines (a long fault runs on), the heading repeats on each page.
        table = Table([head, *body], colWidths=widths, repeatRows=1, splitInRow=1)
        table.setStyle(self.table_style([
            ("GRID", (0, 0), (-1, -1), 0.4, LINE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
            ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ]))
        return table

    @staticmethod
    def accessory_keys_of(unit: CartonUnit) -> list[str]:
        keys = [code if code in ACCESSORY_CODES else "other" for code in unit.accessories]
        return list(dict.fromkeys(keys)) or ["none"]

    def listed(self, keys: list[str]) -> str:
        """Each item on its own line, in both languages (a narrow column: no word is cut)."""
        return "\n".join(f"{p} {s}" for p, s in map(self.pair, keys))

    def warranty_of(self, unit: CartonUnit) -> str:
        status = unit.warranty_status if unit.warranty_status in WARRANTY_STATUSES else "unknown"
        return "\n".join(self.pair(status))
