"""Shipping on a real session: the box verified by scanning, accessories accounted for, money
collected, the shipment and the customer's mail; closing after delivery; labels in batches."""
from __future__ import annotations

import email
import io
import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from email import policy

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from depot.domain.workflow import Action, Status
from depot.errors import ConflictError, InvalidInputError, InvalidTransitionError, NotFoundError
from depot.models import OutboxMessage, Shipment
from depot.services import payments, printing, repair, shipping
from depot.services.common import get_rma
from depot.services.shipping import Missing
from tests.conftest import NOW
from tests.integration.conftest import LINES, NO_MAIL, count, event_count, outbox_count

TODAY = date(2026, 11, 20)  # NOW in Shanghai


def ship(flow, number, scanned, packed=(), missing=(), *, carrier="SF",
         tracking="SF1234567890", settings=None, now=NOW):
    from depot.models import db

    return shipping.ship(db.session, number, carrier=carrier, tracking_number=tracking,
                         scanned=list(scanned), packed=list(packed), missing=list(missing),
                         settings=settings or flow.settings, actor=flow.staff.logistics,
                         now=now)


class Unchanged:
    """Remembers what a refused shipment must leave as it was."""

    def __init__(self, session, number):
        self.session, self.number = session, number
        self.events, self.mails = event_count(), outbox_count()

    def check(self):
        self.session.rollback()
        rma = get_rma(self.session, self.number)
        assert rma.status == Status.READY_TO_SHIP and rma.shipped_on is None
        assert rma.shipment is None and count(Shipment) == 0
        assert (event_count(), outbox_count()) == (self.events, self.mails)


def test_a_verified_covered_box_ships_prepaid_and_the_customer_is_told(flow, session):
    number = flow.ready("SHIP001", accessories=["power_adapter", "data_cable"])
    later = NOW + timedelta(hours=5)  # 16:00 in Shanghai, still the 20th

    rma = ship(flow, number, ["SHIP001", number], ["power_adapter", "power_adapter"],
               [Missing("data_cable", "  customer kept it  ")], carrier=" sf ",
               tracking=" SF1234567890 ", now=later)

    assert (rma.status, rma.shipped_on) == (Status.SHIPPED, TODAY)
    shipment = session.scalars(select(Shipment)).one()
    assert (shipment.rma_id, shipment.carrier, shipment.tracking_number, shipment.freight) == (
        rma.id, "SF", "SF1234567890", "prepaid")
    assert shipment.scanned == ["SHIP001", number]
    assert shipment.packed == ["power_adapter"]
    assert shipment.missing == [{"code": "data_cable", "reason": "customer kept it"}]
    assert (shipment.actor_id, shipment.shipped_at) == (flow.staff.logistics.id, later)
    last = get_rma(session, number).events[-1]
    assert (last.action, last.from_status, last.to_status, last.reason, last.actor_id) == (
        "ship", "ready_to_ship", "shipped", "SF SF1234567890", flow.staff.logistics.id)

    mail = session.scalars(select(OutboxMessage)).one()
    assert (mail.kind, mail.rma_id, mail.recipient, mail.status) == (
        "shipped", rma.id, "zs@example.com", "pending")
    message = email.message_from_bytes(mail.raw, policy=policy.default)
    # The carrier is named in words, not by its code (issue 10 item 8).
    assert message["Subject"] == (f"设备已寄回 {number}（顺丰速运 SF1234567890） / "
                                  f"Your unit {number} is on its way (SF Express SF1234567890)")
    body = message.get_content()
    assert "2026-11-20" in body and "SF1234567890" in body and "到付" not in body
    assert "未随机寄回的附件： 数据线" in body and "Accessories not returned: Data cable" in body


