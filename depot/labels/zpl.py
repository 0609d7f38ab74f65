"""The return label as ZPL II for Zebra-compatible thermal printers (pure function, str out).

The layout is :func:`depot.labels.shipping.layout_label`, the same one the PDF draws. Text a
printer's resident font can print (ASCII and Latin-1) is a text field in font 0 (``^A0``,
``^FT`` at the layout's baseline, ``^FD`` data, ``^FH`` hex escapes for ``^``, ``~`` and
non-ASCII), so a printer log, a reprint tool or an integrator reads it; only the runs a
printer has no glyphs for (Chinese) are rendered with Pillow in the embedded WQY font into 1-bit
graphic fields (``^GFA``, Z64: zlib and base64), placed where the PDF sets them. Rules and
boxes are ``^GB``, the black badges ``^GB`` with their text reversed (``^FR``). The RMA and
tracking numbers are printer-drawn Code128 (``^BC``, automatic subsets, the number itself as
``^FD``) with the interpretation line; the module is a whole number of dots (2 at 203 dpi).
"""
from __future__ import annotations

import base64
import binascii
import threading
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import groupby
from math import ceil, floor
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from reportlab.pdfbase.pdfmetrics import stringWidth

from depot.labels.barcodes import MODULE_PT, code128
from depot.labels.fonts import (
    FAUX_BOLD_STROKE,
    FONT_SUBFONT_INDEX,
    font_path,
    register_cjk_font,
    text_width,
)
from depot.labels.layout import BOLD_MIN_FONT, Badge, Barcode, Box, Item, Layout, Text
from depot.labels.shipping import LabelData, layout_label

ZPL_DPIS: tuple[int, ...] = (152, 203, 300, 600)
RESIDENT_CHARS = frozenset(
    [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0xA0, 0x100)] + list("–—‘’“”•…€")
)
"""What a printer prints in its resident font 0 (ASCII, Latin-1 and the Windows-1252 extras);
everything else is drawn as a bitmap."""
PRINTER_CAP = 0.75
"""Capital height of ZPL font 0 per dot of ``^A0`` height (0.75 in Zebrash's font 0 too)."""
PRINTER_WIDTH_FONT = "Helvetica-Bold"
"""Metrics that bound font 0's advance widths from above (font 0 is a bold *condensed*
sans): a text field is condensed (``^A0`` width) until these say it fits its run."""
MAX_LABEL_BYTES = 32 * 1024
"""Low-end printers keep a whole format in about this much free RAM: every label stays below."""
LABEL_BUDGET = 30 * 1024
"""What one label's format aims below (a margin under MAX_LABEL_BYTES): past it, the label
lists fewer contents lines (the "…(+N)" line counts the rest) until it fits."""
_START = {103: ">9", 104: ">:", 105: ">;"}  # ZPL invocation codes: Start Code A / B / C
_FH_ESCAPES = {"_": "_5F", "^": "_5E", "~": "_7E"}
_font_lock = threading.Lock()  # FreeType faces are shared between requests


def render_label_zpl(
    labels: Sequence[LabelData], size: str = "4x6", dpi: int = 203, *, compress: bool = True
) -> str:
    """One ``^XA``…``^XZ`` format per label (byte-identical output for the same input).

    Compressed (Z64), each label stays under LABEL_BUDGET bytes where it can (at 600 dpi a
    label full of Chinese cannot); ``compress=False`` writes the graphic fields
    as plain hex, about twice as large, and lists every contents line that fits the page.
    Raises ValueError for no labels, an unknown size or an unsupported dpi.
    """
    if not labels:
        raise ValueError("no labels to render")
    if dpi not in ZPL_DPIS:
        raise ValueError(f"unsupported printer resolution {dpi} dpi; choose one of {ZPL_DPIS}")
    register_cjk_font()  # fails early, with the apt-get hint, when the font is missing
    if not compress:
        return "".join(_label(layout_label(label, size), dpi, False) for label in labels)
    return "".join(_within_budget(label, size, dpi) for label in labels)


