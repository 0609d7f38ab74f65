"""The one CJK font Depot embeds in its PDFs (intake tag, receipt, quote, return label).

WenQuanYi Micro Hei (Debian package ``fonts-wqy-microhei``) is registered with
reportlab as a TrueType font, so every PDF carries an embedded subset and the
text stays extractable. Do not switch to ``STSong-Light`` (a CID font that is
never embedded) or to the Noto CJK collection (reportlab cannot read its CFF
outlines).
"""
from __future__ import annotations

import threading
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

FONT_NAME = "WQY"
FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FONT_SUBFONT_INDEX = 0
INSTALL_HINT = "apt-get install fonts-wqy-microhei"
MIN_FONT = 4.5
"""Smallest size fit_text shrinks to (about 13 dots high at 203 dpi)."""
ELLIPSIS = "…"
FAUX_BOLD_STROKE = 0.035
"""WenQuanYi has no bold face: bold text is filled and its outline stroked this wide (em)."""

_lock = threading.Lock()


def register_cjk_font(path: Path = FONT_PATH) -> str:
    """Register the CJK font with reportlab once and return its name.

    Safe to call from every render and from several threads. The font is also
    mapped as its own bold/italic face so ``<b>`` in a Paragraph never falls
    back to a font without Chinese glyphs.

    Raises RuntimeError (with the apt-get command) when the font file is missing.
    """
    if not path.is_file():
        raise RuntimeError(f"CJK font not found at {path}; install it with: {INSTALL_HINT}")
    with _lock:
        if FONT_NAME in pdfmetrics.getRegisteredFontNames():
            return FONT_NAME
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=FONT_SUBFONT_INDEX))
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(FONT_NAME, bold, italic, FONT_NAME)
        return FONT_NAME


def set_faux_bold(canvas: Canvas, text: PDFTextObject, size: float) -> None:
    """Make ``text`` (set at ``size`` on ``canvas``) print bold: fill and stroke its glyphs.

    The stroke width is graphics state: call inside ``saveState``/``restoreState``.
    """
    canvas.setLineWidth(size * FAUX_BOLD_STROKE)
    text.setTextRenderMode(2)


def text_width(text: str, size: float) -> float:
    """Width in points of ``text`` set in the CJK font at ``size``."""
    return float(pdfmetrics.stringWidth(text, register_cjk_font(), size))


def fit_text(
    text: str, max_width: float, size: float, min_size: float = MIN_FONT
) -> tuple[str, float]:
    """(text, size) that fits ``max_width``: shrink down to ``min_size``, then cut with "…"."""
    while size > min_size and text_width(text, size) > max_width:
        size = max(min_size, round(size - 0.25, 2))
    if text_width(text, size) <= max_width:
        return text, size
    while text and text_width(text + ELLIPSIS, size) > max_width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS, size
