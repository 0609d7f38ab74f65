"""Where an address is, how long the post takes there, and what the customer's side counts
(DESIGN.md §4b "expected_back_on", "Status links", "Notification kinds")."""
from datetime import date

import pytest

from depot.domain import regions
from depot.domain.regions import expected_back_on, province_of, region_of, transit
from depot.domain.tracking import (
    link_alive,
    notification_status,
    tracking_url,
)
from depot.domain.workflow import Status


@pytest.mark.parametrize(("address", "code"), [
    ("四川省成都市武侯区人民南路4段", "CN-SC"),
    ("四川成都市武侯区", "CN-SC"),             # without 省
    ("上海市浦东新区世纪大道100号", "CN-SH"),    # a municipality with 市
    ("上海浦东新区", "CN-SH"),                  # and without
    ("广西壮族自治区南宁市青秀区", "CN-GX"),     # an autonomous region, its full name
    ("广西南宁市", "CN-GX"),
    ("内蒙古自治区呼和浩特市", "CN-NM"),
    ("新疆维吾尔自治区乌鲁木齐市", "CN-XJ"),
    ("宁夏银川市", "CN-NX"),
    ("西藏拉萨市", "CN-XZ"),
    ("香港特别行政区九龙弥敦道1号", "CN-HK"),    # a special administrative region
    ("香港九龙", "CN-HK"),
    ("澳门特别行政区", "CN-MO"),
    ("澳門氹仔", "CN-MO"),                     # traditional characters
    ("臺灣台北市信義區", "CN-TW"),
    ("台湾省台北市", "CN-TW"),
    ("黑龍江省哈爾濱市", "CN-HL"),
    ("  重庆市渝中区", "CN-CQ"),
])
def test_the_province_is_found_with_or_without_its_suffix(address, code):
    assert province_of(address) == code


def test_the_first_provincial_name_wins():
    # A Sichuan address on a street named after another province is in Sichuan.
    assert province_of("四川省成都市江西路5号") == "CN-SC"
    assert province_of("江西省南昌市四川路5号") == "CN-JX"


def test_there_are_34_provincial_level_regions():
    assert len(regions.PROVINCES) == 34
    assert len({name for names in regions.PROVINCES.values() for name in names}) >= 34


@pytest.mark.parametrize(("address", "region"), [
    ("", "unknown"), (None, "unknown"), ("成都市武侯区", "unknown"),  # a city, no province
    ("1 Orchard Road, Singapore 238823", "abroad"), ("日本东京都新宿区", "abroad"),
    ("Flat 3, 10 Nathan Road, Kowloon, Hong Kong", "CN-HK"), ("Taipei, Taiwan", "CN-TW"),
])
def test_regions_without_a_chinese_province(address, region):
    assert region_of(address) == region


@pytest.mark.parametrize(("address", "days"), [
    ("四川省绵阳市", 2),           # the depot's own province
    ("上海市浦东新区", 5),          # elsewhere on the mainland
    ("新疆维吾尔自治区喀什市", 5),
    ("香港特别行政区", 7), ("澳门", 7), ("台湾省高雄市", 7),
    ("Singapore", 7),              # abroad
    ("", 5), ("某小区3栋", 5),      # unknown
])
def test_transit_days_by_region(address, days):
    assert transit(address, "CN-SC").days == days


def test_without_the_depots_province_every_customer_is_elsewhere():
    assert transit("四川省绵阳市", None).days == 5
    assert transit("四川省绵阳市", None).same_province is False


def test_the_admins_days_win():
    overrides = {"CN-SH": 3, "CN-SC": 1, "abroad": 20, "unknown": 9}
    assert transit("上海市", "CN-SC", overrides).days == 3
    assert transit("四川省成都市", "CN-SC", overrides).days == 1
    assert transit("Singapore", "CN-SC", overrides).days == 20
    assert transit("", "CN-SC", overrides).days == 9
    assert transit("北京市", "CN-SC", overrides).days == 5  # not set: the default


def test_default_days_follow_the_depots_province():
    assert regions.default_days("CN-SC", "CN-SC") == 2
    assert regions.default_days("CN-SC", "CN-GD") == 5
    assert regions.default_days("CN-HK", "CN-GD") == 7
    assert regions.default_days("unknown", "CN-GD") == 5


def test_expected_back_on_counts_from_the_ship_date_else_the_due_date():
    assert expected_back_on(None, date(2026, 10, 10), 2) == date(2026, 10, 12)
    assert expected_back_on(date(2026, 10, 8), date(2026, 10, 10), 5) == date(2026, 10, 13)
    assert expected_back_on(date(2026, 12, 30), None, 7) == date(2027, 1, 6)  # calendar days
    assert expected_back_on(None, None, 5) is None  # a request not received yet


def test_a_status_link_lives_until_90_days_after_closing():
    closed = date(2026, 1, 10)
    assert link_alive(Status.SHIPPED, None, date(2030, 1, 1))
    assert link_alive(Status.CLOSED, closed, date(2026, 4, 10))       # day 90
    assert not link_alive(Status.CLOSED, closed, date(2026, 4, 11))   # day 91
    assert not link_alive(Status.CANCELLED, closed, date(2026, 4, 11))


def test_tracking_pages_quote_the_number():
    assert tracking_url("SF", "SF123") == \
        "https://www.sf-express.com/chn/sc/waybill/waybill-detail/SF123"
    assert tracking_url("sf", "A B/1").endswith("A%20B%2F1")
    assert tracking_url("NOBODY", "X1").startswith("https://www.kuaidi100.com/")
    assert tracking_url(None, None) is None


def test_notification_status_follows_its_message():
    assert [notification_status(s) for s in ("pending", "sending", "sent", "failed", None)] \
        == ["queued", "queued", "sent", "failed", "no_email"]
