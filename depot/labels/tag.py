"""The intake tag: the thermal label stuck on the device (pure function, PDF bytes out)."""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from depot.domain.accessories import ACCESSORIES as ACCESSORY_CODES
from depot.i18n import translate
from depot.labels.barcodes import MODULE_PT, can_encode, code128, fit_code128
from depot.labels.fonts import fit_text, register_cjk_font, text_width

TAG_MIN_FONT = 5.5
"""Smallest text on the tag: CJK glyphs need ~15 dots at 203 dpi to stay legible."""


def accessory_label(code: str) -> str:
    """The short Chinese name a tag has room for (电源, not 电源适配器)."""
    return translate("zh_CN", code, "tag")

Lang = Literal["zh_CN", "zh_TW", "en"]



@dataclass(frozen=True)
class TagData:
    rma_number: str
    serial: str
    model_code: str
    model_name: str
    received_on: date
    customer_name: str
    accessories: tuple[str, ...]
    carton_number: str = ""  # the box it came in with other units (整箱收货), one more row


@dataclass(frozen=True)
class _TagMetrics:
    rma_bar: float
    rma_font: float
    serial_bar: float  # 0 = serial printed as text only
    font: float
    gap: float
    text_rows: int = 4

    def line(self, size: float) -> float:
        return size * 1.18

    def height(self) -> float:
        """Rows and the gaps between them; with a serial symbol one more gap sets it apart."""
        rows = [self.rma_bar, self.line(self.rma_font)] + [self.line(self.font)] * self.text_rows
        if self.serial_bar:
            rows += [self.serial_bar, self.gap]
        return sum(rows) + self.gap * (len(rows) - 1 - bool(self.serial_bar))


def _tag_metrics(avail_h: float, serial_barcode: bool, min_scale: float, text_rows: int = 4
                 ) -> _TagMetrics | None:
    """Largest layout (nominal size tuned for 40 mm) that fits ``avail_h``."""
    scale = 1.5
    while scale >= min_scale:
        metrics = _TagMetrics(
            rma_bar=30 * scale, rma_font=max(TAG_MIN_FONT, 10 * scale),
            serial_bar=13 * scale if serial_barcode else 0.0,
            font=max(TAG_MIN_FONT, 6.6 * scale), gap=1.6 * scale, text_rows=text_rows,
        )
        if metrics.height() <= avail_h and metrics.rma_bar >= 12:
            return metrics
        scale -= 0.02
    return None


def render_intake_tag(data: TagData, *, width_mm: float = 60, height_mm: float = 40) -> bytes:
    """A one-page thermal label PDF (default 60×40 mm) for the device.

    Raises ValueError if the RMA number is not Code128-encodable or the label is
    too small for a scannable RMA barcode.
    """
    font = register_cjk_font()
    page_w, page_h = width_mm * mm, height_mm * mm
    margin = min(2 * mm, page_h * 0.05)
    avail_w, avail_h = page_w - 2 * margin, page_h - 2 * margin
    modules = (MODULE_PT, 2 * MODULE_PT)
    if fit_code128(data.rma_number, max_width=page_w - 2 * mm, bar_height=1, modules=modules) is None:
        raise ValueError(f"a {width_mm}x{height_mm} mm tag is too narrow for RMA {data.rma_number!r}")
    serial_ok = can_encode(data.serial) and code128(data.serial, bar_height=1).width <= page_w - 2 * mm
    # The serial symbol is a bonus: drop it before shrinking the text much.
    rows = 4 + bool(data.carton_number)
    metrics = (_tag_metrics(avail_h, True, 0.85, rows) if serial_ok else None) or _tag_metrics(
        avail_h, False, 0.45, rows
    )
    if metrics is None:
        raise ValueError(f"a {width_mm}x{height_mm} mm tag is too low for a scannable barcode")

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(page_w, page_h), invariant=1, initialFontName=font)
    canvas.setTitle(f"Intake tag {data.rma_number}")
    canvas.setAuthor("Depot")
    drawer = _TagDrawer(canvas, font, page_w, margin, avail_w, page_h - margin, metrics)
    drawer.barcode(data.rma_number, metrics.rma_bar, modules)
    drawer.centred(data.rma_number, metrics.rma_font)
    if metrics.serial_bar:
        drawer.y -= metrics.gap  # keep the two symbols visibly apart
        drawer.barcode(data.serial, metrics.serial_bar, (MODULE_PT,))
        drawer.centred(f"SN {data.serial}", metrics.font)
    else:
        drawer.left(f"SN {data.serial}", metrics.font)
    drawer.left(f"{data.model_code}  {data.model_name}".strip(), metrics.font)
    if data.carton_number:
        carton = translate("zh_CN", "Carton", "tag")
        drawer.left(f"{carton} {data.carton_number}", metrics.font)
    drawer.date_and_customer(data.received_on, data.customer_name)
    drawer.accessories(data.accessories)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


