"""Units and their customers: registration, CSV import, warranty as of a day."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from depot.domain.syntax import BAD_IN_LINE, BAD_IN_LINES, EMAIL
from depot.domain.warranty import (
    UnitFacts,
    WarrantyDecision,
    WarrantyPolicy,
    judge_warranty,
)
from depot.errors import ConflictError, DepotError, InvalidInputError
from depot.i18n import N_
from depot.models import Customer, ProductModel, Unit
from depot.services.common import DEFAULT_TZ, get_model, local_date
from depot.services.serials import fits

IMPORT_COLUMNS = ("serial", "model", "purchase_date", "customer_name", "customer_phone",
                  "customer_email", "customer_address")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SERIAL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_./]{2,79}$")
# A purchase date is a real day: not before the depot's oldest products, not after tomorrow
# (a receipt dated "today" in a zone ahead of ours).
EARLIEST_DAY = date(1990, 1, 1)
DAYS_AHEAD = 1
ADDRESS_CAP = 1000  # addresses are Text; what a form or a CSV cell may give
MULTILINE_CELLS = ("customer_name", "customer_address")  # a quoted cell may hold line breaks


@dataclass(frozen=True)
class CustomerInput:
    name: str
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[dict[str, object]] = field(default_factory=list)


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
                            address=data.address.strip(), key_account=False, created_at=now)
        session.add(customer)
    else:
        customer.email = data.email.strip() or customer.email
        customer.address = data.address.strip() or customer.address
    return customer


def register_unit(
    session: Session, serial: str, model_code: str, purchase_date: date | None,
    customer: CustomerInput | None, *, extended_months: int = 0, now: datetime,
) -> Unit:
    model = get_model(session, model_code)
    serial = check_serial(serial, model)
    if session.scalar(select(Unit.id).where(Unit.serial == serial)):
        raise ConflictError("unit %(serial)s is registered already", code="unit_exists",
                            serial=serial)
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


def unit_warranty(unit: Unit, on_date: date, policy: WarrantyPolicy = WarrantyPolicy()
                  ) -> WarrantyDecision:
    facts = UnitFacts(model_name=unit.model.name, warranty_months=unit.model.warranty_months,
                      purchase_date=unit.purchase_date, extended_months=unit.extended_months,
                      has_proof_document=unit.proof_attachment_id is not None,
                      repair_shipped_on=last_repair_shipped_on(unit))
    return judge_warranty(facts, on_date, policy)


def last_repair_shipped_on(unit: Unit) -> date | None:
    """When the unit last went back repaired (its repair warranty runs from then)."""
    shipped = [r.shipped_on for r in unit.rmas
               if r.shipped_on and any(e.action == "finish_repair" for e in r.events)]
    return max(shipped, default=None)


def decode_csv(data: bytes) -> str:
    """CSV from Excel on a Chinese Windows is GB18030, elsewhere UTF-8 (maybe with a BOM)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise InvalidInputError("the file is neither UTF-8 nor GB18030 text",
                                    code="invalid_encoding") from None


def import_units(session: Session, data: bytes, *, now: datetime, tz: ZoneInfo = DEFAULT_TZ
                 ) -> ImportReport:
    """Create or update units from CSV; good rows land, bad rows are reported by physical line."""
    latest = local_date(now, tz) + timedelta(days=DAYS_AHEAD)
    text = decode_csv(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise InvalidInputError("the file is empty", code="empty_file")
    names = [h.strip().lower() for h in header]
    missing = [c for c in IMPORT_COLUMNS if c not in names]
    if missing:
        raise InvalidInputError("the header lacks %(missing)s", code="invalid_header",
                                missing=missing, expected=list(IMPORT_COLUMNS))
    report = ImportReport()
    seen: dict[str, int] = {}  # serial -> the line that imported it
    line = reader.line_num  # physical line where the next record starts, minus one
    for row in reader:
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        record = dict(zip(names, (cell.strip() for cell in row), strict=False))
        try:
            with session.begin_nested():
                created = _import_row(session, record, now, latest, seen, start)
        except DepotError as exc:
            report.errors.append({"line": start, "message": exc.message, "code": exc.code})
            continue
        except IntegrityError:
            report.errors.append({"line": start, "message": N_("duplicate serial in the file"),
                                  "code": "unit_exists"})
            continue
        if created:
            report.created += 1
        else:
            report.updated += 1
    session.commit()
    return report


def _check_cells(record: dict[str, str]) -> None:
    """Each cell fits its column and holds no control character, before any lookup with it."""
    limits = {"serial": Unit.serial, "model": ProductModel.code, "purchase_date": 10,
              "customer_name": Customer.name, "customer_phone": Customer.phone,
              "customer_email": Customer.email, "customer_address": ADDRESS_CAP}
    for name, column in limits.items():
        value = record[name]
        limit = column if isinstance(column, int) else column.property.columns[0].type.length
        if (BAD_IN_LINES if name in MULTILINE_CELLS else BAD_IN_LINE).search(value):
            raise InvalidInputError("%(field)s contains a character that is not allowed",
                                    code="invalid_field", field=name)
        if len(value) > limit:
            raise InvalidInputError("%(field)s is longer than %(max_length)s characters",
                                    code="invalid_field", field=name, max_length=limit)
    if record["customer_email"] and not EMAIL.fullmatch(record["customer_email"]):
        raise InvalidInputError("%(field)s must be an email address such as name@example.com",
                                code="invalid_field", field="customer_email")


def _import_row(session: Session, record: dict[str, str], now: datetime, latest: date,
                seen: dict[str, int], line: int) -> bool:
    if len(record) < len(IMPORT_COLUMNS):
        raise InvalidInputError("the row has too few columns", code="short_row")
    _check_cells(record)
    model = get_model(session, record["model"]) if record["model"] else None
    if model is None:
        raise InvalidInputError("model is empty", code="missing_model")
    serial = check_serial(record["serial"], model)
    if serial in seen:  # a second row would silently overwrite the first: report it
        raise InvalidInputError("duplicate serial in the file", code="duplicate_serial",
                                serial=serial, first_line=seen[serial])
    purchase_date = parse_date(record["purchase_date"], "purchase_date", latest=latest)
    customer = find_or_create_customer(session, CustomerInput(
        record["customer_name"], record["customer_phone"], record["customer_email"],
        record["customer_address"]), now)
    unit = session.scalar(select(Unit).where(Unit.serial == serial))
    if unit is None:
        session.add(Unit(serial=serial, model=model, purchase_date=purchase_date,
                         extended_months=0, customer=customer, created_at=now, updated_at=now))
        session.flush()
        seen[serial] = line
        return True
    unit.model, unit.purchase_date, unit.updated_at = model, purchase_date, now
    if customer is not None:
        unit.customer = customer
    session.flush()
    seen[serial] = line
    return False


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
