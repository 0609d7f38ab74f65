"""Issue 10 item 3 on a real session: an overpayment is refused unless a supervisor accepts
it, and then its excess is a credit to refund; a supervisor voids a payment with a reason (an
event, the RMA locked); DEPOT_PAY_BEFORE=repair holds an unpaid repair at the bench."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from depot.domain.workflow import Action, Status
from depot.errors import (
    ConflictError,
    InvalidInputError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
)
from depot.models import Payment, db
from depot.services import payments, repair, shipping
from depot.services.common import get_rma
from depot.services.workflow import balance
from tests.conftest import NOW
from tests.integration.conftest import LINES_TOTAL, count, event_count


def pay(number, amount, actor, **kw):
    return payments.record_payment(db.session, number, Decimal(amount), "bank_transfer",
                                   kw.pop("reference", "ICBC 0001"), actor=actor,
                                   now=kw.pop("now", NOW), **kw)


def approved(flow, serial: str) -> str:
    number, quote_number = flow.sent(serial)
    flow.answer(quote_number)
    return number


def test_more_than_was_asked_for_is_refused_and_nothing_is_written(flow, session):
    number = approved(flow, "OVER001")  # 258.50 due
    events = event_count()
    with pytest.raises(ConflictError) as info:
        pay(number, "308.50", flow.staff.clerk)
    assert info.value.code == "overpayment"
    assert info.value.details == {"excess": "50.00", "expected": "258.50", "amount": "308.50"}
    assert "50.00 CNY more than the 258.50 CNY" in info.value.message % info.value.details
    session.rollback()
    assert count(Payment) == 0 and event_count() == events

    # A clerk may not accept it; a supervisor may.
    with pytest.raises(PermissionDeniedError):
        pay(number, "308.50", flow.staff.clerk, accept_overpayment=True)
    session.rollback()
    assert count(Payment) == 0
    payment = pay(number, "308.50", flow.staff.supervisor, accept_overpayment=True)
    assert payment.credit == Decimal("50.00")
    found = balance(get_rma(session, number))
    assert (found.due, found.paid, found.outstanding, found.credit) == (
        LINES_TOTAL, Decimal("308.50"), Decimal("0.00"), Decimal("50.00"))
    last = get_rma(session, number).events[-1]
    assert last.action == "payment" and last.actor_id == flow.staff.supervisor.id
    assert "50.00 CNY above the 258.50 CNY asked for: credit to refund" in last.reason


def test_the_exact_amount_and_parts_of_it_are_no_overpayment(flow, session):
    number = approved(flow, "OVER002")
    assert pay(number, "200.00", flow.staff.clerk).credit == Decimal("0.00")
    with pytest.raises(ConflictError) as info:  # 58.50 is left: 60.00 is 1.50 too much
        pay(number, "60.00", flow.staff.clerk)
    assert info.value.details["excess"] == "1.50"
    session.rollback()
    assert pay(number, "58.50", flow.staff.clerk).credit == Decimal("0.00")
    assert balance(get_rma(session, number)).outstanding == Decimal("0.00")


def test_a_supervisor_voids_a_payment_with_a_reason(flow, session, settings):
    number = flow.ready("VOID001", covered=False)  # approved 258.50, repaired, unpaid
    wrong = pay(number, "258.50", flow.staff.clerk, reference="typo: another customer's")
    assert balance(get_rma(session, number)).outstanding == Decimal("0.00")

    with pytest.raises(InvalidInputError) as info:
        payments.void_payment(session, number, wrong.id, "  ", actor=flow.staff.supervisor,
                              now=NOW)
    assert info.value.code == "reason_required"
    with pytest.raises(NotFoundError):
        payments.void_payment(session, number, wrong.id + 99, "x",
                              actor=flow.staff.supervisor, now=NOW)
    later = NOW + timedelta(hours=1)
    voided = payments.void_payment(session, number, wrong.id, "recorded on the wrong RMA",
                                   actor=flow.staff.supervisor, now=later)
    assert (voided.voided_at, voided.voided_by_id, voided.void_reason) == (
        later, flow.staff.supervisor.id, "recorded on the wrong RMA")
    rma = get_rma(session, number)
    assert count(Payment) == 1  # kept, never deleted
    assert balance(rma).paid == Decimal("0.00") and balance(rma).outstanding == LINES_TOTAL
    last = rma.events[-1]
    assert (last.action, last.from_status, last.to_status, last.actor_id) == (
        "void_payment", "ready_to_ship", "ready_to_ship", flow.staff.supervisor.id)
    assert last.reason.startswith(f"payment {wrong.id} (258.50 CNY bank_transfer")
    assert last.reason.endswith(": recorded on the wrong RMA")

    with pytest.raises(ConflictError) as info:
        payments.void_payment(session, number, wrong.id, "again",
                              actor=flow.staff.supervisor, now=later)
    assert info.value.code == "payment_voided"
    session.rollback()
    # Unpaid again: the unit does not ship.
    with pytest.raises(InvalidTransitionError) as refused:
        shipping.ship(session, number, carrier="SF", tracking_number="SF0000000009",
                      scanned=["VOID001"], packed=[], missing=[], settings=settings,
                      actor=flow.staff.logistics, now=later)
    assert refused.value.code == "payment_required"


def test_a_voided_payment_makes_room_for_the_right_one(flow, session):
    number = approved(flow, "VOID002")
    first = pay(number, "258.50", flow.staff.clerk)
    with pytest.raises(ConflictError):
        pay(number, "258.50", flow.staff.clerk)  # entered twice
    session.rollback()
    payments.void_payment(session, number, first.id, "slip was for another RMA",
                          actor=flow.staff.supervisor, now=NOW)
    assert pay(number, "258.50", flow.staff.clerk).credit == Decimal("0.00")


@pytest.mark.parametrize("pay_before", ["repair", "shipping"])
def test_pay_before_decides_whether_an_unpaid_repair_starts(flow, session, pay_before):
    number = approved(flow, f"PB{pay_before.upper()}")

    def start():
        return repair.apply_action(session, number, Action.START_REPAIR,
                                   actor=flow.staff.technician, now=NOW, pay_before=pay_before)

    if pay_before == "shipping":
        assert start().status == Status.IN_REPAIR
        return
    with pytest.raises(InvalidTransitionError) as info:
        start()
    assert info.value.code == "payment_required"
    assert info.value.details["outstanding"] == "258.50"
    session.rollback()
    assert get_rma(session, number).status == Status.APPROVED
    pay(number, "258.50", flow.staff.clerk)
    assert start().status == Status.IN_REPAIR
