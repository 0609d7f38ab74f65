"""What must hold of any RMA, however many people changed it at once: checked after the race
tests and after the load and crash test."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.domain.calendar import due_date
from depot.domain.quotes import QuoteStatus
from depot.domain.workflow import PAUSED_STATUSES, Action, Status
from depot.models import Rma, RmaEvent
from depot.services.calendars import calendar_around


def chain(items, status: str | None, what: str) -> None:
    """Each event starts where the one before ended; the last ends at the status."""
    before = None
    for item in items:
        assert item.from_status == before, f"{what}: {item.action} starts at " \
            f"{item.from_status}, the one before ended at {before}"
        before = item.to_status
    assert before == status, f"{what} is {status}, its last event says {before}"


def assert_consistent(session: Session, rma: Rma) -> list[RmaEvent]:
    """Check the RMA's events, its quotes and its clock against its status; return its events
    in the order they were written."""
    events = session.scalars(select(RmaEvent).where(RmaEvent.rma_id == rma.id)
                             .order_by(RmaEvent.id)).all()
    chain(events, rma.status, rma.number)
    for quote in rma.quotes:
        chain(quote.events, quote.status, quote.number)
    quotes = Counter(q.status for q in rma.quotes)
    actions = Counter(e.action for e in events)
    status = Status(rma.status)
    # One answer at most, and the quote agrees; an answered RMA has no live sent quote.
    assert quotes[QuoteStatus.APPROVED] == actions[Action.APPROVE] <= 1, (rma.number, quotes)
    assert quotes[QuoteStatus.DECLINED] == actions[Action.DECLINE] <= 1, (rma.number, quotes)
    if actions[Action.APPROVE] or actions[Action.DECLINE]:
        assert actions[Action.APPROVE] + actions[Action.DECLINE] == 1, (rma.number, actions)
        assert quotes[QuoteStatus.SENT] == 0, f"{rma.number} was answered, a quote is still sent"
    if status is Status.AWAITING_APPROVAL:  # the customer answers the newest version sent
        sent = [q.status for q in rma.quotes if q.status != QuoteStatus.DRAFT]
        assert sent and sent[-1] in (QuoteStatus.SENT, QuoteStatus.EXPIRED), (rma.number, sent)
    assert quotes[QuoteStatus.SENT] <= 1, (rma.number, quotes)
    if quotes[QuoteStatus.SENT]:
        # A sent quote lives on an RMA waiting for the answer, or on one cancelled while it
        # waited (the design keeps the quote; its link is refused because the RMA is closed).
        assert status in (Status.AWAITING_APPROVAL, Status.CANCELLED), (rma.number, status)
    if status is Status.CANCELLED:
        assert events[-1].action == Action.CANCEL
    # The repair clock: stopped exactly while the customer decides; the due date follows.
    assert (rma.paused_since is not None) == (status in PAUSED_STATUSES), rma.number
    if rma.received_on is None:  # a request whose unit never arrived: no clock at all
        assert rma.due_on is None and actions[Action.RECEIVE] == 0, rma.number
    else:
        assert rma.due_on == due_date(calendar_around(session, rma.received_on),
                                      rma.received_on, rma.paused_working_days), rma.number
    assert (rma.shipped_on is not None) == (rma.shipment is not None), rma.number
    assert (rma.shipment is not None) == (actions[Action.SHIP] == 1), rma.number
    return list(events)
