"""Complaints (投诉): registered from the staff pages, the API, a bad survey score or (later) the
customer's pages; routed to a team by kind; moved along their machine by one function that
locks the row first and writes one event; the customer told by email when one is resolved.

`register_complaint` is the public way in for any caller (the status pages call it with
channel="web"); each public function here is one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.domain.complaints import (
    COMPLAINT,
    Channel,
    ComplaintAction,
    ComplaintKind,
    ComplaintStatus,
    Outcome,
    Team,
    needs_manager,
    parse_channel,
    parse_kind,
    resolution,
    team_for,
)
from depot.domain.roles import may
from depot.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from depot.mail import compose, render_mail
from depot.models import Complaint, ComplaintCounter, ComplaintEvent, Rma, Unit, User
from depot.models.complaints import DESCRIPTION_CAP
from depot.services import complaint_outcomes, outbox, webhooks
from depot.services.calendars import china_calendar
from depot.services.common import DEFAULT_TZ, find_rma, find_unit, local_date, take_yearly_number
from depot.services.settings import DepotSettings
from depot.services.workflow import Origin

CS, CA = ComplaintStatus, ComplaintAction
MANAGE = "complaints.manage"


@dataclass(frozen=True)
class ComplainantInput:
    """Who complained; empty fields are taken from the RMA's (or the unit's) customer."""

    name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


def complaint_number(year: int, seq: int) -> str:
    return f"CMP-{year:04d}-{seq:06d}"


def take_number(session: Session, year: int) -> int:
    """Next complaint number of `year`, inside the caller's transaction (services.common)."""
    return take_yearly_number(session, ComplaintCounter, year)


def _linked(session: Session, rma_number: str, serial: str) -> tuple[Rma | None, Unit | None]:
    rma = unit = None
    if rma_number.strip():
        rma = find_rma(session, rma_number)
        if rma is None:
            raise NotFoundError("no RMA numbered %(number)s", code="rma_not_found",
                                number=rma_number.strip()[:40])
    if serial.strip():
        unit = find_unit(session, serial)
        if unit is None:
            raise NotFoundError("no unit with serial %(serial)s", code="unit_not_found",
                                serial=serial.strip()[:80])
    if rma is not None and unit is not None and rma.unit_id != unit.id:
        raise InvalidInputError("RMA %(rma)s is not of the unit %(serial)s",
                                code="rma_serial_mismatch", field="serial", rma=rma.number,
                                serial=unit.serial)
    if rma is not None and unit is None:
        unit = rma.unit
    return rma, unit


def add_complaint(session: Session, *, kind: str, description: str, channel: str,
                  rma: str = "", serial: str = "", customer: ComplainantInput | None = None,
                  actor: User | None, now: datetime, tz: ZoneInfo = DEFAULT_TZ,
                  origin: Origin | None = None) -> Complaint:
    """A new open complaint inside the caller's transaction (a survey answer registers one
    with its own change)."""
    complaint_kind, complaint_channel = parse_kind(kind), parse_channel(channel)
    text = description.strip()
    if not text:
        raise InvalidInputError("%(field)s is required", code="missing_field",
                                field="description")
    if len(text) > DESCRIPTION_CAP:
        raise InvalidInputError("%(field)s is longer than %(max_length)s characters",
                                code="invalid_field", field="description",
                                max_length=DESCRIPTION_CAP)
    linked_rma, unit = _linked(session, rma, serial)
    given = customer or ComplainantInput()
    on_record = unit.customer if unit is not None else None
    year = local_date(now, tz).year
    seq = take_number(session, year)
    complaint = Complaint(
        number=complaint_number(year, seq), year=year, seq=seq, kind=complaint_kind.value,
        team=team_for(complaint_kind).value, channel=complaint_channel.value, status=None,
        description=text, rma=linked_rma, unit=unit,
        customer_name=given.name.strip() or (on_record.name if on_record else ""),
        customer_phone=given.phone.strip() or (on_record.phone if on_record else ""),
        customer_email=given.email.strip() or (on_record.email if on_record else ""),
        customer_address=given.address.strip() or (on_record.address if on_record else ""),
        created_by_id=actor.id if actor else None, created_at=now, updated_at=now)
    session.add(complaint)
    _move(complaint, CA.REGISTER, actor=actor, now=now, note=None, origin=origin)
    webhooks.complaint_created(session, complaint, now=now)
    return complaint