def _within_budget(label: LabelData, size: str, dpi: int) -> str:
    """The label's format; over LABEL_BUDGET, the one with the most contents lines that fits.
    At 600 dpi a label full of Chinese may not fit even without them: then all of it."""
    fmt = _label(layout_label(label, size), dpi, True)
    if len(fmt) < LABEL_BUDGET or not label.contents:
        return fmt
    best = _label(layout_label(label, size, contents_limit=0), dpi, True)
    if len(best) >= LABEL_BUDGET:
        return fmt
    low, high = 0, len(label.contents) - 1
    while low < high:
        middle = (low + high + 1) // 2
        candidate = _label(layout_label(label, size, contents_limit=middle), dpi, True)
        if len(candidate) < LABEL_BUDGET:
            low, best = middle, candidate
        else:
            high = middle - 1
    return best


def dots(points: float, dpi: int) -> int:
    return round(points * dpi / 72)


def module_dots(module: float, dpi: int) -> int:
    """Printer dots per Code128 module: the PDF's MODULE_PT multiple of a whole number of
    dots (2 at 203 dpi, 3 at 300, 6 at 600), never below 2."""
    return round(module / MODULE_PT) * max(2, round(MODULE_PT * dpi / 72))


def _label(layout: Layout, dpi: int, compress: bool) -> str:
    page = _Page(dots(layout.width, dpi), dots(layout.height, dpi), dpi, compress)
    fields = [field for item in layout.items for field in page.fields(item)]
    head = ["^XA", "^CI28", f"^PW{page.width}", f"^LL{page.height}", "^LH0,0", "^PON"]
    return "\n".join([*head, *fields, "^PQ1", "^XZ"]) + "\n"


@dataclass(frozen=True)
class _Page:
    width: int
    height: int
    dpi: int
    compress: bool

    def fields(self, item: Item) -> list[str]:
        if isinstance(item, Box):
            return [_box(item, self.dpi)]
        if isinstance(item, Barcode):
            return [_barcode(item, self.dpi)]
        if isinstance(item, Badge):  # a black box, its text knocked out of it
            box = Box(item.x, item.y, item.w, item.h)
            return [_box(box, self.dpi), *self.text(item.text, reverse=True)]
        return self.text(item)

    def text(self, item: Text, *, reverse: bool = False) -> list[str]:
        """One field per run: resident-font text, or a bitmap of the run's ink."""
        out = []
        for start, run, resident in text_runs(item.text):
            x = item.x + text_width(item.text[:start], item.size)
            if resident:
                room = text_width(run, item.size)
                out.append(printer_text(run, x, item.baseline, item.size, room, self.dpi,
                                        reverse=reverse))
            else:
                out.append(bitmap_field(replace(item, x=x, text=run), self, reverse))
        return [field for field in out if field]


@lru_cache(maxsize=512)  # a label fitted to the budget is drawn again with fewer lines
def bitmap_field(item: Text, page: _Page, reverse: bool = False) -> str:
    """``^FO`` and ``^GFA`` of the text's ink, cut to the page ("" if it has none)."""
    with _font_lock:
        image, x, y = text_bitmap(item, page.dpi)
    image, x, y = _clip(image, x, y, page.width, page.height)
    if image.width == 0 or image.height == 0 or not image.getbbox():
        return ""
    flag = "^FR" if reverse else ""
    return f"^FO{x},{y}{flag}{graphic_field(image, page.compress)}^FS"


def _box(item: Box, dpi: int) -> str:
    w, h = max(1, dots(item.w, dpi)), max(1, dots(item.h, dpi))
    thickness = min(w, h) if not item.line else max(1, dots(item.line, dpi))
    return f"^FO{dots(item.x, dpi)},{dots(item.y, dpi)}^GB{w},{h},{thickness},B,0^FS"


# --------------------------------------------------------------------------- text fields


def text_runs(text: str) -> list[tuple[int, str, bool]]:
    """(start, run, resident) for each field a line is split into, spaces trimmed.

    A run of resident characters prints in the printer's font, the rest as bitmaps; a
    resident run with no letter or digit in it (a space, "· ", "-") goes with its bitmap
    neighbour rather than standing alone.
    """
    runs: list[list] = []
    for resident, group in groupby(enumerate(text), key=lambda pair: pair[1] in RESIDENT_CHARS):
        chars = list(group)
        runs.append([chars[0][0], "".join(char for _, char in chars), resident])
    if any(not resident for _, _, resident in runs):
        for run in runs:
            if run[2] and not any(char.isalnum() for char in run[1]):
                run[2] = False
    merged: list[list] = []
    for run in runs:
        if merged and merged[-1][2] == run[2]:
            merged[-1][1] += run[1]
        else:
            merged.append(run)
    out = []
    for start, run, resident in merged:
        stripped = run.strip()
        if stripped:
            out.append((start + len(run) - len(run.lstrip()), stripped, resident))
    return out


