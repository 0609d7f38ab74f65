"""The floor at a glance for supervisors: a handful of SQL aggregates, each figure a count the
/rmas list can show again with the matching filters (depot.services.search)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from depot.domain.workflow import BENCH_STATUSES, CLOCKED_STATUSES, OPEN_STATUSES, Status
from depot.models import Customer, Rma, Unit, User

_OPEN = [s.value for s in OPEN_STATUSES]
_CLOCKED = [s.value for s in CLOCKED_STATUSES]
# The statuses a technician's load counts (the dashboard links them to the list as
# /rmas?technician=…&status=… with these, so the list shows the figure's RMAs).
LOAD_STATUSES = [s.value for s in dict.fromkeys((*BENCH_STATUSES, Status.AWAITING_PARTS))]
# How long the customer has been deciding, in calendar days since the quote went out.
WAIT_BUCKETS = ((0, 2), (3, 7), (8, None))


@dataclass(frozen=True)
class Load:
    username: str | None  # None: nobody holds these yet
    name: str | None
    count: int


@dataclass(frozen=True)
class KeyAccount:
    name: str
    count: int
    overdue: int


@dataclass(frozen=True)
class Floor:
    today: date
    received_today: int
    open_by_status: dict[str, int]
    overdue: int
    due_today: int
    waiting_customer: int
    waiting_longest_days: int | None
    waiting_buckets: list[tuple[tuple[int, int | None], int]]
    awaiting_parts: int
    technicians: list[Load] = field(default_factory=list)
    key_accounts: list[KeyAccount] = field(default_factory=list)

    @property
    def open_total(self) -> int:
        return sum(self.open_by_status.values())

    @property
    def unassigned(self) -> int:
        """Bench work nobody holds yet."""
        return sum(t.count for t in self.technicians if t.username is None)


def floor(session: Session, today: date) -> Floor:
    late = (Rma.status.in_(_CLOCKED)) & (Rma.due_on < today)

    def count(*where) -> int:  # each is answered from an index: received_on, or status
        return int(session.scalar(select(func.count()).select_from(Rma).where(*where)) or 0)

    received_today = count(Rma.received_on == today)
    overdue = count(late)
    due_today = count(Rma.status.in_(_CLOCKED), Rma.due_on == today)
    by_status = dict(session.execute(
        select(Rma.status, func.count()).where(Rma.status.in_(_OPEN)).group_by(Rma.status)).all())
    open_by_status = {s: int(by_status.get(s, 0)) for s in _OPEN_ORDER}
    waiting = Rma.status == Status.AWAITING_APPROVAL.value
    since = func.min(Rma.paused_since)
    oldest = session.scalar(select(since).where(waiting))
    buckets = []
    for low, high in WAIT_BUCKETS:
        condition = waiting & (Rma.paused_since <= today - timedelta(days=low))
        if high is not None:
            condition = condition & (Rma.paused_since >= today - timedelta(days=high))
        buckets.append(((low, high), count(condition)))
    technicians = [Load(username, name, int(count)) for username, name, count in session.execute(
        select(User.username, User.display_name, func.count(Rma.id))
        .select_from(Rma).outerjoin(User, Rma.technician_id == User.id)
        .where(Rma.status.in_(LOAD_STATUSES)).group_by(User.username, User.display_name)
        .order_by(func.count(Rma.id).desc(), User.username))]
    key_accounts = [KeyAccount(name, int(count), int(late_count or 0))
                    for name, count, late_count in session.execute(
        # count(*), not count(rmas.id): the RMAs are read from ix_rmas_unit_open alone
        select(Customer.name, func.count(), func.sum(case((late, 1), else_=0)))
        .select_from(Rma).join(Unit, Rma.unit_id == Unit.id)
        .join(Customer, Unit.customer_id == Customer.id)
        .where(Customer.key_account.is_(True), Rma.status.in_(_OPEN))
        .group_by(Customer.id, Customer.name).order_by(func.count().desc(), Customer.name)
        .limit(20))]
    return Floor(
        today=today, received_today=received_today, open_by_status=open_by_status,
        overdue=overdue, due_today=due_today,
        waiting_customer=open_by_status.get(Status.AWAITING_APPROVAL.value, 0),
        waiting_longest_days=(today - oldest).days if oldest else None,
        waiting_buckets=buckets,
        awaiting_parts=open_by_status.get(Status.AWAITING_PARTS.value, 0),
        technicians=technicians, key_accounts=key_accounts)


_OPEN_ORDER = [s.value for s in Status if s in OPEN_STATUSES]
