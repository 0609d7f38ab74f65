"""The bench: actions on an RMA, technicians, the queue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.domain.payments import DEFAULT_PAY_BEFORE
from depot.domain.tracking import Kind
from depot.domain.workflow import (
    API_ACTIONS,
    BENCH_STATUSES,
    REASON_REQUIRED,
    Action,
    Status,
)
from depot.errors import InvalidInputError, NotFoundError
from depot.models import Customer, Rma, Unit, User
from depot.services import notifications
from depot.services.common import DEFAULT_TZ
from depot.services.settings import DepotSettings
from depot.services.workflow import Origin, change_status, lock_rma

TECHNICIAN_ROLES = ("technician", "supervisor", "admin")  # who may hold an RMA on the bench


def apply_action(session: Session, number: str, action: Action, *, reason: str | None = None,
                 actor: User | None, now: datetime, tz: ZoneInfo = DEFAULT_TZ,
                 origin: Origin | None = None, pay_before: str = DEFAULT_PAY_BEFORE,
                 qa_by_other: bool = False, settings: DepotSettings | None = None) -> Rma:
    """One bench action as one transaction. The RMA row is locked first, so when two
    technicians press at once one wins and the other is told the status has moved on.
    `pay_before` (DEPOT_PAY_BEFORE): `repair` refuses to start an unpaid repair;
    `qa_by_other` (DEPOT_QA_BY_OTHER): who finished the repair may not pass its QA.
    With `settings`, reaching a milestone (ready to ship) queues the customer's mail."""
    if action not in API_ACTIONS:
        raise InvalidInputError("%(action)s is not done through actions", code="unknown_action",
                                action=action.value, known=[a.value for a in API_ACTIONS])
    if action is Action.EXCHANGE:  # it names the replacement unit: services.exchange
        raise InvalidInputError("say which unit goes back instead: the replacement serial",
                                code="missing_field", field="replacement_serial")
    if action in REASON_REQUIRED and not (reason or "").strip():
        raise InvalidInputError("%(action)s needs a reason", code="reason_required",
                                action=action.value, field="reason")
    rma = lock_rma(session, number)
    after = change_status(session, rma, action, actor=actor, now=now, reason=reason, tz=tz,
                          origin=origin, pay_before=pay_before, qa_by_other=qa_by_other)
    if settings is not None and after is Status.READY_TO_SHIP:
        notifications.notify(session, rma, Kind.READY_TO_SHIP, settings, now=now)
    if action is Action.START_REPAIR and rma.technician_id is None and actor is not None \
            and actor.role in TECHNICIAN_ROLES:
        rma.technician = actor  # who starts the repair holds it, unless a supervisor chose
    session.commit()
    return rma


def technicians(session: Session) -> list[User]:
    """Who may be given an RMA: the active users of TECHNICIAN_ROLES, technicians first."""
    users = session.scalars(select(User).where(User.role.in_(TECHNICIAN_ROLES),
                                               User.active.is_(True)))
    return sorted(users, key=lambda u: (TECHNICIAN_ROLES.index(u.role),
                                        (u.display_name or u.username).casefold(), u.username))


def assign(session: Session, number: str, technician: str | None, *, actor: User,
           now: datetime, origin: Origin | None = None) -> Rma:
    """Give the RMA to `technician` (a user name; None: to nobody), one `assign` event naming
    who holds it now. A user who may not hold RMAs, or is disabled, is no technician."""
    rma = lock_rma(session, number)
    user = None
    if technician:
        user = session.scalar(select(User).where(User.username == technician))
        if user is None or user.role not in TECHNICIAN_ROLES or not user.active:
            raise NotFoundError("no technician %(technician)s", code="technician_not_found",
                                technician=technician[:80])
    change_status(session, rma, Action.ASSIGN, actor=actor, now=now,
                  reason=user.username if user else "unassigned", origin=origin)
    rma.technician = user
    session.commit()
    return rma


@dataclass(frozen=True)
class QueueEntry:
    rma: Rma
    key_account: bool
    overdue: bool
    due_today: bool


def bench_queue(session: Session, today: date, *, technician: str | None = None,
                limit: int = 200) -> list[QueueEntry]:
    """Open bench work: key accounts first, then by due date; overdue and due today flagged."""
    query = (select(Rma).join(Unit, Rma.unit_id == Unit.id)
             .outerjoin(Customer, Unit.customer_id == Customer.id)
             .where(Rma.status.in_([s.value for s in BENCH_STATUSES]))
             .order_by(Customer.key_account.is_(True).desc(), Rma.due_on, Rma.id)
             .limit(limit))
    if technician:
        query = query.join(User, Rma.technician_id == User.id).where(User.username == technician)
    out = []
    for rma in session.scalars(query).unique():
        customer = rma.unit.customer
        out.append(QueueEntry(rma, bool(customer and customer.key_account), rma.due_on < today,
                              rma.due_on == today))
    return out