def register_complaint(session: Session, *, kind: str, description: str, channel: str = "web",
                       rma: str = "", serial: str = "",
                       customer: ComplainantInput | None = None, actor: User | None,
                       now: datetime, tz: ZoneInfo = DEFAULT_TZ,
                       origin: Origin | None = None) -> Complaint:
    """Register a complaint (one transaction): routed to its team by kind, numbered
    CMP-YYYY-NNNNNN gap-free per year, linked to the RMA and/or unit named. `actor` None: the
    customer themselves (their pages, a survey)."""
    try:
        complaint = add_complaint(session, kind=kind, description=description, channel=channel,
                                  rma=rma, serial=serial, customer=customer, actor=actor,
                                  now=now, tz=tz, origin=origin)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return complaint


def _move(complaint: Complaint, action: ComplaintAction, *, actor: User | None, now: datetime,
          note: str | None, origin: Origin | None, outcome: Outcome | None = None
          ) -> ComplaintStatus:
    before = ComplaintStatus(complaint.status) if complaint.status else None
    after = COMPLAINT.next_status(before, action)
    complaint.status = after.value
    complaint.updated_at = now
    complaint.events.append(ComplaintEvent(
        action=action.value, from_status=before.value if before else None,
        to_status=after.value, actor_id=actor.id if actor else None, at=now,
        note=note or None, outcome=outcome.value if outcome else None,
        ip=origin.ip if origin else None, via=origin.via if origin else None))
    return after


def get_complaint(session: Session, number: str) -> Complaint:
    complaint = session.scalar(select(Complaint).where(
        Complaint.number == number.strip().upper()))
    if complaint is None:
        raise NotFoundError("no complaint numbered %(number)s", code="complaint_not_found",
                            number=number.strip()[:40])
    return complaint


def lock_complaint(session: Session, number: str) -> Complaint:
    """The complaint, its row locked for this transaction and read afresh."""
    complaint = session.scalar(
        select(Complaint).where(Complaint.number == number.strip().upper())
        .with_for_update(of=Complaint).execution_options(populate_existing=True))
    if complaint is None:
        raise NotFoundError("no complaint numbered %(number)s", code="complaint_not_found",
                            number=number.strip()[:40])
    session.expire(complaint, ["events"])
    return complaint


def apply_action(session: Session, number: str, action: str, *, note: str = "",
                 outcome: str | None = None, settings: DepotSettings, actor: User,
                 now: datetime, origin: Origin | None = None,
                 discount: Decimal | None = None) -> Complaint:
    """Start, resolve, reopen or close a complaint (one transaction). The row is locked before
    its status is read; reopen and close, and resolving a dispute of the damage verdict, are a
    supervisor's or an admin's (PermissionDeniedError); not allowed from the status:
    InvalidTransitionError; a resolution without a note (or a dispute's without an outcome):
    InvalidInputError. Resolving queues the customer's email (kind complaint_resolved).
    `discount`: the amount of a `goodwill` resolution's discount line (None: 0.00)."""
    chosen = COMPLAINT.parse_action(action)
    if chosen is CA.REGISTER:  # a complaint is registered, never "registered again"
        raise InvalidInputError("unknown action %(value)s", code="unknown_action",
                                value=action[:40],
                                known=[a.value for a in CA if a is not CA.REGISTER])
    try:
        complaint = lock_complaint(session, number)
        kind = ComplaintKind(complaint.kind)
        if needs_manager(chosen, kind) and not may(actor.role, MANAGE):
            raise PermissionDeniedError("a %(role)s may not do this", code="forbidden",
                                        role=actor.role)
        before = ComplaintStatus(complaint.status)
        COMPLAINT.next_status(before, chosen)  # refused before anything is asked of the note
        decided = resolution(kind, note, outcome) if chosen is CA.RESOLVE else None
        text = note.strip()
        if len(text) > DESCRIPTION_CAP:
            raise InvalidInputError("%(field)s is longer than %(max_length)s characters",
                                    code="invalid_field", field="note",
                                    max_length=DESCRIPTION_CAP)
        if decided is not None:
            complaint_outcomes.apply(session, complaint, decided, note=text,
                                     settings=settings, actor=actor, now=now, origin=origin,
                                     discount=discount)
        _move(complaint, chosen, actor=actor, now=now, note=text, origin=origin,
              outcome=decided)
        if chosen is CA.START:
            complaint.holder_id = actor.id
        elif chosen is CA.RESOLVE:
            complaint.resolution, complaint.resolved_at = text, now
            complaint.outcome = decided.value if decided else None
            _notify_resolved(session, complaint, settings, now)
        elif chosen is CA.REOPEN and complaint.holder_id is None:
            complaint.holder_id = actor.id  # nobody had started it: whoever reopens holds it
        session.commit()
    except Exception:
        session.rollback()
        raise
    return complaint


