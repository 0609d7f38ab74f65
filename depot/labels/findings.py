"""The finding sheet: one Code128 per finding, printed and kept on the bench, so a technician
records findings by scanning them. A4, two columns, grouped by class."""
from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from depot.domain.damage import DamageClass, Finding
from depot.i18n import both, translate
from depot.labels.barcodes import code128
from depot.labels.fonts import register_cjk_font

PREFIX = "F:"
"""Scanned text that names a finding: 'F:shell_damage'."""

CLASS_TITLES = {DamageClass.MAN_MADE: both("Man-made damage", "finding sheet"),
                DamageClass.QUALITY: both("Quality faults", "finding sheet")}
CELL_H = 27 * mm
MARGIN = 15 * mm


def finding_barcode_text(code: str) -> str:
    return PREFIX + code


def render_finding_sheet(findings: Sequence[Finding]) -> bytes:
    font = register_cjk_font()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1)
    canvas.setTitle(both("Finding sheet", "finding sheet"))
    width, height = A4
    col_w = (width - 2 * MARGIN) / 2
    y = height - MARGIN
    page = 1

    def header() -> float:
        canvas.setFont(font, 16)
        canvas.drawString(MARGIN, height - MARGIN - 12, both("Finding sheet", "finding sheet"))
        canvas.setFont(font, 8)
        canvas.drawRightString(width - MARGIN, height - MARGIN - 12,
                               f"{translate('zh_CN', 'scan to record a finding', 'finding sheet')} · "
                               f"{translate('en', 'scan to record a finding', 'finding sheet')} · {page}")
        return height - MARGIN - 24

    y = header()
    for damage_class in (DamageClass.MAN_MADE, DamageClass.QUALITY):
        group = [f for f in findings if f.damage_class is damage_class]
        if not group:
            continue
        if y - 14 - CELL_H < MARGIN:
            canvas.showPage()
            page += 1
            y = header()
        canvas.setFont(font, 11)
        canvas.drawString(MARGIN, y - 12, CLASS_TITLES[damage_class])
        y -= 18
        for index, finding in enumerate(group):
            column = index % 2
            if column == 0 and index:
                y -= CELL_H
            if column == 0 and y - CELL_H < MARGIN:
                canvas.showPage()
                page += 1
                y = header()
            _cell(canvas, font, finding, MARGIN + column * col_w, y, col_w)
        y -= CELL_H + 6
    canvas.save()
    return out.getvalue()


def _cell(canvas: Canvas, font: str, finding: Finding, x: float, top: float, w: float) -> None:
    canvas.setStrokeGray(0.75)
    canvas.rect(x + 2, top - CELL_H + 2, w - 4, CELL_H - 4)
    canvas.setFont(font, 10)
    canvas.drawString(x + 8, top - 14, f"{finding.label_zh}  {finding.label_en}")
    symbol = code128(finding_barcode_text(finding.code), bar_height=12 * mm)
    symbol.drawOn(canvas, x + 4, top - CELL_H + 8)
    canvas.setFont(font, 7)
    canvas.drawRightString(x + w - 8, top - CELL_H + 8, finding.code)
