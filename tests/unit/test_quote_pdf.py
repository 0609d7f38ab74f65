"""The non-warranty repair quote PDF: page, text, font, determinism, QR code, tax, photos."""
from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from pyzbar import pyzbar

from depot.quotes import EvidencePhoto, QuoteDocument, QuoteLineView, render_quote
from tests.label_support import rasterize as rasterize_page

A4_PT = (595.28, 841.89)
FOOTER = re.compile(r"RMA-\S+\n第 \d+ 页 / Page \d+\n")
APPROVAL_URL = "https://depot.example.com/q/RMA-2026-000123-Q2?t=eyJ2IjoyLCJxIjoxMjN9.Kd8s3fQ"


# --------------------------------------------------------------------------- data


def jpeg(size: tuple[int, int], color: str, label: str) -> bytes:
    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((size[0] // 5, size[1] // 4, size[0] * 3 // 5, size[1] * 3 // 4), outline="white", width=8)
    draw.text((20, 20), label, fill="white")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def line(kind: str, description: str, qty: str, price: str) -> QuoteLineView:
    quantity, unit_price = Decimal(qty), Decimal(price)
    amount = (quantity * unit_price).quantize(Decimal("0.01"))
    return QuoteLineView(kind, description, quantity, unit_price, amount)


def sample_document(**changes: object) -> QuoteDocument:
    """A realistic quote: man-made damage, four lines, 13 % VAT, total 356.50."""
    lines = (
        line("part", "外壳组件（上盖）X200 Top housing", "1", "160.00"),
        line("part", "防拆封条 Warranty seal", "2", "5.00"),
        line("labor", "拆机更换外壳并检测 Replace housing and test", "1.5", "80.00"),
        line("shipping", "顺丰寄回 SF Express return", "1", "25.49"),
    )
    subtotal = sum((item.amount for item in lines), Decimal(0))  # 315.49
    tax = (subtotal * Decimal("0.13")).quantize(Decimal("0.01"))  # 41.01
    document = QuoteDocument(
        depot_name="Depot 维修中心（上海浦东站）",
        depot_address="上海市浦东新区张江高科技园区碧波路 690 号 3 号楼 2 层",
        depot_phone="021-5080 1234",
        quote_number="RMA-2026-000123-Q2",
        version=2,
        rma_number="RMA-2026-000123",
        issued_on=date(2026, 3, 20),
        valid_until=date(2026, 4, 19),
        customer_name="张伟",
        customer_phone="138 0013 8000",
        customer_address="上海市徐汇区漕溪北路 88 号圣爱大厦 12 楼 1203 室",
        model_code="X-200",
        model_name="手持扫描枪 X200 Pro",
        serial="SN8H2K4Q9ZX71",
        received_on=date(2026, 3, 15),
        warranty_status="out_of_warranty",
        warranty_reasons=("X-200保修期24个月，自购买日期2023-06-01起",
                          "保修已于2025-05-31到期，判定日期2026-03-18已过保"),
        damage_class="man_made",
        findings=(("外壳破裂", "shell cracked"), ("防拆封条破损", "warranty seal broken")),
        reasons=("外壳破裂：人为损坏，不在保修范围", "存在人为损坏：维修需客户确认报价并付费"),
        reasons_en=("shell cracked: man-made damage, not covered",
                    "Man-made damage: repair needs the customer's approval of a quote and payment"),
        lines=lines,
        currency="CNY",
        subtotal=subtotal,
        tax_rate=Decimal("0.13"),
        tax=tax,
        total=subtotal + tax,
        payment_instructions=(
            "开户行 Bank：招商银行上海张江支行\n"
            "户名 Account name：上海迪波维修服务有限公司\n"
            "账号 Account no.：1219 0876 5432 101\n"
            "请在附言中注明报价单号 Please quote RMA-2026-000123-Q2 as the payment reference"),
        approval_url=APPROVAL_URL,
        photos=(EvidencePhoto(jpeg((1600, 1200), "#7a4b2a", "crack"), "外壳裂纹 Cracked housing"),
                EvidencePhoto(jpeg((900, 1200), "#2a4b7a", "seal"), "封条破损 Broken seal")),
    )
    return replace(document, **changes)


# --------------------------------------------------------------------------- helpers


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in reader(pdf).pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def fonts(pdf: bytes) -> list[tuple[str, list[str]]]:
    """(base font name, embedded font-program keys) of every font on every page."""
    found = []
    for page in reader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            keys = [key for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor]
            found.append((str(font["/BaseFont"]), keys))
    return found


def embedded_images(pdf: bytes, page: int = 0) -> list[DictionaryObject]:
    """The image XObjects of one page."""
    xobjects = reader(pdf).pages[page]["/Resources"].get("/XObject", {})
    return [x.get_object() for x in xobjects.values() if x.get_object()["/Subtype"] == "/Image"]


def image_xobjects(pdf: bytes, page: int = 0) -> int:
    return len(embedded_images(pdf, page))


def rasterize(pdf: bytes, tmp_path: Path, *, page: int = 1) -> Image.Image:
    return rasterize_page(pdf, tmp_path, page, 150, mono=False)


def qr_values(image: Image.Image) -> list[str]:
    return [s.data.decode() for s in pyzbar.decode(image) if s.type == "QRCODE"]


def qr_page(pdf: bytes) -> int:
    """1-based page that carries the approval text (and so the QR code)."""
    for number, page in enumerate(reader(pdf).pages, 1):
        if "Scan or open the link" in page.extract_text():
            return number
    raise AssertionError("no approval block")


# --------------------------------------------------------------------------- tests


def test_page_is_a4_portrait_and_typical_quote_fits_one_page() -> None:
    for lang in ("zh_CN", "zh_TW", "en"):
        pages = reader(render_quote(sample_document(lang=lang))).pages
        assert len(pages) == 1, lang
        assert float(pages[0].mediabox.width) == pytest.approx(A4_PT[0], abs=1)
        assert float(pages[0].mediabox.height) == pytest.approx(A4_PT[1], abs=1)


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW", "en"])
def test_six_lines_and_four_photos_still_fit_one_page(lang: str, tmp_path: Path) -> None:
    base = sample_document(lang=lang)
    lines = base.lines + (
        line("part", "扫描头模组 SE4750 Scan engine (refurbished, 90-day warranty)", "1", "0.01"),
        line("fee", "加急处理费 Express handling", "1", "0.00"))
    photos = base.photos + (
        EvidencePhoto(jpeg((1200, 1600), "#3a6b3a", "liquid"), "进液痕迹 Liquid marks on the mainboard "
                      "near the battery connector, photographed under UV light"),
        EvidencePhoto(jpeg((2048, 1152), "#6b3a6b", "label"), "序列号标签 Serial label"))
    pdf = render_quote(replace(base, lines=lines, photos=photos))
    assert len(reader(pdf).pages) == 1
    assert image_xobjects(pdf) == 4
    assert qr_values(rasterize(pdf, tmp_path)) == [APPROVAL_URL]
    assert "进液痕迹" in text_of(pdf)  # a caption too long for two lines is cut, not dropped


def test_text_is_extractable() -> None:
    doc = sample_document()
    assert doc.total == Decimal("356.50")
    text = text_of(render_quote(doc))
    for expected in ("非保修产品维修报价单", "Non-warranty repair quote", "RMA-2026-000123-Q2",
                     "RMA-2026-000123", "SN8H2K4Q9ZX71", "356.50", "2026-04-19", "有效期至",
                     "valid until 2026-04-19", "张伟", "138 0013 8000", "手持扫描枪 X200 Pro",
                     "2026-03-15", "2026-03-20", "已过保修期", "Out of warranty", "人为损坏",
                     "Man-made damage", "外壳破裂", "shell cracked", "配件", "Part", "工时", "Labour",
                     "运费", "Shipping", "315.49", "41.01", "13%", "¥356.50", "CNY", "招商银行",
                     "扫码或打开链接确认或拒绝报价", "Scan or open the link to approve or decline",
                     "Depot 维修中心", "021-5080 1234", "外壳裂纹", "第 1 页 / Page 1"):
        assert expected in text, expected
    assert "1.50" in text and "160.00" in text and "25.49" in text
    assert APPROVAL_URL in flat(text)
    assert text.index("非保修产品维修报价单") < text.index("Non-warranty repair quote")


def test_zh_tw_uses_traditional_characters() -> None:
    text = text_of(render_quote(sample_document(lang="zh_TW")))
    assert "非保修產品維修報價單" in text and "Non-warranty repair quote" in text
    assert "非保修产品维修报价单" not in text
    assert "掃碼或打開連結確認或拒絕報價" in text


def test_en_puts_english_first_and_simplified_chinese_second() -> None:
    text = text_of(render_quote(sample_document(lang="en", reasons_en=())))
    assert text.index("Non-warranty repair quote") < text.index("非保修产品维修报价单")
    assert "Valid until" in text and "有效期至" in text


def test_the_only_font_is_the_embedded_wenquanyi_subset() -> None:
    for pdf in (render_quote(sample_document()), render_quote(sample_document(lines=(), photos=()))):
        found = fonts(pdf)
        assert found
        for name, keys in found:
            assert re.fullmatch(r"/[A-Z]{6}\+WenQuanYiMicroHei-0", name), name  # a subset
            assert keys == ["/FontFile2"], name
        assert b"Helvetica" not in pdf and b"STSong" not in pdf


def test_byte_identical_for_the_same_input() -> None:
    first = render_quote(sample_document())
    render_quote(sample_document(lang="zh_TW"))  # another document in between
    assert render_quote(sample_document()) == first
    assert render_quote(sample_document(version=3)) != first


def test_qr_code_decodes_to_the_approval_url_at_150_dpi(tmp_path: Path) -> None:
    assert qr_values(rasterize(render_quote(sample_document()), tmp_path)) == [APPROVAL_URL]


def test_qr_code_is_at_least_30_mm(tmp_path: Path) -> None:
    image = rasterize(render_quote(sample_document()), tmp_path)
    (symbol,) = [s for s in pyzbar.decode(image) if s.type == "QRCODE"]
    side_mm = min(symbol.rect.width, symbol.rect.height) / 150 * 25.4
    assert side_mm >= 30


def test_long_url_and_twenty_lines_flow_onto_more_pages(tmp_path: Path) -> None:
    url = "https://depot.example.com/q/RMA-2026-000123-Q2?t=" + "x7Kp2" * 40
    url = url[:200]
    many = tuple(line("part", f"配件 {n} 号 Spare part number {n} with a rather long description "
                              "that wraps onto a second line", "1", "10.00") for n in range(20))
    pdf = render_quote(sample_document(approval_url=url, lines=many))
    pages = reader(pdf).pages
    assert len(pages) >= 2
    assert all(float(p.mediabox.height) == pytest.approx(A4_PT[1], abs=1) for p in pages)
    text = text_of(pdf)
    assert "Spare part number 19" in text and "第 2 页 / Page 2" in text
    assert url in flat(text)
    page = qr_page(pdf)
    assert qr_values(rasterize(pdf, tmp_path, page=page)) == [url]


def test_long_url_stays_inside_the_page(tmp_path: Path) -> None:
    url = "https://depot.example.com/q/" + "A" * 172
    pdf = render_quote(sample_document(approval_url=url))
    image = rasterize(pdf, tmp_path, page=qr_page(pdf))
    margin = int(10 / 25.4 * 150)
    right = image.crop((image.width - margin, 0, image.width, image.height))
    assert right.getextrema()[0] > 200  # nothing dark in the right 10 mm
    assert url in flat(text_of(pdf))


@pytest.mark.parametrize(("rate", "shown"), [(Decimal("0.13"), True), (Decimal(0), False)])
def test_tax_line_only_when_the_rate_is_above_zero(rate: Decimal, shown: bool) -> None:
    doc = sample_document(tax_rate=rate)
    if not shown:
        doc = replace(doc, tax=Decimal(0), total=doc.subtotal)
    text = text_of(render_quote(doc))
    assert ("税额" in text) is shown
    assert ("Tax" in text) is shown
    assert ("13%" in text) is shown


def test_photos_are_embedded_as_images() -> None:
    assert image_xobjects(render_quote(sample_document())) == 2
    five = tuple(EvidencePhoto(jpeg((800, 600), "#555555", str(n)), f"照片 {n}") for n in range(5))
    assert image_xobjects(render_quote(sample_document(photos=five))) == 4  # at most four shown


def test_large_photos_are_embedded_as_small_thumbnails() -> None:
    big = jpeg((2048, 1536), "#7a4b2a", "big")
    (image,) = embedded_images(render_quote(sample_document(photos=(EvidencePhoto(big, "大图"),))))
    assert (image["/Width"], image["/Height"]) == (480, 360)
    assert "/DCTDecode" in image["/Filter"]
    assert len(image.get_data()) < len(big) / 3
    small = jpeg((400, 300), "#2a4b7a", "small")
    (image,) = embedded_images(render_quote(sample_document(photos=(EvidencePhoto(small, "小图"),))))
    assert image.get_data() == small  # already small: embedded as it is


def test_without_photos_the_quote_still_renders(tmp_path: Path) -> None:
    pdf = render_quote(sample_document(photos=()))
    assert len(reader(pdf).pages) == 1
    assert image_xobjects(pdf) == 0
    assert "检测照片" not in text_of(pdf)
    assert qr_values(rasterize(pdf, tmp_path)) == [APPROVAL_URL]


def test_amounts_are_rounded_half_up_from_decimal() -> None:
    price = Decimal("1234.005")
    odd = (QuoteLineView("fee", "检测费 Inspection fee", Decimal(1), price, price),)
    text = text_of(render_quote(sample_document(lines=odd, subtotal=Decimal("1234.005"))))
    assert "1,234.01" in text


def test_float_amounts_are_refused() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        render_quote(sample_document(total=356.5))


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        render_quote(sample_document(lang="fr"))


def test_unreadable_photo_is_refused() -> None:
    with pytest.raises(ValueError, match="photo 1"):
        render_quote(sample_document(photos=(EvidencePhoto(b"not a jpeg", "?"),)))


def test_no_lines_and_unknown_statuses_still_render() -> None:
    doc = sample_document(lines=(), warranty_status="weird", damage_class="odd", findings=(),
                          reasons=(), reasons_en=(), payment_instructions="")
    text = text_of(render_quote(doc))
    assert "无收费项目" in text and "待确认" in text


def test_huge_values_flow_onto_more_pages_without_losing_text() -> None:
    doc = sample_document(
        customer_address="很长的地址" * 300,
        lines=(line("part", "很长的描述 long description " * 200, "1", "1.00"),),
        payment_instructions="\n".join(f"第 {n} 行 payment line {n}" for n in range(60)),
        warranty_reasons=tuple(f"理由 {n} reason sentence." for n in range(40)),
    )
    pdf = render_quote(doc)
    assert len(reader(pdf).pages) > 3
    text = FOOTER.sub("", text_of(pdf))  # footers sit between a value's halves
    assert text.count("址") == 300 + 1  # every character of the address, plus its label
    assert "第 59 行 payment line 59" in text and "理由 39 reason sentence." in text
    assert "long description 很长的描述 long" in text  # pre-wrapped lines keep their spaces
    assert "Scan or open the link" in text


@pytest.mark.parametrize(("lang", "first", "second"), [("zh_CN", "优惠", "Discount"),
                                                       ("zh_TW", "優惠", "Discount"),
                                                       ("en", "Discount", "优惠")])
def test_a_discount_line_is_printed_as_a_negative_amount_in_both_languages(
        lang: str, first: str, second: str) -> None:
    base = sample_document(tax_rate=Decimal(0), tax=Decimal(0))
    discount = line("discount", "优惠 Goodwill discount", "1", "-30.00")
    lines = (*base.lines, discount)
    subtotal = sum((item.amount for item in lines), Decimal(0))
    text = text_of(render_quote(replace(base, lines=lines, subtotal=subtotal, total=subtotal,
                                        lang=lang)))
    assert "-30.00" in text and "285.49" in text
    assert first in text and second in text
    assert text.index(first) < text.index(second, text.index(first))
