"""Exchange (换货) on a real session: the replacement unit goes back instead, its warranty is
fixed when it ships, the shipment scans it, the original stays as returned stock; DOA."""
from __future__ import annotations

import email
from datetime import date, timedelta
from decimal import Decimal
from email import policy

import pytest
from sqlalchemy import select

from depot.domain.exchange import StockOutcome
from depot.domain.workflow import Action, Status
from depot.errors import ConflictError, InvalidInputError, InvalidTransitionError, NotFoundError
from depot.models import Exchange, OutboxMessage, Unit
from depot.services import exchange, inspection, intake, payments, repair, shipping, units
from depot.services.common import get_rma, get_unit
from depot.services.units import CustomerInput
from depot.web import serialize
from tests.conftest import NOW
from tests.integration.conftest import LINES_TOTAL, count, event_count, outbox_count

TODAY = date(2026, 11, 20)  # NOW in Shanghai
LISI = CustomerInput("李四", "13700000000", "ls@example.com", "广东省广州市天河路1号")


def swap(flow, number, serial, *, reason="dead on arrival", model=None, actor=None,
         now=NOW, **kw):
    from depot.models import db

    return exchange.exchange_unit(db.session, number, serial, reason=reason,
                                  replacement_model=model,
                                  actor=actor or flow.staff.technician, now=now, **kw)


def ship(flow, number, scanned, now=NOW):
    from depot.models import db

    return shipping.ship(db.session, number, carrier="SF", tracking_number="SF1234567890",
                         scanned=list(scanned), packed=[], missing=[],
                         settings=flow.settings, actor=flow.staff.logistics, now=now)


def covered(flow, serial, **kw):
    return flow.inspected(serial, ("no_power",), **kw)


class Unchanged:
    def __init__(self, session, number):
        self.session, self.number = session, number
        self.status = get_rma(session, number).status
        self.events, self.units, self.exchanges = event_count(), count(Unit), count(Exchange)

    def check(self):
        self.session.rollback()
        rma = get_rma(self.session, self.number)
        assert rma.status == self.status and rma.exchange is None
        assert (event_count(), count(Unit), count(Exchange)) == (
            self.events, self.units, self.exchanges)


def test_a_covered_rma_is_exchanged_for_a_new_unit_in_one_event(flow, session):
    number = covered(flow, "EXA0001")
    events = event_count()
    rma = swap(flow, number, " EXB0001 ", settings=flow.settings)

    assert rma.status == Status.READY_TO_SHIP
    assert event_count() == events + 1
    last = rma.events[-1]
    assert (last.action, last.from_status, last.to_status) == ("exchange", "inspected",
                                                                "ready_to_ship")
    assert last.reason == "EXB0001: dead on arrival"
    new = get_unit(session, "EXB0001")
    old = get_unit(session, "EXA0001")
    assert new.model_id == old.model_id and new.customer_id == old.customer_id
    assert new.purchase_date == old.purchase_date and new.exchange_ends_on is None
    assert exchange.replaced_by(old) == "EXB0001" and exchange.replaced_by(new) is None
    assert rma.exchange.outcome == StockOutcome.IN_STOCK
    # the ready-to-ship mail names the unit that goes back
    message = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    text = email.message_from_bytes(message.raw, policy=policy.default).get_body(
        ("plain",)).get_content()
    assert "EXB0001" in text and "EXA0001" not in text


def test_a_replacement_of_another_model_is_registered_as_that_model(flow, session,
                                                                    make_model):
    make_model("AT-200", "考勤机 AT-200", 24)
    number = covered(flow, "EXA0002")
    swap(flow, number, "EXB0002", model="AT-200")
    assert get_unit(session, "EXB0002").model.code == "AT-200"


