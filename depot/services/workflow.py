"""The one function every status change goes through: check, move, write one event row.

It also runs the repair clock: the clock stops while the RMA waits for the customer's answer,
and the due date moves by the working days spent waiting.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from depot.domain.calendar import due_date
from depot.domain.workflow import Action, Status, next_status
from depot.models import Rma, RmaEvent, User
from depot.services.calendars import calendar_around
from depot.services.common import DEFAULT_TZ, local_date

PAUSED_STATUSES = frozenset({Status.AWAITING_APPROVAL})


def change_status(session: Session, rma: Rma, action: Action, *, actor: User | None,
                  now: datetime, reason: str | None = None, tz: ZoneInfo = DEFAULT_TZ) -> Status:
    """Apply `action` to a locked RMA inside the caller's transaction; return the new status.

    Raises InvalidTransitionError (and changes nothing) when the status does not allow it.
    """
    before = Status(rma.status)
    after = next_status(before, action)
    today = local_date(now, tz)
    if after in PAUSED_STATUSES and before not in PAUSED_STATUSES:
        rma.paused_since = today
    elif before in PAUSED_STATUSES and after not in PAUSED_STATUSES and rma.paused_since:
        calendar = calendar_around(session, rma.received_on)
        rma.paused_working_days += calendar.working_days_between(rma.paused_since, today)
        rma.paused_since = None
        rma.due_on = due_date(calendar, rma.received_on, rma.paused_working_days)
    if after is Status.SHIPPED:
        rma.shipped_on = today
    rma.status = after.value
    rma.updated_at = now
    session.add(RmaEvent(rma=rma, action=action.value, from_status=before.value,
                         to_status=after.value, actor_id=actor.id if actor else None, at=now,
                         reason=reason or None))
    return after


def record_event(session: Session, rma: Rma, action: str, *, actor: User | None, now: datetime,
                 reason: str | None = None) -> None:
    """An event that does not move the status (an override, an assignment, a part used)."""
    session.add(RmaEvent(rma=rma, action=action, from_status=rma.status, to_status=rma.status,
                         actor_id=actor.id if actor else None, at=now, reason=reason or None))
