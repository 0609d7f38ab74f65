"""What resolving a dispute of the damage verdict (异议) does to the RMA, by outcome.

DESIGN.md 4b: `upheld` changes nothing; `overturned` is the supervisor's coverage override (the
RMA becomes covered with the supervisor's reason, the open quote is withdrawn, the RMA goes
awaiting_approval -> inspected by the action `overturn`); `goodwill` drafts the next quote
version with a `discount` line. Each outcome is its own function, called inside the
resolution's transaction with the complaint's row locked (the RMA's row is locked by the
function that changes it).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from depot.domain.complaints import Outcome
from depot.domain.pricing import LineKind, discount_line, make_line
from depot.domain.quotes import QuoteAction, QuoteStatus
from depot.domain.text import Reason
from depot.domain.workflow import Action
from depot.errors import InvalidInputError, InvalidTransitionError
from depot.i18n import N_
from depot.models import Complaint, User
from depot.services.quoting import add_quote, change_quote_status
from depot.services.settings import DepotSettings
from depot.services.workflow import Origin, change_status, lock_rma

NO_OPEN_QUOTE = N_("this RMA has no quote waiting for the customer's answer")


def _rma_of(session: Session, complaint: Complaint):
    if complaint.rma is None:
        raise InvalidInputError("a dispute of the damage verdict is overturned on its RMA: "
                                "this complaint names none", code="rma_required", field="rma")
    return lock_rma(session, complaint.rma.number)


def upheld(session: Session, complaint: Complaint, *, note: str, settings: DepotSettings,
           actor: User, now: datetime, origin: Origin | None,
           discount: Decimal | None = None) -> None:
    """The verdict stands: the RMA and its quote stay as they are."""


def overturned(session: Session, complaint: Complaint, *, note: str,
               settings: DepotSettings, actor: User, now: datetime,
               origin: Origin | None, discount: Decimal | None = None) -> None:
    """The supervisor's coverage override: the RMA becomes covered with the supervisor's
    reason (the note), its open quote is withdrawn (its link refuses answers), and the RMA
    goes awaiting_approval -> inspected (action overturn; its clock runs again), so
    start_repair is allowed. Refused (409) unless the RMA waits for the customer's answer."""
    rma = _rma_of(session, complaint)
    change_status(session, rma, Action.OVERTURN, actor=actor, now=now, tz=settings.tz,
                  reason=f"{complaint.number}: {note}", origin=origin)
    for quote in rma.quotes:
        if quote.status == QuoteStatus.SENT:
            change_quote_status(session, quote, QuoteAction.WITHDRAW, actor=actor, now=now,
                                tz=settings.tz, reason=complaint.number, origin=origin)
    rma.covered = True
    rma.coverage_reasons = [*(rma.coverage_reasons or []),
                            Reason("override", {"actor": actor.username,
                                                "reason": note}).stored()]


def goodwill(session: Session, complaint: Complaint, *, note: str, settings: DepotSettings,
             actor: User, now: datetime, origin: Origin | None,
             discount: Decimal | None = None) -> None:
    """A concession: the next quote version is drafted with the open quote's lines (and tax
    rate) plus one `discount` line of `discount` (None: 0.00, for the supervisor to set; an
    earlier discount line is replaced, so the draft has one). Sending it is the usual send
    call, which emails the customer the new link and kills the old one. Refused (409) unless
    a quote waits for the customer's answer; a discount above the charges: 422."""
    rma = _rma_of(session, complaint)
    open_quote = next((q for q in rma.quotes if q.status == QuoteStatus.SENT), None)
    if open_quote is None:
        raise InvalidTransitionError(NO_OPEN_QUOTE, code="no_open_quote",
                                     status=rma.status, allowed=[])
    lines = [make_line(row.kind, row.description, row.quantity, row.unit_price)
             for row in open_quote.lines if row.kind != LineKind.DISCOUNT.value]
    lines.append(discount_line(discount))
    add_quote(session, rma.number, lines, tax_rate=open_quote.tax_rate,
              policy=settings.pricing, actor=actor, now=now, tz=settings.tz, origin=origin)


OUTCOMES: dict[Outcome, Callable[..., None]] = {
    Outcome.UPHELD: upheld, Outcome.OVERTURNED: overturned, Outcome.GOODWILL: goodwill}


def apply(session: Session, complaint: Complaint, outcome: Outcome, *, note: str,
          settings: DepotSettings, actor: User, now: datetime, origin: Origin | None,
          discount: Decimal | None = None) -> None:
    """`discount`: the goodwill's amount (other outcomes ignore it)."""
    OUTCOMES[outcome](session, complaint, note=note, settings=settings, actor=actor, now=now,
                      origin=origin, discount=discount)
