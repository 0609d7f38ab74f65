"""Documents of an RMA: the intake tag, the customer receipt, stored attachments."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from depot.errors import ConflictError
from depot.i18n import stored_reasons_text
from depot.labels import (
    CartonReceiptData,
    CartonUnit,
    ReceiptData,
    TagData,
    render_carton_receipt,
    render_intake_tag,
    render_receipt,
)
from depot.models import Rma
from depot.services.cartons import get_carton
from depot.services.common import DEFAULT_TZ, get_rma, local_date, unit_going_back
from depot.services.settings import DepotInfo


def _received(rma: Rma) -> Rma:
    """Tag and receipt are of a unit at the depot: a request's unit has not arrived yet."""
    if rma.received_on is None:
        raise ConflictError("%(rma)s is a request: its unit has not arrived yet (print its "
                            "packing slip)", code="not_received", rma=rma.number)
    return rma


def intake_tag(session: Session, number: str) -> bytes:
    rma = _received(get_rma(session, number))
    unit = rma.unit
    return render_intake_tag(TagData(
        rma_number=rma.number, serial=unit.serial, model_code=unit.model.code,
        model_name=unit.model.name, received_on=rma.received_on,
        customer_name=unit.customer.name if unit.customer else "",
        accessories=tuple(rma.accessories or ()),
        carton_number=rma.carton.number if rma.carton else ""))


def receipt(session: Session, number: str, *, depot: DepotInfo, lang: str = "zh_CN",
            status_url: str | None = None) -> bytes:
    """The customer's receipt; `status_url`: the RMA's status link, printed on it."""
    rma = _received(get_rma(session, number))
    unit, customer = rma.unit, rma.unit.customer
    reasons = tuple(stored_reasons_text(rma.warranty_reasons, lang))
    return render_receipt(ReceiptData(
        depot_name=depot.name, depot_address=depot.address, depot_phone=depot.phone,
        rma_number=rma.number, received_on=rma.received_on, serial=unit.serial,
        model_code=unit.model.code, model_name=unit.model.name,
        customer_name=customer.name if customer else "",
        customer_phone=customer.phone if customer else "",
        customer_address=customer.address if customer else "",
        fault_description=rma.fault_description, accessories=tuple(rma.accessories or ()),
        warranty_status=rma.warranty_status, warranty_reasons=reasons, due_on=rma.due_on,
        status_url=status_url, replacement_serial=replacement.serial
        if (replacement := unit_going_back(rma)) is not unit else None), lang=lang)


def carton_receipt(session: Session, number: str, *, depot: DepotInfo, lang: str = "zh_CN",
                   tz: ZoneInfo = DEFAULT_TZ) -> bytes:
    """One customer receipt for every unit of the carton: the sender on record for the box,
    else the first unit's customer."""
    carton = get_carton(session, number)
    customer = carton.customer or next(
        (r.unit.customer for r in carton.rmas if r.unit.customer is not None), None)
    return render_carton_receipt(CartonReceiptData(
        depot_name=depot.name, depot_address=depot.address, depot_phone=depot.phone,
        carton_number=carton.number, received_on=local_date(carton.created_at, tz),
        carrier=carton.carrier, tracking_number=carton.tracking_number,
        customer_name=customer.name if customer else "",
        customer_phone=customer.phone if customer else "",
        customer_address=customer.address if customer else "",
        units=tuple(CartonUnit(
            rma_number=r.number, serial=r.unit.serial, model_code=r.unit.model.code,
            model_name=r.unit.model.name, fault_description=r.fault_description,
            accessories=tuple(r.accessories or ()), warranty_status=r.warranty_status)
            for r in carton.rmas)), lang=lang)
