"""The intake tag and the customer receipt as served to the intake screen."""
from __future__ import annotations

import io
import subprocess

from PIL import Image
from pypdf import PdfReader
from pyzbar import pyzbar


def received(api, make_unit) -> str:
    make_unit("DOC00001")
    return api.post("/rmas", {"serial": "DOC00001", "fault_description": "屏幕不亮",
                              "accessories": ["power_adapter"]}).get_json()["number"]


def decoded(pdf: bytes, tmp_path, dpi: int = 203) -> set[str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-mono", "-png", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png")))
    return {s.data.decode() for s in pyzbar.decode(image)}


def test_intake_tag_pdf_carries_the_rma_barcode(api, make_unit, tmp_path):
    number = received(api, make_unit)
    response = api.get(f"/rmas/{number}/tag.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert number in decoded(response.data, tmp_path)
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "DOC00001" in text


def test_receipt_pdf_is_a5_chinese_with_barcode(api, make_unit, tmp_path):
    number = received(api, make_unit)
    response = api.get(f"/rmas/{number}/receipt.pdf", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (420, 595)
    text = reader.pages[0].extract_text()
    for expected in ("设备领取收据", number, "DOC00001", "张三", "屏幕不亮", "电源适配器"):
        assert expected in text
    assert number in decoded(response.data, tmp_path)


def test_documents_need_a_reader_and_a_known_rma(api, tokens, make_unit):
    number = received(api, make_unit)
    assert api.as_(None).get(f"/rmas/{number}/tag.pdf").status_code == 401
    assert api.as_(tokens["logistics"]).get(f"/rmas/{number}/tag.pdf").status_code == 200
    assert api.get("/rmas/RMA-2020-000001/receipt.pdf").status_code == 404
