"""The non-warranty repair quote 非保修产品维修报价单: A4, bilingual, one pure function to PDF bytes."""
from __future__ import annotations

import io
from collections.abc import Callable

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table

from depot.labels.fonts import register_cjk_font
from depot.labels.paragraphs import esc
from depot.quotes.blocks import approval, charges, photos, settlement
from depot.quotes.document import QuoteDocument
from depot.quotes.layout import (
    LINE,
    RED,
    SHADE,
    QuoteStyles,
    grey,
    inline,
    padding,
    stacked,
    table,
    wrapped,
)
from depot.quotes.text import check_lang, day, pair

MARGIN = 15 * mm
FRAME_PADDING = 6  # reportlab's default Frame padding, each side
PARTY_LABEL_W = 29 * mm


def render_quote(doc: QuoteDocument) -> bytes:
    """The quote as PDF bytes: A4 portrait, every glyph in the embedded WenQuanYi subset.

    Byte-identical for equal input. Raises ValueError for an unknown ``doc.lang`` or a photo
    that is not a readable image, TypeError for amounts that are not Decimal.
    """
    lang = check_lang(doc.lang)
    styles = QuoteStyles(register_cjk_font())
    buf = io.BytesIO()
    template = SimpleDocTemplate(
        buf, pagesize=A4, invariant=1, leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=10 * mm, bottomMargin=12 * mm,
        title=f"{pair('title', lang)[0]} {doc.quote_number}", author=doc.depot_name,
        subject=pair("title", lang)[1], initialFontName=styles.font,
    )
    width = template.width - 2 * FRAME_PADDING
    footer = _footer(doc.quote_number, lang, styles)
    template.build(_story(doc, styles, width), onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def _story(doc: QuoteDocument, s: QuoteStyles, width: float) -> list[Flowable]:
    gap = Spacer(1, 2.5 * mm)
    story: list[Flowable] = [_header(doc, s, width), Spacer(1, 1 * mm), _meta(doc, s, width), gap,
                             _parties(doc, s, width), gap, *_assessment(doc, s, width), gap,
                             charges(doc, s, width), Spacer(1, 1.5 * mm), *settlement(doc, s, width),
                             gap, approval(doc, s, width)]
    if doc.photos:
        story += [gap, photos(doc, s, width)]
    return story


def _footer(quote_number: str, lang: str, s: QuoteStyles) -> Callable[[Canvas, object], None]:
    def draw(canvas: Canvas, _doc: object) -> None:
        primary, secondary = pair("page", lang, n=canvas.getPageNumber())
        canvas.saveState()
        canvas.setStrokeColor(LINE)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, 9.5 * mm, A4[0] - MARGIN, 9.5 * mm)
        canvas.setFont(s.font, s.footer_size)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(MARGIN, 6 * mm, quote_number)
        canvas.drawRightString(A4[0] - MARGIN, 6 * mm, f"{primary} / {secondary}")
        canvas.restoreState()

    return draw


def _header(doc: QuoteDocument, s: QuoteStyles, width: float) -> Table:
    """Letterhead: the depot on the left, the bilingual title on the right, a rule below."""
    phone = pair("phone", doc.lang)
    depot = [Paragraph(esc(doc.depot_name), s.depot),
             Paragraph(esc(doc.depot_address), s.small),
             Paragraph(esc(f"{phone[0]} / {phone[1]}: {doc.depot_phone}"), s.small)]
    primary, secondary = pair("title", doc.lang)
    title = [Paragraph(esc(primary), s.title), Paragraph(esc(secondary), s.subtitle)]
    title_w = 80 * mm
    return table([[depot, title]], [width - title_w, title_w], s.font, [
        *padding(0, 0, 0, 0), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("RIGHTPADDING", (0, 0), (0, 0), 4 * mm),
        ("LINEBELOW", (0, 0), (-1, 0), 1.2, colors.black), ("BOTTOMPADDING", (0, 0), (-1, 0), 5)])


def _meta(doc: QuoteDocument, s: QuoteStyles, width: float) -> Table:
    """Quote number and version, RMA number, issue and validity dates, in two columns."""
    version = pair("version", doc.lang)
    number = (f"{esc(doc.quote_number)}&nbsp;&nbsp;"
              f"{grey(f'{version[0]} {doc.version} / {version[1]} {doc.version}', 7)}")
    cells = [("quote_number", number), ("rma_number", esc(doc.rma_number)),
             ("issued_on", day(doc.issued_on)), ("valid_until", day(doc.valid_until))]
    flat = [[inline(pair(key, doc.lang), s.label, 7), Paragraph(value, s.value)] for key, value in cells]
    rows = [flat[0] + flat[1], flat[2] + flat[3]]
    label_w = PARTY_LABEL_W
    return table(rows, [label_w, width / 2 - label_w] * 2, s.font, [
        *padding(4, 4, 1.5, 2.5), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE)])


