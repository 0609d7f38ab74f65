"""Facts the reports count, written when the change happens (issue 11: a year of a big depot
in about a second).

Three figures would otherwise pair rows one by one at report time: the first inspection of
each RMA (`Rma.inspected_on`, the depot date it went received -> inspected), whether it is a
repeat repair (`Rma.previous_shipped_on`, the unit's previous RMA's ship date, fixed by the
time the unit comes back) and the bench time of each finished repair (`BenchTime`: from the
latest start_repair to the finish, in office hours on the working-day calendar as it stood,
when the same technician finished it again, and when it failed its QA). `record` writes them inside the
change's own transaction (services/workflow.change_status calls it); `fill` works them out
for rows written before they existed (migration 0015) or straight into the tables (the
benchmark's generator, the reports' hand-worked data set), and is a no-op when none is missing.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from depot.domain.calendar import WorkingCalendar, office_hours_between
from depot.domain.workflow import Action, Status
from depot.models import BenchTime, Rma, RmaEvent
from depot.services.calendars import china_calendar

WINDOW = 200_000  # event ids looked at per statement while filling


def record(session: Session, rma: Rma, action: Action, before: Status | None, event: RmaEvent,
           *, today: date, tz: ZoneInfo) -> None:
    """Keep the facts of one change of `rma` (its event is `event`, not flushed yet)."""
    if action is Action.RECEIVE:
        session.flush()  # a new RMA gets its id, so "before it" means something
        previous = aliased(Rma)
        rma.previous_shipped_on = session.scalar(
            select(previous.shipped_on)
            .where(previous.unit_id == rma.unit_id, previous.id < rma.id)
            .order_by(previous.id.desc()).limit(1))
    if action is Action.INSPECT and before is Status.RECEIVED and rma.inspected_on is None:
        rma.inspected_on = today
    if action is Action.FAIL_QA:  # the repair that failed: the latest finish of the RMA
        latest = (select(BenchTime.event_id).where(BenchTime.rma_id == rma.id)
                  .order_by(BenchTime.event_id.desc()).limit(1).scalar_subquery())
        session.execute(update(BenchTime).where(BenchTime.event_id == latest)
                        .values(failed_qa_at=event.at)
                        .execution_options(synchronize_session=False))
    if action is Action.FINISH_REPAIR and event.actor_id is not None:
        started = session.scalar(
            select(RmaEvent.at).where(RmaEvent.rma_id == rma.id,
                                      RmaEvent.action == Action.START_REPAIR.value)
            .order_by(RmaEvent.id.desc()).limit(1))
        calendar = china_calendar(session, range(
            (started or event.at).astimezone(tz).year, event.at.astimezone(tz).year + 1))
        session.execute(
            update(BenchTime).where(BenchTime.rma_id == rma.id,
                                    BenchTime.technician_id == event.actor_id,
                                    BenchTime.superseded_at.is_(None))
            .values(superseded_at=event.at).execution_options(synchronize_session=False))
        session.add(BenchTime(event=event, rma_id=rma.id, technician_id=event.actor_id,
                              finished_at=event.at,
                              hours=bench_hours(calendar, started, event.at, tz)))


def bench_hours(calendar: WorkingCalendar, started: datetime | None, finished: datetime,
                tz: ZoneInfo) -> float | None:
    """Office hours from `started` to `finished` (aware), rounded to the second; None when the
    repair has no start."""
    if started is None:
        return None
    hours = office_hours_between(calendar, started.astimezone(tz), finished.astimezone(tz))
    return round(max(hours, 0.0), 6)


def fill(session: Session, tz: ZoneInfo) -> dict[str, int]:
    """Work out the facts that are missing; returns how many of each were written. Commits."""
    written = {"inspected_on": _fill_inspected_on(session, tz),
               "previous_shipped_on": _fill_previous_shipped_on(session),
               "bench_times": _fill_bench_times(session, tz)}
    _fill_superseded(session)
    written["failed_qa"] = _fill_failed_qa(session)
    session.commit()
    return written


def _local_day(column: Any, postgres: bool, tz: ZoneInfo) -> Any:
    if postgres:
        return func.date(func.timezone(tz.key, column))
    # SQLite keeps UTC text; the depot's zones keep no summer time (Asia/Shanghai, +08:00).
    offset = int(datetime(2000, 1, 1, tzinfo=tz).utcoffset().total_seconds())
    return func.date(column, f"{offset:+d} seconds")


def _fill_inspected_on(session: Session, tz: ZoneInfo) -> int:
    postgres = session.get_bind().dialect.name == "postgresql"
    first = (select(func.min(RmaEvent.at))
             .where(RmaEvent.rma_id == Rma.id, RmaEvent.action == Action.INSPECT.value,
                    RmaEvent.from_status == Status.RECEIVED.value).scalar_subquery())
    inspected = select(RmaEvent.rma_id).where(RmaEvent.action == Action.INSPECT.value,
                                              RmaEvent.from_status == Status.RECEIVED.value)
    day = _local_day(first, postgres, tz)
    result = session.execute(
        update(Rma).where(Rma.inspected_on.is_(None), Rma.id.in_(inspected))
        .values(inspected_on=day).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def _fill_previous_shipped_on(session: Session) -> int:
    previous = aliased(Rma)
    shipped = (select(previous.shipped_on)
               .where(previous.unit_id == Rma.unit_id, previous.id < Rma.id)
               .order_by(previous.id.desc()).limit(1).scalar_subquery())
    result = session.execute(
        update(Rma).where(Rma.previous_shipped_on.is_(None), shipped.is_not(None))
        .values(previous_shipped_on=shipped).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def _fill_superseded(session: Session) -> None:
    later = aliased(BenchTime)
    again = (select(func.min(later.finished_at))
             .where(later.rma_id == BenchTime.rma_id,
                    later.technician_id == BenchTime.technician_id,
                    later.event_id > BenchTime.event_id).scalar_subquery())
    session.execute(
        update(BenchTime).where(BenchTime.superseded_at.is_(None), again.is_not(None))
        .values(superseded_at=again).execution_options(synchronize_session=False))


def _fill_failed_qa(session: Session) -> int:
    """Each fail_qa marks the RMA's finish before it (when that one has a bench time)."""
    finish = aliased(RmaEvent)
    failed = (select(finish.id).where(finish.rma_id == RmaEvent.rma_id,
                                      finish.action == Action.FINISH_REPAIR.value,
                                      finish.id < RmaEvent.id)
              .order_by(finish.id.desc()).limit(1).scalar_subquery())
    marks = [{"event": e, "at": _aware(at)} for e, at in session.execute(
        select(failed, RmaEvent.at).where(RmaEvent.action == Action.FAIL_QA.value)) if e]
    table = BenchTime.__table__
    done = 0
    for first in range(0, len(marks), WINDOW):
        result = session.connection().execute(
            update(table).where(table.c.event_id == bindparam("event"),
                                table.c.failed_qa_at.is_(None))
            .values(failed_qa_at=bindparam("at")), marks[first:first + WINDOW])
        done += int(result.rowcount or 0)
    return done


