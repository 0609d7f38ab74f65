"""Requests before shipping (pre-authorisation, DESIGN.md §4b): the customer asks for an RMA
before posting the unit. The RMA is created `requested` with its number (gap-free, the year of
the request), no received_on and no due_on; the customer's mail carries the packing slip. The
unit's arrival (services.intake.receive_unit) turns it `received`; `flask depot remind` cancels
requests not received within DEPOT_REQUEST_EXPIRE_DAYS.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.domain.tracking import Kind
from depot.domain.workflow import Action, Status
from depot.errors import ConflictError, InvalidInputError, InvalidTransitionError
from depot.i18n import translate
from depot.labels.slip import SlipData, render_slip
from depot.mail import MailAttachment
from depot.models import ProductModel, Rma, Unit
from depot.services import notifications, webhooks
from depot.services.attachments import attach
from depot.services.calendars import calendar_around
from depot.services.common import (
    DEFAULT_TZ,
    find_unit,
    get_model,
    get_rma,
    local_date,
    open_rma_of,
)
from depot.services.customer_status import status_url
from depot.services.intake import Photo, rma_number, take_number
from depot.services.serials import fits
from depot.services.settings import DepotSettings
from depot.services.units import (
    CustomerInput,
    add_new_unit,
    check_serial,
    find_or_create_customer,
    unit_warranty,
)
from depot.services.workflow import Origin, change_status


@dataclass(frozen=True)
class RequestInput:
    serial: str
    fault_description: str
    customer: CustomerInput
    model: str | None = None
    purchase_date: date | None = None


@dataclass(frozen=True)
class Requested:
    rma: Rma
    known_unit: bool  # False: the serial was new to the depot ("we will check")
    status_url: str


def request_rma(session: Session, data: RequestInput, settings: DepotSettings, *,
                now: datetime, proof: Photo | None = None, origin: Origin | None = None,
                tz: ZoneInfo = DEFAULT_TZ) -> Requested:
    """Create the `requested` RMA and queue the customer's mail with the packing slip, in one
    transaction. A serial with an open RMA creates nothing: ConflictError `open_rma_exists`
    naming that RMA's status link."""
    today = local_date(now, tz)
    if data.purchase_date is not None and data.purchase_date > today:
        raise InvalidInputError("the purchase date cannot be after today", code="invalid_date",
                                field="purchase_date")
    serial = check_serial(data.serial)
    unit = find_unit(session, serial, lock=True)
    known = unit is not None
    if unit is not None:
        current = open_rma_of(session, unit)
        if current is not None:
            session.rollback()
            raise ConflictError("unit %(serial)s already has open RMA %(rma)s",
                                code="open_rma_exists", rma=current.number,
                                status=current.status, serial=unit.serial,
                                status_url=status_url(settings, current.number))
        _keep_contact(session, unit, data.customer, now)
    else:
        unit = _register(session, serial, _model_for(session, serial, data.model), data, now)
    warranty = unit_warranty(unit, today)
    seq = take_number(session, today.year)
    rma = Rma(number=rma_number(today.year, seq), year=today.year, seq=seq, unit=unit,
              status=None, fault_description=data.fault_description.strip(), accessories=[],
              received_on=None, listed_on=today, reported_on=today, due_on=None,
              warranty_status=warranty.status.value, warranty_starts_on=warranty.starts_on,
              warranty_ends_on=warranty.ends_on,
              warranty_reasons=[r.stored() for r in warranty.reasons],
              created_at=now, updated_at=now)
    session.add(rma)
    change_status(session, rma, Action.REQUEST, actor=None, now=now, tz=tz, origin=origin)
    session.flush()
    if proof is not None:
        stored = attach(session, rma, "proof_of_purchase", proof.filename, proof.content_type,
                        proof.data, actor=None, now=now)
        if unit.proof_attachment_id is None:
            unit.proof_attachment_id = stored.id
    notify_requested(session, rma, settings, now=now)
    webhooks.rma_created(session, rma, now=now)  # its status `requested` is in the brief
    session.commit()
    return Requested(rma, known, status_url(settings, rma.number))


def _keep_contact(session: Session, unit: Unit, customer: CustomerInput, now: datetime) -> None:
    """A known unit keeps its customer of record; one without gets the requester, and blank
    contact fields of the record are filled from the request."""
    if unit.customer is None:
        unit.customer = find_or_create_customer(session, customer, now)
        return
    record = unit.customer
    record.email = record.email or customer.email.strip()
    record.address = record.address or customer.address.strip()
    record.phone = record.phone or customer.phone.strip()
    record.language = record.language or customer.language


def _model_for(session: Session, serial: str, code: str | None) -> ProductModel:
    """The model of a serial new to the depot: the one named, or the only offered model whose
    serial pattern the serial fits."""
    if code:
        model = get_model(session, code)
        check_serial(serial, model)
        return model
    fitting = [m for m in session.scalars(
        select(ProductModel).where(ProductModel.retired.is_(False),
                                   ProductModel.serial_pattern.is_not(None)))
               if m.serial_pattern and fits(m.serial_pattern, serial)]
    if len(fitting) == 1:
        return fitting[0]
    raise InvalidInputError("we do not know this serial yet: please choose the model",
                            code="model_required", field="model")