def test_an_uncovered_rma_needs_an_approved_quote(flow, session):
    number, quote = flow.sent("EXA0003")  # man-made: a quote was sent
    unchanged = Unchanged(session, number)
    with pytest.raises(InvalidTransitionError) as refused:
        swap(flow, number, "EXB0003")
    assert refused.value.code == "invalid_transition"  # awaiting approval: not from here
    unchanged.check()

    inspected = flow.inspected("EXA0004")  # man-made, no quote yet
    unchanged = Unchanged(session, inspected)
    with pytest.raises(InvalidTransitionError) as refused:
        swap(flow, inspected, "EXB0004")
    assert refused.value.code == "quote_required"
    unchanged.check()

    flow.answer(quote)  # approved: the exchange is the repair
    rma = swap(flow, number, "EXB0003")
    assert rma.status == Status.READY_TO_SHIP


def test_pay_before_repair_needs_the_money_first(flow, session):
    number, quote = flow.sent("EXA0005")
    flow.answer(quote)
    with pytest.raises(InvalidTransitionError) as refused:
        swap(flow, number, "EXB0005", pay_before="repair")
    assert refused.value.code == "payment_required"
    payments.record_payment(session, number, LINES_TOTAL, "cash", actor=flow.staff.clerk,
                            now=NOW)
    assert swap(flow, number, "EXB0005", pay_before="repair").status == Status.READY_TO_SHIP


@pytest.mark.parametrize("status_path", ["received", "repaired"])
def test_not_from_other_statuses(flow, session, status_path):
    if status_path == "received":
        number = flow.received("EXA0006")
    else:
        number = covered(flow, "EXA0006")
        for action in (Action.START_REPAIR, Action.FINISH_REPAIR):
            repair.apply_action(session, number, action, actor=flow.staff.technician, now=NOW)
    unchanged = Unchanged(session, number)
    with pytest.raises(InvalidTransitionError) as refused:
        swap(flow, number, "EXB0006")
    assert refused.value.code == "invalid_transition"
    unchanged.check()


def test_from_in_repair_and_awaiting_parts(flow, session):
    first = covered(flow, "EXA0007")
    repair.apply_action(session, first, Action.START_REPAIR, actor=flow.staff.technician,
                        now=NOW)
    assert swap(flow, first, "EXB0007").status == Status.READY_TO_SHIP
    second = covered(flow, "EXA0008")
    for action in (Action.START_REPAIR, Action.WAIT_PARTS):
        repair.apply_action(session, second, action, actor=flow.staff.technician, now=NOW)
    assert swap(flow, second, "EXB0008").events[-1].from_status == "awaiting_parts"


def test_bad_replacements_are_refused_and_change_nothing(flow, session, make_unit):
    number = covered(flow, "EXA0010")
    make_unit("EXOTHER01", date(2026, 6, 1), customer=LISI)  # another customer's unit
    busy = flow.received("EXBUSY01")  # a unit of the same customer, under repair
    unchanged = Unchanged(session, number)
    cases = [("exa0010", InvalidInputError, "same_unit"),
             ("EXOTHER01", ConflictError, "replacement_owned"),
             ("EXBUSY01", ConflictError, "replacement_in_repair"),
             ("bad serial!", InvalidInputError, "invalid_serial"),
             ("", InvalidInputError, "missing_field")]
    for serial, kind, code in cases:
        with pytest.raises(kind) as refused:
            swap(flow, number, serial)
        assert refused.value.code == code, serial
        unchanged.check()
    with pytest.raises(InvalidInputError) as refused:
        swap(flow, number, "EXB0010", reason="  ")
    assert refused.value.code == "reason_required"
    with pytest.raises(NotFoundError):
        swap(flow, number, "EXB0010", model="NO-SUCH")
    unchanged.check()
    assert get_rma(session, busy).exchange is None


def test_a_serial_pattern_of_the_model_is_checked(flow, session, make_model):
    make_model("POS-9", "POS 9", 24, serial_pattern=r"P9-\d{4}")
    number = covered(flow, "EXA0011")
    with pytest.raises(InvalidInputError) as refused:
        swap(flow, number, "EXB0011", model="POS-9")
    assert refused.value.code == "serial_pattern_mismatch"
    assert swap(flow, number, "P9-0001", model="POS-9").status == Status.READY_TO_SHIP


