"""CJK text in platypus documents (the receipt, the quote): paragraph and table styles in the
embedded font, markup escaping, and long values pre-wrapped into one Paragraph per line."""
from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Spacer, TableStyle


def esc(text: str) -> str:
    """Paragraph markup for plain text; line breaks kept."""
    return escape(text).replace("\n", "<br/>")


def cjk_style(name: str, font: str, size: float, **kw: object) -> ParagraphStyle:
    """A paragraph style set in ``font`` (its bullets too) that wraps between CJK characters."""
    return ParagraphStyle(name, fontName=font, bulletFontName=font, fontSize=size,
                          wordWrap="CJK", **kw)


def cjk_table_style(font: str, commands: Sequence[tuple[object, ...]]) -> TableStyle:
    """``commands`` plus ``font`` for every cell (else reportlab selects Helvetica for empty
    cells and lists it, unembedded, in the page's font resources)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), font), *commands])


def line_paragraphs(text: str, style: ParagraphStyle, width: float, *,
                    bullet: str | None = None, whole_up_to: int = 1) -> list[Flowable]:
    """``text`` as one Paragraph when it wraps to at most ``whole_up_to`` lines at ``width``,
    else as one single-line Paragraph per line (``bullet`` on the first).

    reportlab drops spaces when it splits a CJK-wrapped Paragraph across pages, so long
    values are pre-wrapped here and the table holding them splits between lines.
    """
    whole = Paragraph(esc(text) or "—", style, bulletText=bullet)
    whole.wrap(width, 1e9)
    lines = whole.blPara.lines
    if len(lines) <= whole_up_to:
        return [whole]
    out: list[Flowable] = []
    for i, line in enumerate(lines):
        # single-frag paragraphs give (space, [words]) tuples, others FragLines
        parts = line[1] if isinstance(line, tuple) else [word.text for word in line.words]
        words = "".join(str(part) for part in parts).rstrip()
        first = bullet if i == 0 else None
        out.append(Paragraph(esc(words), style, bulletText=first) if words
                   else Spacer(1, style.leading))
    return out
