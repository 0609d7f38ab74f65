"""The one function every change of an RMA goes through: lock, check, move, write one event.

`change_status` locks the RMA's row (SELECT … FOR UPDATE on PostgreSQL; SQLite transactions
hold the write lock from BEGIN IMMEDIATE) and reads the status again under the lock before it
decides, so two changes that meet have exactly one winner and the other is told the status has
moved on. The lock order is always the RMA first, then anything of it (its quotes, payments,
parts), so concurrent changes never deadlock. It also runs the repair clock: the clock stops
while the RMA waits for the customer, and the due date moves by the working days spent waiting.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from depot.domain.calendar import due_date
from depot.domain.payments import DEFAULT_PAY_BEFORE, Balance
from depot.domain.payments import balance as balance_of
from depot.domain.quotes import QuoteStatus
from depot.domain.workflow import (
    PAUSED_STATUSES,
    RMA,
    Action,
    RmaFacts,
    Status,
    next_status,
)
from depot.errors import NotFoundError
from depot.models import Rma, RmaEvent, User
from depot.services import report_facts, webhooks
from depot.services.calendars import calendar_around
from depot.services.common import DEFAULT_TZ, local_date, rma_number_query

VIAS = ("web", "api", "link", "cli", "job")


@dataclass(frozen=True)
class Origin:
    """Where a change came from, kept on its event: the client's address (None when there is
    none) and the way in: `web` (the staff pages), `api` (a bearer token), `link` (a customer's
    signed link), `cli` (a flask command), `job` (a scheduled job)."""

    ip: str | None
    via: str

    def __post_init__(self) -> None:
        if self.via not in VIAS:
            raise ValueError(f"via is one of {', '.join(VIAS)}, not {self.via!r}")
        if self.ip is not None:
            object.__setattr__(self, "ip", self.ip[:45] or None)  # IPv6 text is at most 45


CLI = Origin(None, "cli")
JOB = Origin(None, "job")

# What hangs off an RMA and may have changed while we waited for its lock.
_COLLECTIONS = ["quotes", "payments", "part_uses", "shipment"]


def lock_rma(session: Session, number: str) -> Rma:
    """The RMA numbered `number`, its row locked for this transaction and read afresh."""
    rma = session.scalar(rma_number_query(number).with_for_update(of=Rma)
                         .execution_options(populate_existing=True))
    if rma is None:
        raise NotFoundError("no RMA numbered %(number)s", code="rma_not_found",
                            number=number.strip()[:40])
    session.expire(rma, _COLLECTIONS)
    return rma


def relock(session: Session, rma: Rma) -> Rma:
    """Lock a loaded RMA's row and read it again: what was read before the lock may be stale."""
    if rma.id is None:  # new in this transaction: nobody else can see it yet
        return rma
    # The rows must be read: populate_existing refreshes the object only as a row is fetched
    # (an unread result locked the row but left the status read before the lock).
    session.scalars(select(Rma).where(Rma.id == rma.id).with_for_update(of=Rma)
                    .execution_options(populate_existing=True)).unique().all()
    session.expire(rma, _COLLECTIONS)
    return rma


def balance(rma: Rma) -> Balance:
    """What is due (the approved quote), paid (payments not voided) and to refund."""
    approved = [q.total for q in rma.quotes if q.status == QuoteStatus.APPROVED]
    counted = [p for p in rma.payments if p.voided_at is None]
    return balance_of(approved[-1] if approved else None, (p.amount for p in counted),
                      (p.credit or 0 for p in counted))


def finished_by(rma: Rma) -> int | None:
    """The user who finished the repair last (the actor of the latest finish_repair event),
    read from the database: under the RMA's lock this is the event that made it `repaired`."""
    session = object_session(rma)
    if session is None or rma.id is None:
        return None
    return session.scalar(
        select(RmaEvent.actor_id)
        .where(RmaEvent.rma_id == rma.id, RmaEvent.action == Action.FINISH_REPAIR.value)
        .order_by(RmaEvent.id.desc()).limit(1))


def facts(rma: Rma, pay_before: str = DEFAULT_PAY_BEFORE, *, actor: User | None = None,
          qa_by_other: bool = False) -> RmaFacts:
    """What the guards need, as `actor` would meet them (None: nobody in particular);
    `pay_before` and `qa_by_other`: the DEPOT_PAY_BEFORE and DEPOT_QA_BY_OTHER settings."""
    return RmaFacts(covered=rma.covered, outstanding=balance(rma).outstanding,
                    pay_before=pay_before,
                    finished_by=finished_by(rma) if qa_by_other else None,
                    actor=actor.id if actor is not None else None, qa_by_other=qa_by_other,
                    quote_approved=any(q.status == QuoteStatus.APPROVED for q in rma.quotes),
                    doa=any(r.get("code") == "doa" for r in rma.coverage_reasons or []))


def check(session: Session, rma: Rma, action: Action, *, pay_before: str = DEFAULT_PAY_BEFORE,
          actor: User | None = None, qa_by_other: bool = False) -> tuple[Status | None, Status]:
    """(status now, status after `action`) with the RMA locked and read afresh, writing
    nothing; raises InvalidTransitionError as change_status would. `pay_before` is the
    depot's DEPOT_PAY_BEFORE (the guard of starting a repair asks it)."""
    relock(session, rma)
    before = Status(rma.status) if rma.status else None
    guarded = (before, action) in RMA.guards  # the facts cost queries: read them when asked
    return before, next_status(
        before, action,
        facts(rma, pay_before, actor=actor, qa_by_other=qa_by_other) if guarded else None)


def change_status(session: Session, rma: Rma, action: Action, *, actor: User | None,
                  now: datetime, reason: str | None = None, tz: ZoneInfo = DEFAULT_TZ,
                  origin: Origin | None = None, pay_before: str = DEFAULT_PAY_BEFORE,
                  qa_by_other: bool = False) -> Status:
    """Apply `action` to the RMA inside the caller's transaction; return the new status.

    The event records who (`actor`), when (`now`) and from where (`origin`; None: unknown).
    Raises InvalidTransitionError (and changes nothing) when the table or a guard refuses it.
    Actions that leave the status as it is (an override, a payment) are written the same way.
    `qa_by_other` (DEPOT_QA_BY_OTHER): the actor who finished the repair may not pass its QA.
    """
    before, after = check(session, rma, action, pay_before=pay_before, actor=actor,
                          qa_by_other=qa_by_other)
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
    event = RmaEvent(rma=rma, action=action.value,
                     from_status=before.value if before else None, to_status=after.value,
                     actor_id=actor.id if actor else None, at=now, reason=reason or None,
                     ip=origin.ip if origin else None, via=origin.via if origin else None)
    session.add(event)
    report_facts.record(session, rma, action, before, event, today=today, tz=tz)
    webhooks.status_changed(session, rma, event, now=now)
    return after
