"""A unit's history: every RMA of one serial, newest first, with what was found and how it
ended; and whether an RMA brings the unit back soon after its last shipment (repeat_of)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.domain.history import DEFAULT_REPEAT_DAYS, repeat_of
from depot.models import Rma, Unit
from depot.services.common import get_unit


@dataclass(frozen=True)
class Visit:
    rma: Rma
    repeat_of: str | None


def unit_history(session: Session, serial: str, *, repeat_days: int = DEFAULT_REPEAT_DAYS
                 ) -> tuple[Unit, list[Visit]]:
    """The unit and its RMAs, newest first; each flagged when it came back within
    `repeat_days` of the shipment of the RMA before it."""
    unit = get_unit(session, serial)
    rmas = list(session.scalars(select(Rma).where(Rma.unit_id == unit.id)
                                .order_by(Rma.listed_on, Rma.number)).unique())
    visits, previous = [], None
    for rma in rmas:  # one unit's visits: a handful of rows
        visits.append(Visit(rma, repeat_of(previous.number if previous else None,
                                           previous.shipped_on if previous else None,
                                           rma.received_on, repeat_days)))
        previous = rma
    return unit, visits[::-1]
