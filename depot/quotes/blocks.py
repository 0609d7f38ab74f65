"""The quote's lower half: charges, totals, payment, the approval QR code and evidence photos."""
from __future__ import annotations

import io

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, Spacer, Table

from depot.labels.paragraphs import esc
from depot.quotes.document import EvidencePhoto, QuoteDocument, QuoteLineView
from depot.quotes.layout import (
    LINE,
    SHADE,
    TOTAL_SHADE,
    BoldText,
    QuoteStyles,
    grey,
    inline,
    padding,
    stacked,
    table,
    wrapped,
)
from depot.quotes.text import currency_symbol, day, money, pair, percent, quantity
from depot.quotes.thumbnails import thumbnail_jpeg

LINE_KINDS = ("part", "labor", "shipping", "fee", "discount")
QR_SYMBOL = 32 * mm
"""Side of the QR symbol itself; the 4-module quiet zone comes on top of it."""
QR_QUIET_MODULES = 4
MAX_PHOTOS = 4
PHOTO_BOX = (40 * mm, 30 * mm)
"""Thumbnails fit this box (width, height) with their aspect ratio kept."""
CAPTION_LINES = 2
SIDE_BY_SIDE_MAX = 90 * mm
"""Payment instructions taller than this go below the totals instead of beside them."""


def charges(doc: QuoteDocument, s: QuoteStyles, width: float) -> Table:
    """The priced lines; the header row repeats on every page the table flows onto."""
    lang, cur = doc.lang, doc.currency
    fixed = [9 * mm, 23 * mm, 17 * mm, 25 * mm, 27 * mm]
    widths = [*fixed[:2], width - sum(fixed), *fixed[2:]]
    head = [stacked(pair("line_no", lang), s.head, 6.5), stacked(pair("kind", lang), s.head, 6.5),
            stacked(pair("description", lang), s.head, 6.5),
            stacked(pair("quantity", lang), s.head_num, 6.5),
            _money_head("unit_price", lang, cur, s), _money_head("amount", lang, cur, s)]
    rows: list[list[object]] = [head]
    rows += [_line_row(n, line, lang, s, widths[2] - 7) for n, line in enumerate(doc.lines, 1)]
    if not doc.lines:
        rows.append(["", "", inline(pair("no_lines", lang), s.cell, 7), "", "", ""])
    return table(rows, widths, s.font, [
        *padding(3, 4, 2, 3), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE), ("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, LINE), ("LINEBELOW", (0, 1), (-1, -1), 0.3, LINE),
        ("LINEBELOW", (0, -1), (-1, -1), 0.8, colors.black)], repeatRows=1)


def _money_head(key: str, lang: str, currency: str, s: QuoteStyles) -> Paragraph:
    primary, secondary = pair(key, lang)
    return Paragraph(f"{esc(primary)}<br/>{grey(f'{secondary} ({currency})', 6.5)}", s.head_num)


def _line_row(number: int, line: QuoteLineView, lang: str, s: QuoteStyles,
              description_w: float) -> list[object]:
    kind = line.kind if line.kind in LINE_KINDS else "fee"
    return [Paragraph(str(number), s.cell), inline(pair(kind, lang), s.cell, 6.5),
            wrapped(line.description, s.cell, description_w),
            Paragraph(quantity(line.quantity), s.num), Paragraph(money(line.unit_price), s.num),
            Paragraph(money(line.amount), s.num)]


def settlement(doc: QuoteDocument, s: QuoteStyles, width: float) -> list[Flowable]:
    """Payment instructions on the left, the totals on the right under the amount column;
    instructions too long for that are stacked below the totals, full width."""
    totals_w = 78 * mm
    gap = 5 * mm
    box = payment(doc, s, width - totals_w - gap)
    if box.wrap(width - totals_w - gap, 1e9)[1] <= SIDE_BY_SIDE_MAX:
        return [table([[box, "", totals(doc, s, totals_w)]], [width - totals_w - gap, gap, totals_w],
                      s.font, [*padding(0, 0, 0, 0), ("VALIGN", (0, 0), (-1, -1), "TOP")])]
    right = totals(doc, s, totals_w)
    right.hAlign = "RIGHT"
    return [right, Spacer(1, 2 * mm), payment(doc, s, width)]


def totals(doc: QuoteDocument, s: QuoteStyles, width: float) -> Table:
    """Subtotal, tax (only when the rate is above zero) and the bold total."""
    lang = doc.lang
    rows: list[list[object]] = [
        [inline(pair("subtotal", lang), s.num, 7), Paragraph(money(doc.subtotal), s.num)]]
    if doc.tax_rate > 0:
        primary, secondary = pair("tax", lang)
        rate = percent(doc.tax_rate)
        rows.append([Paragraph(f"{esc(primary)} {rate}&nbsp;&nbsp;{grey(f'{secondary} {rate}', 7)}", s.num),
                     Paragraph(money(doc.tax), s.num)])
    primary, secondary = pair("total", lang)
    symbol = currency_symbol(doc.currency)
    rows.append([BoldText(f"{primary} {secondary} ({doc.currency})", s.font, 10.5),
                 BoldText(f"{symbol}{money(doc.total)}", s.font, 12)])
    return table(rows, [width - 27 * mm, 27 * mm], s.font, [
        *padding(4, 4, 2.5, 3), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
        ("BACKGROUND", (0, -1), (-1, -1), TOTAL_SHADE), ("TOPPADDING", (0, -1), (-1, -1), 4),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 4), ("LINEBELOW", (0, -1), (-1, -1), 0.8, colors.black)])