def _register(session: Session, serial: str, model: ProductModel, data: RequestInput,
              now: datetime) -> Unit:
    return add_new_unit(session, Unit(
        serial=serial, model=model, purchase_date=data.purchase_date,
        customer=find_or_create_customer(session, data.customer, now),
        created_at=now, updated_at=now))


def send_by(rma: Rma, settings: DepotSettings) -> date:
    """The last day the unit may arrive before the request lapses."""
    return rma.listed_on + timedelta(days=settings.request_expire_days)


def slip_pdf(session: Session, number: str, settings: DepotSettings, lang: str = "zh_CN"
             ) -> bytes:
    rma = get_rma(session, number)
    return _slip(rma, settings, lang)


def _slip(rma: Rma, settings: DepotSettings, lang: str) -> bytes:
    customer = rma.unit.customer
    depot = settings.depot
    return render_slip(SlipData(
        rma_number=rma.number, depot_name=depot.name, depot_address=depot.address,
        depot_phone=depot.phone, serial=rma.unit.serial, model_name=rma.unit.model.name,
        fault_description=rma.fault_description,
        customer_name=customer.name if customer else "",
        customer_phone=customer.phone if customer else "",
        status_url=status_url(settings, rma.number),
        send_by=send_by(rma, settings).isoformat()), lang=lang)


def notify_requested(session: Session, rma: Rma, settings: DepotSettings, *, now: datetime):
    lang = notifications.mail_language(rma)
    customer = rma.unit.customer
    attachments = (MailAttachment(translate(lang, "packing-slip-%(rma)s.pdf", "file name",
                                            rma=rma.number),
                                  "application/pdf", _slip(rma, settings, lang)),) \
        if customer and customer.email else ()
    return notifications.notify(
        session, rma, Kind.REQUESTED, settings, now=now, attachments=attachments,
        values={"depot_address": " ".join(x for x in (settings.depot.name,
                                                      settings.depot.address) if x),
                "send_by": send_by(rma, settings).isoformat()})


def receive_requested(session: Session, rma: Rma, *, received_on: date, fault_description: str,
                      accessories: list[str], reported_on: date | None) -> None:
    """The unit of a request arrived (called by intake with the RMA locked): its dates start
    today; the fault typed at intake, when given, replaces the request's."""
    from depot.domain.calendar import due_date

    rma.received_on = rma.listed_on = received_on
    rma.due_on = due_date(calendar_around(session, received_on), received_on)
    if fault_description.strip():
        rma.fault_description = fault_description.strip()
    rma.accessories = list(dict.fromkeys(accessories))
    if reported_on is not None:
        rma.reported_on = reported_on
    warranty = unit_warranty(rma.unit, rma.reported_on or received_on)
    rma.warranty_status, rma.warranty_starts_on = warranty.status.value, warranty.starts_on
    rma.warranty_ends_on = warranty.ends_on
    rma.warranty_reasons = [r.stored() for r in warranty.reasons]


# -- the queue and the expiry ------------------------------------------------------------------

@dataclass(frozen=True)
class Waiting:
    rma: Rma
    age_working_days: int  # on the China calendar, since the request


def queue(session: Session, *, today: date, limit: int = 500) -> list[Waiting]:
    """Requests not yet received, oldest first, each with its age in working days."""
    rows = list(session.scalars(select(Rma).where(Rma.status == Status.REQUESTED.value)
                                .order_by(Rma.listed_on, Rma.id).limit(limit)).unique())
    if not rows:
        return []
    calendar = calendar_around(session, rows[0].listed_on)
    return [Waiting(r, calendar.working_days_between(r.listed_on, today)) for r in rows]


def expire(session: Session, settings: DepotSettings, *, now: datetime,
           origin: Origin | None = None) -> list[str]:
    """Cancel the requests whose unit did not arrive within DEPOT_REQUEST_EXPIRE_DAYS."""
    today = local_date(now, settings.tz)
    last = today - timedelta(days=settings.request_expire_days)
    numbers = list(session.scalars(select(Rma.number).where(
        Rma.status == Status.REQUESTED.value, Rma.listed_on < last).order_by(Rma.id)))
    cancelled = []
    for number in numbers:
        rma = get_rma(session, number)
        if rma.status != Status.REQUESTED.value:
            continue
        try:
            change_status(session, rma, Action.CANCEL, actor=None, now=now, tz=settings.tz,
                          origin=origin, reason=f"not received within "
                                                f"{settings.request_expire_days} days")
        except InvalidTransitionError:  # received meanwhile (the row locked, read afresh)
            session.rollback()
            continue
        session.commit()
        cancelled.append(number)
    return cancelled