def test_a_unit_already_promised_to_another_exchange_is_refused(flow, session):
    first, second = covered(flow, "EXA0012"), covered(flow, "EXA0013")
    swap(flow, first, "EXB0012")
    with pytest.raises(ConflictError) as refused:
        swap(flow, second, "EXB0012")
    assert refused.value.code == "replacement_taken"


def test_the_shipment_scans_the_replacement_and_fixes_its_warranty(flow, session):
    # bought 2026-06-01 (12 months: ends 2027-05-31); shipped 2026-11-20 + 90 - 1 = 2027-02-17
    number = covered(flow, "EXA0020")
    swap(flow, number, "EXB0020")
    events = event_count()
    with pytest.raises(ConflictError) as refused:
        ship(flow, number, ["EXA0020", number])
    assert refused.value.code == "wrong_unit"
    with pytest.raises(ConflictError) as refused:
        ship(flow, number, [number])
    assert refused.value.code == "unit_not_scanned"
    assert refused.value.details["serial"] == "EXB0020"
    session.rollback()
    assert event_count() == events and get_rma(session, number).status == "ready_to_ship"

    mails = outbox_count()
    rma = ship(flow, number, ["exb0020", number])
    assert rma.status == Status.SHIPPED and outbox_count() == mails + 1
    new = get_unit(session, "EXB0020")
    assert new.exchange_ends_on == date(2027, 5, 31)  # the original's end is later
    label = shipping.label_data(rma, flow.settings)
    assert any("EXB0020" in line for line in label.contents)
    assert not any("EXA0020" in line for line in label.contents)
    message = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    text = email.message_from_bytes(message.raw, policy=policy.default).get_body(
        ("plain",)).get_content()
    assert "EXB0020" in text and "EXA0020" not in text


def test_a_short_original_warranty_gives_the_exchange_minimum(flow, session, make_unit):
    # bought 2025-12-10, 12 months: ends 2026-12-09; shipped 2026-11-20: covered to 2027-02-17
    number = flow.inspected("EXA0021", ("no_power",), purchase=date(2025, 12, 10))
    swap(flow, number, "EXB0021")
    ship(flow, number, ["EXB0021"])
    new = get_unit(session, "EXB0021")
    assert new.exchange_ends_on == date(2027, 2, 17)
    decision = units.unit_warranty(new, date(2027, 2, 17))
    assert decision.in_warranty and decision.ends_on == date(2027, 2, 17)
    assert "exchange_warranty" in [r.code for r in decision.reasons]
    assert not units.unit_warranty(new, date(2027, 2, 18)).in_warranty


def test_an_unknown_purchase_date_still_gets_the_exchange_minimum(flow, session):
    number = flow.inspected("EXA0022", ("no_power",), purchase=None)
    inspection.override(session, number, reason="proof by phone", covered=True,
                        actor=flow.staff.supervisor, now=NOW)
    swap(flow, number, "EXB0022", actor=flow.staff.supervisor)
    ship(flow, number, ["EXB0022"])
    assert get_unit(session, "EXB0022").exchange_ends_on == date(2027, 2, 17)


def test_doa_adds_the_reason_and_puts_exchange_first(flow, session, settings):
    number = flow.received("EXA0030", purchase=date(2026, 11, 5))  # 15 days before NOW
    inspection.record_inspection(session, number, ["no_power"], actor=flow.staff.technician,
                                 now=NOW, doa_days=15)
    rma = get_rma(session, number)
    data = serialize.rma(rma, "en", settings.tz, TODAY)
    assert "doa" in data["coverage_reason_codes"]
    assert data["allowed_actions"][0] == "exchange"
    assert any("Dead on arrival" in r for r in data["coverage_reasons"])

    late = flow.received("EXA0031", purchase=date(2026, 11, 4))  # 16 days: no longer DOA
    inspection.record_inspection(session, late, ["no_power"], actor=flow.staff.technician,
                                 now=NOW, doa_days=15)
    data = serialize.rma(get_rma(session, late), "en", settings.tz, TODAY)
    assert "doa" not in data["coverage_reason_codes"]
    assert data["allowed_actions"].index("start_repair") < data["allowed_actions"].index(
        "exchange")

    man_made = flow.received("EXA0032", purchase=date(2026, 11, 18))
    inspection.record_inspection(session, man_made, ["shell_damage"],
                                 actor=flow.staff.technician, now=NOW, doa_days=15)
    assert "doa" not in serialize.rma(get_rma(session, man_made), "en", settings.tz,
                                      TODAY)["coverage_reason_codes"]


