"""Taking a unit in: a new RMA with a gap-free number, its warranty judged and its due date set."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from depot.domain.accessories import ACCESSORIES
from depot.domain.calendar import due_date
from depot.domain.workflow import Action, Status
from depot.errors import ConflictError, InvalidInputError, InvalidTransitionError
from depot.models import Rma, RmaCounter, User
from depot.photos import normalise_photo, pixels_of
from depot.services import cartons, notifications, webhooks
from depot.services.attachments import attach
from depot.services.calendars import calendar_around
from depot.services.common import (
    DEFAULT_TZ,
    get_rma,
    get_unit,
    local_date,
    open_rma_of,
    take_yearly_number,
)
from depot.services.settings import DepotSettings
from depot.services.units import unit_warranty
from depot.services.workflow import Origin, change_status

MAX_PHOTOS = 12


@dataclass(frozen=True)
class Photo:
    filename: str
    content_type: str
    data: bytes


def prepare_photos(files: list[tuple[str, bytes]], *, max_bytes: int, max_pixels: int,
                   max_total_pixels: int | None = None) -> list[Photo]:
    """Check and normalise every photo before anything is stored: one bad file refuses all.
    The pixels of all photos together are capped too (twice one photo's limit by default), so
    a dozen huge photos cannot tie a worker up for seconds and hundreds of megabytes."""
    if len(files) > MAX_PHOTOS:
        raise InvalidInputError("at most %(limit)s photos at a time", code="too_many_photos",
                                limit=MAX_PHOTOS)
    budget = max_total_pixels if max_total_pixels is not None else 2 * max_pixels
    total = 0
    for name, data in files:
        try:
            total += pixels_of(data, max_bytes=max_bytes, max_pixels=max_pixels)
        except InvalidInputError as exc:
            exc.details["filename"] = name
            raise
    if total > budget:
        raise InvalidInputError(
            "these photos have %(pixels)s pixels together; the limit is %(limit)s: send fewer "
            "or smaller photos", code="image_too_large", pixels=total, limit=budget)
    prepared = []
    for name, data in files:
        try:
            photo = normalise_photo(data, max_bytes=max_bytes, max_pixels=max_pixels)
        except InvalidInputError as exc:
            exc.details["filename"] = name
            raise
        stem = (name.rsplit(".", 1)[0] or "photo")[:200]
        prepared.append(Photo(f"{stem}.jpg", photo.content_type, photo.data))
    return prepared


PHOTO_KINDS = ("intake_photo", "evidence_photo")


def add_photos(session: Session, number: str, files: list[tuple[str, bytes]], *,
               kind: str = "intake_photo", max_bytes: int, max_pixels: int,
               actor: User | None, now: datetime) -> Rma:
    """Intake photos (what arrived) or evidence photos (what inspection found)."""
    if kind not in PHOTO_KINDS:
        raise InvalidInputError("kind must be one of %(known)s",
                                code="invalid_field", field="kind", known=list(PHOTO_KINDS))
    photos = prepare_photos(files, max_bytes=max_bytes, max_pixels=max_pixels)
    rma = get_rma(session, number)
    for photo in photos:
        attach(session, rma, kind, photo.filename, photo.content_type, photo.data, actor=actor,
               now=now)
    session.commit()
    session.refresh(rma)
    return rma


def _same_request(rma: Rma, serial: str) -> Rma:
    """A repeated Idempotency-Key answers its first RMA, but only for the same unit: a key
    reused for another unit is a client's mistake, not a retry."""
    if rma.unit.serial.casefold() != serial.strip().casefold():
        raise InvalidInputError(
            "this Idempotency-Key was already used for %(rma)s of another unit: use a new key",
            code="idempotency_key_reused", rma=rma.number)
    return rma


def rma_number(year: int, seq: int) -> str:
    return f"RMA-{year:04d}-{seq:06d}"


def take_number(session: Session, year: int) -> int:
    """Next RMA number of `year`, inside the caller's transaction (services.common)."""
    return take_yearly_number(session, RmaCounter, year)


def receive_unit(
    session: Session, serial: str, fault_description: str, accessories: list[str], *,
    reported_on: date | None = None, idempotency_key: str | None = None,
    photos: list[Photo] | tuple[Photo, ...] = (), actor: User | None, now: datetime,
    tz: ZoneInfo = DEFAULT_TZ, origin: Origin | None = None,
    settings: DepotSettings | None = None, carton: str = "",
) -> tuple[Rma, bool]:
    """Open an RMA for the unit. Returns (rma, created); a repeated idempotency key returns the
    first RMA with created=False and creates nothing. With `settings`, the customer's mail
    (with the receipt and the status link) is queued with it. `carton`: the number of the box
    it came in (services.cartons); an unknown one is 404 carton_not_found, nothing created."""
    if idempotency_key:
        existing = session.scalar(select(Rma).where(Rma.idempotency_key == idempotency_key))
        if existing is not None:
            return _same_request(existing, serial), False
    unknown = [a for a in accessories if a not in ACCESSORIES]
    if unknown:
        raise InvalidInputError("unknown accessories: %(unknown)s",
                                code="invalid_accessory", unknown=[u[:40] for u in unknown][:20],
                                known=list(ACCESSORIES))
    box = cartons.get_carton(session, carton, field="carton") if carton.strip() else None
    unit = get_unit(session, serial, lock=True)  # one open RMA per unit, even under races
    if idempotency_key:  # again, now that a concurrent repeat holding the lock has committed
        existing = session.scalar(select(Rma).where(Rma.idempotency_key == idempotency_key))
        if existing is not None:
            session.rollback()
            return _same_request(existing, serial), False
    current = open_rma_of(session, unit)
    if current is not None and current.status == Status.REQUESTED.value:
        if idempotency_key and current.idempotency_key is None:
            current.idempotency_key = idempotency_key  # a retry then finds this RMA
        try:
            if box is not None:
                current.carton = box  # a request's unit may come in a carton too
            return _receive_request(session, current, fault_description, accessories,
                                    reported_on=reported_on, photos=photos, actor=actor,
                                    now=now, tz=tz, origin=origin, settings=settings), False
        except InvalidTransitionError:
            # The request was cancelled meanwhile (its row locked and read afresh): the unit
            # is here all the same, and gets an RMA of its own.
            session.rollback()
            return receive_unit(session, serial, fault_description, accessories,
                                reported_on=reported_on, idempotency_key=idempotency_key,
                                photos=photos, actor=actor, now=now, tz=tz, origin=origin,
                                settings=settings, carton=carton)
    if current is not None:
        raise ConflictError("unit %(serial)s already has open RMA %(rma)s",
                            code="open_rma_exists", rma=current.number, status=current.status,
                            serial=unit.serial)
    received_on = local_date(now, tz)
    if reported_on is not None and reported_on > received_on:
        raise InvalidInputError("reported_on cannot be after today", code="invalid_date",
                                field="reported_on")
    warranty = unit_warranty(unit, reported_on or received_on)
    year = received_on.year
    seq = take_number(session, year)
    rma = Rma(
        number=rma_number(year, seq), year=year, seq=seq, unit=unit,
        status=None, fault_description=fault_description.strip(),
        accessories=list(dict.fromkeys(accessories)), received_on=received_on,
        listed_on=received_on, reported_on=reported_on,
        due_on=due_date(calendar_around(session, received_on), received_on),
        warranty_status=warranty.status.value, warranty_starts_on=warranty.starts_on,
        warranty_ends_on=warranty.ends_on,
        warranty_reasons=[r.stored() for r in warranty.reasons],
        idempotency_key=idempotency_key or None, created_by_id=actor.id if actor else None,
        created_at=now, updated_at=now, carton=box,
    )
    session.add(rma)
    change_status(session, rma, Action.RECEIVE, actor=actor, now=now, tz=tz, origin=origin)
    _arrived(session, rma, photos, actor=actor, now=now, settings=settings)
    try:
        webhooks.rma_created(session, rma, now=now)
        session.commit()
    except IntegrityError:
        session.rollback()
        if idempotency_key:
            again = session.scalar(select(Rma).where(Rma.idempotency_key == idempotency_key))
            if again is not None:
                return _same_request(again, serial), False
        raise
    return rma, True


def _receive_request(session: Session, rma: Rma, fault_description: str, accessories: list[str],
                     *, reported_on: date | None, photos: list[Photo] | tuple[Photo, ...],
                     actor: User | None, now: datetime, tz: ZoneInfo, origin: Origin | None,
                     settings: DepotSettings | None) -> Rma:
    """The unit of a request arrived: the same RMA (number, customer) turns `received`, its
    dates from today (DESIGN.md §4b). change_status locks the row and reads the status again,
    so a request cancelled meanwhile refuses."""
    from depot.services.requests import receive_requested

    received_on = local_date(now, tz)
    if reported_on is not None and reported_on > received_on:
        raise InvalidInputError("reported_on cannot be after today", code="invalid_date",
                                field="reported_on")
    change_status(session, rma, Action.RECEIVE, actor=actor, now=now, tz=tz, origin=origin)
    receive_requested(session, rma, received_on=received_on,
                      fault_description=fault_description, accessories=accessories,
                      reported_on=reported_on)
    _arrived(session, rma, photos, actor=actor, now=now, settings=settings)
    session.commit()
    return rma


def _arrived(session: Session, rma: Rma, photos: list[Photo] | tuple[Photo, ...], *,
             actor: User | None, now: datetime, settings: DepotSettings | None) -> None:
    """What comes with a unit taken in: its intake photos and, with `settings`, the
    customer's mail with the receipt (both in the caller's transaction)."""
    for photo in photos:
        attach(session, rma, "intake_photo", photo.filename, photo.content_type, photo.data,
               actor=actor, now=now, flush=False)
    if settings is not None:
        session.flush()
        notifications.notify_received(session, rma, settings, now=now)
