"""The carton receipt (整箱收货回执) and the tag of a unit that came in a carton: pure documents,
read back as text, as fonts and as barcodes."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from depot.labels import CartonReceiptData, CartonUnit, render_carton_receipt, render_intake_tag
from tests.label_support import rasterize
from tests.unit.test_labels_intake import TAG, code128_symbols, flat, font_files, page_text, pages

A4_PT = (595.28, 841.89)


def unit(i: int, **kw) -> CartonUnit:
    return CartonUnit(**{"rma_number": f"RMA-2026-{i:06d}", "serial": f"SN-A7K2-{i:05d}",
                         "model_code": "X200", "model_name": "手持扫描枪 X200 Pro",
                         "fault_description": "开机后屏幕闪烁，约十分钟后自动关机",
                         "accessories": ("power_adapter",) if i % 2 else (),
                         "warranty_status": ("in_warranty", "out_of_warranty", "unknown")[i % 3],
                         **kw})


CARTON = CartonReceiptData(
    depot_name="Depot 维修中心（上海浦东站）", depot_address="上海市浦东新区碧波路 690 号",
    depot_phone="021-5080 1234", carton_number="CTN-2026-000012",
    received_on=date(2026, 12, 3), carrier="SF", tracking_number="SF1402938847561",
    customer_name="深圳市星河科技有限公司", customer_phone="0755-86668888",
    customer_address="广东省深圳市南山区科技园", units=tuple(unit(i) for i in range(1, 4)))


def test_a_small_carton_is_one_a4_page_with_every_unit() -> None:
    pdf = render_carton_receipt(CARTON)
    assert [tuple(round(x, 2) for x in p) for p in pages(pdf)] == [A4_PT]
    text = page_text(pdf)
    for expected in ("CTN-2026-000012", "整箱收货回执", "Carton receipt", "SF1402938847561",
                     "深圳市星河科技有限公司", "保修期内", "In warranty", "已过保修期",
                     "电源适配器", *(u.rma_number for u in CARTON.units),
                     *(u.serial for u in CARTON.units)):
        assert expected in text, expected


@pytest.mark.parametrize(("lang", "title"), [("zh_TW", "整箱收貨回執"), ("en", "Carton receipt")])
def test_the_receipt_is_in_the_language_asked_first(lang: str, title: str) -> None:
    text = page_text(render_carton_receipt(CARTON, lang=lang))
    assert text.index(title) < text.index("Carton receipt" if lang != "en" else "整箱收货回执")


def test_many_units_run_over_pages_with_a_long_fault_split_between_lines() -> None:
    units = tuple(unit(i, fault_description="屏幕闪烁 flicker " * (80 if i == 7 else 1))
                  for i in range(1, 41))
    pdf = render_carton_receipt(replace(CARTON, units=units))
    assert len(pages(pdf)) >= 3
    text = flat(page_text(pdf))
    assert all(flat(u.serial) in text and u.rma_number in text for u in units)


def test_only_the_embedded_font_and_the_same_bytes_for_the_same_carton() -> None:
    pdf = render_carton_receipt(CARTON)
    assert set(font_files(pdf)) == {"/FontFile2"}
    assert render_carton_receipt(replace(CARTON)) == pdf


def test_the_carton_number_scans(tmp_path: Path) -> None:
    image = rasterize(render_carton_receipt(CARTON), tmp_path)
    assert {s.data.decode() for s in code128_symbols(image)} == {"CTN-2026-000012"}


def test_an_empty_carton_still_renders_and_a_bad_language_is_refused() -> None:
    assert "CTN-2026-000012" in page_text(render_carton_receipt(replace(CARTON, units=())))
    with pytest.raises(ValueError):
        render_carton_receipt(CARTON, lang="fr")


def test_the_tag_of_a_unit_in_a_carton(tmp_path: Path) -> None:
    pdf = render_intake_tag(replace(TAG, carton_number="CTN-2026-000012"))
    assert len(pages(pdf)) == 1
    assert "箱号 CTN-2026-000012" in page_text(pdf)
    image = rasterize(pdf, tmp_path)
    assert {s.data.decode() for s in code128_symbols(image)} == {"RMA-2024-000123",
                                                                 "SN8H2K4Q9ZX71"}
    assert "CTN-" not in page_text(render_intake_tag(TAG))