def payment(doc: QuoteDocument, s: QuoteStyles, width: float) -> Table:
    """The payment instructions in a box, one paragraph per line of the text."""
    body: list[Flowable] = []
    for line in doc.payment_instructions.splitlines():
        body += wrapped(line, s.pay, width - 8) if line.strip() else [Spacer(1, s.pay.leading)]
    return table([[inline(pair("payment", doc.lang), s.section, 7.5)], [body or [Spacer(1, 1)]]],
                 [width], s.font, [
                     *padding(4, 4, 2.5, 3.5), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                     ("BOX", (0, 0), (-1, -1), 0.6, LINE), ("LINEBELOW", (0, 0), (-1, 0), 0.4, LINE)])


def qr_drawing(value: str, font: str) -> Drawing:
    """A QR symbol QR_SYMBOL wide plus its quiet zone; error correction level M.

    ``font`` becomes the drawing's initial font: reportlab would otherwise select Helvetica
    (never used, but then listed in the page's font resources).
    """
    widget = QrCodeWidget(value, barLevel="M", barBorder=QR_QUIET_MODULES)
    modules = widget.qr.calculate_version() * 4 + 17  # the size make() will give, without masking twice
    side = QR_SYMBOL * (modules + 2 * QR_QUIET_MODULES) / modules
    widget.barWidth = widget.barHeight = side
    drawing = Drawing(side, side, initialFontName=font)
    drawing.add(widget)
    return drawing


def approval(doc: QuoteDocument, s: QuoteStyles, width: float) -> KeepTogether:
    """The signed link as a QR code and as text, with what to do with it; never split."""
    lang = doc.lang
    code = qr_drawing(doc.approval_url, s.font)
    valid = pair("valid_until", lang)
    hint = pair("approval_hint", lang)
    note = pair(f"approval_note_{doc.pay_before}", lang)
    text: list[Flowable] = [
        inline(pair("approval", lang), s.section, 7.5), Spacer(1, 1.5 * mm),
        Paragraph(f"{esc(hint[0])}<br/>{grey(hint[1], 7.5)}", s.value), Spacer(1, 1.5 * mm),
        Paragraph(esc(doc.approval_url), s.url), Spacer(1, 1.5 * mm),
        Paragraph(f"{esc(valid[0])} {day(doc.valid_until)} / {esc(valid[1].lower())} "
                  f"{day(doc.valid_until)}", s.value), Spacer(1, 1 * mm),
        Paragraph(f"{esc(note[0])}<br/>{grey(note[1], 7)}", s.small),
    ]
    box = table([[code, text]], [code.width + 2, width - code.width - 2], s.font, [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (0, 0), 1),
        ("RIGHTPADDING", (0, 0), (0, 0), 1), ("TOPPADDING", (0, 0), (0, 0), 1),
        ("BOTTOMPADDING", (0, 0), (0, 0), 1), ("LEFTPADDING", (1, 0), (1, 0), 4 * mm),
        ("RIGHTPADDING", (1, 0), (1, 0), 5), ("BOX", (0, 0), (-1, -1), 1, colors.black),
        ("LINEAFTER", (0, 0), (0, 0), 0.4, LINE)])
    return KeepTogether([box])


def photos(doc: QuoteDocument, s: QuoteStyles, width: float) -> KeepTogether:
    """Up to MAX_PHOTOS thumbnails in a row, captions below, under a heading."""
    shown = doc.photos[:MAX_PHOTOS]
    cell_w = width / MAX_PHOTOS
    images = [_thumbnail(photo, n) for n, photo in enumerate(shown, 1)]
    captions = [_caption(photo.caption, s, cell_w - 4) for photo in shown]
    heading = inline(pair("photos", doc.lang), s.section, 7.5)
    grid = table([images, captions], [cell_w] * len(shown), s.font, [
        *padding(2, 2, 1, 1), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"), ("VALIGN", (0, 1), (-1, 1), "TOP")],
        rowHeights=[PHOTO_BOX[1] + 2, None])
    grid.hAlign = "LEFT"
    return KeepTogether([heading, Spacer(1, 0.5 * mm), grid])


def _caption(text: str, s: QuoteStyles, width: float) -> Paragraph:
    """The caption, cut with "…" to at most CAPTION_LINES lines (longest prefix that fits)."""
    limit = CAPTION_LINES * s.caption.leading + 0.01

    def fits(paragraph: Paragraph) -> bool:
        return paragraph.wrap(width, 1e6)[1] <= limit

    def cut(n: int) -> Paragraph:
        return Paragraph(esc(text[:n].rstrip()) + "…", s.caption)

    whole = Paragraph(esc(text), s.caption)
    if fits(whole):
        return whole
    low, high = 0, len(text)  # cut(low) fits (or low == 0), cut(high) does not
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(cut(middle)) else (low, middle)
    return cut(low)


def _thumbnail(photo: EvidencePhoto, number: int) -> Image:
    """The photo shrunk to thumbnail pixels and scaled into PHOTO_BOX, aspect ratio kept."""
    try:
        data, px_w, px_h = thumbnail_jpeg(photo.data)
    except ValueError as exc:
        raise ValueError(f"evidence photo {number} is not a readable image") from exc
    scale = min(PHOTO_BOX[0] / px_w, PHOTO_BOX[1] / px_h)
    return Image(io.BytesIO(data), width=px_w * scale, height=px_h * scale)