def _notify_resolved(session: Session, complaint: Complaint, settings: DepotSettings,
                     now: datetime) -> None:
    if not complaint.customer_email:
        return
    subject, text = render_mail(
        "complaint_resolved", complaint=complaint, name=complaint.customer_name,
        signature=f"{settings.depot.name}  {settings.depot.phone}")
    domain = urlsplit(settings.depot.public_url).hostname or "depot.local"
    message = compose(sender=settings.mail.sender, to=complaint.customer_email,
                      subject=subject, text=text, domain=domain)
    outbox.enqueue(session, message, kind="complaint_resolved", rma=complaint.rma, now=now)


LIST_LIMIT = 500


def list_complaints(session: Session, *, team: str = "", status: str = "", kind: str = "",
                    statuses: tuple[ComplaintStatus, ...] = (), newest_first: bool = False,
                    limit: int = LIST_LIMIT) -> list[Complaint]:
    """Complaints of the team, status (or any of `statuses`) and kind given, each optional;
    oldest first (a queue is worked from its oldest) or newest first; at most `limit`.
    Unknown values: InvalidInputError."""
    order = Complaint.id.desc() if newest_first else Complaint.id
    query = select(Complaint).order_by(order).limit(limit)
    if team:
        if team not in [t.value for t in Team]:
            raise InvalidInputError("%(field)s must be one of %(known)s", code="invalid_field",
                                    field="team", known=[t.value for t in Team])
        query = query.where(Complaint.team == team)
    if status:
        if status not in [s.value for s in ComplaintStatus]:
            raise InvalidInputError("%(field)s must be one of %(known)s", code="invalid_field",
                                    field="status", known=[s.value for s in ComplaintStatus])
        query = query.where(Complaint.status == status)
    elif statuses:
        query = query.where(Complaint.status.in_([s.value for s in statuses]))
    if kind:
        query = query.where(Complaint.kind == parse_kind(kind).value)
    return list(session.scalars(query))


def ages(session: Session, complaints: list[Complaint], today: date,
         tz: ZoneInfo = DEFAULT_TZ) -> dict[int, int]:
    """Complaint id -> working days since it was registered (the China calendar with the
    admin's overrides; the day of registering does not count)."""
    if not complaints:
        return {}
    days = {c.id: local_date(c.created_at, tz) for c in complaints}
    first = min(days.values())
    calendar = china_calendar(session, range(first.year, today.year + 1))
    return {cid: calendar.working_days_between(day, today) if today > day else 0
            for cid, day in days.items()}


__all__ = ["Channel", "ComplainantInput", "add_complaint", "ages", "apply_action",
           "complaint_number", "get_complaint", "list_complaints", "lock_complaint",
           "register_complaint"]
