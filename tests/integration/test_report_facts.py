"""The facts the reports count, kept by change_status (services/report_facts.py): the first
inspection's date, and each finished repair's bench time; `fill` works out the same for rows
written before, and writes nothing twice."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update

from depot.domain.workflow import Action
from depot.models import BenchTime, Rma, db
from depot.services import inspection, intake, repair, report_facts, shipping

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def _repaired(flow, staff) -> Rma:
    # received and inspected Thu 11-19 00:30 in Shanghai (Wed 11-18 16:30 UTC), corrected
    # Fri 11-20, started Fri 16:00, finished Mon 11-23 10:30: 1 h + 1.5 h
    number = flow.inspected("SN-FACTS", ("no_power",), now=shanghai(11, 19, 0, 30))
    inspection.record_inspection(db.session, number, ["no_boot"], actor=staff.technician,
                                 now=shanghai(11, 20, 9))
    repair.apply_action(db.session, number, Action.START_REPAIR, actor=staff.technician,
                        now=shanghai(11, 20, 16))
    repair.apply_action(db.session, number, Action.FINISH_REPAIR, actor=staff.technician,
                        now=shanghai(11, 23, 10, 30))
    return db.session.scalar(select(Rma).where(Rma.number == number))


def test_the_first_inspection_and_the_bench_time_are_kept_with_the_change(flow, staff):
    rma = _repaired(flow, staff)
    assert rma.inspected_on == date(2026, 11, 19)  # the depot's day; not UTC's, not the fix's
    [kept] = db.session.scalars(select(BenchTime).where(BenchTime.rma_id == rma.id)).all()
    assert kept.technician_id == staff.technician.id
    assert kept.hours == 2.5
    assert kept.finished_at == shanghai(11, 23, 10, 30)


def test_fill_works_out_the_same_facts_for_rows_written_without_them(flow, staff):
    rma = _repaired(flow, staff)
    db.session.execute(delete(BenchTime))
    db.session.execute(update(Rma).values(inspected_on=None))
    db.session.commit()
    assert report_facts.fill(db.session, SHANGHAI) == {
        "inspected_on": 1, "previous_shipped_on": 0, "bench_times": 1, "failed_qa": 0}
    db.session.expire_all()
    assert db.session.get(Rma, rma.id).inspected_on == date(2026, 11, 19)
    assert db.session.scalar(select(BenchTime.hours)) == 2.5
    assert report_facts.fill(db.session, SHANGHAI) == {
        "inspected_on": 0, "previous_shipped_on": 0, "bench_times": 0, "failed_qa": 0}


def test_a_finish_without_a_start_has_no_bench_hours(flow, staff):
    from depot.domain.calendar import WorkingCalendar
    assert report_facts.bench_hours(WorkingCalendar(), None, shanghai(11, 23, 10), SHANGHAI) \
        is None


def test_a_repair_finished_again_by_the_same_technician_supersedes_the_first(flow, staff):
    rma = _repaired(flow, staff)
    repair.apply_action(db.session, rma.number, Action.FAIL_QA, reason="still no boot",
                        actor=staff.supervisor, now=shanghai(11, 23, 11))
    repair.apply_action(db.session, rma.number, Action.FINISH_REPAIR, actor=staff.technician,
                        now=shanghai(11, 23, 12))
    first, again = db.session.scalars(select(BenchTime).order_by(BenchTime.event_id)).all()
    assert first.superseded_at == shanghai(11, 23, 12) and again.superseded_at is None
    assert first.failed_qa_at == shanghai(11, 23, 11) and again.failed_qa_at is None
    assert again.hours == 1 + 3  # still from the one start: Fri 16:00 to Mon 12:00
    # fill marks the same for rows written without it
    db.session.execute(update(BenchTime).values(superseded_at=None, failed_qa_at=None))
    db.session.commit()
    assert report_facts.fill(db.session, SHANGHAI)["failed_qa"] == 1
    db.session.expire_all()
    kept = db.session.get(BenchTime, first.event_id)
    assert kept.superseded_at == shanghai(11, 23, 12)
    assert kept.failed_qa_at == shanghai(11, 23, 11)


def test_a_unit_back_after_shipping_keeps_its_previous_ship_date(flow, staff):
    number = flow.ready("SN-BACK", now=shanghai(11, 2, 10))
    shipping.ship(db.session, number, carrier="SF", tracking_number="SF1234567890",
                  scanned=["SN-BACK", number], packed=[], missing=[], settings=flow.settings,
                  actor=staff.logistics, now=shanghai(11, 3, 10))
    first = db.session.scalar(select(Rma).where(Rma.number == number))
    assert first.previous_shipped_on is None  # its first visit
    again, _ = intake.receive_unit(db.session, "SN-BACK", "no power again", [],
                                   actor=staff.clerk, now=shanghai(11, 20, 10))
    assert again.previous_shipped_on == date(2026, 11, 3)
