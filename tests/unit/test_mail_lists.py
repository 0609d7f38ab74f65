"""Lists in the mail are written as each language writes them: 甲、乙 in Chinese, "a, b" in
English (the shipped mail's accessories not returned)."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from depot.mail import render_mail


def test_the_accessories_not_returned_are_listed_in_each_language():
    rma = SimpleNamespace(number="RMA-2026-000001", unit=SimpleNamespace(serial="SN1"))
    shipment = SimpleNamespace(carrier="SF", tracking_number="SF1", freight="prepaid")
    _subject, text = render_mail("shipped", rma=rma, shipment=shipment,
                                 customer=SimpleNamespace(name="张三"), model_name="AT-100",
                                 shipped_on=date(2026, 11, 20),
                                 missing=["data_cable", "power_adapter"])
    assert "数据线、电源适配器" in text
    assert "Data cable, Power adapter" in text and "Data cable、" not in text
