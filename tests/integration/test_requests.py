"""Requests before shipping (v1.1) on a real session: the RMA is created `requested` with its
number and no dates, the mail carries the packing slip, intake receives the same RMA, requests
not received lapse; a serial with an open RMA creates nothing."""
from __future__ import annotations

import email
import io
from datetime import date, timedelta
from email import policy

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from depot.domain.workflow import Status
from depot.errors import ConflictError, InvalidInputError, InvalidTransitionError
from depot.models import Notification, OutboxMessage, Rma, Unit, db
from depot.services import intake, requests, search
from depot.services.common import get_rma, get_unit
from depot.services.units import CustomerInput
from tests.conftest import NOW
from tests.integration.conftest import count, event_count, outbox_count

TODAY = date(2026, 11, 20)  # NOW in Shanghai (a Friday)
CHEN = CustomerInput("陈静", "13912345678", "cj@example.com", "浙江省杭州市西湖区文三路90号")


def ask(settings, serial="REQ0001", *, model=None, now=NOW, customer=CHEN, **kw):
    return requests.request_rma(db.session, requests.RequestInput(
        serial, "开机无显示", customer, model=model, **kw), settings, now=now)


def test_a_request_is_an_rma_requested_with_its_number_and_no_dates(make_unit, settings):
    make_unit("REQ0001", date(2026, 6, 1))
    made = ask(settings)
    rma = get_rma(db.session, made.rma.number)
    assert made.known_unit and rma.number == "RMA-2026-000001"
    assert rma.status == Status.REQUESTED.value
    assert rma.received_on is None and rma.due_on is None and rma.listed_on == TODAY
    assert rma.warranty_status == "in_warranty" and rma.reported_on == TODAY
    assert [e.action for e in rma.events] == ["request"]
    assert made.status_url.startswith("http://depot.test/s/")


def test_the_mail_carries_the_packing_slip_with_the_depot_address(make_unit, settings):
    make_unit("REQ0001", date(2026, 6, 1))
    made = ask(settings)
    row = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    message = email.message_from_bytes(row.raw, policy=policy.default)
    assert message["To"] == "zs@example.com"  # the unit's customer of record
    body = message.get_body(("plain",)).get_content()
    assert made.rma.number in body and "四川省成都市高新区天府大道1号" in body
    assert made.status_url in body and (TODAY + timedelta(days=30)).isoformat() in body
    slips = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(slips) == 1 and made.rma.number in slips[0].get_filename()
    text = PdfReader(io.BytesIO(slips[0].get_content())).pages[0].extract_text()
    assert "寄修单" in text and "四川省成都市高新区天府大道1号" in text
    assert "请勿寄送电源适配器" in text
    notification = db.session.scalar(select(Notification).where(
        Notification.rma_id == made.rma.id))
    assert notification.kind == "requested"


def test_an_unknown_serial_is_registered_with_the_requester_and_we_will_check(
        make_model, settings):
    make_model("POS-9", "收银机 POS-9", 24, serial_pattern=r"P9-\d{6}")
    made = ask(settings, "P9-000123", purchase_date=date(2026, 1, 5))
    assert not made.known_unit
    unit = get_unit(db.session, "P9-000123")
    assert unit.model.code == "POS-9" and unit.customer.name == "陈静"
    assert unit.purchase_date == date(2026, 1, 5)


def test_an_unknown_serial_fitting_no_model_asks_for_the_model(make_model, settings):
    make_model("POS-9", "收银机 POS-9", 24, serial_pattern=r"P9-\d{6}")
    make_model("AT-100", "考勤机 AT-100", 12)  # no pattern: it fits nothing by itself
    before = (count(Rma), count(Unit), outbox_count())
    with pytest.raises(InvalidInputError) as refused:
        ask(settings, "ZZ-1")
    assert refused.value.code == "model_required"
    db.session.rollback()
    assert (count(Rma), count(Unit), outbox_count()) == before
    with pytest.raises(InvalidInputError) as misfit:
        ask(settings, "ZZ-1", model="POS-9")
    assert misfit.value.code == "serial_pattern_mismatch"
    db.session.rollback()
    assert ask(settings, "ZZ-1", model="AT-100").rma.unit.model.code == "AT-100"


def test_a_serial_with_an_open_rma_creates_nothing_and_names_its_status_link(
        make_unit, settings):
    make_unit("REQ0001", date(2026, 6, 1))
    first, _ = intake.receive_unit(db.session, "REQ0001", "no power", [], actor=None, now=NOW)
    before = (count(Rma), event_count(), outbox_count())
    with pytest.raises(ConflictError) as refused:
        ask(settings)
    assert refused.value.code == "open_rma_exists"
    assert refused.value.details["rma"] == first.number
    assert refused.value.details["status_url"].startswith("http://depot.test/s/")
    assert (count(Rma), event_count(), outbox_count()) == before


def test_a_second_request_for_the_same_serial_is_refused(make_unit, settings):
    make_unit("REQ0001", date(2026, 6, 1))
    first = ask(settings)
    with pytest.raises(ConflictError) as refused:
        ask(settings)
    assert refused.value.details["rma"] == first.rma.number and count(Rma) == 1