def printer_text(text: str, x: float, baseline: float, size: float, room: float, dpi: int,
                 *, reverse: bool = False) -> str:
    """``^FT`` (baseline origin) ``^A0`` text as tall as the WQY text's capitals, condensed
    if its widest plausible rendering would run past ``room`` (points)."""
    height = max(10, round(size * dpi / 72 * _wqy_cap() / PRINTER_CAP))
    widest = stringWidth(text, PRINTER_WIDTH_FONT, height)
    budget = room * dpi / 72 + 1
    width = height if widest <= budget else max(1, floor(height * budget / widest))
    data, escaped = field_data(text)
    flags = ("^FR" if reverse else "") + ("^FH_" if escaped else "")
    return f"^FT{dots(x, dpi)},{dots(baseline, dpi)}^A0N,{height},{width}{flags}^FD{data}^FS"


def field_data(text: str) -> tuple[str, bool]:
    """``^FD`` data and whether it needs ``^FH_``: ``^``, ``~``, ``_`` and every non-ASCII
    character (as its UTF-8 bytes, which ``^CI28`` reads) become ``_XX`` hex escapes."""
    if text.isascii() and "^" not in text and "~" not in text:
        return text, False
    out = []
    for char in text:
        if char in _FH_ESCAPES:
            out.append(_FH_ESCAPES[char])
        elif char.isascii():
            out.append(char)
        else:
            out.append("".join(f"_{byte:02X}" for byte in char.encode()))
    return "".join(out), True


@lru_cache(maxsize=1)
def _wqy_cap() -> float:
    """Capital height of the WQY font per em."""
    return -_font(1000.0).getbbox("H", anchor="ls")[1] / 1000


# --------------------------------------------------------------------------- bitmaps


def _font(pixels: float) -> ImageFont.FreeTypeFont:
    return _face(font_path(), pixels)


@lru_cache(maxsize=64)
def _face(path: Path, pixels: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), pixels, index=FONT_SUBFONT_INDEX)


def _stroke(item: Text, dpi: int) -> int:
    """Fake bold like the PDF (outline stroked FAUX_BOLD_STROKE em wide), in whole dots;
    Pillow's stroke width is per side, so half of it."""
    if not item.bold or item.size < BOLD_MIN_FONT:
        return 0
    return max(1, round(item.size * dpi / 72 * (FAUX_BOLD_STROKE / 2)))


def text_bitmap(item: Text, dpi: int) -> tuple[Image.Image, int, int]:
    """1-bit image of the text's ink (1 = black) and its top-left position in dots."""
    font, stroke = _font(item.size * dpi / 72), _stroke(item, dpi)
    box = font.getbbox(item.text, anchor="ls", stroke_width=stroke)
    left, top, right, bottom = floor(box[0]), floor(box[1]), ceil(box[2]), ceil(box[3])
    image = Image.new("1", (max(0, right - left), max(0, bottom - top)), 0)
    ImageDraw.Draw(image).text(
        (-left, -top), item.text, font=font, fill=1, anchor="ls", stroke_width=stroke, stroke_fill=1
    )
    return image, dots(item.x, dpi) + left, dots(item.baseline, dpi) + top


def _clip(
    image: Image.Image, x: int, y: int, width: int, height: int
) -> tuple[Image.Image, int, int]:
    """Crop whatever a glyph's overhang would put outside the label."""
    left, top = max(0, -x), max(0, -y)
    right, bottom = min(image.width, width - x), min(image.height, height - y)
    if (left, top, right, bottom) == (0, 0, image.width, image.height):
        return image, x, y
    if right <= left or bottom <= top:
        return Image.new("1", (0, 0)), max(0, x), max(0, y)
    return image.crop((left, top, right, bottom)), x + left, y + top


