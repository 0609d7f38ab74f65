"""Cartons (整箱收货) on a real session: gap-free numbers per year, even with many clerks at once;
units received into a carton; an unknown carton refuses the intake and leaves nothing; the one
receipt of the box and the tags of its units."""
from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from depot.errors import ConflictError, InvalidInputError, NotFoundError
from depot.models import Carton, CartonCounter, Customer, Rma, RmaCounter, RmaEvent, db
from depot.services import cartons, documents, intake
from tests.conftest import NOW
from tests.integration.conftest import ZHANG, count
from tests.integration.test_concurrency import WORKERS, _in_threads

NEW_YEAR = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 2027-01-01 00:30 in Shanghai


def test_numbers_are_gap_free_and_start_again_each_year(app, staff):
    made = [cartons.open_carton(db.session, actor=staff.clerk, now=NOW).number
            for _ in range(3)]
    assert made == ["CTN-2026-000001", "CTN-2026-000002", "CTN-2026-000003"]
    assert cartons.open_carton(db.session, actor=staff.clerk, now=NEW_YEAR).number == (
        "CTN-2027-000001")
    assert [c.last for c in db.session.scalars(select(CartonCounter).order_by(
        CartonCounter.year))] == [3, 1]
    assert count(RmaCounter) == 0  # cartons have their own numbers


def test_a_refused_carton_takes_no_number(app, staff):
    cartons.open_carton(db.session, tracking_number="SF1402938847561", actor=staff.clerk,
                        now=NOW)
    with pytest.raises(InvalidInputError) as bad:
        cartons.open_carton(db.session, tracking_number="SF 14#", actor=staff.clerk, now=NOW)
    assert bad.value.details["field"] == "tracking_number"
    with pytest.raises(ConflictError) as again:
        cartons.open_carton(db.session, tracking_number=" sf1402938847561 ", actor=staff.clerk,
                            now=NOW)
    assert (again.value.code, again.value.details["carton"]) == ("carton_exists",
                                                                  "CTN-2026-000001")
    assert cartons.open_carton(db.session, actor=staff.clerk, now=NOW).number == (
        "CTN-2026-000002")
    assert count(Carton) == 2


def test_the_sender_is_found_again_by_name_and_phone(app, staff, make_unit):
    unit = make_unit("CTNSVC01")
    carton = cartons.open_carton(db.session, carrier="jd", customer=ZHANG, actor=staff.clerk,
                                 now=NOW)
    assert carton.customer_id == unit.customer_id
    assert (carton.carrier, carton.tracking_number, carton.created_by_id) == (
        "JD", "", staff.clerk.id)
    assert count(Customer) == 1


def test_units_received_into_a_carton(app, staff, make_unit):
    box = cartons.open_carton(db.session, actor=staff.clerk, now=NOW).number
    for serial in ("CTNSVC02", "CTNSVC03", "CTNSVC04"):
        make_unit(serial)
        rma, created = intake.receive_unit(db.session, serial, "不开机", ["battery"],
                                           actor=staff.clerk, now=NOW, carton=box.lower())
        assert created and rma.carton.number == box
    alone, _ = intake.receive_unit(db.session, make_unit("CTNSVC05").serial, "", [],
                                   actor=staff.clerk, now=NOW)
    carton = cartons.get_carton(db.session, box)
    assert [r.unit.serial for r in carton.rmas] == ["CTNSVC02", "CTNSVC03", "CTNSVC04"]
    assert alone.carton is None
    assert [r.seq for r in carton.rmas] == [1, 2, 3]  # the RMA numbers are the usual ones


def test_an_unknown_carton_refuses_the_intake_and_leaves_nothing(app, staff, make_unit):
    make_unit("CTNSVC06")
    with pytest.raises(NotFoundError) as missing:
        intake.receive_unit(db.session, "CTNSVC06", "不开机", [], actor=staff.clerk, now=NOW,
                            carton="CTN-2026-000404", idempotency_key="ctn-svc-1")
    assert (missing.value.code, missing.value.details) == (
        "carton_not_found", {"field": "carton", "number": "CTN-2026-000404"})
    db.session.rollback()
    assert (count(Rma), count(RmaEvent), count(RmaCounter)) == (0, 0, 0)
    rma, created = intake.receive_unit(db.session, "CTNSVC06", "不开机", [], actor=staff.clerk,
                                       now=NOW, idempotency_key="ctn-svc-1")
    assert created and rma.number == "RMA-2026-000001"


