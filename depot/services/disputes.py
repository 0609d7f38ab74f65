"""The customer disputes the damage verdict (异议) from the quote page.

DESIGN.md 4b: `POST /q/<token>/dispute` registers a `damage_verdict` complaint (channel `web`)
linked to the RMA; the RMA stays `awaiting_approval` with its clock paused, and its history
gets one `dispute` event naming the complaint. A dispute on a quote the customer may not answer
now is refused with the same reason an answer would be (409), and so is a second dispute while
one is open. A supervisor settles it by resolving the complaint (services.complaint_outcomes).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.domain.complaints import OPEN_STATUSES, Channel, ComplaintKind
from depot.domain.workflow import Action
from depot.errors import (
    ConflictError,
    InvalidInputError,
    InvalidTransitionError,
    NotFoundError,
)
from depot.models import Attachment, Complaint, Quote, Rma
from depot.services.common import local_date
from depot.services.complaints import add_complaint
from depot.services.quoting import quote_by_token, refusal
from depot.services.settings import DepotSettings
from depot.services.workflow import Origin, change_status, lock_rma

COMMENT_CAP = 2000  # what the customer writes (the form's maxlength; more: 422)


def open_dispute(session: Session, rma: Rma) -> Complaint | None:
    """The RMA's dispute of the damage verdict still to be settled (open or in progress)."""
    return session.scalar(
        select(Complaint).where(Complaint.rma_id == rma.id,
                                Complaint.kind == ComplaintKind.DAMAGE_VERDICT.value,
                                Complaint.status.in_([s.value for s in OPEN_STATUSES]))
        .order_by(Complaint.id.desc()).limit(1))


def dispute_quote(session: Session, settings: DepotSettings, token: str, comment: str, *,
                  ip: str | None, now: datetime, origin: Origin | None = None) -> Complaint:
    """Register the customer's dispute of the quote's damage verdict (one transaction). The
    RMA's row is locked before its quote and disputes are read, so two disputes at once have
    one winner. A link that is not valid: NotFoundError; a quote that is not open (answered,
    superseded, expired, withdrawn, or its RMA no longer waiting): InvalidTransitionError with
    the refusal's code; a dispute already open: ConflictError dispute_open; an empty or too
    long comment: InvalidInputError."""
    text = comment.strip()
    if not text:
        raise InvalidInputError("%(field)s is required", code="missing_field", field="comment")
    if len(text) > COMMENT_CAP:
        raise InvalidInputError("%(field)s is longer than %(max_length)s characters",
                                code="invalid_field", field="comment", max_length=COMMENT_CAP)
    try:
        found = quote_by_token(session, settings.secret, token)
        rma = lock_rma(session, found.rma.number)
        quote = session.get(Quote, found.id)
        session.refresh(quote)
        why = refusal(quote, local_date(now, settings.tz))
        if why is not None:
            code, message = why
            raise InvalidTransitionError(message, code=code, status=quote.status,
                                         valid_until=quote.valid_until.isoformat(),
                                         allowed=[])
        existing = open_dispute(session, rma)
        if existing is not None:
            raise ConflictError("your objection to the inspection result is already being "
                                "reviewed", code="dispute_open", complaint=existing.number)
        complaint = add_complaint(
            session, kind=ComplaintKind.DAMAGE_VERDICT.value, description=text,
            channel=Channel.WEB.value, rma=rma.number, actor=None, now=now, tz=settings.tz,
            origin=origin)
        session.flush()
        change_status(session, rma, Action.DISPUTE, actor=None, now=now, tz=settings.tz,
                      origin=origin,
                      reason=f"{complaint.number} ({quote.number})"
                             + (f" from {ip}" if ip else "") + f": {text[:200]}")
        session.commit()
    except Exception:
        session.rollback()
        raise
    return complaint


def evidence_photo(session: Session, settings: DepotSettings, token: str,
                   position: int) -> Attachment:
    """The RMA's `position`-th evidence photo (from 1), for the customer whose quote link this
    is: photos are found through the signed link, never by their id."""
    quote = quote_by_token(session, settings.secret, token)
    photos = quote.rma.evidence
    if not 1 <= position <= len(photos):
        raise NotFoundError("no such attachment", code="attachment_not_found")
    return photos[position - 1]
