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

from sqlalchemy.orm import Session

from depot.domain.complaints import Outcome
from depot.domain.quotes import QuoteAction, QuoteStatus
from depot.domain.text import Reason
from depot.domain.workflow import Action
from depot.errors import InvalidInputError, InvalidTransitionError
from depot.i18n import N_
from depot.models import Complaint, User
from depot.services.quoting import change_quote_status
from depot.services.settings import DepotSettings
from depot.services.workflow import Origin, change_status, lock_rma

NOT_AVAILABLE = N_("resolving a dispute as %(outcome)s is not available yet")


def upheld(session: Session, complaint: Complaint, *, note: str, settings: DepotSettings,
           actor: User, now: datetime, origin: Origin | None) -> None:
    """The verdict stands: the RMA and its quote stay as they are."""


def overturned(session: Session, complaint: Complaint, *, note: str,
               settings: DepotSettings, actor: User, now: datetime,
               origin: Origin | None) -> None:
    """The supervisor's coverage override: the RMA becomes covered with the supervisor's
    reason (the note), its open quote is withdrawn (its link refuses answers), and the RMA
    goes awaiting_approval -> inspected (action overturn; its clock runs again), so
    start_repair is allowed. Refused (409) unless the RMA waits for the customer's answer."""
    if complaint.rma is None:
        raise InvalidInputError("a dispute of the damage verdict is overturned on its RMA: "
                                "this complaint names none", code="rma_required", field="rma")
    rma = lock_rma(session, complaint.rma.number)
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
             actor: User, now: datetime, origin: Origin | None) -> None:
    """To come with the disputes (issue 12 item 5): the next quote version with a discount."""
    raise InvalidTransitionError(NOT_AVAILABLE, code="not_available", outcome="goodwill",
                                 allowed=[])


OUTCOMES: dict[Outcome, Callable[..., None]] = {
    Outcome.UPHELD: upheld, Outcome.OVERTURNED: overturned, Outcome.GOODWILL: goodwill}


def apply(session: Session, complaint: Complaint, outcome: Outcome, *, note: str,
          settings: DepotSettings, actor: User, now: datetime, origin: Origin | None) -> None:
    OUTCOMES[outcome](session, complaint, note=note, settings=settings, actor=actor, now=now,
                      origin=origin)
