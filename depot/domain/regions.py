"""Where an address is, and how many days the post takes to get a unit back there.

DESIGN.md §4b: the province is the first provincial-level name (34, with or without
省/市/自治区/特别行政区) found in the address; same province as the depot 2 days, elsewhere on
the mainland 5, unknown 5; Hong Kong, Macau, Taiwan and abroad 7; an admin may set the days of any
province (and of `abroad`, `unknown`). Calendar days: carriers deliver at weekends too.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

# ISO 3166-2:CN code -> the names it is written with (simplified first, then traditional). Each
# name is matched with or without its suffix (省, 市, 自治区, 特别行政区, …).
PROVINCES: dict[str, tuple[str, ...]] = {
    "CN-BJ": ("北京",), "CN-TJ": ("天津",), "CN-SH": ("上海",), "CN-CQ": ("重庆", "重慶"),
    "CN-HE": ("河北",), "CN-SX": ("山西",), "CN-LN": ("辽宁", "遼寧"), "CN-JL": ("吉林",),
    "CN-HL": ("黑龙江", "黑龍江"), "CN-JS": ("江苏", "江蘇"), "CN-ZJ": ("浙江",),
    "CN-AH": ("安徽",), "CN-FJ": ("福建",), "CN-JX": ("江西",), "CN-SD": ("山东", "山東"),
    "CN-HA": ("河南",), "CN-HB": ("湖北",), "CN-HN": ("湖南",), "CN-GD": ("广东", "廣東"),
    "CN-HI": ("海南",), "CN-SC": ("四川",), "CN-GZ": ("贵州", "貴州"), "CN-YN": ("云南", "雲南"),
    "CN-SN": ("陕西", "陝西"), "CN-GS": ("甘肃", "甘肅"), "CN-QH": ("青海",),
    "CN-NM": ("内蒙古", "內蒙古"), "CN-GX": ("广西", "廣西"), "CN-XZ": ("西藏",),
    "CN-NX": ("宁夏", "寧夏"), "CN-XJ": ("新疆",),
    "CN-HK": ("香港",), "CN-MO": ("澳门", "澳門"), "CN-TW": ("台湾", "臺灣", "台灣"),
}
OUTSIDE_MAINLAND = ("CN-HK", "CN-MO", "CN-TW")
ABROAD = "abroad"
UNKNOWN = "unknown"
REGIONS = (*PROVINCES, ABROAD, UNKNOWN)  # what an admin may set days for

SAME_PROVINCE_DAYS = 2
MAINLAND_DAYS = 5
UNKNOWN_DAYS = 5
FAR_DAYS = 7  # Hong Kong, Macau, Taiwan, abroad
MAX_DAYS = 60

# Countries a Chinese depot's customers write abroad addresses with: an address naming one of
# them, and no province, is abroad. Anything else without a province is unknown.
_ABROAD_WORDS = (
    "新加坡", "马来西亚", "馬來西亞", "泰国", "泰國", "越南", "印度尼西亚", "印尼", "菲律宾",
    "菲律賓", "日本", "韩国", "韓國", "美国", "美國", "加拿大", "英国", "英國", "德国", "德國",
    "法国", "法國", "澳大利亚", "澳洲", "新西兰", "俄罗斯", "印度", "巴西", "墨西哥",
    "singapore", "malaysia", "thailand", "vietnam", "viet nam", "indonesia", "philippines",
    "japan", "korea", "usa", "u.s.a", "united states", "canada", "united kingdom", "uk",
    "germany", "france", "australia", "new zealand", "russia", "india", "brazil", "mexico",
)
_ABROAD_RE = re.compile(
    r"(?<![a-z])(" + "|".join(re.escape(w) for w in _ABROAD_WORDS if w.isascii()) + r")(?![a-z])")
_LATIN = {"hong kong": "CN-HK", "hongkong": "CN-HK", "macau": "CN-MO", "macao": "CN-MO",
          "taiwan": "CN-TW"}
_NAMES = sorted(((name, code) for code, names in PROVINCES.items() for name in names),
                key=lambda item: -len(item[0]))
_PROVINCE_RE = re.compile("|".join(re.escape(name) for name, _ in _NAMES))
_CODE_OF = {name: code for name, code in _NAMES}


def province_of(address: str | None) -> str | None:
    """The ISO code of the first provincial-level name in `address`, else None. "四川省成都市",
    "四川成都", "广西壮族自治区南宁市", "香港特别行政区", "臺灣台北市" all name one."""
    if not address:
        return None
    match = _PROVINCE_RE.search(address)
    return _CODE_OF[match.group(0)] if match else None


def region_of(address: str | None) -> str:
    """A province's code, `abroad` (a foreign country named and no province), or `unknown`."""
    province = province_of(address)
    if province is not None:
        return province
    text = (address or "").lower()
    for name, code in _LATIN.items():
        if name in text:
            return code
    if any(word in text for word in _ABROAD_WORDS if not word.isascii()) \
            or _ABROAD_RE.search(text):
        return ABROAD
    return UNKNOWN


@dataclass(frozen=True)
class Transit:
    """Days in transit to an address, and why: the region it is in, the depot's province."""

    region: str
    days: int
    same_province: bool


def transit(address: str | None, depot_province: str | None,
            overrides: Mapping[str, int] | None = None) -> Transit:
    """Calendar days the post takes from the depot (in `depot_province`, None: not known) to
    `address`; `overrides` (region -> days) are the admin's, and win."""
    region = region_of(address)
    same = depot_province is not None and region == depot_province
    if overrides and region in overrides:
        return Transit(region, overrides[region], same)
    return Transit(region, default_days(region, depot_province), same)


def default_days(region: str, depot_province: str | None) -> int:
    """The days of `region` when no admin set them."""
    if depot_province is not None and region == depot_province:
        return SAME_PROVINCE_DAYS
    if region in OUTSIDE_MAINLAND or region == ABROAD:
        return FAR_DAYS
    return UNKNOWN_DAYS if region == UNKNOWN else MAINLAND_DAYS


def expected_back_on(shipped_on: date | None, due_on: date | None, days: int) -> date | None:
    """The day the unit should be back with the customer: the ship date (before shipping, the
    due date) plus the days in transit; None while neither is known (a request)."""
    start = shipped_on or due_on
    return start + timedelta(days=days) if start is not None else None
