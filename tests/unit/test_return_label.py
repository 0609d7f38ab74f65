"""Return shipping label: PDF (layout, text, fonts, barcodes, margins), ZPL II and raw printing."""
from __future__ import annotations

import io
import re
import socket
import subprocess
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader
from pyzbar import pyzbar

from depot.labels import (
    LABEL_SIZES,
    LabelData,
    PrinterError,
    render_label_pdf,
    render_label_zpl,
    send_zpl,
)
from depot.labels.fonts import text_width
from depot.labels.layout import Badge, Barcode, Text
from depot.labels.shipping import MARGIN, layout_label
from depot.labels.wrap import wrap_text
from depot.labels.zpl import (
    MAX_LABEL_BYTES,
    code128_field_data,
    code128_modules,
    field_data,
    text_runs,
)
from tests.label_support import (
    DPI,
    LABEL,
    LONG,
    WORST,
    code128_symbol,
    code128_values,
    decoded_field_value,
    dense_chinese,
    match,
    rasterize,
    render_zpl,
    zpl_formats,
)

MM = 72 / 25.4
SIZES = tuple(LABEL_SIZES)
EXPECTED_PT = {"4x6": (288.0, 432.0), "100x150": (100 * MM, 150 * MM), "100x180": (100 * MM, 180 * MM)}
EXPECTED_DOTS = {"4x6": (812, 1218), "100x150": (799, 1199), "100x180": (799, 1439)}


# --------------------------------------------------------------------------- helpers


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height))
            for p in PdfReader(io.BytesIO(pdf)).pages]


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
    barcodes = render_zpl(fmt).barcodes
    assert {b.value: b.module for b in barcodes} == {"RMA-2026-000123": 2, "SF1234567890123": 4}
    assert "^BY2" in fmt and all(b.module >= 2 for b in barcodes)  # tracking: double width
    assert len(re.findall(r"\^BCN,\d+,Y,N,N,A\^FD", fmt)) == 2  # automatic subsets


@pytest.mark.parametrize("size", SIZES)
def test_zpl_carries_the_numbers_as_plain_text(size: str) -> None:
    """What a printer log, a reprint tool or an integrator greps for is there as typed: the
    barcodes' data is the number itself, and the printed lines are text fields."""
    for data in (LABEL, LONG, WORST, replace(LABEL, tracking_number="", shipped_on=None)):
        fmt = zpl_formats(render_label_zpl([data], size))[0]
        assert f"^FD{data.rma_number}^FS" in fmt
        assert re.search(rf"\^BCN,\d+,Y,N,N,A\^FD{data.rma_number}\^FS", fmt)
        if data.tracking_number:
            assert f"^FD{data.tracking_number}^FS" in fmt
        texts = [t.text for t in render_zpl(fmt).texts]
        assert any(text.endswith(data.rma_number) and "Shipped" in text for text in texts)
    texts = {t.text for t in render_zpl(zpl_formats(render_label_zpl([LABEL], size))[0]).texts}
    assert {"138 0013 8000", "021-5080 1234", "SN F18A0012345", "SF Express", "COLLECT"} <= texts


def test_zpl_splits_lines_into_printer_text_and_chinese_bitmaps() -> None:
    assert text_runs("张伟  138 0013 8000") == [(0, "张伟", False), (4, "138 0013 8000", True)]
    assert text_runs("RMA 返修件寄回 Repair return") == [
        (0, "RMA", True), (4, "返修件寄回", False), (10, "Repair return", True)]
    assert text_runs("· 配件 0 item") == [(0, "· 配件", False), (5, "0 item", True)]
    assert text_runs("南七道 R2-B 栋") == [
        (0, "南七道", False), (4, "R2-B", True), (9, "栋", False)]
    assert text_runs("+86 755 8888") == [(0, "+86 755 8888", True)]
    assert text_runs("  ") == [] and text_runs("·") == [(0, "·", True)]
    for data in (LABEL, LONG):
        printed = render_zpl(zpl_formats(render_label_zpl([data]))[0])
        runs = [run for item in layout_label(data).items if isinstance(item, Text | Badge)
                for run in text_runs((item.text if isinstance(item, Badge) else item).text)]
        assert [t.text for t in printed.texts] == [run for _, run, resident in runs if resident]
        assert len(printed.graphics) == sum(1 for *_, resident in runs if not resident)
        for field in printed.graphics:  # a bitmap is a run the printer's font cannot print
            assert field.bitmap.any()


def test_zpl_text_escapes_zpl_characters_and_non_ascii() -> None:
    assert field_data("plain_text 1-2") == ("plain_text 1-2", False)
    assert field_data("a^b~c_d×·…") == ("a_5Eb_7Ec_5Fd_C3_97_C2_B7_E2_80_A6", True)
    odd = replace(LABEL, ship_to_name="O'Brien ^~_ Müller", ship_to_phone="+1 (555) 0100")
    fmt = zpl_formats(render_label_zpl([odd]))[0]
    assert "^FH_^FDO'Brien _5E_7E_5F M_C3_BCller  +1 (555) 0100^FS" in fmt
    assert "O'Brien ^~_ Müller  +1 (555) 0100" in {t.text for t in render_zpl(fmt).texts}
    for field in re.findall(r"\^FD([^^]*)\^FS", fmt):
        assert "~" not in field  # a tilde would be a control command