def _missing_finishes(session: Session) -> Iterator[list[tuple[int, int, int, datetime,
                                                               datetime | None]]]:
    """The finish_repair events with an actor and no bench time yet, a window of event ids at
    a time (a range of the primary key: no sort of every finish, no OFFSET)."""
    start = aliased(RmaEvent)
    started = (select(func.max(start.at)).where(
        start.rma_id == RmaEvent.rma_id, start.action == Action.START_REPAIR.value,
        start.id < RmaEvent.id).scalar_subquery())
    last = session.scalar(select(func.max(RmaEvent.id))) or 0
    for low in range(0, last, WINDOW):
        rows = session.execute(
            select(RmaEvent.id, RmaEvent.rma_id, RmaEvent.actor_id, RmaEvent.at, started)
            .outerjoin(BenchTime, BenchTime.event_id == RmaEvent.id)
            .where(RmaEvent.id > low, RmaEvent.id <= low + WINDOW,
                   RmaEvent.action == Action.FINISH_REPAIR.value,
                   RmaEvent.actor_id.is_not(None), BenchTime.event_id.is_(None))).all()
        if rows:
            yield [tuple(r) for r in rows]


def _fill_bench_times(session: Session, tz: ZoneInfo) -> int:
    written = 0
    calendars: dict[tuple[int, int], WorkingCalendar] = {}
    for rows in _missing_finishes(session):
        values = []
        for event_id, rma_id, actor_id, finished, started in rows:
            finished, started = _aware(finished), _aware(started)
            years = ((started or finished).astimezone(tz).year, finished.astimezone(tz).year)
            if years not in calendars:
                calendars[years] = china_calendar(session, range(years[0], years[1] + 1))
            values.append({"event_id": event_id, "rma_id": rma_id, "technician_id": actor_id,
                           "finished_at": finished,
                           "hours": bench_hours(calendars[years], started, finished, tz)})
        session.connection().execute(insert(BenchTime.__table__), values)  # Core: no ORM rows
        written += len(values)
    return written


def _aware(moment: datetime | str | None) -> datetime | None:
    """A moment read back through a subquery (SQLite hands back its UTC text) as aware UTC."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


__all__ = ["bench_hours", "fill", "record"]