def test_returned_stock_lists_the_originals_and_their_outcomes(flow, session):
    first, second = covered(flow, "EXA0040"), covered(flow, "EXA0041")
    swap(flow, first, "EXB0040")
    swap(flow, second, "EXB0041")
    listed = exchange.returned_stock(session)
    assert [e.original.serial for e in listed] == ["EXA0041", "EXA0040"]
    assert {e.outcome for e in listed} == {"in_stock"}

    row = exchange.set_outcome(session, "exa0040", "repaired_to_spares", " board swapped ",
                               actor=flow.staff.supervisor, now=NOW)
    assert (row.outcome, row.outcome_note, row.outcome_by_id) == (
        "repaired_to_spares", "board swapped", flow.staff.supervisor.id)
    exchange.set_outcome(session, "EXA0041", "scrapped", actor=flow.staff.supervisor, now=NOW)
    assert [e.original.serial for e in exchange.returned_stock(session, StockOutcome.SCRAPPED)
            ] == ["EXA0041"]
    with pytest.raises(InvalidInputError):
        exchange.set_outcome(session, "EXA0040", "sold", actor=None, now=NOW)
    with pytest.raises(NotFoundError):
        exchange.set_outcome(session, "EXB0040", "scrapped", actor=None, now=NOW)

    # a unit repaired into spare stock may go out as another customer's replacement;
    # a scrapped one may not
    other = flow.inspected("EXA0042", ("no_power",), customer=LISI)
    with pytest.raises(ConflictError) as refused:
        swap(flow, other, "EXA0041")
    assert refused.value.code == "replacement_scrapped"
    assert swap(flow, other, "EXA0040").status == Status.READY_TO_SHIP
    assert get_unit(session, "EXA0040").customer.name == "李四"


def test_a_cancelled_exchange_is_no_returned_stock(flow, session):
    number = covered(flow, "EXA0050")
    swap(flow, number, "EXB0050")
    repair.apply_action(session, number, Action.CANCEL, reason="customer withdrew",
                        actor=flow.staff.supervisor, now=NOW)
    assert exchange.returned_stock(session) == []
    assert exchange.replaced_by(get_unit(session, "EXA0050")) is None


def test_the_replacement_comes_back_later_with_its_fixed_warranty(flow, session):
    number = flow.inspected("EXA0060", ("no_power",), purchase=date(2025, 12, 10))
    swap(flow, number, "EXB0060")
    ship(flow, number, ["EXB0060"])
    later = NOW + timedelta(days=60)
    rma, _ = intake.receive_unit(session, "EXB0060", "no boot", [], actor=flow.staff.clerk,
                                 now=later)
    assert rma.warranty_status == "in_warranty"
    assert rma.warranty_ends_on == date(2027, 2, 17)


def test_the_receipt_names_the_replacement_once_exchanged(flow, session):
    import io

    from pypdf import PdfReader

    from depot.services import documents

    def text(number):
        pdf = documents.receipt(session, number, depot=flow.settings.depot, lang="zh_CN")
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)

    number = covered(flow, "EXA0090")
    before = text(number)
    assert "EXA0090" in before and "换货新机" not in before
    swap(flow, number, "EXB0090")
    after = text(number)
    assert "EXA0090" in after and "EXB0090" in after and "换货新机" in after