def _parties(doc: QuoteDocument, s: QuoteStyles, width: float) -> Table:
    """Customer and unit side by side, label/value pairs under a shaded heading each."""
    label_w = PARTY_LABEL_W
    value_w = width / 2 - label_w
    model = f"{doc.model_code}  {doc.model_name}".strip()
    left = [("name", doc.customer_name), ("phone", doc.customer_phone),
            ("address", doc.customer_address)]
    right = [("model", model), ("serial", doc.serial), ("received_on", day(doc.received_on))]
    rows: list[list[object]] = [[inline(pair("customer", doc.lang), s.section, 7.5), "",
                                 inline(pair("unit", doc.lang), s.section, 7.5), ""]]
    for (lkey, lvalue), (rkey, rvalue) in zip(left, right):
        rows.append([inline(pair(lkey, doc.lang), s.label, 6.5), wrapped(lvalue, s.value, value_w - 8),
                     inline(pair(rkey, doc.lang), s.label, 6.5), wrapped(rvalue, s.value, value_w - 8)])
    return table(rows, [label_w, value_w, label_w, value_w], s.font, [
        *padding(4, 4, 1.5, 2.5), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("SPAN", (0, 0), (1, 0)), ("SPAN", (2, 0), (3, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE), ("GRID", (0, 0), (-1, -1), 0.4, LINE)])


def _assessment(doc: QuoteDocument, s: QuoteStyles, width: float) -> list[Flowable]:
    """Warranty status and damage class, each with the reasons that decided it."""
    return [_field(pair("warranty", doc.lang), _warranty(doc, s), s, width),
            _field(pair("damage", doc.lang), _damage(doc, s), s, width)]


def _field(label: tuple[str, str], content: list[Flowable], s: QuoteStyles, width: float) -> Table:
    """One label/content row; long content may split between its paragraphs across pages."""
    label_w = 27 * mm
    return table([[stacked(label, s.label, 6.5), content]], [label_w, width - label_w], s.font,
                 [*padding(4, 4, 2, 3), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                  ("GRID", (0, 0), (-1, -1), 0.4, LINE)])


def _status_line(key: str, lang: str, s: QuoteStyles, color: str | None = None) -> Paragraph:
    primary, secondary = pair(key, lang)
    text = f"{esc(primary)} / {esc(secondary)}"
    return Paragraph(f'<font color="{color}">{text}</font>' if color else text, s.value)


def _warranty(doc: QuoteDocument, s: QuoteStyles) -> list[Flowable]:
    status = doc.warranty_status if doc.warranty_status in ("in_warranty", "out_of_warranty") else "unknown"
    out: list[Flowable] = [_status_line(status, doc.lang, s)]
    out += [Paragraph(esc(reason), s.bullet, bulletText="•") for reason in doc.warranty_reasons]
    return out


def _damage(doc: QuoteDocument, s: QuoteStyles) -> list[Flowable]:
    known = ("man_made", "quality", "no_fault_found")
    key = doc.damage_class if doc.damage_class in known else "no_fault_found"
    color = RED.hexval().replace("0x", "#") if key == "man_made" else None
    out: list[Flowable] = [_status_line(key, doc.lang, s, color)]
    if doc.findings:
        label = pair("findings", doc.lang)
        names = "；".join(_finding_text(primary, english) for primary, english in doc.findings)
        names = f'<font color="{color}">{names}</font>' if color else names
        out.append(Paragraph(f"{esc(label[0])} {grey(label[1], 7)}：{names}", s.bullet))
    out += _reasons(doc, s)
    return out


def _finding_text(primary: str, english: str) -> str:
    if not english or english == primary:
        return esc(primary)
    return f"{esc(primary)} ({esc(english)})"


def _reasons(doc: QuoteDocument, s: QuoteStyles) -> list[Flowable]:
    """Each reason as a bullet, its English sentence in grey below when there is one."""
    english = doc.reasons_en if doc.lang != "en" else ()
    if len(english) == len(doc.reasons):
        return [Paragraph(esc(text) + (f"<br/>{grey(en, 7.5)}" if en and en != text else ""),
                          s.bullet, bulletText="•") for text, en in zip(doc.reasons, english)]
    out = [Paragraph(esc(text), s.bullet, bulletText="•") for text in doc.reasons]
    return out + [Paragraph(grey(en, 7.5), s.bullet, bulletText="•") for en in english]