def test_zpl_barcode_data_escapes_zpl_characters() -> None:
    field = code128_field_data("A>B^C~D_E")  # ">" is ZPL's invocation character: mode N
    assert field.mode == "N" and field.hex_escaped
    assert "^" not in field.data and "~" not in field.data
    assert decoded_field_value(field.data) == "A>B^C~D_E"
    fmt = zpl_formats(render_label_zpl([replace(LABEL, rma_number="R^1~2_3")]))[0]
    assert re.search(r"\^BCN,\d+,Y,N,N,A\^FH_\^FDR_5E1_7E2_5F3\^FS", fmt)
    assert "R^1~2_3" in {b.value for b in render_zpl(fmt).barcodes}


def test_code128_modules_are_the_shortest_symbol() -> None:
    """The width the ZPL centres a symbol by: never more than reportlab's for the PDF."""
    assert code128_modules("1234") == 11 * 4 + 13  # start C, 12, 34, check, stop
    assert code128_modules("A") == 11 * 3 + 13
    assert code128_modules("RMA-2026-000123") == 11 * 15 + 13  # B R M A - 2 0 2 6 - C 00 01 23
    for value in ("SF1234567890123", "YT2412345678901234", "JD0123456789ABC", "12345", "a1b22c333"):
        assert code128_modules(value) <= 11 * (len(code128_symbol(value)) - 1) + 13


@pytest.mark.parametrize("size", SIZES)
def test_zpl_renders_back_to_a_label_that_scans(size: str, tmp_path: Path) -> None:
    width, height = EXPECTED_DOTS[size]
    margin = round(MARGIN * DPI / 72)
    for data in (LABEL, LONG):
        printed = render_zpl(zpl_formats(render_label_zpl([data], size))[0])
        assert code128_values(printed.image) == {data.rma_number, data.tracking_number}
        assert {b.value for b in printed.barcodes} == {data.rma_number, data.tracking_number}
        assert len(printed.graphics) + len(printed.texts) >= 12
        for field in printed.graphics:
            x, y, bitmap = field.x, field.y, field.bitmap
            assert bitmap.any()  # every Chinese run has ink
            assert 0 <= x and x + bitmap.shape[1] <= width
            assert 0 <= y and y + bitmap.shape[0] <= height
            ink_rows, ink_cols = np.nonzero(bitmap)
            assert x + ink_cols.min() >= margin - 3 and x + ink_cols.max() < width - margin + 3
            assert y + ink_rows.min() >= margin - 3 and y + ink_rows.max() < height - margin + 3
        for text in printed.texts:  # the most room a text field's font could take
            left, top, right, bottom = text.box()
            assert left >= margin - 3 and right < width - margin + 3, text
            assert top >= margin - 3 and bottom < height - margin + 3, text
        for barcode in printed.barcodes:
            assert barcode.x >= margin and barcode.right <= width - margin
    printed.image.save(tmp_path / "zpl.png")


@pytest.mark.parametrize("size", SIZES)
def test_zpl_text_fields_do_not_run_into_each_other(size: str) -> None:
    """A text field, as wide as its font could print it, ends before the next field on its
    line (text or bitmap) starts: a printer's font 0 never runs into the Chinese after it."""
    for data in (LABEL, LONG, WORST):
        printed = render_zpl(zpl_formats(render_label_zpl([data], size))[0])
        for text in printed.texts:
            right = text.box()[2]
            after = [t.x for t in printed.texts if t.baseline == text.baseline and t.x > text.x]
            after += [g.x for g in printed.graphics
                      if g.y <= text.baseline <= g.y + g.bitmap.shape[0] and g.x > text.x]
            assert not after or right <= min(after) + 1, text