def test_an_unpaid_uncovered_unit_waits_for_the_money_then_ships_prepaid(flow, session):
    """Its quote billed the return freight (LINES: 回寄运费 18.50), so it ships prepaid: the
    customer is not made to pay the freight a second time on delivery."""
    number = flow.ready("SHIP002", covered=False)
    box = Unchanged(session, number)
    with pytest.raises(InvalidTransitionError) as info:
        ship(flow, number, ["SHIP002"])
    assert info.value.code == "payment_required"
    assert info.value.details["outstanding"] == "258.50"
    box.check()

    payments.record_payment(session, number, Decimal("200.00"), "bank_transfer", actor=None,
                            now=NOW)
    with pytest.raises(InvalidTransitionError) as info:
        ship(flow, number, ["SHIP002"])
    assert info.value.details["outstanding"] == "58.50"
    session.rollback()

    payments.record_payment(session, number, Decimal("58.50"), "alipay", actor=None, now=NOW)
    rma = ship(flow, number, ["SHIP002"])
    assert rma.status == Status.SHIPPED and rma.shipment.freight == "prepaid"
    message = email.message_from_bytes(session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "shipped")).one().raw, policy=policy.default)
    assert "到付" not in message.get_content() and "collect" not in message.get_content()


def test_an_uncovered_unit_whose_quote_did_not_charge_freight_ships_collect(flow, session):
    labour = [line for line in LINES if line.kind != "shipping"]
    number = flow.ready("SHIP002B", covered=False, lines=labour)
    payments.record_payment(session, number, Decimal("240.00"), "alipay", actor=None, now=NOW)
    rma = ship(flow, number, ["SHIP002B"])
    assert rma.shipment.freight == "collect"
    message = email.message_from_bytes(session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "shipped")).one().raw, policy=policy.default)
    assert "（到付）" in message.get_content()


def test_the_freight_follows_the_policy(flow, session):
    customer_pays = replace(flow.settings, freight_covered="customer")
    covered = flow.ready("SHIP003")
    assert ship(flow, covered, ["SHIP003"], settings=customer_pays).shipment.freight == "collect"
    split = replace(flow.settings, freight_not_covered="split")
    uncovered = flow.ready("SHIP004", covered=False)
    payments.record_payment(session, uncovered, Decimal("258.50"), "cash", actor=None, now=NOW)
    assert ship(flow, uncovered, ["SHIP004"], settings=split).shipment.freight == "prepaid"


def test_another_units_serial_in_the_box_names_its_rma(flow, session):
    number = flow.ready("SHIP005")
    other = flow.ready("SHIP006")
    box = Unchanged(session, number)
    with pytest.raises(ConflictError) as info:
        ship(flow, number, ["SHIP005", "SHIP006"])
    assert info.value.code == "wrong_unit"
    assert (info.value.details["scanned"], info.value.details["other_rma"]) == ("SHIP006", other)
    assert other in info.value.message
    box.check()
    assert get_rma(session, other).status == Status.READY_TO_SHIP


def test_another_rmas_tag_in_the_box_names_that_rma(flow, session):
    number = flow.ready("SHIP007")
    other = flow.received("SHIP008")
    box = Unchanged(session, number)
    with pytest.raises(ConflictError) as info:
        ship(flow, number, ["SHIP007", other.lower()])
    assert info.value.code == "wrong_unit" and info.value.details["other_rma"] == other
    box.check()


def test_a_registered_unit_without_an_rma_refuses_the_box_too(flow, session, make_unit):
    number = flow.ready("SHIP009")
    make_unit("SPARE001")
    box = Unchanged(session, number)
    with pytest.raises(ConflictError) as info:
        ship(flow, number, ["SPARE001", "SHIP009"])
    assert info.value.code == "wrong_unit" and info.value.details["other_rma"] is None
    box.check()


def test_codes_that_name_nothing_known_do_not_refuse_the_box(flow, session):
    number = flow.ready("SHIP010")
    rma = ship(flow, number, ["CARTON-LABEL-77", "RMA-2020-000001", "SHIP010", "  "])
    assert rma.status == Status.SHIPPED


def test_the_units_serial_must_be_scanned(flow, session):
    number = flow.ready("SHIP011")
    box = Unchanged(session, number)
    for scanned in ([number], [], ["  "]):  # the tag alone is not the unit
        with pytest.raises(ConflictError) as info:
            ship(flow, number, scanned)
        assert info.value.code == "unit_not_scanned"
        assert info.value.details["serial"] == "SHIP011"
    box.check()


