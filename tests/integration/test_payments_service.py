"""Payments on a real session: what may be recorded, the slip kept, and the balance."""
from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import select

from depot.domain.pricing import make_line
from depot.domain.workflow import Action, Status
from depot.errors import (
    ConflictError,
    InvalidInputError,
    InvalidTransitionError,
    NotFoundError,
)
from depot.models import Attachment, Payment, db
from depot.services import payments, repair
from depot.services.common import get_rma
from depot.services.intake import prepare_photos
from depot.services.workflow import balance
from tests.conftest import NOW
from tests.integration.conftest import LINES_TOTAL, count, event_count


def pay(session, number, amount, method="bank_transfer", reference="", **kw):
    kw.setdefault("actor", None)
    return payments.record_payment(session, number, Decimal(amount), method, reference,
                                   now=kw.pop("now", NOW), **kw)


def owed(number: str) -> tuple[Decimal, Decimal, Decimal]:
    """(due, paid, outstanding) as services.workflow.balance reads them from the database."""
    found = balance(get_rma(db.session, number))
    return found.due, found.paid, found.outstanding


def test_a_payment_with_its_slip_is_one_event(flow, session):
    number, _ = flow.sent("PAY001")
    raw = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(raw, format="PNG")
    slip = prepare_photos([("汇款底单.png", raw.getvalue())], max_bytes=5_000_000,
                          max_pixels=20_000_000)[0]
    later = NOW + timedelta(hours=2)

    payment = pay(session, number, "100.00", "bank_transfer", "  工行 6222-0001  ", slip=slip,
                  actor=flow.staff.clerk, now=later)

    assert (payment.amount, payment.currency, payment.method, payment.reference) == (
        Decimal("100.00"), "CNY", "bank_transfer", "工行 6222-0001")
    assert (payment.actor_id, payment.received_at) == (flow.staff.clerk.id, later)
    copy = session.get(Attachment, payment.slip_attachment_id)
    assert (copy.kind, copy.filename, copy.content_type) == (
        "payment_slip", "汇款底单.jpg", "image/jpeg")
    assert copy.rma_id == get_rma(session, number).id
    assert copy.sha256 == hashlib.sha256(slip.data).hexdigest() and copy.size == len(slip.data)
    rma = get_rma(session, number)
    last = rma.events[-1]
    assert (last.action, last.from_status, last.to_status, last.actor_id) == (
        "payment", "awaiting_approval", "awaiting_approval", flow.staff.clerk.id)
    assert last.reason.startswith("100.00 CNY bank_transfer") and "工行 6222-0001" in last.reason
    assert rma.status == Status.AWAITING_APPROVAL  # money moves no status


def test_a_payment_without_slip_or_reference(flow, session):
    number = flow.inspected("PAY002")
    payment = pay(session, number, "20", "cash")
    assert payment.slip_attachment_id is None and payment.reference == ""
    assert get_rma(session, number).events[-1].reason == "20 CNY cash"
    assert count(Attachment) == 0


@pytest.mark.parametrize(("amount", "method", "field"), [
    ("0", "cash", "amount"), ("-5.00", "cash", "amount"), ("10.00", "barter", "method"),
    ("10.00", "", "method")])
def test_bad_amounts_and_methods_write_nothing(flow, session, amount, method, field):
    number = flow.inspected("PAY003")
    events = event_count()
    with pytest.raises(InvalidInputError) as info:
        pay(session, number, amount, method)
    assert info.value.details["field"] == field
    session.rollback()
    assert count(Payment) == 0 and event_count() == events


def test_no_payment_for_an_unknown_rma(app, session):
    with pytest.raises(NotFoundError) as info:
        pay(session, "RMA-2026-999999", "10.00")
    assert info.value.code == "rma_not_found"


def test_payments_stop_when_the_rma_is_closed_or_cancelled(flow, session, settings):
    from depot.services import shipping

    shipped = flow.ready("PAY004")
    shipping.ship(session, shipped, carrier="SF", tracking_number="SF0000000001",
                  scanned=["PAY004"], packed=[], missing=[], settings=settings,
                  actor=flow.staff.logistics, now=NOW)
    pay(session, shipped, "5.00")  # a late remittance after shipping is still recorded
    repair.apply_action(session, shipped, Action.CLOSE, actor=flow.staff.logistics, now=NOW)
    cancelled = flow.inspected("PAY005")
    repair.apply_action(session, cancelled, Action.CANCEL, reason="customer withdrew",
                        actor=flow.staff.supervisor, now=NOW)
    payments_before, events = count(Payment), event_count()

    for number, status in ((shipped, "closed"), (cancelled, "cancelled")):
        with pytest.raises(InvalidTransitionError) as info:
            pay(session, number, "10.00")
        assert info.value.code == "invalid_transition"
        assert info.value.details["status"] == status
        session.rollback()
    assert count(Payment) == payments_before == 1 and event_count() == events


def test_the_balance_is_the_approved_quote_less_what_was_paid(flow, session):
    number, first = flow.sent("PAY006")
    assert owed(number) == (Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))
    pay(session, number, "30.00")  # paid ahead: nothing is due before an approval
    assert owed(number) == (
        Decimal("0.00"), Decimal("30.00"), Decimal("0.00"))

    # A cheaper second version is sent and approved: only the approved one is due.
    second = flow.draft(number, [make_line("labor", "维修工时 Labour", Decimal("2"),
                                           Decimal("50.00"))])
    flow.send(number, second.number)
    flow.answer(second.number)
    assert owed(number) == (
        Decimal("100.00"), Decimal("30.00"), Decimal("70.00"))
    pay(session, number, "50.00", "alipay")
    assert owed(number) == (
        Decimal("100.00"), Decimal("80.00"), Decimal("20.00"))
    # Paid too much: refused unless accepted (a supervisor; here the command line), and then
    # the part above is a credit to refund (issue 10 item 3).
    with pytest.raises(ConflictError) as info:
        pay(session, number, "45.50", "wechat_pay")
    assert info.value.code == "overpayment" and info.value.details["excess"] == "25.50"
    session.rollback()
    payment = pay(session, number, "45.50", "wechat_pay", accept_overpayment=True)
    assert payment.credit == Decimal("25.50")
    assert owed(number) == (
        Decimal("100.00"), Decimal("125.50"), Decimal("0.00"))
    assert balance(get_rma(session, number)).credit == Decimal("25.50")
    assert [p.method for p in get_rma(session, number).payments] == [
        "bank_transfer", "alipay", "wechat_pay"]
    assert first != second.number


def test_a_declined_quote_leaves_nothing_due(flow, session):
    number, quote_number = flow.sent("PAY007")
    flow.answer(quote_number, approve=False)
    assert balance(get_rma(session, number)).due == Decimal("0.00")
    number, quote_number = flow.sent("PAY008")
    flow.answer(quote_number)
    assert balance(get_rma(session, number)).outstanding == LINES_TOTAL
    assert session.scalars(select(Payment)).all() == []
