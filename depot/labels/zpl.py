"""The return label as ZPL II for Zebra-compatible thermal printers (pure function, str out).

The layout is :func:`depot.labels.shipping.layout_label`, the same one the PDF draws. Every
text line is rendered with Pillow in the embedded WQY font into a 1-bit graphic field
(``^GFA``, ZPL ASCII-hex compressed), so Chinese prints on any printer without a downloaded
font. Rules and boxes are ``^GB``; the RMA and tracking numbers are printer-drawn Code128
(``^BC``) with the interpretation line, the module a whole number of dots (2 at 203 dpi).
"""
from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import groupby
from math import ceil, floor
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from depot.labels.barcodes import MODULE_PT, code128
from depot.labels.fonts import (
    FAUX_BOLD_STROKE,
    FONT_SUBFONT_INDEX,
    font_path,
    register_cjk_font,
)
from depot.labels.layout import BOLD_MIN_FONT, Badge, Barcode, Box, Item, Layout, Text
from depot.labels.shipping import LabelData, layout_label

ZPL_DPIS: tuple[int, ...] = (152, 203, 300, 600)
_START = {103: ">9", 104: ">:", 105: ">;"}  # ZPL invocation codes: Start Code A / B / C
_FH_ESCAPES = {"_": "_5F", "^": "_5E", "~": "_7E"}
_font_lock = threading.Lock()  # FreeType faces are shared between requests


def render_label_zpl(
    labels: Sequence[LabelData], size: str = "4x6", dpi: int = 203, *, compress: bool = True
) -> str:
    """One ``^XA``…``^XZ`` format per label (byte-identical output for the same input).

    ``compress=False`` writes the graphic fields as plain hex (about 1.5x larger).
    Raises ValueError for no labels, an unknown size or an unsupported dpi.
    """
    if not labels:
        raise ValueError("no labels to render")
    if dpi not in ZPL_DPIS:
        raise ValueError(f"unsupported printer resolution {dpi} dpi; choose one of {ZPL_DPIS}")
    register_cjk_font()  # fails early, with the apt-get hint, when the font is missing
    return "".join(_label(layout_label(label, size), dpi, compress) for label in labels)


def dots(points: float, dpi: int) -> int:
    return round(points * dpi / 72)


def module_dots(module: float, dpi: int) -> int:
    """Printer dots per Code128 module: the PDF's MODULE_PT multiple of a whole number of
    dots (2 at 203 dpi, 3 at 300, 6 at 600), never below 2."""
    return round(module / MODULE_PT) * max(2, round(MODULE_PT * dpi / 72))


def _label(layout: Layout, dpi: int, compress: bool) -> str:
    width, height = dots(layout.width, dpi), dots(layout.height, dpi)
    fields = [_field(item, dpi, compress, width, height) for item in layout.items]
    head = ["^XA", "^CI28", f"^PW{width}", f"^LL{height}", "^LH0,0", "^PON"]
    return "\n".join([*head, *filter(None, fields), "^PQ1", "^XZ"]) + "\n"


def _field(item: Item, dpi: int, compress: bool, width: int, height: int) -> str:
    if isinstance(item, Box):
        return _box(item, dpi)
    if isinstance(item, Barcode):
        return _barcode(item, dpi)
    with _font_lock:
        bitmap = _badge_bitmap(item, dpi) if isinstance(item, Badge) else text_bitmap(item, dpi)
    image, x, y = _clip(*bitmap, width, height)
    if image.width == 0 or image.height == 0:
        return ""
    return f"^FO{x},{y}{graphic_field(image, compress)}^FS"


def _box(item: Box, dpi: int) -> str:
    w, h = max(1, dots(item.w, dpi)), max(1, dots(item.h, dpi))
    thickness = min(w, h) if not item.line else max(1, dots(item.line, dpi))
    return f"^FO{dots(item.x, dpi)},{dots(item.y, dpi)}^GB{w},{h},{thickness},B,0^FS"


# --------------------------------------------------------------------------- text bitmaps


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


def _badge_bitmap(item: Badge, dpi: int) -> tuple[Image.Image, int, int]:
    """The black box with its text knocked out in white, as one graphic field."""
    x, y = dots(item.x, dpi), dots(item.y, dpi)
    image = Image.new("1", (dots(item.w, dpi), dots(item.h, dpi)), 1)
    text = item.text
    font, stroke = _font(text.size * dpi / 72), _stroke(text, dpi)
    origin = (dots(text.x, dpi) - x, dots(text.baseline, dpi) - y)
    ImageDraw.Draw(image).text(
        origin, text.text, font=font, fill=0, anchor="ls", stroke_width=stroke, stroke_fill=0
    )
    return image, x, y


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
    """``^GFA,total,total,row_bytes,data`` for a 1-bit image (set pixels print black)."""
    row_bytes = (image.width + 7) // 8
    raw = image.tobytes()  # mode "1": rows padded to whole bytes, most significant bit first
    rows = [raw[i : i + row_bytes].hex().upper() for i in range(0, len(raw), row_bytes)]
    data = "".join(compress_rows(rows)) if compress else "".join(rows)
    total = row_bytes * image.height
    return f"^GFA,{total},{total},{row_bytes},{data}"


def compress_rows(rows: Sequence[str]) -> Iterator[str]:
    """ZPL ASCII-hex compression: ``:`` repeats the previous row, ``,`` / ``!`` fill the
    rest of a row with 0 / F, and a count (G..Y = 1..19, g..z = 20..400) repeats a digit."""
    previous = None
    for row in rows:
        if row == previous:
            yield ":"
            continue
        previous = row
        body, fill = row.rstrip("0"), ","
        if len(row) - len(row.rstrip("F")) > len(row) - len(body):
            body, fill = row.rstrip("F"), "!"
        runs = "".join(_run(digit, len(list(group))) for digit, group in groupby(body))
        yield runs + (fill if len(body) < len(row) else "")


def _run(digit: str, count: int) -> str:
    out = []
    while count > 0:
        chunk = min(count, 419)
        high, low = divmod(chunk, 20)
        prefix = (chr(ord("f") + high) if high else "") + (chr(ord("F") + low) if low else "")
        out.append(digit if chunk == 1 else prefix + digit)
        count -= chunk
    return "".join(out)


# --------------------------------------------------------------------------- barcodes


def _barcode(item: Barcode, dpi: int) -> str:
    """``^BC`` in mode N with the subsets reportlab chose, so the symbol has the same
    number of modules as in the PDF; centred where the PDF draws its bars."""
    module = module_dots(item.module, dpi)
    modules = round((item.width - 2 * item.quiet) / item.module)
    pdf_left = (item.x + item.quiet) * dpi / 72
    pdf_width = modules * item.module * dpi / 72
    x = round(pdf_left + (pdf_width - modules * module) / 2)
    text = dots(item.text_size, dpi)
    data, hex_escaped = code128_field_data(item.value)
    return (
        f"^FO{x},{dots(item.y, dpi)}^BY{module}^A0N,{text},{round(text * 0.8)}"
        f"^BCN,{dots(item.bar_height, dpi)},Y,N,N{'^FH_' if hex_escaped else ''}^FD{data}^FS"
    )


def code128_field_data(value: str) -> tuple[str, bool]:
    """``^FD`` data with explicit subset invocation codes; True if it needs ``^FH_``."""
    symbol = code128(value, bar_height=1)  # raises ValueError unless printable ASCII
    symbol.validate()
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
    return data, any(escape in value for escape in _FH_ESCAPES)


def _b_char(char: str) -> str:
    if char == ">":
        return "><"
    return _FH_ESCAPES.get(char, char)