def graphic_field(image: Image.Image, compress: bool = True) -> str:
    """``^GFA,total,total,row_bytes,data`` for a 1-bit image (set pixels print black): the
    data Z64-encoded (zlib, base64, CRC-16 of the base64 text) or, uncompressed, plain hex."""
    row_bytes = (image.width + 7) // 8
    raw = image.tobytes()  # mode "1": rows padded to whole bytes, most significant bit first
    total = row_bytes * image.height
    if compress:
        text = base64.b64encode(zlib.compress(raw, 9)).decode()
        data = f":Z64:{text}:{binascii.crc_hqx(text.encode(), 0):04X}"
    else:
        data = raw.hex().upper()
    return f"^GFA,{total},{total},{row_bytes},{data}"


# --------------------------------------------------------------------------- barcodes


@dataclass(frozen=True)
class Code128Field:
    """How a value goes into ``^BC``: its mode, ``^FD`` data, whether ``^FH_`` is needed,
    and the symbol's width in modules (start to stop, quiet zones excluded)."""

    mode: str
    data: str
    hex_escaped: bool
    modules: int


def _barcode(item: Barcode, dpi: int) -> str:
    """``^BC`` centred where the PDF draws its bars, the value as the plain ``^FD``."""
    module = module_dots(item.module, dpi)
    field = code128_field_data(item.value)
    pdf_left = (item.x + item.quiet) * dpi / 72
    pdf_width = (item.width - 2 * item.quiet) * dpi / 72
    x = round(pdf_left + (pdf_width - field.modules * module) / 2)
    text = dots(item.text_size, dpi)
    return (
        f"^FO{x},{dots(item.y, dpi)}^BY{module}^A0N,{text},{round(text * 0.8)}"
        f"^BCN,{dots(item.bar_height, dpi)},Y,N,N,{field.mode}"
        f"{'^FH_' if field.hex_escaped else ''}^FD{field.data}^FS"
    )


def code128_field_data(value: str) -> Code128Field:
    """Automatic mode (``A``: the printer picks the subsets) with the value itself as data.

    A value with ``>`` (ZPL's invocation character) is written in mode ``N`` with the subsets
    spelled out as reportlab encodes it (``>``  as ``><``). Raises ValueError unless the value
    is printable ASCII.
    """
    symbol = code128(value, bar_height=1)  # raises ValueError unless printable ASCII
    symbol.validate()
    if ">" not in value:
        data, escaped = field_data(value)
        return Code128Field("A", data, escaped, code128_modules(value))
    encoded: list[int] = symbol.encode()
    start, codes = encoded[0], encoded[1:-2]  # drop the check character and stop
    out, subset = [_START[start]], "ABC"[start - 103]
    for code in codes:
        if subset == "C":
            out.append(">6" if code == 100 else f"{code:02d}")
            subset = "B" if code == 100 else "C"
        elif subset == "B" and code == 99:
            out.append(">5")
            subset = "C"
        elif subset == "B" and code < 95:
            out.append(_b_char(chr(code + 32)))
        else:  # pragma: no cover - subset A only carries control characters
            raise ValueError(f"cannot write {value!r} as ZPL Code128 data")
    data = "".join(out)
    escaped = any(escape in value for escape in _FH_ESCAPES)
    return Code128Field("N", data, escaped, 11 * (len(encoded) - 1) + 13)


def code128_modules(value: str) -> int:
    """Modules of the shortest Code128 symbol for ``value`` (printable ASCII: subsets B and C),
    which is what a printer's automatic mode draws: 11 a symbol character (start, data,
    check), 13 the stop."""
    n, never = len(value), 4 * len(value) + 4
    # in_b[i], in_c[i]: fewest symbol characters (start included) for value[:i], in B / C
    in_b, in_c = [1] + [never] * n, [1] + [never] * n
    for i in range(n + 1):
        in_b[i] = min(in_b[i], in_c[i] + 1)  # a code change is one character
        in_c[i] = min(in_c[i], in_b[i] + 1)
        if i == n:
            break
        in_b[i + 1] = min(in_b[i + 1], in_b[i] + 1)
        if i + 2 <= n and value[i : i + 2].isdigit():
            in_c[i + 2] = min(in_c[i + 2], in_c[i] + 1)
    return 11 * (min(in_b[n], in_c[n]) + 1) + 13


def _b_char(char: str) -> str:
    if char == ">":
        return "><"
    return _FH_ESCAPES.get(char, char)

