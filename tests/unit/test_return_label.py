"""Return shipping label: PDF (layout, text, fonts, barcodes, margins), ZPL II and raw printing."""
from __future__ import annotations

import io
import re
import socket
import subprocess
import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader
from pyzbar import pyzbar
from reportlab.graphics.barcode.code128 import _patterns as CODE128_PATTERNS

from depot.labels import (
    LABEL_SIZES,
    LabelData,
    PrinterError,
    render_label_pdf,
    render_label_zpl,
    send_zpl,
)
from depot.labels.fonts import text_width
from depot.labels.layout import Barcode, Text
from depot.labels.shipping import MARGIN, layout_label
from depot.labels.wrap import wrap_text
from depot.labels.zpl import code128_field_data

MM = 72 / 25.4
DPI = 203
SIZES = tuple(LABEL_SIZES)
EXPECTED_PT = {"4x6": (288.0, 432.0), "100x150": (100 * MM, 150 * MM), "100x180": (100 * MM, 180 * MM)}
EXPECTED_DOTS = {"4x6": (812, 1218), "100x150": (799, 1199), "100x180": (799, 1439)}

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
    contents=tuple(f"配件 {i} accessory item {i} 很长很长的描述文字用于测试截断功能" * 2 for i in range(30)),
    carrier="某某某某某某国际物流快递有限公司 International Express Logistics",
    tracking_number="YT2412345678901234",
)


# --------------------------------------------------------------------------- helpers


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height))
            for p in PdfReader(io.BytesIO(pdf)).pages]


def rasterize(pdf: bytes, tmp_path: Path, page: int = 1) -> Image.Image:
    """One page in 1-bit mono at the printer's 203 dpi, as poppler renders it."""
    src, out = tmp_path / "label.pdf", tmp_path / f"page{page}"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-mono", "-png", "-f", str(page), "-l", str(page),
                    "-singlefile", str(src), str(out)], check=True, capture_output=True)
    with Image.open(out.with_suffix(".png")) as image:
        return image.convert("L")


def code128_values(image: Image.Image) -> set[str]:
    return {s.data.decode() for s in pyzbar.decode(image) if s.type == "CODE128"}


