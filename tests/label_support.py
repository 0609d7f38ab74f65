"""What the return-label tests share: the inputs (a typical label, one with every field too
long, and a worst case for the ZPL's size: every field dense Chinese, also used by
bench/zpl_bench.py), a PDF page rasterized as a printer would (every document test's), and a
reader of the ZPL."""
from __future__ import annotations

import base64
import binascii
import re
import shutil
import subprocess
import zlib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np
from PIL import Image
from pyzbar import pyzbar
from reportlab.graphics.barcode.code128 import _patterns as CODE128_PATTERNS
from reportlab.pdfbase.pdfmetrics import stringWidth

from depot.labels import LabelData
from depot.labels.barcodes import code128

DPI = 203

LABEL = LabelData(
    ship_from_name="Depot 维修中心（上海浦东站）",
    ship_from_phone="021-5080 1234",
    ship_from_address="上海市浦东新区张江高科技园区碧波路 690 号 3 号楼 2 层",
    ship_to_name="张伟",
    ship_to_phone="138 0013 8000",
    ship_to_address="广东省深圳市南山区科技园南区高新南七道 R2-B 栋 5 楼 501 室",
    rma_number="RMA-2026-000123",
    contents=("ZK-F18 指纹考勤机 SN F18A0012345", "电源适配器 Power adapter ×1"),
    freight="collect",
    carrier="顺丰速运 SF Express",
    tracking_number="SF1234567890123",
    shipped_on=date(2026, 11, 20),
)
LONG = replace(
    LABEL,
    ship_to_name="深圳市某某某某智能科技有限公司售后服务部 欧阳娜娜经理",
    ship_to_phone="+86 755 8888 9999 ext. 12345",
    ship_to_address="广东省深圳市南山区科技园南区高新南七道 R2-B 栋 5 楼 501 室，" * 8
    + " Extraordinarily-Long-Building-Name-Without-Any-Spaces-International-Tower",
    ship_from_name="上海某某某某某某某某某某维修服务有限公司浦东新区张江分公司客户服务中心",
    ship_from_address="上海市浦东新区张江高科技园区碧波路 690 号 3 号楼 2 层" * 6,
    contents=tuple(f"配件 {i} accessory item {i} 很长很长的描述文字用于测试截断功能" * 2
                   for i in range(30)),
    carrier="某某某某某某国际物流快递有限公司 International Express Logistics",
    tracking_number="YT2412345678901234",
)


def dense_chinese(count: int, seed: int) -> str:
    """``count`` different, mostly many-stroked CJK ideographs (no repeats to compress)."""
    return "".join(chr(0x6000 + (seed * 1009 + i * 7919) % 0x3E00) for i in range(count))


WORST = replace(
    LONG,
    ship_to_name=dense_chinese(40, 1),
    ship_to_address=dense_chinese(400, 2),
    ship_from_name=dense_chinese(40, 3),
    ship_from_address=dense_chinese(200, 4),
    contents=tuple(dense_chinese(40, 10 + i) for i in range(40)),
    carrier=dense_chinese(30, 5),
    freight="prepaid",
)
"""Every Chinese field full of distinct dense glyphs: the most bitmap a label can carry."""


# --------------------------------------------------------------------------- PDF raster


def rasterize(pdf: bytes, tmp_path: Path, page: int = 1, dpi: int = DPI, *,
              mono: bool = True) -> Image.Image:
    """One page as poppler renders it, in grey: 1-bit mono at the printer's 203 dpi by
    default, the way a thermal printer would (`mono=False`: anti-aliased, as on a screen)."""
    src, out = tmp_path / "doc.pdf", tmp_path / f"page{page}"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), *(["-mono"] if mono else []), "-png",
                    "-f", str(page), "-l", str(page), "-singlefile", str(src), str(out)],
                   check=True, capture_output=True)
    with Image.open(out.with_suffix(".png")) as image:
        return image.convert("L")


def code128_values(image: Image.Image) -> set[str]:
    return {s.data.decode() for s in pyzbar.decode(image) if s.type == "CODE128"}


# --------------------------------------------------------------------------- ZPL reader
# The project's own reading of the ZPL it writes: it parses the fields and paints what it can
# paint exactly (boxes, graphic fields, Code128 bars), and lists the text fields with the box
# their text could take at most (font 0 is no wider than Helvetica Bold).


