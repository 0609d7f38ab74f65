"""The CSV import of units on a real session: encodings, the header, physical line numbers,
good rows landing beside bad ones, updates, and customers kept together."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from depot.errors import InvalidInputError
from depot.models import Customer, Unit
from depot.services.common import get_unit
from depot.services.units import import_units
from tests.conftest import NOW
from tests.integration.conftest import count

HEADER = "serial,model,purchase_date,customer_name,customer_phone,customer_email,customer_address\n"


@pytest.fixture
def models(make_model):
    make_model("POS-X", "POS 终端 X", 24)
    make_model("POS-Y", "POS 终端 Y", 12)


def run(session, text: str | bytes):
    return import_units(session, text.encode() if isinstance(text, str) else text, now=NOW)


def test_utf8_with_a_bom_as_excel_saves_it(models, session):
    data = ("\ufeff" + HEADER + "POSX0001,POS-X,2025-01-15,上海某超市,021-5555,a@example.cn,"
            "上海市黄浦区南京东路1号\n").encode("utf-8")
    report = run(session, data)
    assert (report.created, report.updated, report.errors) == (1, 0, [])
    unit = get_unit(session, "POSX0001")
    assert (unit.model.code, unit.purchase_date) == ("POS-X", date(2025, 1, 15))
    assert (unit.customer.name, unit.customer.phone, unit.customer.email,
            unit.customer.address) == ("上海某超市", "021-5555", "a@example.cn",
                                       "上海市黄浦区南京东路1号")


def test_gb18030_from_excel_on_a_chinese_windows(models, session):
    text = HEADER + "POSX0002,POS-X,2025-05-05,北京某公司,,,北京市朝阳区建国路\n"
    data = text.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the point of the test: not UTF-8
    report = run(session, data)
    assert (report.created, report.errors) == (1, [])
    assert get_unit(session, "POSX0002").customer.address == "北京市朝阳区建国路"


def test_neither_utf8_nor_gb18030_is_refused(models, session):
    data = HEADER.encode() + b"POSX0003,POS-X,,\xff\xfe\x80\x80,,,\n"
    with pytest.raises(InvalidInputError) as info:
        run(session, data)
    assert info.value.code == "invalid_encoding"
    assert count(Unit) == 0


def test_the_header_must_name_every_column(models, session):
    with pytest.raises(InvalidInputError) as info:
        run(session, "serial,model,customer_name\nPOSX0004,POS-X,x\n")
    assert info.value.code == "invalid_header"
    assert info.value.details["missing"] == ["purchase_date", "customer_phone", "customer_email",
                                             "customer_address"]
    with pytest.raises(InvalidInputError) as info:
        run(session, "")
    assert info.value.code == "empty_file"
    assert count(Unit) == 0


def test_header_names_are_matched_loosely_and_in_any_order(models, session):
    text = (" Customer_Name ,SERIAL,Model,purchase_date,customer_phone,customer_email,"
            "customer_address\n李四,POSX0005,POS-X,2025-02-01,1,,\n")
    assert run(session, text).created == 1
    assert get_unit(session, "POSX0005").customer.name == "李四"


def test_good_rows_land_and_bad_rows_are_reported_by_physical_line(models, session):
    text = (HEADER
            + "POSX0101,POS-X,2025-01-15,甲,1,,\n"                      # 2 good
            + "POSX0102,NOPE,2025-01-15,乙,2,,\n"                       # 3 unknown model
            + '"POSX0103",POS-X,,"多行\n客户",3,,"第一行\n第二行"\n'       # 4-6 good
            + "POSX0104,POS-X,15/01/2025,丙,4,,\n"                      # 7 bad date
            + "\n"                                                     # 8 empty: skipped
            + "bad serial!,POS-X,2025-01-01,丁,5,,\n"                   # 9 bad serial
            + "POSX0105,POS-X,2025-02-30,戊,6,,\n"                      # 10 no such day
            + "POSX0106,POS-X\n"                                       # 11 too few columns
            + "POSX0107,,2025-01-01,己,7,,\n"                           # 12 no model
            + "POSX0101,POS-Y,2024-01-01,庚,8,,\n"                      # 13 again in this file
            + "POSX0108,POS-X,2025-03-01,辛,9,,\n")                     # 14 good
    report = run(session, text)
    assert (report.created, report.updated) == (3, 0)
    assert [(e["line"], e["code"]) for e in report.errors] == [
        (3, "model_not_found"), (7, "invalid_date"), (9, "invalid_serial"),
        (10, "invalid_date"), (11, "short_row"), (12, "missing_model"),
        (13, "duplicate_serial")]
    assert all(isinstance(e["message"], str) and e["message"] for e in report.errors)
    assert sorted(session.scalars(select(Unit.serial))) == ["POSX0101", "POSX0103", "POSX0108"]
    first = get_unit(session, "POSX0101")  # the first row of a serial stands
    assert (first.model.code, first.purchase_date, first.customer.name) == (
        "POS-X", date(2025, 1, 15), "甲")
    multi = get_unit(session, "POSX0103")
    assert (multi.customer.name, multi.customer.address) == ("多行\n客户", "第一行\n第二行")


def test_an_empty_purchase_date_means_unknown(models, session):
    run(session, HEADER + "POSX0201,POS-X,,甲,1,,\nPOSX0202,POS-X,  ,乙,2,,\n")
    for serial in ("POSX0201", "POSX0202"):
        assert get_unit(session, serial).purchase_date is None


def test_a_known_serial_is_updated_and_counted(models, session, make_unit):
    make_unit("ATT00001", date(2026, 1, 1))
    run(session, HEADER + "POSX0301,POS-X,2025-01-15,甲,1,,\n")
    report = run(session, HEADER
                 + "POSX0301,POS-Y,2024-01-15,甲,1,new@example.cn,新地址\n"
                 + "ATT00001,AT-100,,,,,\n"
                 + "POSX0302,POS-X,,乙,2,,\n")
    assert (report.created, report.updated, report.errors) == (1, 2, [])
    updated = get_unit(session, "POSX0301")
    assert (updated.model.code, updated.purchase_date) == ("POS-Y", date(2024, 1, 15))
    assert (updated.customer.email, updated.customer.address) == ("new@example.cn", "新地址")
    kept = get_unit(session, "ATT00001")
    assert kept.purchase_date is None  # the file says unknown
    assert kept.customer.name == "张三"  # no customer in the row: the unit keeps its own
    assert count(Unit) == 3


def test_customers_are_the_same_by_name_and_phone(models, session):
    report = run(session, HEADER
                 + "POSX0401,POS-X,,华联超市,021-1000,,上海\n"
                 + "POSX0402,POS-X,,华联超市,021-1000,hl@example.cn,\n"
                 + "POSX0403,POS-X,,华联超市,021-2000,,\n"
                 + "POSX0404,POS-X,,  华联超市  , 021-1000 ,,\n"
                 + "POSX0405,POS-X,,,,,\n")
    assert report.created == 5
    units = {u.serial: u for u in session.scalars(select(Unit))}
    same = {units[s].customer_id for s in ("POSX0401", "POSX0402", "POSX0404")}
    assert len(same) == 1
    assert units["POSX0403"].customer_id not in same
    assert units["POSX0405"].customer is None
    assert count(Customer) == 2
    customer = units["POSX0401"].customer
    assert (customer.email, customer.address) == ("hl@example.cn", "上海")  # filled in, kept
