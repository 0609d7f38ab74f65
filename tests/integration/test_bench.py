"""Inspection, coverage, the state machine, the repair clock and parts on a real database."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from depot.domain.workflow import Action, Status
from depot.errors import InvalidInputError, InvalidTransitionError
from depot.i18n import reason_text
from depot.models import Part, RmaEvent, User, db
from depot.services import findings, inspection, intake, parts, repair, units
from depot.services.common import get_rma, get_unit
from depot.services.workflow import change_status
from tests.conftest import NOW


def at(day: date, hour: int = 3) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def tech(app) -> User:
    from depot.services import users

    return users.create_user(db.session, "wang.tech", "technician", now=NOW)[0]


@pytest.fixture
def received(make_unit):
    def receive(serial="BENCH001", purchase=date(2026, 6, 1), now=NOW, **kw):
        make_unit(serial, purchase, **kw)
        return intake.receive_unit(db.session, serial, "no power", ["power_adapter"],
                                   actor=None, now=now)[0].number

    return receive


def events(number: str) -> list[tuple[str, str | None, str]]:
    rma = get_rma(db.session, number)
    return [(e.action, e.from_status, e.to_status) for e in rma.events]


def test_quality_fault_in_warranty_is_covered_and_goes_to_ready_to_ship(received, tech):
    number = received()
    result = inspection.record_inspection(db.session, number, ["no_power"], "dead PSU",
                                          actor=tech, now=NOW)
    assert (result.damage_class.value, result.covered) == ("quality", True)
    for action in (Action.START_REPAIR, Action.FINISH_REPAIR, Action.PASS_QA):
        repair.apply_action(db.session, number, action, actor=tech, now=NOW)
    assert get_rma(db.session, number).status == Status.READY_TO_SHIP
    assert events(number) == [
        ("receive", None, "received"), ("inspect", "received", "inspected"),
        ("start_repair", "inspected", "in_repair"), ("finish_repair", "in_repair", "repaired"),
        ("pass_qa", "repaired", "ready_to_ship")]
    assert all(e.actor_id == tech.id for e in get_rma(db.session, number).events[1:])


def test_man_made_damage_needs_a_quote(received, tech):
    number = received()
    result = inspection.record_inspection(db.session, number, ["shell_damage", "no_power"],
                                          actor=tech, now=NOW)
    assert (result.damage_class.value, result.covered) == ("man_made", False)
    assert reason_text(result.reasons[0], "zh_CN") == "外壳破裂：人为损坏，不在保修范围"
    with pytest.raises(InvalidTransitionError, match="quote") as info:
        repair.apply_action(db.session, number, Action.START_REPAIR, actor=tech, now=NOW)
    assert "send_quote" in info.value.details["allowed"]
    assert get_rma(db.session, number).status == Status.INSPECTED
    assert len(events(number)) == 2  # nothing written for the refusal


def test_out_of_warranty_quality_fault_is_not_covered(received, tech):
    number = received(purchase=date(2020, 1, 1))
    result = inspection.record_inspection(db.session, number, ["display_fault"], actor=tech,
                                          now=NOW)
    assert (result.damage_class.value, result.covered) == ("quality", False)
    assert result.reasons[-1].code == "not_covered_expired"


def test_no_fault_found_goes_back_unrepaired(received, tech):
    number = received()
    result = inspection.record_inspection(db.session, number, [], actor=tech, now=NOW)
    assert result.damage_class.value == "no_fault_found"
    repair.apply_action(db.session, number, Action.RETURN_UNREPAIRED, actor=tech, now=NOW)
    assert get_rma(db.session, number).status == Status.READY_TO_SHIP


def test_inspection_can_be_corrected_but_not_after_repair_starts(received, tech):
    number = received()
    inspection.record_inspection(db.session, number, ["shell_damage"], actor=tech, now=NOW)
    inspection.record_inspection(db.session, number, ["no_power"], actor=tech, now=NOW)
    assert get_rma(db.session, number).covered is True
    repair.apply_action(db.session, number, Action.START_REPAIR, actor=tech, now=NOW)
    with pytest.raises(InvalidTransitionError):
        inspection.record_inspection(db.session, number, ["shell_damage"], actor=tech, now=NOW)


def test_supervisor_override_with_reason_is_an_event(received, tech):
    boss = User(username="boss", role="supervisor", display_name="boss", active=True,
                created_at=NOW)
    db.session.add(boss)
    db.session.commit()
    number = received(purchase=date(2020, 1, 1))
    inspection.record_inspection(db.session, number, ["no_power"], actor=tech, now=NOW)
    with pytest.raises(InvalidInputError):
        inspection.override(db.session, number, reason=" ", covered=True, actor=boss, now=NOW)
    rma = inspection.override(db.session, number, reason="goodwill for key account",
                              warranty="in_warranty", actor=boss, now=NOW)
    assert rma.warranty_status == "in_warranty" and rma.covered is True
    last = rma.events[-1]
    assert (last.action, last.actor_id) == ("override", boss.id)
    assert "goodwill" in last.reason and "out_of_warranty -> in_warranty" in last.reason
    repair.apply_action(db.session, number, Action.START_REPAIR, actor=tech, now=NOW)


def test_cancel_needs_a_reason_and_stops_before_shipping(received, tech):
    number = received()
    with pytest.raises(InvalidInputError):
        repair.apply_action(db.session, number, Action.CANCEL, actor=tech, now=NOW)
    repair.apply_action(db.session, number, Action.CANCEL, reason="customer withdrew",
                        actor=tech, now=NOW)
    assert events(number)[-1] == ("cancel", "received", "cancelled")
    with pytest.raises(InvalidTransitionError) as info:
        repair.apply_action(db.session, number, Action.START_REPAIR, actor=tech, now=NOW)
    assert info.value.details["allowed"] == []


def test_waiting_for_the_customer_moves_the_due_date(received, tech):
    # Received Wed 2026-11-18 -> due Wed 2026-11-25. The quote waits Thu 19 -> Tue 24
    # (3 working days: Fri, Mon, Tue), so the due date moves 3 working days to Mon 30.
    number = received(now=at(date(2026, 11, 18)))
    rma = get_rma(db.session, number)
    assert rma.due_on == date(2026, 11, 25)
    inspection.record_inspection(db.session, number, ["shell_damage"], actor=tech,
                                 now=at(date(2026, 11, 19)))
    change_status(db.session, rma, Action.SEND_QUOTE, actor=tech, now=at(date(2026, 11, 19)))
    db.session.commit()
    assert rma.paused_since == date(2026, 11, 19)
    change_status(db.session, rma, Action.APPROVE, actor=None, now=at(date(2026, 11, 24)))
    db.session.commit()
    assert (rma.paused_since, rma.paused_working_days) == (None, 3)
    assert rma.due_on == date(2026, 11, 30)


def test_repair_warranty_on_the_next_intake(received, tech):
    number = received(purchase=date(2024, 1, 1))
    rma = get_rma(db.session, number)
    inspection.record_inspection(db.session, number, ["no_power"], actor=tech, now=NOW)
    inspection.override(db.session, number, reason="goodwill", covered=True,
                        actor=tech, now=NOW)
    for action in (Action.START_REPAIR, Action.FINISH_REPAIR, Action.PASS_QA):
        repair.apply_action(db.session, number, action, actor=tech, now=NOW)
    change_status(db.session, rma, Action.SHIP, actor=tech, now=NOW)
    db.session.commit()
    back = intake.receive_unit(db.session, "BENCH001", "again", [], actor=None,
                               now=NOW + timedelta(days=30))[0]
    assert back.warranty_status == "in_warranty"
    assert back.warranty_reasons[-1]["code"] == "repair_warranty"
    unit = get_unit(db.session, "BENCH001")
    assert units.unit_warranty(unit, date(2027, 6, 1)).status.value == "out_of_warranty"


@pytest.fixture
def psu(app) -> Part:
    return parts.create_part(db.session, "PSU-12V", "12V 电源板", Decimal("35.50"), stock=2,
                             model_codes=["AT-100"], now=NOW)


def in_repair(received, tech, serial="PARTS001") -> str:
    number = received(serial)
    inspection.record_inspection(db.session, number, ["no_power"], actor=tech, now=NOW)
    repair.apply_action(db.session, number, Action.START_REPAIR, actor=tech, now=NOW)
    return number


def test_parts_used_at_cost_and_stock_never_below_zero(received, tech, psu):
    number = in_repair(received, tech)
    used = parts.use_part(db.session, number, "PSU-12V", 2, actor=tech, now=NOW)
    assert used.use is not None and used.use.unit_cost == Decimal("35.50")
    assert db.session.get(Part, psu.id).stock == 0
    short = parts.use_part(db.session, number, "PSU-12V", 1, actor=tech, now=NOW)
    assert short.use is None and short.shortage == 1
    assert db.session.get(Part, psu.id).stock == 0
    rma = get_rma(db.session, number)
    assert rma.status == Status.AWAITING_PARTS
    assert [(u.part.part_number, u.quantity) for u in rma.part_uses] == [("PSU-12V", 2)]
    parts.receive_stock(db.session, "PSU-12V", 5)
    repair.apply_action(db.session, number, Action.RESUME, actor=tech, now=NOW)
    assert parts.use_part(db.session, number, "PSU-12V", 1, actor=tech, now=NOW).use
    assert db.session.get(Part, psu.id).stock == 4


def test_parts_fit_their_models_and_need_an_rma_in_repair(received, tech, psu, make_model):
    number = received("PARTS002")
    with pytest.raises(InvalidTransitionError):
        parts.use_part(db.session, number, "PSU-12V", 1, actor=tech, now=NOW)
    other = received("OTHER001", model_code="POS-9")
    inspection.record_inspection(db.session, other, ["no_power"], actor=tech, now=NOW)
    repair.apply_action(db.session, other, Action.START_REPAIR, actor=tech, now=NOW)
    with pytest.raises(InvalidInputError, match="does not fit"):
        parts.use_part(db.session, other, "PSU-12V", 1, actor=tech, now=NOW)


def test_queue_puts_key_accounts_first_then_due_date(received, tech):
    from depot.models import Customer

    early = received("QUEUE1", now=at(date(2026, 11, 16)))
    late = received("QUEUE2", now=at(date(2026, 11, 19)))
    key = received("QUEUE3", now=at(date(2026, 11, 20)))
    customer = get_unit(db.session, "QUEUE3").customer
    vip = Customer(name="大客户", phone="1", email="", address="", key_account=True,
                   created_at=NOW)
    db.session.add(vip)
    get_unit(db.session, "QUEUE3").customer = vip
    db.session.commit()
    assert customer is not None
    queue = repair.bench_queue(db.session, date(2026, 11, 23))
    assert [e.rma.number for e in queue] == [key, early, late]
    assert [e.key_account for e in queue] == [True, False, False]
    assert queue[1].due_today  # received 11-16, due 11-23
    assert not queue[2].overdue
    repair.assign(db.session, late, "wang.tech", actor=tech, now=NOW)
    assert [e.rma.number for e in repair.bench_queue(db.session, date(2026, 11, 23),
                                                     technician="wang.tech")] == [late]


def test_finding_catalogue_is_editable_and_retired_codes_stay_readable(received, tech):
    findings.create_finding(db.session, "screen_scratch", "man_made", "屏幕划伤",
                            "screen scratched")
    number = received()
    result = inspection.record_inspection(db.session, number, ["screen_scratch"], actor=tech,
                                          now=NOW)
    assert result.damage_class.value == "man_made"
    findings.update_finding(db.session, "screen_scratch", retired=True)
    with pytest.raises(InvalidInputError):
        inspection.record_inspection(db.session, number, ["screen_scratch"], actor=tech,
                                     now=NOW)
    catalogue = findings.catalogue(db.session)
    assert catalogue["screen_scratch"].retired and len(catalogue) == 16
    assert get_rma(db.session, number).findings == ["screen_scratch"]


def test_events_are_one_per_change(received, tech):
    number = received()
    inspection.record_inspection(db.session, number, ["no_power"], actor=tech, now=NOW)
    count = db.session.scalar(select(db.func.count()).select_from(RmaEvent))
    assert count == 2


def test_who_may_be_given_an_rma_and_one_event_per_assignment(received, tech):
    from depot.errors import NotFoundError
    from depot.services import users

    boss = users.create_user(db.session, "boss", "supervisor", display_name="Boss", now=NOW)[0]
    users.create_user(db.session, "li.clerk", "clerk", now=NOW)
    users.create_user(db.session, "an.tech", "technician", display_name="安", now=NOW)
    users.create_user(db.session, "gone.tech", "technician", now=NOW)
    users.update_user(db.session, "gone.tech", active=False)
    assert [u.username for u in repair.technicians(db.session)] == ["wang.tech", "an.tech",
                                                                    "boss"]
    number = received()
    before = len(get_rma(db.session, number).events)
    for name in ("gone.tech", "li.clerk", "nobody"):
        with pytest.raises(NotFoundError):
            repair.assign(db.session, number, name, actor=boss, now=NOW)
    assert get_rma(db.session, number).technician is None
    repair.assign(db.session, number, "an.tech", actor=boss, now=NOW)
    repair.assign(db.session, number, None, actor=boss, now=NOW)
    rma = get_rma(db.session, number)
    assert rma.technician is None
    assert [(e.action, e.reason, e.from_status, e.to_status) for e in rma.events[before:]] == [
        ("assign", "an.tech", "received", "received"),
        ("assign", "unassigned", "received", "received")]