class _TagDrawer:
    """Draws rows top-down on the tag, each row below the previous one."""

    def __init__(
        self, canvas: Canvas, font: str, page_w: float, x: float, width: float,
        top: float, metrics: _TagMetrics,
    ) -> None:
        self.c, self.font, self.page_w = canvas, font, page_w
        self.x, self.width, self.y, self.m = x, width, top, metrics

    def _advance(self, height: float) -> float:
        """Reserve ``height`` below the cursor; return the row's bottom."""
        self.y -= height
        bottom = self.y
        self.y -= self.m.gap
        return bottom

    def _baseline(self, size: float) -> float:
        line = self.m.line(size)
        bottom = self._advance(line)
        return bottom + (line - size) / 2 + size * 0.24

    def barcode(self, value: str, height: float, modules: Sequence[float]) -> None:
        symbol = fit_code128(value, max_width=self.page_w - 2 * mm, bar_height=height, modules=modules)
        assert symbol is not None  # checked by render_intake_tag
        bottom = self._advance(height)
        symbol.drawOn(self.c, (self.page_w - symbol.width) / 2, bottom)

    def centred(self, text: str, size: float) -> None:
        text, size = fit_text(text, self.width, size, TAG_MIN_FONT)
        self.c.setFont(self.font, size)
        self.c.drawCentredString(self.page_w / 2, self._baseline(size), text)

    def left(self, text: str, size: float) -> None:
        text, size = fit_text(text, self.width, size, TAG_MIN_FONT)
        self.c.setFont(self.font, size)
        self.c.drawString(self.x, self._baseline(size), text)

    def date_and_customer(self, received_on: date, customer: str) -> None:
        size = self.m.font
        head = f"{translate('zh_CN', 'Received', 'tag')} {received_on.isoformat()}   "
        name, _ = fit_text(customer, self.width - text_width(head, size), size, min_size=size)
        self.left(head + name, size)

    def accessories(self, codes: Iterable[str]) -> None:
        """A box per accessory code, filled when it came in (unknown codes count as other)."""
        present = {code if code in ACCESSORY_CODES else "other" for code in codes}
        size = self.m.font
        while size > TAG_MIN_FONT and self._accessories_width(size) > self.width:
            size -= 0.25
        baseline = self._baseline(self.m.font)
        x, box = self.x, size * 0.8
        self.c.setFont(self.font, size)
        self.c.setLineWidth(0.6)
        for code in ACCESSORY_CODES:
            self.c.rect(x, baseline - size * 0.05, box, box, stroke=1, fill=int(code in present))
            label = accessory_label(code)
            self.c.drawString(x + box + size * 0.25, baseline, label)
            x += box + size * 0.25 + text_width(label, size) + size * 0.9

    def _accessories_width(self, size: float) -> float:
        labels = [accessory_label(code) for code in ACCESSORY_CODES]
        return sum(size * 0.8 + size * 0.25 + text_width(label, size) + size * 0.9 for label in labels)