def test_every_accessory_received_is_packed_or_missing_with_a_reason(flow, session):
    number = flow.ready("SHIP012", accessories=["power_adapter", "battery"])
    box = Unchanged(session, number)
    with pytest.raises(ConflictError) as info:
        ship(flow, number, ["SHIP012"], ["power_adapter"])
    assert (info.value.code, info.value.details["accessory"]) == (
        "accessory_unaccounted", "battery")
    with pytest.raises(InvalidInputError) as info:
        ship(flow, number, ["SHIP012"], ["power_adapter"], [Missing("battery", "  ")])
    assert (info.value.code, info.value.details["accessory"]) == ("reason_required", "battery")
    with pytest.raises(InvalidInputError) as info:
        ship(flow, number, ["SHIP012"], ["power_adapter", "battery", "charger"])
    assert info.value.code == "invalid_accessory"
    box.check()
    assert ship(flow, number, ["SHIP012"], ["battery", "power_adapter"]).status == "shipped"


@pytest.mark.parametrize(("carrier", "tracking", "field"), [
    ("UPS", "1Z999AA10123456784", "carrier"), ("", "SF1234567890", "carrier"),
    ("SF", "12345", "tracking_number"), ("SF", "SF 1234567890", "tracking_number"),
    ("SF", "x" * 41, "tracking_number")])
def test_unknown_carrier_or_bad_tracking_number(flow, session, carrier, tracking, field):
    number = flow.ready("SHIP013")
    box = Unchanged(session, number)
    with pytest.raises(InvalidInputError) as info:
        ship(flow, number, ["SHIP013"], carrier=carrier, tracking=tracking)
    assert info.value.details["field"] == field
    box.check()


def test_only_a_unit_ready_to_ship_goes_out(flow, session):
    number = flow.inspected("SHIP014", ("no_power",))
    repair.apply_action(session, number, Action.START_REPAIR, actor=flow.staff.technician,
                        now=NOW)
    with pytest.raises(InvalidTransitionError) as info:
        ship(flow, number, ["SHIP014"])
    assert (info.value.code, info.value.details["status"]) == ("invalid_transition",
                                                               "in_repair")
    session.rollback()
    assert get_rma(session, number).status == Status.IN_REPAIR and count(Shipment) == 0
    shipped = flow.ready("SHIP015")
    ship(flow, shipped, ["SHIP015"])
    with pytest.raises(InvalidTransitionError):  # not twice
        ship(flow, shipped, ["SHIP015"], tracking="SF0000000002")
    session.rollback()
    assert count(Shipment) == 1


def test_a_customer_without_email_gets_no_mail(flow, session):
    number = flow.ready("SHIP016", customer=NO_MAIL)
    assert ship(flow, number, ["SHIP016"]).status == Status.SHIPPED
    assert outbox_count() == 0


def test_delivered_units_close_after_the_set_days(flow, session):
    early = flow.ready("SHIP017")
    late = flow.ready("SHIP018")
    waiting = flow.ready("SHIP019")
    ship(flow, early, ["SHIP017"])
    ship(flow, late, ["SHIP018"], now=NOW + timedelta(days=2))
    settings = flow.settings
    assert settings.close_after_days == 14

    assert shipping.close_delivered(session, settings, now=NOW + timedelta(days=13)) == []
    assert shipping.close_delivered(session, settings, now=NOW + timedelta(days=14)) == [early]
    rma = get_rma(session, early)
    assert rma.status == Status.CLOSED
    assert (rma.events[-1].action, rma.events[-1].actor_id, rma.events[-1].reason) == (
        "close", None, "shipped 2026-11-20, 14 days ago")
    assert shipping.close_delivered(session, settings, now=NOW + timedelta(days=14)) == []
    assert shipping.close_delivered(session, replace(settings, close_after_days=0),
                                    now=NOW + timedelta(days=2)) == [late]
    assert get_rma(session, waiting).status == Status.READY_TO_SHIP