def test_intake_receives_the_same_rma_and_its_clock_starts_that_day(make_unit, settings, staff):
    make_unit("REQ0001", date(2026, 6, 1))
    made = ask(settings)
    arrived = NOW + timedelta(days=4)  # Tuesday 2026-11-24
    rma, created = intake.receive_unit(db.session, "req0001", "", ["power_adapter"],
                                       actor=staff.clerk, now=arrived, settings=settings)
    assert not created and rma.number == made.rma.number and count(Rma) == 1
    assert rma.status == Status.RECEIVED.value
    assert rma.received_on == rma.listed_on == date(2026, 11, 24)
    assert rma.due_on == date(2026, 12, 1)  # five working days on from Tuesday
    assert rma.fault_description == "开机无显示"  # the request's, none typed at intake
    assert rma.accessories == ["power_adapter"]
    assert [e.action for e in rma.events] == ["request", "receive"]
    kinds = [n.kind for n in rma.notifications]
    assert kinds == ["requested", "received"]


def test_a_cancelled_request_is_not_received_again(make_unit, settings, staff):
    make_unit("REQ0001", date(2026, 6, 1))
    made = ask(settings)
    later = NOW + timedelta(days=31)
    assert requests.expire(db.session, settings, now=later) == [made.rma.number]
    assert get_rma(db.session, made.rma.number).status == Status.CANCELLED.value
    rma, created = intake.receive_unit(db.session, "REQ0001", "屏幕不亮", [], actor=staff.clerk,
                                       now=later)
    assert created and rma.number != made.rma.number  # a new RMA: the request lapsed


def test_only_requests_older_than_the_limit_lapse(make_unit, settings):
    make_unit("REQ0001", date(2026, 6, 1))
    make_unit("REQ0002", date(2026, 6, 1))
    old = ask(settings, "REQ0001")
    young = ask(settings, "REQ0002", now=NOW + timedelta(days=10))
    assert requests.expire(db.session, settings, now=NOW + timedelta(days=30)) == []
    assert requests.expire(db.session, settings, now=NOW + timedelta(days=31)) == [
        old.rma.number]
    assert get_rma(db.session, young.rma.number).status == Status.REQUESTED.value


def test_the_queue_lists_waiting_requests_oldest_first_with_working_day_age(
        make_unit, settings):
    for serial in ("REQ0001", "REQ0002"):
        make_unit(serial, date(2026, 6, 1))
    ask(settings, "REQ0002", now=NOW - timedelta(days=3))  # Tuesday 2026-11-17
    ask(settings, "REQ0001")
    rows = requests.queue(db.session, today=date(2026, 11, 23))  # Monday
    assert [r.rma.unit.serial for r in rows] == ["REQ0002", "REQ0001"]
    assert [r.age_working_days for r in rows] == [4, 1]  # the weekend does not count


def test_a_request_cannot_be_inspected_or_printed_as_received(make_unit, settings, staff):
    from depot.domain.workflow import Action
    from depot.services import documents
    from depot.services.workflow import change_status

    make_unit("REQ0001", date(2026, 6, 1))
    made = ask(settings)
    rma = get_rma(db.session, made.rma.number)
    with pytest.raises(InvalidTransitionError):
        change_status(db.session, rma, Action.INSPECT, actor=staff.technician, now=NOW)
    db.session.rollback()
    with pytest.raises(ConflictError) as refused:
        documents.receipt(db.session, made.rma.number, depot=settings.depot)
    assert refused.value.code == "not_received"
    assert requests.slip_pdf(db.session, made.rma.number, settings)[:5] == b"%PDF-"


def test_requests_appear_in_search_and_page_through(make_unit, settings, staff):
    for i in range(1, 6):
        make_unit(f"REQ000{i}", date(2026, 6, 1))
    for i in (1, 2):
        intake.receive_unit(db.session, f"REQ000{i}", "x", [], actor=staff.clerk,
                            now=NOW - timedelta(days=5))
    for i in (3, 4, 5):
        ask(settings, f"REQ000{i}")
    secret = "s" * 32
    seen, cursor = [], None
    for _ in range(5):
        got = search.search_rmas(db.session, search.RmaFilter(), today=TODAY, secret=secret,
                                 limit=2, cursor=cursor)
        seen += got.rmas
        cursor = got.next_cursor
        if not cursor:
            break
    assert [r.serial for r in seen] == ["REQ0005", "REQ0004", "REQ0003", "REQ0002", "REQ0001"]
    assert [r.received_on for r in seen[:3]] == [None, None, None]
    by_due = search.search_rmas(db.session, search.RmaFilter(), today=TODAY, secret=secret,
                                sort=search.Sort("due_on", False), limit=10)
    assert len(by_due.rmas) == 5
    only = search.search_rmas(db.session, search.RmaFilter(statuses=("requested",)),
                              today=TODAY, secret=secret)
    assert len(only.rmas) == 3


def test_an_erp_hears_of_the_request_and_of_its_arrival(make_unit, settings, staff):
    from depot.models import WebhookDelivery
    from depot.services import webhooks

    webhooks.create_webhook(db.session, "http://127.0.0.1:9/erp", ["rma.created",
                                                                  "rma.status_changed"],
                            "s" * 32, actor=None, now=NOW)
    make_unit("REQ0001", date(2026, 6, 1))
    made = ask(settings)
    intake.receive_unit(db.session, "REQ0001", "", [], actor=staff.clerk,
                        now=NOW + timedelta(days=1))
    events = db.session.scalars(select(WebhookDelivery.event).where(
        WebhookDelivery.rma_id == made.rma.id).order_by(WebhookDelivery.outbox_id)).all()
    assert events == ["rma.created", "rma.status_changed"]
