"""Labels for a batch of RMAs, as one PDF or one ZPL stream, and network label printers."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    UnavailableError,
)
from depot.labels import (
    LABEL_SIZES,
    PrinterError,
    render_label_pdf,
    render_label_zpl,
    send_zpl,
)
from depot.models import Printer, Rma
from depot.services.common import get_rma
from depot.services.settings import DepotSettings
from depot.services.shipping import label_data

HOST_RE = re.compile(r"^[A-Za-z0-9.\-]{1,253}$")
MAX_BATCH = 200


def check_size(size: str | None, settings: DepotSettings) -> str:
    size = size or settings.label_size
    if size not in LABEL_SIZES:
        raise InvalidInputError("label size must be one of %(known)s",
                                code="invalid_field", field="size", known=list(LABEL_SIZES))
    return size


def batch(session: Session, numbers: list[str]) -> list[Rma]:
    if not numbers:
        raise InvalidInputError("name at least one RMA", code="missing_field", field="rmas")
    if len(numbers) > MAX_BATCH:
        raise InvalidInputError("at most %(limit)s labels at a time", code="invalid_field",
                                field="rmas", limit=MAX_BATCH)
    return [get_rma(session, n) for n in dict.fromkeys(numbers)]


def labels_pdf(session: Session, numbers: list[str], settings: DepotSettings,
               size: str | None = None) -> bytes:
    size = check_size(size, settings)
    return render_label_pdf([label_data(r, settings) for r in batch(session, numbers)], size)


def labels_zpl(session: Session, numbers: list[str], settings: DepotSettings,
               size: str | None = None) -> str:
    size = check_size(size, settings)
    return render_label_zpl([label_data(r, settings) for r in batch(session, numbers)], size)


def add_printer(session: Session, name: str, host: str, port: int = 9100,
                label_size: str = "4x6") -> Printer:
    if not HOST_RE.match(host):
        raise InvalidInputError("host must be a host name or an IP address", code="invalid_field",
                                field="host")
    if not 1 <= port <= 65535:
        raise InvalidInputError("port must be 1-65535", code="invalid_field", field="port")
    if label_size not in LABEL_SIZES:
        raise InvalidInputError("unknown label size", code="invalid_field", field="label_size",
                                known=list(LABEL_SIZES))
    if session.scalar(select(Printer.id).where(Printer.name == name)):
        raise ConflictError("printer %(printer)s exists already", code="printer_exists",
                            printer=name[:80])
    printer = Printer(name=name, host=host, port=port, label_size=label_size)
    session.add(printer)
    session.commit()
    return printer


def list_printers(session: Session) -> list[Printer]:
    return list(session.scalars(select(Printer).order_by(Printer.name)))


def print_labels(session: Session, numbers: list[str], printer_name: str,
                 settings: DepotSettings) -> tuple[Printer, int]:
    printer = session.scalar(select(Printer).where(Printer.name == printer_name))
    if printer is None:
        raise NotFoundError("no printer %(printer)s", code="printer_not_found",
                            printer=printer_name[:80])
    zpl = labels_zpl(session, numbers, settings, printer.label_size)
    session.commit()  # nothing to write: end the read before talking to the printer
    try:
        sent = send_zpl(printer.host, zpl, port=printer.port)
    except PrinterError as exc:
        raise UnavailableError("printer %(printer)s did not take the labels: %(error)s",
                               code="printer_unavailable", printer=printer.name,
                               error=str(exc)[:200]) from None
    return printer, sent


