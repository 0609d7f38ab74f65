"""Cartons (整箱收货): one box, many units. A carton is opened when its waybill is scanned at
intake (CTN-YYYY-NNNNNN, gap-free per year, taken under the counter row's lock as RMA numbers
are); each unit in it is then received as usual (services.intake.receive_unit with the carton's
number), so every unit keeps its own RMA, warranty and due date. One receipt lists them all."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.errors import ConflictError, InvalidInputError, NotFoundError
from depot.models import Carton, CartonCounter, User
from depot.services.common import DEFAULT_TZ, local_date, take_yearly_number
from depot.services.shipping import TRACKING_RE
from depot.services.units import CustomerInput, find_or_create_customer


def carton_number(year: int, seq: int) -> str:
    return f"CTN-{year:04d}-{seq:06d}"


def take_number(session: Session, year: int) -> int:
    """Next carton number of `year`, inside the caller's transaction (services.common)."""
    return take_yearly_number(session, CartonCounter, year)


def find_carton(session: Session, number: str) -> Carton | None:
    return session.scalar(select(Carton).where(Carton.number == number.strip().upper()))


def get_carton(session: Session, number: str, *, field: str | None = None) -> Carton:
    """The carton numbered `number`; `field`: the body field that named it (POST /rmas's
    `carton`), in the error's details."""
    carton = find_carton(session, number)
    if carton is None:
        details = {"field": field} if field else {}
        raise NotFoundError("no carton numbered %(number)s", code="carton_not_found",
                            number=number.strip()[:40], **details)
    return carton


def open_carton(session: Session, *, carrier: str = "", tracking_number: str = "",
                customer: CustomerInput | None = None, actor: User | None, now: datetime,
                tz: ZoneInfo = DEFAULT_TZ) -> Carton:
    """Open a carton (one transaction). The waybill is optional (a box brought to the
    counter has none); one already opened for another carton is 409 carton_exists, naming
    that carton, so scanning the waybill again finds the box being received."""
    waybill = tracking_number.strip().upper()
    if waybill and not TRACKING_RE.match(waybill):
        raise InvalidInputError("a tracking number is 6-40 letters, digits or -",
                                code="invalid_field", field="tracking_number")
    try:
        if waybill:
            earlier = session.scalar(select(Carton).where(Carton.tracking_number == waybill)
                                     .order_by(Carton.id).limit(1))
            if earlier is not None:
                raise ConflictError(
                    "waybill %(tracking_number)s was already opened as carton %(carton)s",
                    code="carton_exists", carton=earlier.number, tracking_number=waybill)
        year = local_date(now, tz).year
        seq = take_number(session, year)
        carton = Carton(number=carton_number(year, seq), year=year, seq=seq,
                        carrier=carrier.strip().upper(), tracking_number=waybill,
                        customer=find_or_create_customer(session, customer, now),
                        created_by_id=actor.id if actor else None, created_at=now)
        session.add(carton)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return carton