def narrowest_run(image: Image.Image, symbol: pyzbar.Decoded) -> int:
    """Narrowest bar or space (pixels) on the middle scanline of a decoded symbol."""
    left, top, width, height = symbol.rect
    pixels = np.asarray(image)
    row = [bool(pixels[top + height // 2, x] < 128) for x in range(left, left + width)]
    runs, current, length = [], row[0], 0
    for dark in row:
        if dark == current:
            length += 1
        else:
            runs.append(length)
            current, length = dark, 1
    runs.append(length)
    return min(runs[1:-1])  # the outer runs may be cut by the rect


def word_boxes(pdf: bytes, tmp_path: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Every word's bounding box (points, top-left origin) per page, from poppler."""
    src = tmp_path / "words.pdf"
    src.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(src), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        pages.append([(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', page)])
    return pages


def ink_box(image: Image.Image) -> tuple[int, int, int, int]:
    """Bounding box of the black pixels (left, top, right, bottom)."""
    box = Image.eval(image, lambda v: 255 - v).getbbox()
    assert box is not None
    return box


# --------------------------------------------------------------------------- ZPL reader


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
    """A ``^GFA`` field as a boolean array (True = black), checking its declared sizes."""
    kind, total, field_count, row_bytes, data = args.split(",", 4)
    assert kind == "A" and total == field_count
    rows = acs_decode(data, int(row_bytes))
    assert len(rows) * int(row_bytes) == int(total)
    raw = bytes.fromhex("".join(rows))
    bits = np.unpackbits(np.frombuffer(raw, dtype=np.uint8)).reshape(len(rows), -1)
    return bits.astype(bool)


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


def draw_code128(canvas: np.ndarray, x: int, y: int, module: int, height: int, data: str) -> int:
    """Draw the bars the printer would; returns the symbol's width in dots."""
    for value in bc_values(data):
        for element in CODE128_PATTERNS[value]:
            width = (ord(element.lower()) - ord("a") + 1) * module
            if element.isupper():
                canvas[y : y + height, x : x + width] = True
            x += width
    return x


def render_zpl(fmt: str) -> tuple[Image.Image, list[tuple[int, int, np.ndarray]], list[str]]:
    """Rasterize one ^XA..^XZ format (graphic fields, boxes, Code128) like a printer would:
    the image, every graphic field (x, y, bitmap) and every ^BC field's data."""
    width, height = int(match(r"\^PW(\d+)", fmt)), int(match(r"\^LL(\d+)", fmt))
    canvas = np.zeros((height, width), dtype=bool)
    fields, barcodes = [], []
    x = y = module = bar_height = 0
    for command in fmt.split("^")[1:]:
        name, args = command[:2], command[2:].strip()
        if name == "FO":
            x, y = (int(v) for v in args.split(",")[:2])
        elif name == "GF":
            bitmap = gf_bitmap(args)
            fields.append((x, y, bitmap))
            canvas[y : y + bitmap.shape[0], x : x + bitmap.shape[1]] |= bitmap
        elif name == "GB":
            w, h, t = (int(v) for v in args.split(",")[:3])
            canvas[y : y + h, x : x + w] = True
            if t < min(w, h):
                canvas[y + t : y + h - t, x + t : x + w - t] = False
        elif name == "BY":
            module = int(args.split(",")[0])
        elif name == "BC":
            bar_height = int(args.split(",")[1])
        elif name == "FD" and bar_height:
            draw_code128(canvas, x, y, module, bar_height, args)
            barcodes.append(args)
            bar_height = 0
    image = Image.fromarray(np.where(canvas, 0, 255).astype(np.uint8), mode="L")
    return image, fields, barcodes


def decoded_field_value(data: str) -> str:
    """The text a ^BC field encodes (what a scanner reads)."""
    chars, subset = [], "B"
    for value in bc_values(data)[1:-2]:
        if value in (99, 100):
            subset = "C" if value == 99 else "B"
        else:
            chars.append(f"{value:02d}" if subset == "C" else chr(value + 32))
    return "".join(chars)


# --------------------------------------------------------------------------- PDF


@pytest.mark.parametrize("size", SIZES)
def test_one_portrait_page_per_label_of_the_exact_size(size: str) -> None:
    pdf = render_label_pdf([LABEL, replace(LABEL, rma_number="RMA-2026-000124"), LONG], size)
    sizes = page_sizes(pdf)
    assert len(sizes) == 3
    width, height = EXPECTED_PT[size]
    for w, h in sizes:
        assert w == pytest.approx(width, abs=0.5 if "x1" in size else 0.001)
        assert h == pytest.approx(height, abs=0.5 if "x1" in size else 0.001)
        assert h > w
    if size == "4x6":
        assert sizes[0] == (288.0, 432.0)


@pytest.mark.parametrize("size", SIZES)
def test_text_is_extractable(size: str) -> None:
    text = page_texts(render_label_pdf([LABEL], size))[0]
    for expected in ("张伟", "138 0013 8000", "RMA-2026-000123", "到付", "COLLECT", "顺丰速运",
                     "SF1234567890123", "2026-11-20", "Depot 维修中心", "021-5080 1234",
                     "收", "寄", "F18A0012345", "指纹考勤机", "Power adapter"):
        assert expected in text, expected
    assert "广东省深圳市南山区科技园南区高新南七道R2-B栋5楼501室" in flat(text)
    assert "上海市浦东新区张江高科技园区碧波路690号3号楼2层" in flat(text)
    assert "寄付" not in text


def test_prepaid_label_says_so() -> None:
    text = page_texts(render_label_pdf([replace(LABEL, freight="prepaid")]))[0]
    assert "寄付" in text and "PREPAID" in text
    assert "到付" not in text


def test_collect_mark_is_a_black_box_with_white_text(tmp_path: Path) -> None:
    """到付 is knocked out of a solid black box in the header's top right corner."""
    collect = np.asarray(rasterize(render_label_pdf([LABEL]), tmp_path)) < 128
    prepaid = np.asarray(rasterize(render_label_pdf([replace(LABEL, freight="prepaid")]), tmp_path)) < 128
    corner = (slice(0, 80), slice(collect.shape[1] // 2, None))
    assert collect[corner].mean() > 0.35 > prepaid[corner].mean()


def test_only_the_embedded_wqy_font_is_used() -> None:
    for pdf in (render_label_pdf([LABEL, LONG]), render_label_pdf([LONG], "100x180")):
        for page in PdfReader(io.BytesIO(pdf)).pages:
            fonts = page["/Resources"]["/Font"].values()
            assert fonts
            for font in fonts:
                font = font.get_object()
                descendants = font.get("/DescendantFonts")
                target = descendants[0].get_object() if descendants else font
                assert "WQY" in str(font["/BaseFont"]) or "WenQuanYi" in str(font["/BaseFont"])
                assert "/FontFile2" in target["/FontDescriptor"].get_object()


def test_pdf_is_byte_identical_for_the_same_input() -> None:
    first = render_label_pdf([LABEL, LONG], "100x150")
    render_label_pdf([replace(LABEL, ship_to_name="李娜")])  # font subset state in between
    assert render_label_pdf([replace(LABEL), replace(LONG)], "100x150") == first
    assert render_label_pdf([LABEL], "100x150") != render_label_pdf([LABEL], "100x180")


@pytest.mark.parametrize("size", SIZES)
def test_barcodes_scan_at_203_dpi_with_bars_of_two_dots_or_more(size: str, tmp_path: Path) -> None:
    for data in (LABEL, LONG):
        image = rasterize(render_label_pdf([data], size), tmp_path)
        symbols = [s for s in pyzbar.decode(image) if s.type == "CODE128"]
        assert {s.data.decode() for s in symbols} == {data.rma_number, data.tracking_number}
        for symbol in symbols:
            assert narrowest_run(image, symbol) >= 2


def test_tracking_barcode_is_bigger_than_the_rma_barcode(tmp_path: Path) -> None:
    image = rasterize(render_label_pdf([LABEL]), tmp_path)
    rects = {s.data.decode(): s.rect for s in pyzbar.decode(image)}
    assert rects["SF1234567890123"].height > rects["RMA-2026-000123"].height
    assert rects["SF1234567890123"].width > rects["RMA-2026-000123"].width


def test_without_tracking_number_only_the_rma_is_a_barcode(tmp_path: Path) -> None:
    pdf = render_label_pdf([replace(LABEL, tracking_number="", carrier="", shipped_on=None)])
    assert code128_values(rasterize(pdf, tmp_path)) == {"RMA-2026-000123"}
    assert "____-__-__" in page_texts(pdf)[0]


def test_unscannable_tracking_number_is_printed_as_text(tmp_path: Path) -> None:
    for tracking in ("运单 123456", "JD" + "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
        pdf = render_label_pdf([replace(LABEL, tracking_number=tracking)])
        assert code128_values(rasterize(pdf, tmp_path)) == {"RMA-2026-000123"}
        assert flat(tracking)[:8] in flat(page_texts(pdf)[0])


@pytest.mark.parametrize("size", SIZES)
def test_long_inputs_stay_inside_the_margins(size: str, tmp_path: Path) -> None:
    pdf = render_label_pdf([LABEL, LONG], size)
    width, height = EXPECTED_PT[size]
    for words in word_boxes(pdf, tmp_path):
        assert words
        for x_min, y_min, x_max, y_max, word in words:
            assert x_min >= MARGIN - 0.5 and x_max <= width - MARGIN + 0.5, word
            assert y_min >= MARGIN - 1.5 and y_max <= height - MARGIN + 1.5, word
    for page in (1, 2):
        image = rasterize(pdf, tmp_path, page)
        left, top, right, bottom = ink_box(image)
        edge = round((MARGIN - 0.3 * MM) * DPI / 72)  # 2.7 mm of white all round
        assert left >= edge and top >= edge
        assert right <= image.width - edge and bottom <= image.height - edge


def item_boxes(data: LabelData, size: str) -> list[tuple[float, float, float, float, str]]:
    """(left, top, right, bottom, what) of every text line and barcode in the layout."""
    boxes = []
    for item in layout_label(data, size).items:
        if isinstance(item, Text):
            right = item.x + text_width(item.text, item.size)
            boxes.append((item.x, item.baseline - item.size * 0.9, right,
                          item.baseline + item.size * 0.22, item.text))
        elif isinstance(item, Barcode):
            boxes.append((item.x + item.quiet, item.y, item.x + item.width - item.quiet,
                          item.y + item.height, item.value))
    return boxes


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("address_chars", [30, 60, 64, 75, 80, 95, 400])
def test_no_text_overlaps_or_leaves_the_page_whatever_the_length(size: str, address_chars: int) -> None:
    address = ("广东省深圳市南山区科技园南区高新南七道R2-B栋5楼501室" * 20)[:address_chars]
    width, height = EXPECTED_PT[size]
    for data in (replace(LONG, ship_to_address=address), replace(LABEL, ship_to_address=address)):
        boxes = item_boxes(data, size)
        for left, top, right, bottom, what in boxes:
            assert left >= MARGIN - 0.01 and right <= width - MARGIN + 0.01, what
            assert top >= MARGIN - 0.01 and bottom <= height - MARGIN + 0.01, what
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
                assert apart, (a[4], b[4])


def test_long_inputs_are_shrunk_and_cut_not_lost() -> None:
    text = page_texts(render_label_pdf([LONG]))[0]
    assert "…" in text
    assert "深圳市某某某某智能科技有限公司" in flat(text)
    assert "+867558888999" in flat(text)
    assert "021-5080 1234" in text  # a long sender name is cut, never the phone
    assert "广东省深圳市南山区" in flat(text)
    shown = len(re.findall(r"^· 配件 \d+ accessory", text, flags=re.MULTILINE))
    hidden = int(match(r"…\(\+(\d+)\)", text))
    assert 3 <= shown and shown + hidden == len(LONG.contents)


def test_all_contents_listed_when_they_fit() -> None:
    contents = tuple(f"Item {i}" for i in range(6))
    text = page_texts(render_label_pdf([replace(LABEL, contents=contents)]))[0]
    assert all(item in text for item in contents)
    assert "(+" not in text


def test_empty_contents_and_odd_characters() -> None:
    data = replace(LABEL, contents=(), rma_number="RMA_2026>^~1", tracking_number="")
    assert "RMA_2026>^~1" in page_texts(render_label_pdf([data]))[0]


def test_blank_fields_still_render() -> None:
    """A walk-in customer without an address on file: the label renders, to fill by hand."""
    blank = replace(LABEL, ship_to_name="", ship_to_phone="", ship_to_address="", ship_from_name="",
                    ship_from_phone="", ship_from_address="", contents=(), carrier="",
                    tracking_number="", shipped_on=None)
    assert "RMA-2026-000123" in page_texts(render_label_pdf([blank]))[0]
    assert len(zpl_formats(render_label_zpl([blank]))) == 1


def test_unknown_size_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown label size"):
        render_label_pdf([LABEL], "A6")
    with pytest.raises(ValueError, match="unknown label size"):
        render_label_zpl([LABEL], "6x4")


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="freight"):
        replace(LABEL, freight="cod")
    with pytest.raises(ValueError, match="Code128"):
        render_label_pdf([replace(LABEL, rma_number="RMA-二〇二六")])
    with pytest.raises(ValueError, match="no labels"):
        render_label_pdf([])
    with pytest.raises(ValueError, match="too narrow"):
        render_label_pdf([replace(LABEL, rma_number="RMA-" + "X" * 40)])


# --------------------------------------------------------------------------- wrapping


def test_cjk_wraps_at_any_character_and_latin_at_spaces() -> None:
    lines = wrap_text("广东省深圳市南山区科技园 Science Park South Building", 100, 10)
    assert "".join(lines).replace(" ", "") == "广东省深圳市南山区科技园SciencePark South Building".replace(" ", "")
    words = {"Science", "Park", "South", "Building"}
    assert all(token in words or not token.isascii() for line in lines for token in line.split())
    assert all(text_width(line, 10) <= 100 for line in lines)


def test_closing_punctuation_never_starts_a_line() -> None:
    text = "一二三四五六七八九十，一二三四五六七八九十。"
    width = text_width("一二三四五六七八九十", 10)
    lines = wrap_text(text, width, 10)
    assert all(not line.startswith(("，", "。")) for line in lines)
    assert "".join(lines) == text


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab 中文号楼,-，R2", max_size=80), st.floats(20, 200))
def test_wrapped_lines_fit_and_keep_every_character(text: str, width: float) -> None:
    lines = wrap_text(text, width, 9)
    assert all(text_width(line, 9) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


# --------------------------------------------------------------------------- ZPL


@pytest.mark.parametrize("size", SIZES)
def test_zpl_structure(size: str) -> None:
    zpl = render_label_zpl([LABEL, LONG, replace(LABEL, tracking_number="")], size)
    assert zpl.count("^XA") == zpl.count("^XZ") == len(zpl_formats(zpl)) == 3
    width, height = EXPECTED_DOTS[size]
    for fmt in zpl_formats(zpl):
        assert f"^PW{width}" in fmt and f"^LL{height}" in fmt and "^CI28" in fmt
    assert "^PW812\n^LL1218" in render_label_zpl([LABEL])
    assert zpl.isascii()


def test_zpl_barcodes_are_code128_with_two_dot_modules() -> None:
    fmt = zpl_formats(render_label_zpl([LABEL]))[0]
    fields = re.findall(r"\^BY(\d+)\^A0N,\d+,\d+\^BCN,(\d+),Y,N,N\^FD([^\^]+)\^FS", fmt)
    values = {decoded_field_value(data): int(module) for module, _, data in fields}
    assert values == {"RMA-2026-000123": 2, "SF1234567890123": 4}  # tracking: double width
    assert "^BY2" in fmt


def test_zpl_barcode_data_escapes_zpl_characters() -> None:
    data, hex_escaped = code128_field_data("A>B^C~D_E")
    assert hex_escaped and "^" not in data and "~" not in data
    assert decoded_field_value(data) == "A>B^C~D_E"
    fmt = zpl_formats(render_label_zpl([replace(LABEL, rma_number="R^1~2_3")]))[0]
    assert "^FH_^FD" in fmt


@pytest.mark.parametrize("size", SIZES)
def test_zpl_renders_back_to_a_label_that_scans(size: str, tmp_path: Path) -> None:
    width, height = EXPECTED_DOTS[size]
    margin = round(MARGIN * DPI / 72)
    for data in (LABEL, LONG):
        image, fields, barcodes = render_zpl(zpl_formats(render_label_zpl([data], size))[0])
        assert code128_values(image) == {data.rma_number, data.tracking_number}
        assert {decoded_field_value(b) for b in barcodes} == {data.rma_number, data.tracking_number}
        assert len(fields) >= 12
        for x, y, bitmap in fields:
            assert bitmap.any()  # every text line has ink
            assert 0 <= x and x + bitmap.shape[1] <= width and 0 <= y and y + bitmap.shape[0] <= height
            ink_rows, ink_cols = np.nonzero(bitmap)
            assert x + ink_cols.min() >= margin - 3 and x + ink_cols.max() < width - margin + 3
            assert y + ink_rows.min() >= margin - 3 and y + ink_rows.max() < height - margin + 3
    image.save(tmp_path / "zpl.png")


def test_zpl_compressed_and_plain_hex_are_the_same_picture() -> None:
    packed = render_zpl(zpl_formats(render_label_zpl([LONG]))[0])[0]
    plain_zpl = render_label_zpl([LONG], compress=False)
    assert re.search(r"\^GFA,\d+,\d+,\d+,[0-9A-F]+\^FS", plain_zpl)
    for args in re.findall(r"\^GF(A,[^\^]+)", plain_zpl):
        total, row_bytes, data = args.split(",")[1], args.split(",")[3], args.split(",")[4]
        assert len(data) == 2 * int(total) and int(total) % int(row_bytes) == 0
    plain = render_zpl(zpl_formats(plain_zpl)[0])[0]
    assert np.array_equal(np.asarray(packed), np.asarray(plain))


def test_zpl_is_byte_identical_small_and_quick() -> None:
    start = time.perf_counter()
    zpl = render_label_zpl([LABEL, LONG], "100x180")
    assert time.perf_counter() - start < 5
    assert zpl == render_label_zpl([replace(LABEL), replace(LONG)], "100x180")
    assert len(render_label_zpl([LONG], "100x180")) < 200_000
    assert len(render_label_zpl([LONG], "100x180", compress=False)) < 200_000


def test_zpl_content_matches_the_pdf() -> None:
    """The ZPL carries the same lines as the PDF: one graphic field per text line."""
    pdf_lines = sum(1 for line in page_texts(render_label_pdf([LABEL]))[0].splitlines() if line.strip())
    fields = render_zpl(zpl_formats(render_label_zpl([LABEL]))[0])[1]
    assert len(fields) >= pdf_lines - 2  # barcode texts are interpretation lines in ZPL


def test_zpl_at_300_dpi_scales_dots_and_modules() -> None:
    fmt = zpl_formats(render_label_zpl([LABEL], "4x6", dpi=300))[0]
    assert "^PW1200" in fmt and "^LL1800" in fmt and "^BY3" in fmt and "^BY6" in fmt
    image = render_zpl(fmt)[0]
    assert code128_values(image) == {"RMA-2026-000123", "SF1234567890123"}
    with pytest.raises(ValueError, match="dpi"):
        render_label_zpl([LABEL], dpi=72)


# --------------------------------------------------------------------------- printer


def _listen() -> tuple[socket.socket, list[bytes], threading.Thread]:
    server = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            chunks = []
            while chunk := conn.recv(65536):
                chunks.append(chunk)
            received.append(b"".join(chunks))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return server, received, thread


def test_send_zpl_delivers_every_byte() -> None:
    zpl = render_label_zpl([LABEL, LONG])
    server, received, thread = _listen()
    with server:
        sent = send_zpl("127.0.0.1", zpl, port=server.getsockname()[1], timeout=5)
        thread.join(5)
    assert received == [zpl.encode()]
    assert sent == len(zpl.encode())


def test_send_zpl_to_a_closed_port_fails_quickly() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    start = time.perf_counter()
    with pytest.raises(PrinterError, match=f"127.0.0.1:{port}"):
        send_zpl("127.0.0.1", "^XA^XZ", port=port, timeout=2)
    assert time.perf_counter() - start < 2


def test_send_zpl_times_out_as_printer_error() -> None:
    """A printer that accepts but never reads: the send blocks, then times out."""
    with socket.create_server(("127.0.0.1", 0)) as stalled:
        start = time.perf_counter()
        with pytest.raises(PrinterError, match="timed out"):
            send_zpl("127.0.0.1", "^XA" * 30_000_000, port=stalled.getsockname()[1], timeout=0.3)
        assert time.perf_counter() - start < 3
