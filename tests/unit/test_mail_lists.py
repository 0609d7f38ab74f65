"""Lists in the mail are written as each language writes them: 甲、乙 in Chinese, "a, b" in
English (the shipped mail's accessories not returned)."""
from __future__ import annotations

from depot.services.notifications import accessories_note


def test_the_accessories_not_returned_are_listed_in_each_language():
    missing = ["data_cable", "power_adapter"]
    assert "数据线、电源适配器" in accessories_note("zh_CN", missing)
    english = accessories_note("en", missing)
    assert "Data cable, Power adapter" in english and "、" not in english
    assert accessories_note("en", []) == ""