def test_label_data_before_and_after_shipping(flow, session):
    number = flow.ready("LABEL001", accessories=["power_adapter", "data_cable"])
    before = shipping.label_data(get_rma(session, number), flow.settings)
    assert (before.ship_from_name, before.ship_from_phone, before.ship_from_address) == (
        "测试维修中心", "028-88888888", "四川省成都市高新区天府大道1号")
    assert (before.ship_to_name, before.ship_to_phone, before.ship_to_address) == (
        "张三", "13800000000", "上海市浦东新区世纪大道100号")
    assert before.rma_number == number
    assert before.contents == ("AT-100 Model AT-100 SN LABEL001", "电源适配器 Power adapter",
                               "数据线 Data cable")
    assert (before.freight, before.carrier, before.tracking_number, before.shipped_on) == (
        "prepaid", "", "", None)

    ship(flow, number, ["LABEL001"], ["data_cable"], [Missing("power_adapter", "lost")],
         carrier="JD", tracking="JDVA00000001")
    after = shipping.label_data(get_rma(session, number), flow.settings)
    assert after.contents == ("AT-100 Model AT-100 SN LABEL001", "数据线 Data cable")
    assert (after.carrier, after.tracking_number, after.shipped_on) == (
        "JD", "JDVA00000001", TODAY)
    charged = flow.ready("LABEL002", covered=False)  # its quote billed the freight
    assert shipping.label_data(get_rma(session, charged), flow.settings).freight == "prepaid"
    not_charged = flow.ready("LABEL003", covered=False,
                             lines=[line for line in LINES if line.kind != "shipping"])
    assert shipping.label_data(get_rma(session, not_charged), flow.settings).freight == (
        "collect")


def zpl_barcodes(zpl: str) -> list[str]:
    """The texts of the ^BC fields, with ZPL's subset switches (>: >5 >6 …) taken out."""
    fields = re.findall(r"\^BC[^^]*\^FD([^^]*)", zpl)
    return [re.sub(r">[0-9:;56]", "", f).replace("><", ">") for f in fields]


def test_labels_for_a_batch_one_page_or_format_each(flow, session):
    numbers = [flow.ready(f"BATCH00{i}") for i in range(3)]
    pdf = printing.labels_pdf(session, [*numbers, numbers[0]], flow.settings)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 3  # a number named twice gets one label
    assert [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages
            ] == [(288, 432)] * 3
    assert [number in page.extract_text() for number, page in zip(numbers, pages, strict=True)
            ] == [True] * 3
    zpl = printing.labels_zpl(session, numbers, flow.settings)
    assert zpl.count("^XA") == 3 and zpl.count("^XZ") == 3
    assert zpl_barcodes(zpl) == numbers  # not shipped yet: no tracking number to print


def test_label_sizes_come_from_the_call_or_the_settings(flow, session):
    number = flow.ready("BATCH010")
    small = printing.labels_pdf(session, [number], flow.settings, "100x150")
    page = PdfReader(io.BytesIO(small)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (283, 425)
    tall = replace(flow.settings, label_size="100x180")
    page = PdfReader(io.BytesIO(printing.labels_pdf(session, [number], tall))).pages[0]
    assert round(float(page.mediabox.height)) == 510
    assert "^PW799" in printing.labels_zpl(session, [number], tall)
    with pytest.raises(InvalidInputError) as info:
        printing.labels_pdf(session, [number], flow.settings, "A4")
    assert info.value.details["field"] == "size"
    with pytest.raises(InvalidInputError):
        printing.labels_zpl(session, [number], replace(flow.settings, label_size="A6"))


def test_batch_limits_and_unknown_rmas(flow, session):
    number = flow.ready("BATCH011")
    with pytest.raises(InvalidInputError) as info:
        printing.labels_pdf(session, [], flow.settings)
    assert info.value.code == "missing_field"
    too_many = [f"RMA-2026-{i:06d}" for i in range(printing.MAX_BATCH + 1)]
    with pytest.raises(InvalidInputError) as info:
        printing.labels_zpl(session, too_many, flow.settings)
    assert (info.value.code, info.value.details["field"]) == ("invalid_field", "rmas")
    at_most = printing.labels_zpl(session, [number] * printing.MAX_BATCH, flow.settings)
    assert at_most.count("^XA") == 1
    with pytest.raises(NotFoundError) as info:
        printing.labels_pdf(session, [number, "RMA-2020-000001"], flow.settings)
    assert info.value.code == "rma_not_found"