def test_zpl_badges_are_black_boxes_with_reversed_text() -> None:
    collect = zpl_formats(render_label_zpl([LABEL]))[0]
    prepaid = zpl_formats(render_label_zpl([replace(LABEL, freight="prepaid")]))[0]
    assert "^FR^FDCOLLECT^FS" in collect and "^FDPREPAID^FS" in prepaid
    assert "^FR^FDPREPAID" not in prepaid and "COLLECT" not in prepaid
    corner = (slice(0, 80), slice(EXPECTED_DOTS["4x6"][0] // 2, None))
    dark = {name: (np.asarray(render_zpl(fmt).image) < 128)[corner].mean()
            for name, fmt in (("collect", collect), ("prepaid", prepaid))}
    assert dark["collect"] > 0.35 > dark["prepaid"]
    reversed_bitmaps = [g for g in render_zpl(collect).graphics if g.reverse]
    assert len(reversed_bitmaps) == 2  # 到付 and 收, knocked out of their boxes


def test_zpl_compressed_and_plain_hex_are_the_same_picture() -> None:
    packed_zpl = render_label_zpl([LONG])
    assert ":Z64:" in packed_zpl  # zlib + base64, its CRC checked by the reader
    packed = render_zpl(zpl_formats(packed_zpl)[0]).image
    plain_zpl = render_label_zpl([LONG], compress=False)
    assert re.search(r"\^GFA,\d+,\d+,\d+,[0-9A-F]+\^FS", plain_zpl) and ":Z64:" not in plain_zpl
    for args in re.findall(r"\^GF(A,[^\^]+)", plain_zpl):
        total, row_bytes, data = args.split(",")[1], args.split(",")[3], args.split(",")[4]
        assert len(data) == 2 * int(total) and int(total) % int(row_bytes) == 0
    plain = render_zpl(zpl_formats(plain_zpl)[0]).image
    assert np.array_equal(np.asarray(packed), np.asarray(plain))


def test_zpl_is_byte_identical_small_and_quick() -> None:
    start = time.perf_counter()
    zpl = render_label_zpl([LABEL, LONG], "100x180")
    assert time.perf_counter() - start < 5
    assert zpl == render_label_zpl([replace(LABEL), replace(LONG)], "100x180")
    assert len(render_label_zpl([LONG], "100x180")) < MAX_LABEL_BYTES
    assert len(render_label_zpl([LONG], "100x180", compress=False)) < 200_000


def hidden_contents(fmt: str) -> int:
    """N of the "…(+N)" line, 0 when every contents line is listed."""
    found = re.search(r"\^FD_E2_80_A6\(\+(\d+)\)\^FS", fmt)
    return int(found[1]) if found else 0


@pytest.mark.parametrize("size", SIZES)
def test_zpl_stays_under_32_kb_for_worst_case_inputs(size: str) -> None:
    """Low-end printers fail on a format larger than their free memory (32 KB): Chinese
    addresses as long as the label takes, every field dense with distinct glyphs."""
    addresses = replace(LABEL, ship_to_address=dense_chinese(400, 7),
                        ship_from_address=dense_chinese(200, 8), ship_to_name=dense_chinese(30, 9))
    for data in (LABEL, LONG, WORST, addresses, replace(WORST, freight="collect")):
        fmt = render_label_zpl([data], size)
        assert len(fmt.encode()) < MAX_LABEL_BYTES, (data.ship_to_name, len(fmt))
        pdf_hidden = int((re.findall(r"…\(\+(\d+)\)", page_texts(render_label_pdf([data], size))[0])
                          or [0])[0])
        assert hidden_contents(fmt) >= pdf_hidden
    for data in (LABEL, addresses):  # nothing to spare: the ZPL lists what the PDF lists
        assert hidden_contents(render_label_zpl([data], size)) == 0


def test_zpl_lists_fewer_contents_only_to_stay_under_the_budget() -> None:
    """Past the budget the ZPL drops contents lines from the end, and counts them."""
    fmt = render_label_zpl([WORST], "100x180")
    hidden = hidden_contents(fmt)
    printed = render_zpl(fmt)
    heading = next(t for t in printed.texts if t.text == "Contents")
    tail = next(t for t in printed.texts if t.text.startswith("…(+"))
    listed = [g for g in printed.graphics if heading.baseline < g.y < tail.baseline - 10]
    assert len(listed) >= 3 and len(listed) + hidden == len(WORST.contents)
    more = render_label_zpl([replace(WORST, contents=WORST.contents[: len(listed) + 1])],
                            "100x180")
    assert hidden_contents(more) == 1  # one line more would not have fitted
    # at 600 dpi even no contents would not bring it under: then nothing is dropped for nothing
    pdf_hidden = int(re.findall(r"…\(\+(\d+)\)", page_texts(render_label_pdf([LONG]))[0])[0])
    sharp = render_label_zpl([LONG], dpi=600)
    assert len(sharp) > MAX_LABEL_BYTES and hidden_contents(sharp) == pdf_hidden


def test_zpl_content_matches_the_pdf() -> None:
    """The ZPL carries the same lines as the PDF: what the PDF says in Latin letters and digits
    is in the ZPL's text fields, and each line with Chinese has its bitmaps."""
    for data in (LABEL, replace(LABEL, freight="prepaid", tracking_number="", carrier="")):
        pdf_lines = [line for line in page_texts(render_label_pdf([data]))[0].splitlines()
                     if line.strip()]
        printed = render_zpl(zpl_formats(render_label_zpl([data]))[0])
        zpl_text = flat(" ".join([t.text for t in printed.texts]
                                 + [b.value for b in printed.barcodes]))
        for line in pdf_lines:
            for latin in re.findall(r"[A-Za-z0-9](?:[\x20-\x7e]*[A-Za-z0-9])?", line):
                assert flat(latin) in zpl_text, (latin, line)
        chinese_lines = [line for line in pdf_lines
                         if re.search(r"[\u3000-\u9fff\uff00-\uffef]", line)]
        assert len(printed.graphics) >= len(chinese_lines)


def test_zpl_at_300_dpi_scales_dots_and_modules() -> None:
    fmt = zpl_formats(render_label_zpl([LABEL], "4x6", dpi=300))[0]
    assert "^PW1200" in fmt and "^LL1800" in fmt and "^BY3" in fmt and "^BY6" in fmt
    image = render_zpl(fmt).image
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
