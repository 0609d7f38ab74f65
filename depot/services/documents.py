"""Documents of an RMA: the intake tag, the customer receipt, stored attachments."""
from __future__ import annotations

from sqlalchemy.orm import Session

from depot.errors import ConflictError
from depot.i18n import stored_reasons_text
from depot.labels import ReceiptData, TagData, render_intake_tag, render_receipt
from depot.models import Rma
from depot.services.common import get_rma, unit_going_back
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
        accessories=tuple(rma.accessories or ())))


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