def test_many_clerks_open_cartons_at_once_and_no_number_is_lost(app):
    db.session.remove()
    results = _in_threads(app, [
        (lambda i=i: cartons.open_carton(db.session, tracking_number=f"SF10000000{i:02d}",
                                         actor=None, now=NOW).number)
        for i in range(WORKERS)])
    assert all(isinstance(r, str) for r in results), results
    assert sorted(int(r[-6:]) for r in results) == list(range(1, WORKERS + 1))
    assert db.session.get(CartonCounter, 2026).last == WORKERS


def test_two_clerks_fill_one_carton_at_once(app, staff, make_unit):
    box = cartons.open_carton(db.session, actor=staff.clerk, now=NOW).number
    serials = [f"CTNRACE{i:02d}" for i in range(WORKERS)]
    for serial in serials:
        make_unit(serial)
    db.session.remove()
    results = _in_threads(app, [
        (lambda s=s: intake.receive_unit(db.session, s, "no power", [], actor=None, now=NOW,
                                         carton=box)[0].number)
        for s in serials])
    assert all(isinstance(r, str) for r in results), results
    assert sorted(int(r[-6:]) for r in results) == list(range(1, WORKERS + 1))
    assert len(cartons.get_carton(db.session, box).rmas) == WORKERS


def test_the_receipt_of_a_big_carton(app, staff, make_unit, settings):
    box = cartons.open_carton(db.session, tracking_number="SF1402938847561", customer=ZHANG,
                              actor=staff.clerk, now=NOW).number
    numbers = []
    for i in range(30):
        make_unit(f"CTNPDF{i:03d}")
        rma, _ = intake.receive_unit(db.session, f"CTNPDF{i:03d}", "屏幕不亮，无法开机",
                                     ["power_adapter"] if i % 2 else [], actor=staff.clerk,
                                     now=NOW, carton=box)
        numbers.append(rma.number)
    for lang, words in (("zh_CN", ("整箱收货回执", "运单号", "保修期内")),
                        ("zh_TW", ("整箱收貨回執", "運單號")), ("en", ("Carton receipt",))):
        pdf = documents.carton_receipt(db.session, box, depot=settings.depot, lang=lang)
        reader = PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) >= 2
        text = "\n".join(page.extract_text() for page in reader.pages)
        for expected in (box, "SF1402938847561", "张三", "测试维修中心", *words, *numbers,
                         *(f"CTNPDF{i:03d}" for i in range(30))):
            assert expected in text, (lang, expected)
        # the units' table heading comes again on every page
        assert all(re.search(r"(序号|序號|No\.)", p.extract_text()) for p in reader.pages[:-1])
    assert documents.carton_receipt(db.session, box, depot=settings.depot) == (
        documents.carton_receipt(db.session, box, depot=settings.depot))


def test_the_tag_of_a_unit_in_a_carton_shows_the_carton(app, staff, make_unit):
    box = cartons.open_carton(db.session, actor=staff.clerk, now=NOW).number
    make_unit("CTNTAG02")
    make_unit("CTNTAG03")
    inside, _ = intake.receive_unit(db.session, "CTNTAG02", "", [], actor=staff.clerk, now=NOW,
                                    carton=box)
    alone, _ = intake.receive_unit(db.session, "CTNTAG03", "", [], actor=staff.clerk, now=NOW)
    text = PdfReader(io.BytesIO(documents.intake_tag(db.session, inside.number))).pages[0]
    assert f"箱号 {box}" in text.extract_text()
    lone = PdfReader(io.BytesIO(documents.intake_tag(db.session, alone.number))).pages[0]
    assert "CTN-" not in lone.extract_text() and "箱号" not in lone.extract_text()
