"""Small helpers every service uses: the depot's today, lookups that raise NotFoundError."""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from depot.domain.serials import serial_key
from depot.domain.workflow import OPEN_STATUSES, Status
from depot.errors import NotFoundError
from depot.models import ProductModel, Rma, Unit

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_date(moment: datetime, tz: ZoneInfo = DEFAULT_TZ) -> date:
    """The calendar day `moment` falls on in the depot's time zone."""
    return moment.astimezone(tz).date()


def unit_serial_query(serial: str) -> Select[tuple[Unit]]:
    """Units whose serial is `serial` in any case, surrounding whitespace ignored (DESIGN.md
    4b; the index on lower(serial) answers it). Should two spellings of one serial have been
    registered before this rule, the exact spelling comes first, then the oldest."""
    return (select(Unit).where(func.lower(Unit.serial) == serial_key(serial))
            .order_by((Unit.serial == serial.strip()).desc(), Unit.id))


def find_unit(session: Session, serial: str, *, lock: bool = False) -> Unit | None:
    query = unit_serial_query(serial).limit(1)
    if lock:
        query = query.with_for_update(of=Unit)
    return session.scalar(query)


def get_unit(session: Session, serial: str, *, lock: bool = False) -> Unit:
    unit = find_unit(session, serial, lock=lock)
    if unit is None:
        raise NotFoundError("no unit with serial %(serial)s", code="unit_not_found",
                            serial=serial.strip()[:80])
    return unit


def recent_rmas(session: Session, status: str | None = None, limit: int = 200) -> list[Rma]:
    """The newest RMAs, of one status when `status` names one (anything else: every status)."""
    query = select(Rma).order_by(Rma.id.desc()).limit(limit)
    if status in [s.value for s in Status]:
        query = query.where(Rma.status == status)
    return list(session.scalars(query))


def rma_number_query(number: str) -> Select[tuple[Rma]]:
    return select(Rma).where(Rma.number == number.strip().upper())


def find_rma(session: Session, number: str) -> Rma | None:
    """Read an RMA. To change one, use services.workflow.lock_rma: it locks the row first."""
    return session.scalar(rma_number_query(number))


def get_rma(session: Session, number: str) -> Rma:
    rma = find_rma(session, number)
    if rma is None:
        raise NotFoundError("no RMA numbered %(number)s", code="rma_not_found",
                            number=number.strip()[:40])
    return rma


def get_model(session: Session, code: str) -> ProductModel:
    model = session.scalar(select(ProductModel).where(ProductModel.code == code.strip()))
    if model is None:
        raise NotFoundError("no product model with code %(model)s", code="model_not_found",
                            model=code.strip()[:80])
    return model


def open_rma_of(session: Session, unit: Unit) -> Rma | None:
    """The unit's newest RMA that has not shipped, closed or been cancelled."""
    return session.scalar(
        select(Rma)
        .where(Rma.unit_id == unit.id, Rma.status.in_([s.value for s in OPEN_STATUSES]))
        .order_by(Rma.id.desc())
        .limit(1)
    )


def unit_going_back(rma: Rma) -> Unit:
    """The unit the customer gets back: the replacement when the RMA was exchanged (换货),
    else the unit sent in."""
    exchange = rma.exchange
    return exchange.replacement if exchange is not None else rma.unit


def take_yearly_number(session: Session, counter: Any, year: int) -> int:
    """Next gap-free number of `year` from a counter table (`year`, `last`: RMAs, complaints,
    cartons), inside the caller's transaction. The UPDATE locks the year's row (PostgreSQL row
    lock; SQLite's write lock), so concurrent takers wait for each other, and a rolled-back
    one gives its number back."""
    seq = session.execute(
        update(counter).where(counter.year == year)
        .values(last=counter.last + 1).returning(counter.last)
    ).scalar()
    if seq is not None:
        return seq
    try:
        with session.begin_nested():
            session.execute(insert(counter).values(year=year, last=1))
        return 1
    except IntegrityError:
        # Another taker created the year's row first: take the next number from it.
        return take_yearly_number(session, counter, year)
