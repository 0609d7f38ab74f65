"""Intake tag and customer receipt PDFs: layout, text, fonts, barcodes, determinism."""
from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from pyzbar import pyzbar

from depot.errors import UnavailableError
from depot.labels import (
    MODULE_PT,
    ReceiptData,
    TagData,
    register_cjk_font,
    render_intake_tag,
    render_receipt,
)
from tests.label_support import DPI, rasterize

MM = 72 / 25.4
A5_PT = (419.53, 595.28)

TAG = TagData(
    rma_number="RMA-2024-000123",
    serial="SN8H2K4Q9ZX71",
    model_code="X-200",
    model_name="手持扫描枪 X200 Pro",
    received_on=date(2024, 3, 15),
    customer_name="张伟",
    accessories=("power_adapter", "battery"),
)

RECEIPT = ReceiptData(
    depot_name="Depot 维修中心（上海浦东站）",
    depot_address="上海市浦东新区张江高科技园区碧波路 690 号 3 号楼 2 层",
    depot_phone="021-5080 1234",
    rma_number="RMA-2024-000123",
    received_on=date(2024, 3, 15),
    serial="SN8H2K4Q9ZX71",
    model_code="X-200",
    model_name="手持扫描枪 X200 Pro",
    customer_name="张伟",
    customer_phone="138 0013 8000",
    customer_address="上海市徐汇区漕溪北路 88 号圣爱大厦 12 楼 1203 室",
    fault_description="设备开机后屏幕闪烁，扫描头无法识别二维码。\nThe scanner freezes when reading QR codes.",
    accessories=("power_adapter", "data_cable"),
    warranty_status="in_warranty",
    warranty_reasons=("购买日期 2023-06-01，在 24 个月保修期内。", "No physical damage found."),
    due_on=date(2024, 3, 29),
    status_url="https://depot.example.com/s/RMA-2024-000123",
)


# --------------------------------------------------------------------------- helpers


FOOTER = re.compile(r"RMA-\S+\s+第 \d+ 页 / Page \d+\n?")


