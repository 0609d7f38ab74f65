"""Units and their customers: registration, warranty as of a day. The CSV import is
depot.services.unit_import."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from depot.domain.serials import look_alikes, serial_key
from depot.domain.warranty import (
    UnitFacts,
    WarrantyDecision,
    WarrantyPolicy,
    judge_warranty,
)
from depot.errors import ConflictError, InvalidInputError
from depot.i18n import N_
from depot.models import Customer, ProductModel, Unit
from depot.services.common import get_model, unit_serial_query
from depot.services.serials import fits

if TYPE_CHECKING:
    from depot.services.unit_import import ImportReport

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SERIAL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_./]{2,79}$")
# A purchase date is a real day: not before the depot's oldest products, not after tomorrow
# (a receipt dated "today" in a zone ahead of ours).
EARLIEST_DAY = date(1990, 1, 1)
DAYS_AHEAD = 1
ADDRESS_CAP = 1000  # addresses are Text; what a form or a CSV cell may give
MULTILINE_CELLS = ("customer_name", "customer_address")  # a quoted cell may hold line breaks
LOOKS_LIKE = N_("serial %(serial)s looks like %(similar)s, registered already: check that it "
                "is not the same unit")


@dataclass(frozen=True)
class CustomerInput:
    name: str
    phone: str = ""
    email: str = ""
    address: str = ""
    language: str | None = None  # zh_CN, zh_TW, en: the language of the customer's mail


def check_serial(serial: str, model: ProductModel | None = None) -> str:
    serial = serial.strip()
    if not SERIAL_RE.match(serial):
        raise InvalidInputError(
            "a serial is 3 to 80 letters, digits or - _ . /", code="invalid_serial", serial=serial)
    if model is not None and model.serial_pattern and not fits(model.serial_pattern, serial):
        raise InvalidInputError("serial %(serial)s does not fit model %(model)s's pattern",
                                code="serial_pattern_mismatch", serial=serial,
                                pattern=model.serial_pattern, model=model.code)
    return serial


def find_or_create_customer(session: Session, data: CustomerInput | None, now: datetime
                            ) -> Customer | None:
    """Reuse the customer with the same name and phone, so a customer's units stay together."""
    if data is None or not data.name.strip():
        return None
    name, phone = data.name.strip(), data.phone.strip()
    customer = session.scalar(
        select(Customer).where(Customer.name == name, Customer.phone == phone).limit(1))
    if customer is None:
        customer = Customer(name=name, phone=phone, email=data.email.strip(),
                            address=data.address.strip(), key_account=False,
                            language=data.language or None, created_at=now)
        session.add(customer)
    else:
        customer.email = data.email.strip() or customer.email
        customer.address = data.address.strip() or customer.address
        customer.language = data.language or customer.language
    return customer


def register_unit(
    session: Session, serial: str, model_code: str, purchase_date: date | None,
    customer: CustomerInput | None, *, extended_months: int = 0, now: datetime,
) -> Unit:
    """A new unit. Its serial must not be one registered already in any case: the same serial
    is 409 unit_exists, one that differs only in case 409 duplicate_serial (DESIGN.md 4b). A
    serial that only looks like another (similar_serials) is registered: it may be another
    device."""
    model = get_model(session, model_code)
    serial = check_serial(serial, model)
    existing = session.scalar(unit_serial_query(serial).with_only_columns(Unit.serial).limit(1))
    if existing == serial:
        raise ConflictError("unit %(serial)s is registered already", code="unit_exists",
                            serial=serial)
    if existing is not None:
        raise ConflictError("serial %(serial)s is registered already as %(existing)s",
                            code="duplicate_serial", serial=serial, existing=existing)
    unit = Unit(serial=serial, model=model, purchase_date=purchase_date,
                extended_months=extended_months,
                customer=find_or_create_customer(session, customer, now),
                created_at=now, updated_at=now)
    session.add(unit)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ConflictError("unit %(serial)s is registered already", code="unit_exists",
                            serial=serial) from None
    return unit


def add_new_unit(session: Session, unit: Unit) -> Unit:
    """Add a unit inside the caller's transaction, flushed now: a serial registered already,
    or by another request meanwhile, is 409 unit_exists (the transaction rolled back), never
    an IntegrityError at some later autoflush."""
    if session.scalar(unit_serial_query(unit.serial).with_only_columns(Unit.id).limit(1)):
        raise ConflictError("unit %(serial)s is registered already", code="unit_exists",
                            serial=unit.serial)
    session.add(unit)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ConflictError("unit %(serial)s is registered already", code="unit_exists",
                            serial=unit.serial) from None
    return unit


def similar_serials(session: Session, unit: Unit) -> list[str]:
    """Other units' serials that differ from this one's only in characters easily misread for
    one another (O and 0, I, l and 1): perhaps the same device typed from a worn label."""
    keys = look_alikes(unit.serial)
    if not keys:
        return []
    return list(session.scalars(
        select(Unit.serial).where(func.lower(Unit.serial).in_(keys),
                                  func.lower(Unit.serial) != serial_key(unit.serial))
        .order_by(Unit.serial).limit(10)))


def unit_warranty(unit: Unit, on_date: date, policy: WarrantyPolicy = WarrantyPolicy()
                  ) -> WarrantyDecision:
    facts = UnitFacts(model_name=unit.model.name, warranty_months=unit.model.warranty_months,
                      purchase_date=unit.purchase_date, extended_months=unit.extended_months,
                      has_proof_document=unit.proof_attachment_id is not None,
                      repair_shipped_on=last_repair_shipped_on(unit),
                      exchange_ends_on=unit.exchange_ends_on)
    return judge_warranty(facts, on_date, policy)


def last_repair_shipped_on(unit: Unit) -> date | None:
    """When the unit last went back repaired (its repair warranty runs from then)."""
    shipped = [r.shipped_on for r in unit.rmas
               if r.shipped_on and any(e.action == "finish_repair" for e in r.events)]
    return max(shipped, default=None)


def import_units(session: Session, data: bytes | BinaryIO, *, now: datetime, **options: Any
                 ) -> ImportReport:
    """The CSV import: depot.services.unit_import (this name stays for its callers)."""
    from depot.services import unit_import  # it builds on this module's rules

    return unit_import.import_units(session, data, now=now, **options)


def parse_date(value: str | None, field_name: str, *, latest: date | None = None
               ) -> date | None:
    """YYYY-MM-DD from EARLIEST_DAY to `latest`, or empty for unknown."""
    if value is None or not str(value).strip():
        return None
    try:
        if not DATE_RE.match(str(value).strip()):
            raise ValueError
        day = date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInputError("%(field)s must be a date YYYY-MM-DD, not %(value)s",
                                code="invalid_date", field=field_name,
                                value=str(value)[:40]) from None
    if day < EARLIEST_DAY or (latest is not None and day > latest):
        raise InvalidInputError("%(field)s must be a day from %(earliest)s to %(latest)s",
                                code="invalid_date", field=field_name,
                                earliest=EARLIEST_DAY.isoformat(),
                                latest=(latest or day).isoformat())
    return day