def match(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    assert found, pattern
    return found[1]


def zpl_formats(zpl: str) -> list[str]:
    return re.findall(r"\^XA.*?\^XZ", zpl, flags=re.DOTALL)


def acs_decode(data: str, row_bytes: int) -> list[str]:
    """Rows of hex digits from ZPL ASCII-hex data, compressed or not."""
    rows: list[str] = []
    row_len, current, count = row_bytes * 2, "", 0
    for char in data:
        if "G" <= char <= "Y":
            count += ord(char) - ord("F")
        elif "g" <= char <= "z":
            count += (ord(char) - ord("f")) * 20
        elif char in ",!":
            current += ("0" if char == "," else "F") * (row_len - len(current))
        elif char == ":":
            assert current == "" and rows
            current = rows[-1]
        else:
            assert char in "0123456789ABCDEF", char
            current += char * (count or 1)
            count = 0
        while len(current) >= row_len:
            rows.append(current[:row_len])
            current = current[row_len:]
    assert current == "" and count == 0
    return rows


def gf_bitmap(args: str) -> np.ndarray:
    """A ``^GFA`` field as a boolean array (True = black), checking its declared sizes and,
    for Z64 data, its CRC."""
    kind, total, field_count, row_bytes, data = args.split(",", 4)
    assert kind == "A" and total == field_count
    if data.startswith(":Z64:"):
        text, crc = data[len(":Z64:"):].rsplit(":", 1)
        assert f"{binascii.crc_hqx(text.encode(), 0):04X}" == crc
        raw = zlib.decompress(base64.b64decode(text, validate=True))
    else:
        raw = bytes.fromhex("".join(acs_decode(data, int(row_bytes))))
    assert len(raw) == int(total) and int(total) % int(row_bytes) == 0
    bits = np.unpackbits(np.frombuffer(raw, dtype=np.uint8)).reshape(len(raw) // int(row_bytes), -1)
    return bits.astype(bool)


def fh_decode(data: str) -> str:
    """``^FH_`` data back to text (the escapes are UTF-8 bytes under ``^CI28``)."""
    raw = re.sub(rb"_([0-9A-F]{2})", lambda m: bytes([int(m[1], 16)]), data.encode())
    return raw.decode("utf-8")


def bc_values(data: str) -> list[int]:
    """Code128 symbol values (start ... check, stop) of ZPL mode-N ``^FD`` data."""
    data = re.sub(r"_([0-9A-F]{2})", lambda m: chr(int(m[1], 16)), data)
    starts = {">9": 103, ">:": 104, ">;": 105}
    values, subset, i = [starts[data[:2]]], "ABC"[starts[data[:2]] - 103], 2
    while i < len(data):
        if data[i] == ">":
            code = data[i + 1]
            value = {"<": 30, "5": 99, "6": 100}[code]
            subset = {"5": "C", "6": "B"}.get(code, subset)
            values.append(value)
            i += 2
        elif subset == "C":
            values.append(int(data[i : i + 2]))
            i += 2
        else:
            values.append(ord(data[i]) - 32)
            i += 1
    check = (values[0] + sum(n * v for n, v in enumerate(values[1:], 1))) % 103
    return [*values, check, 106]


def decoded_field_value(data: str) -> str:
    """The text a mode-N ^BC field encodes (what a scanner reads)."""
    chars, subset = [], "B"
    for value in bc_values(data)[1:-2]:
        if value in (99, 100):
            subset = "C" if value == 99 else "B"
        else:
            chars.append(f"{value:02d}" if subset == "C" else chr(value + 32))
    return "".join(chars)


def code128_symbol(value: str) -> list[int]:
    """Symbol values (start ... check, stop) reportlab encodes ``value`` as."""
    symbol = code128(value, bar_height=1)
    symbol.validate()
    return symbol.encode()


def draw_code128(canvas: np.ndarray, x: int, y: int, module: int, height: int,
                 values: list[int]) -> int:
    """Draw the bars the printer would; returns the symbol's right end in dots."""
    for value in values:
        for element in CODE128_PATTERNS[value]:
            width = (ord(element.lower()) - ord("a") + 1) * module
            if element.isupper():
                canvas[y : y + height, x : x + width] = True
            x += width
    return x


@dataclass(frozen=True)
class TextField:
    """A resident-font text field: ``x``, ``baseline`` and the ``^A0`` height and width."""

    x: int
    baseline: int
    height: int
    width: int
    text: str
    reverse: bool

    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) the text can take at most: capitals and descenders,
        and the Helvetica Bold width (font 0 is a condensed face, narrower)."""
        wide = stringWidth(self.text, "Helvetica-Bold", self.height) * self.width / self.height
        return (self.x, self.baseline - 0.75 * self.height, self.x + wide,
                self.baseline + 0.22 * self.height)


@dataclass(frozen=True)
class GraphicField:
    x: int
    y: int
    bitmap: np.ndarray
    reverse: bool


@dataclass(frozen=True)
class BarcodeField:
    x: int
    y: int
    module: int
    height: int
    mode: str
    data: str
    value: str  # what a scanner reads
    right: int  # the symbol's right end in dots


@dataclass(frozen=True)
class Printed:
    image: Image.Image
    graphics: list[GraphicField]
    texts: list[TextField]
    barcodes: list[BarcodeField]


def render_zpl(fmt: str) -> Printed:
    """Read one ^XA..^XZ format like a printer would: boxes, graphic fields (``^FR`` reverses
    them) and Code128 bars painted on the image, every field listed. Mode ``A`` bars are
    reportlab's encoding of the value (the printer chooses its own subsets)."""
    width, height = int(match(r"\^PW(\d+)", fmt)), int(match(r"\^LL(\d+)", fmt))
    canvas = np.zeros((height, width), dtype=bool)
    graphics, texts, barcodes = [], [], []
    x = y = module = 0
    font = (0, 0)
    barcode: tuple[int, str] | None = None
    reverse = hexed = False
    for command in fmt.split("^")[1:]:
        name, args = command[:2], command[2:].strip()
        if name in ("FO", "FT"):
            x, y = (int(v) for v in args.split(",")[:2])
        elif name == "A0":
            font = tuple(int(v) for v in args.split(",")[1:3])
        elif name == "FR":
            reverse = True
        elif name == "FH":
            assert args == "_"
            hexed = True
        elif name == "GF":
            bitmap = gf_bitmap(args)
            graphics.append(GraphicField(x, y, bitmap, reverse))
            area = canvas[y : y + bitmap.shape[0], x : x + bitmap.shape[1]]
            if reverse:  # ^FR: the field's black dots turn what is under them over
                area ^= bitmap
            else:
                area |= bitmap
        elif name == "GB":
            w, h, t = (int(v) for v in args.split(",")[:3])
            canvas[y : y + h, x : x + w] = True
            if t < min(w, h):
                canvas[y + t : y + h - t, x + t : x + w - t] = False
        elif name == "BY":
            module = int(args.split(",")[0])
        elif name == "BC":
            parts = args.split(",")
            barcode = (int(parts[1]), parts[5] if len(parts) > 5 else "N")
        elif name == "FD" and barcode:
            bar_height, mode = barcode
            if mode == "A":
                value = fh_decode(args) if hexed else args
                values = code128_symbol(value)
            else:
                assert mode == "N"
                value, values = decoded_field_value(args), bc_values(args)
            right = draw_code128(canvas, x, y, module, bar_height, values)
            barcodes.append(BarcodeField(x, y, module, bar_height, mode, args, value, right))
        elif name == "FD":
            text = fh_decode(args) if hexed else args
            texts.append(TextField(x, y, font[0], font[1], text, reverse))
        elif name == "FS":
            barcode, reverse, hexed = None, False, False
    image = Image.fromarray(np.where(canvas, 0, 255).astype(np.uint8), mode="L")
    return Printed(image, graphics, texts, barcodes)


# --------------------------------------------------------------------------- Zebrash
# An independent reading: Zebrash (npm zpl-renderer-js, Go compiled to WASM, installed by
# `make setup-dev` into tests/zpl/node_modules with `npm ci`) renders the ZPL as a printer would.

ZPL_RENDERER = Path(__file__).resolve().parent / "zpl"


def zebrash_missing() -> str | None:
    """Why Zebrash cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed (make setup-dev installs nodejs and npm)"
    if not (ZPL_RENDERER / "node_modules" / "zpl-renderer-js" / "package.json").is_file():
        return "zpl-renderer-js is not installed: run `make setup-dev` (npm ci in tests/zpl)"
    return None


def zebrash_render(zpl: str, width_mm: float, height_mm: float, out_dir: Path,
                   dpi: int = DPI) -> list[Image.Image]:
    """Every ^XA..^XZ format of ``zpl`` as Zebrash draws it on a label of that size, in
    grey (0 = black), one node start for all of them."""
    dots_per_mm = {152: 6, 203: 8, 300: 12, 600: 24}[dpi]
    done = subprocess.run(
        ["node", str(ZPL_RENDERER / "render.js"), f"{width_mm:.3f}", f"{height_mm:.3f}",
         str(dots_per_mm), str(out_dir)],
        input=zpl.encode("ascii"), capture_output=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    count = int(done.stdout)
    images = []
    for i in range(1, count + 1):
        with Image.open(out_dir / f"label-{i}.png") as image:
            images.append(image.convert("L"))
    return images
