"""The packing slip 寄修单 of a request (DESIGN.md §4b): the customer prints it and puts it in the
box. A5, bilingual (pure function, PDF bytes out): the RMA number as Code128 and as QR (intake
scans either), the depot's ship-to address, the unit, and what to put in the box and what not.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from depot.i18n import pair as bilingual
from depot.labels.barcodes import MODULE_PT, fit_code128
from depot.labels.fonts import register_cjk_font
from depot.labels.paragraphs import cjk_style, cjk_table_style, esc
from depot.quotes.blocks import qr_drawing

# key -> the English sentence: the msgid (context 'slip') of its translations.
SLIP_TEXT: dict[str, str] = {
    "title": "Packing slip",
    "ship_to": "Ship to",
    "rma": "RMA number",
    "serial": "Serial number",
    "model": "Model",
    "fault": "Fault",
    "sender": "Sender",
    "status_url": "Track status",
    "put_in": "Put this slip in the box with the unit, and write the RMA number on the parcel.",
    "do_not_send": "Do not send adapters, cables or batteries unless we ask for them.",
    "pack": "Pack the unit well: we cannot repair damage done in transit under warranty.",
    "expires": "Please send the unit by %(day)s; after that the request lapses.",
}
GREY = colors.HexColor("#666666")
LINE = colors.HexColor("#999999")


@dataclass(frozen=True)
class SlipData:
    rma_number: str
    depot_name: str
    depot_address: str
    depot_phone: str
    serial: str
    model_name: str
    fault_description: str
    customer_name: str
    customer_phone: str
    status_url: str | None
    send_by: str  # the day the request lapses, ISO


def slip_text(key: str, lang: str, **values: object) -> tuple[str, str]:
    return bilingual(SLIP_TEXT[key], lang, "slip", **values)


def render_slip(data: SlipData, *, lang: str = "zh_CN") -> bytes:
    """The A5 packing slip. Raises ValueError for an unknown ``lang`` or an RMA number that
    Code128 cannot carry."""
    slip_text("title", lang)  # checks lang first
    font = register_cjk_font()
    style = {name: cjk_style(name, font, size, leading=size * 1.35, **kw) for name, size, kw in (
        ("title", 16, {"alignment": TA_CENTER}), ("rma", 13, {"alignment": TA_CENTER}),
        ("label", 8, {"textColor": GREY}), ("value", 10, {}), ("big", 12, {}),
        ("note", 9, {"leftIndent": 9, "bulletIndent": 0}))}
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A5, invariant=1, leftMargin=12 * mm,
                            rightMargin=12 * mm, topMargin=10 * mm, bottomMargin=10 * mm,
                            title=f"{slip_text('title', lang)[0]} {data.rma_number}",
                            author=data.depot_name, initialFontName=font)
    width = doc.width - 12

    def labelled(key: str, st: str = "label", **values: object) -> Paragraph:
        primary, secondary = slip_text(key, lang, **values)
        return Paragraph(f'{esc(primary)}<br/><font size="7" color="#666666">{esc(secondary)}'
                         f"</font>", style[st])

    bars = fit_code128(data.rma_number, max_width=width * 0.6, bar_height=16 * mm,
                       modules=(2 * MODULE_PT, 1.5 * MODULE_PT, MODULE_PT))
    if bars is None:
        raise ValueError(f"RMA number {data.rma_number!r} is too long for the slip barcode")
    codes = Table([[[bars, Paragraph(esc(data.rma_number), style["rma"])],
                    qr_drawing(data.rma_number, font)]],
                  colWidths=[width * 0.62, width * 0.38])
    codes.setStyle(cjk_table_style(font, [("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                          ("ALIGN", (0, 0), (-1, -1), "CENTER")]))
    ship_to = "\n".join(x for x in (data.depot_name, data.depot_address, data.depot_phone) if x)
    sender = "  ".join(x for x in (data.customer_name, data.customer_phone) if x)
    rows = [(labelled("ship_to"), Paragraph(esc(ship_to), style["big"])),
            (labelled("rma"), Paragraph(esc(data.rma_number), style["value"])),
            (labelled("serial"), Paragraph(esc(data.serial), style["value"])),
            (labelled("model"), Paragraph(esc(data.model_name), style["value"])),
            (labelled("fault"), Paragraph(esc(data.fault_description) or "—", style["value"])),
            (labelled("sender"), Paragraph(esc(sender) or "—", style["value"]))]
    if data.status_url:
        rows.append((labelled("status_url"), Paragraph(esc(data.status_url), style["value"])))
    facts = Table(rows, colWidths=[26 * mm, width - 26 * mm])
    facts.setStyle(cjk_table_style(font, [("GRID", (0, 0), (-1, -1), 0.4, LINE),
                                          ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    notes = [Paragraph(esc(" / ".join(slip_text(key, lang, day=data.send_by))), style["note"],
                       bulletText="•")
             for key in ("put_in", "do_not_send", "pack", "expires")]
    story = [labelled("title", "title"), Spacer(1, 3 * mm), codes, Spacer(1, 3 * mm), facts,
             Spacer(1, 4 * mm), *notes]
    doc.build(story)
    return buf.getvalue()