def page_text(pdf: bytes) -> str:
    """All pages' text, without the receipt's page footers (they interrupt wrapped values)."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return FOOTER.sub("", text)


def flat(text: str) -> str:
    """Extracted text without the line breaks and spaces wrapping inserts."""
    return re.sub(r"\s+", "", text)


def code128_symbols(image: Image.Image) -> list[pyzbar.Decoded]:
    return [s for s in pyzbar.decode(image) if s.type == "CODE128"]


def narrowest_run(image: Image.Image, symbol: pyzbar.Decoded) -> int:
    """Narrowest bar or space (pixels) on the middle scanline of a decoded symbol."""
    left, top, width, height = symbol.rect
    y = top + height // 2
    row = [image.getpixel((x, y)) < 128 for x in range(left, left + width)]
    runs, current, length = [], row[0], 0
    for dark in row:
        if dark == current:
            length += 1
        else:
            runs.append(length)
            current, length = dark, 1
    runs.append(length)
    return min(runs[1:-1] or runs)  # the outer runs may be cut by the rect


def font_files(pdf: bytes) -> list[str]:
    """Embedded font-program keys (/FontFile2 etc.) of every font on every page."""
    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            found += [key for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor]
    return found


def pages(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height))
            for p in PdfReader(io.BytesIO(pdf)).pages]


# --------------------------------------------------------------------------- fonts


def test_font_registration_is_idempotent() -> None:
    assert register_cjk_font() == register_cjk_font() == "WQY"


def test_missing_font_names_the_package(tmp_path: Path) -> None:
    with pytest.raises(UnavailableError, match="apt-get install fonts-wqy-microhei") as caught:
        register_cjk_font(tmp_path / "missing.ttc")
    assert caught.value.code == "pdf_font_missing"
    assert caught.value.details["path"] == str(tmp_path / "missing.ttc")


def test_a_font_without_chinese_or_not_truetype_is_refused(tmp_path: Path) -> None:
    import reportlab

    latin = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"  # Latin letters only
    with pytest.raises(UnavailableError, match="no Chinese characters"):
        register_cjk_font(latin)
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"not a font at all" * 10)
    with pytest.raises(UnavailableError) as caught:
        register_cjk_font(junk)
    assert caught.value.code == "pdf_font_unusable"


# --------------------------------------------------------------------------- intake tag


def test_tag_is_one_page_of_60_by_40_mm() -> None:
    (width, height), = pages(render_intake_tag(TAG))
    assert width == pytest.approx(60 * MM, abs=0.01)
    assert height == pytest.approx(40 * MM, abs=0.01)


def test_tag_size_is_configurable() -> None:
    (width, height), = pages(render_intake_tag(TAG, width_mm=100, height_mm=50))
    assert (width, height) == (pytest.approx(100 * MM, abs=0.01), pytest.approx(50 * MM, abs=0.01))


def test_tag_text_is_extractable() -> None:
    text = page_text(render_intake_tag(TAG))
    for expected in ("RMA-2024-000123", "SN8H2K4Q9ZX71", "X-200", "手持扫描枪", "2024-03-15",
                     "张伟", "电源", "数据线", "电池", "其他"):
        assert expected in text


def test_tag_embeds_its_only_font() -> None:
    assert font_files(render_intake_tag(TAG)) == ["/FontFile2"]


def test_tag_is_byte_identical_for_the_same_input() -> None:
    first = render_intake_tag(TAG)
    render_receipt(RECEIPT)  # other documents in between share the font's subset state
    assert render_intake_tag(replace(TAG)) == first


def test_tag_barcodes_scan_at_203_dpi(tmp_path: Path) -> None:
    image = rasterize(render_intake_tag(TAG), tmp_path)
    values = {s.data.decode() for s in code128_symbols(image)}
    assert values == {"RMA-2024-000123", "SN8H2K4Q9ZX71"}


def test_tag_bars_are_at_least_two_dots_wide(tmp_path: Path) -> None:
    assert MODULE_PT * DPI / 72 >= 2
    image = rasterize(render_intake_tag(TAG), tmp_path)
    symbols = code128_symbols(image)
    assert symbols
    for symbol in symbols:
        assert narrowest_run(image, symbol) >= 2


def test_tag_with_long_values_stays_on_the_label(tmp_path: Path) -> None:
    tag = replace(
        TAG, serial="C02XK1ABCDEFGHJKLMNPQRSTUVWXYZ-0123456789",
        model_name="非常非常长的型号名称用于测试自动缩小字体和截断功能是否正常工作" * 3,
        customer_name="欧阳娜娜上海某某某某科技有限公司采购部" * 4, accessories=(),
    )
    pdf = render_intake_tag(tag)
    assert len(pages(pdf)) == 1
    image = rasterize(pdf, tmp_path)
    edge = 6  # pixels: nothing may be drawn into the outer ~0.75 mm
    inner = image.crop((edge, edge, image.width - edge, image.height - edge))
    assert image.histogram()[0] == inner.histogram()[0]  # all black pixels are inside
    # The serial no longer fits as a symbol; it is printed as (shrunk, cut) text.
    assert {s.data.decode() for s in code128_symbols(image)} == {"RMA-2024-000123"}
    assert "C02XK1" in page_text(pdf)


def test_tag_shrinks_to_a_low_label(tmp_path: Path) -> None:
    pdf = render_intake_tag(TAG, width_mm=60, height_mm=30)
    image = rasterize(pdf, tmp_path)
    assert "RMA-2024-000123" in {s.data.decode() for s in code128_symbols(image)}


def test_tag_marks_unknown_accessory_as_other() -> None:
    assert render_intake_tag(replace(TAG, accessories=("charger_dock",)))


def test_tag_too_narrow_for_the_barcode_is_refused() -> None:
    with pytest.raises(ValueError, match="too narrow"):
        render_intake_tag(TAG, width_mm=30, height_mm=20)


def test_non_ascii_rma_number_is_refused() -> None:
    with pytest.raises(ValueError, match="Code128"):
        render_intake_tag(replace(TAG, rma_number="RMA-二〇二四"))


def test_non_ascii_serial_is_printed_as_text(tmp_path: Path) -> None:
    pdf = render_intake_tag(replace(TAG, serial="序列号-12345"))
    assert "序列号-12345" in page_text(pdf)
    values = {s.data.decode() for s in code128_symbols(rasterize(pdf, tmp_path))}
    assert values == {"RMA-2024-000123"}


# --------------------------------------------------------------------------- receipt


def test_receipt_is_a5_portrait() -> None:
    for width, height in pages(render_receipt(RECEIPT)):
        assert (width, height) == (pytest.approx(A5_PT[0], abs=0.01), pytest.approx(A5_PT[1], abs=0.01))


def test_typical_receipt_fits_one_page() -> None:
    for lang in ("zh_CN", "zh_TW", "en"):
        assert len(pages(render_receipt(RECEIPT, lang=lang))) == 1


def test_receipt_text_zh_cn() -> None:
    text = page_text(render_receipt(RECEIPT))
    for expected in ("设备领取收据", "Equipment receipt", "RMA-2024-000123", "SN8H2K4Q9ZX71",
                     "张伟", "138 0013 8000", "手持扫描枪", "2024-03-15", "2024-03-29",
                     "电源适配器", "Power adapter", "数据线", "Data cable", "保修期内", "In warranty",
                     "No physical damage found.", "请保留此收据，取回设备时出示", "Keep this receipt",
                     "收件人签名", "客户签名", "Depot 维修中心"):
        assert expected in text, expected
    assert "上海市徐汇区漕溪北路88号圣爱大厦12楼1203室" in flat(text)
    assert "https://depot.example.com/s/RMA-2024-000123" in flat(text)
    assert text.index("设备领取收据") < text.index("Equipment receipt")


def test_receipt_text_zh_tw_uses_traditional_characters() -> None:
    text = page_text(render_receipt(RECEIPT, lang="zh_TW"))
    for expected in ("設備領取收據", "Equipment receipt", "電源適配器", "數據線",
                     "請保留此收據，取回設備時出示", "客戶簽名"):
        assert expected in text, expected
    assert "设备领取收据" not in text


def test_receipt_text_en_puts_english_first() -> None:
    text = page_text(render_receipt(RECEIPT, lang="en"))
    assert text.index("Equipment receipt") < text.index("设备领取收据")
    assert "Power adapter" in text and "电源适配器" in text


def test_receipt_lists_accessories_as_its_first_language_writes_a_list() -> None:
    chinese = flat(page_text(render_receipt(RECEIPT)))
    english = flat(page_text(render_receipt(RECEIPT, lang="en")))
    assert "电源适配器/Poweradapter；数据线/Datacable" in chinese
    assert "Poweradapter/电源适配器;Datacable/数据线" in english and "；" not in english


def test_receipt_lists_battery_other_and_none() -> None:
    text = page_text(render_receipt(replace(RECEIPT, accessories=("battery", "other"))))
    assert "电池 / Battery" in text and "其他 / Other" in text
    assert "无 / None" in page_text(render_receipt(replace(RECEIPT, accessories=())))


@pytest.mark.parametrize(
    ("status", "expected"),
    [("out_of_warranty", "已过保修期 / Out of warranty"), ("unknown", "待确认 / To be confirmed")],
)
def test_receipt_warranty_status(status: str, expected: str) -> None:
    pdf = render_receipt(replace(RECEIPT, warranty_status=status, warranty_reasons=("Seal broken.",)))
    assert expected in page_text(pdf)
    assert "Seal broken." in page_text(pdf)


def test_receipt_without_due_date_or_status_url() -> None:
    text = page_text(render_receipt(replace(RECEIPT, due_on=None, status_url=None)))
    assert "待定 / To be confirmed" in text
    assert "depot.example.com" not in text


def test_receipt_embeds_its_only_font() -> None:
    assert font_files(render_receipt(RECEIPT)) == ["/FontFile2"]


def test_receipt_is_byte_identical_for_the_same_input() -> None:
    assert render_receipt(RECEIPT) == render_receipt(replace(RECEIPT))
    assert render_receipt(RECEIPT, lang="zh_TW") != render_receipt(RECEIPT)


def test_receipt_barcode_scans_at_203_dpi(tmp_path: Path) -> None:
    image = rasterize(render_receipt(RECEIPT), tmp_path)
    symbols = code128_symbols(image)
    assert [s.data.decode() for s in symbols] == ["RMA-2024-000123"]
    assert narrowest_run(image, symbols[0]) >= 2


def test_receipt_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="language"):
        render_receipt(RECEIPT, lang="fr")


def test_very_long_address_and_fault_flow_onto_more_a5_pages(tmp_path: Path) -> None:
    data = replace(
        RECEIPT,
        customer_address="很长的地址" * 400,
        fault_description="故障描述很长 long fault text " * 300,
        warranty_reasons=tuple(f"理由 {i} reason sentence." for i in range(30)),
    )
    pdf = render_receipt(data)
    sizes = pages(pdf)
    assert len(sizes) > 2
    assert all(size == (pytest.approx(A5_PT[0], abs=0.01), pytest.approx(A5_PT[1], abs=0.01))
               for size in sizes)
    text = page_text(pdf)
    # Nothing lost or garbled across page breaks.
    assert flat(text).count("很长的地址") == 400
    assert flat(text).count("故障描述很长longfaulttext") == 300
    assert not re.search("longfault|faulttext|长long|text故", text)  # no word spaces dropped
    assert "理由 29 reason sentence." in text
    assert "请保留此收据" in text
    last = rasterize(pdf, tmp_path, page=len(sizes))
    assert last.histogram()[0] > 0  # the last page is not blank


def test_long_unbroken_tokens_wrap_inside_the_cell(tmp_path: Path) -> None:
    data = replace(RECEIPT, customer_address="X" * 600, status_url="https://e.com/" + "a" * 300)
    pdf = render_receipt(data)
    image = rasterize(pdf, tmp_path)
    right_margin = image.crop((image.width - int(10 * MM * DPI / 72), 0, image.width, image.height))
    assert right_margin.histogram()[0] == 0  # nothing runs into the right margin
    assert flat(page_text(pdf)).count("X") >= 600
