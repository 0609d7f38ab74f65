"""The one CJK font Depot embeds in its PDFs (intake tag, receipt, quote, return label).

WenQuanYi Micro Hei (Debian package ``fonts-wqy-microhei``) is registered with
reportlab as a TrueType font, so every PDF carries an embedded subset and the
text stays extractable. Do not switch to ``STSong-Light`` (a CID font that is
never embedded) or to the Noto CJK collection (reportlab cannot read its CFF
outlines). ``DEPOT_PDF_FONT`` names another TrueType font (.ttf, or a .ttc whose
first face is used) with Chinese characters; create_app hands it to ``use_font``.

A missing or unusable font is an UnavailableError (503) naming the package to install.
"""
from __future__ import annotations

import threading
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from depot.errors import UnavailableError

FONT_NAME = "WQY"
FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
"""The default font: Debian's fonts-wqy-microhei."""
FONT_SUBFONT_INDEX = 0
FONT_PACKAGE = "fonts-wqy-microhei"
INSTALL_HINT = f"apt-get install {FONT_PACKAGE}"
PROBE = "维修中心"  # a font that lacks these has no Chinese worth printing
MIN_FONT = 4.5
"""Smallest size fit_text shrinks to (about 13 dots high at 203 dpi)."""
ELLIPSIS = "…"
FAUX_BOLD_STROKE = 0.035
"""WenQuanYi has no bold face: bold text is filled and its outline stroked this wide (em)."""

_lock = threading.Lock()
_configured: Path = FONT_PATH
_registered: dict[Path, str] = {}  # font file -> its name in reportlab


def use_font(path: str | Path | None) -> None:
    """Print with the font at `path` from now on (None or "": the default)."""
    global _configured
    _configured = Path(path) if path else FONT_PATH


def font_path() -> Path:
    """The font file the documents are printed with."""
    return _configured


def missing_font(path: Path) -> UnavailableError:
    return UnavailableError(
        "the font for PDFs and labels is missing (%(path)s): install it with apt-get install "
        "%(package)s, or set DEPOT_PDF_FONT to a TrueType font with Chinese characters",
        code="pdf_font_missing", path=str(path), package=FONT_PACKAGE)


def unusable_font(path: Path, reason: str) -> UnavailableError:
    return UnavailableError(
        "the font for PDFs and labels (%(path)s) cannot be used: %(reason)s. Install "
        "%(package)s, or set DEPOT_PDF_FONT to a TrueType font with Chinese characters",
        code="pdf_font_unusable", path=str(path), reason=reason, package=FONT_PACKAGE)


def register_cjk_font(path: Path | None = None) -> str:
    """Register the CJK font (`path`, else the configured one) with reportlab once and return
    its name.

    Safe to call from every render and from several threads. The font is also
    mapped as its own bold/italic face so ``<b>`` in a Paragraph never falls
    back to a font without Chinese glyphs.

    Raises UnavailableError (naming the package to install) when the font file is missing,
    cannot be read, or has no Chinese characters.
    """
    path = path or _configured
    name = _registered.get(path)
    if name is not None:
        return name
    if not path.is_file():
        raise missing_font(path)
    with _lock:
        if path in _registered:
            return _registered[path]
        name = FONT_NAME if path == FONT_PATH else f"{FONT_NAME}-{len(_registered) + 1}"
        try:
            font = TTFont(name, str(path), subfontIndex=FONT_SUBFONT_INDEX)
        except Exception as exc:  # noqa: BLE001 - reportlab says TTFError, struct.error, …
            raise unusable_font(path, str(exc).splitlines()[0][:200] or type(exc).__name__
                                ) from None
        if any(ord(char) not in font.face.charToGlyph for char in PROBE):
            raise unusable_font(path, "it has no Chinese characters")
        pdfmetrics.registerFont(font)
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(name, bold, italic, name)
        _registered[path] = name
        return name


def font_problem(path: Path | None = None) -> UnavailableError | None:
    """What is wrong with the font (`path`, else the configured one), or None: for start-up
    and `flask depot doctor`."""
    try:
        register_cjk_font(path)
    except UnavailableError as error:
        return error
    return None


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
