"""Finding RMAs: the filters of GET /api/v1/rmas and the /rmas page, in SQL.

One query answers a page (keyset pagination on the sort column and the RMA number, never an
OFFSET), one the counts per status, one streams the CSV (csv_lines writes it). How a part of
a customer's name or phone is found on each database: depot/models/search.py.
"""
from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from itsdangerous import BadData, BadSignature, URLSafeSerializer
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    func,
    not_,
    or_,
    select,
    text,
    union,
)
from sqlalchemy.orm import Session

from depot.domain.roles import NOBODY
from depot.domain.workflow import CLOCKED_STATUSES, OPEN_STATUSES, Status
from depot.errors import InvalidInputError
from depot.models import Customer, ProductModel, Rma, Shipment, Unit, User
from depot.models.search import CUSTOMER_SEARCH

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MAX_SPAN_DAYS = 400
TRIGRAM = 3  # the shortest part a trigram index serves
SHORT_PART_IDS = 1000  # customers a short part may find and still be looked up by id
BROAD_PART = 5000  # customers past which a part is looked for while walking the list
CSV_CAP = 100_000  # rows in one export (the page's /rmas.csv and GET /rmas?format=csv)
CSV_COLUMNS = ("number", "serial", "model", "status", "customer_name", "received_on", "due_on",
               "overdue", "technician", "key_account")

_STATUSES = [s.value for s in Status]
_CLOCKED = [s.value for s in CLOCKED_STATUSES]
_OPEN = [s.value for s in OPEN_STATUSES]

# Sort keys (the page's sortable columns) and the column each orders by; ties by number.
SORTS: dict[str, Any] = {
    # the received day; a request (not yet received) by the day it was made
    "received_on": Rma.listed_on, "number": Rma.number,
    # a request has no due date yet: it sorts by its day (few rows; no index serves the
    # expression, the due-date sort reads the matching rows as it did)
    "due_on": func.coalesce(Rma.due_on, Rma.listed_on),
    "status": Rma.status, "serial": Unit.serial, "model": ProductModel.code,
    "customer_name": func.coalesce(Customer.name, ""),
}
_DATE_SORTS = frozenset({"received_on", "due_on"})


@dataclass(frozen=True)
class RmaFilter:
    """What the list is narrowed to; every given filter must hold."""

    q: str = ""
    statuses: tuple[str, ...] = ()
    overdue: bool | None = None
    due_today: bool | None = None
    model: str = ""
    received_from: date | None = None
    received_to: date | None = None
    technician: str = ""
    key_account: bool | None = None
    open: bool | None = None


@dataclass(frozen=True)
class Sort:
    key: str = "received_on"
    descending: bool = True


NEWEST_FIRST = Sort()


@dataclass(frozen=True)
class Listed:
    """One RMA as the list shows it."""

    number: str
    serial: str
    model: str
    status: str
    customer_name: str | None
    received_on: date | None  # None: a request, the unit not yet received
    due_on: date | None
    technician: str | None
    technician_name: str | None
    key_account: bool
    overdue: bool
    due_today: bool
    listed_on: date | None = None  # the list's order: received, or requested


def _sort_value(row: Listed, key: str) -> Any:
    """The value of the row that the sort `key` orders by (SORTS)."""
    if key == "received_on":
        return row.listed_on
    if key == "due_on":
        return row.due_on or row.listed_on
    return getattr(row, key)


@dataclass(frozen=True)
class ResultPage:
    rmas: list[Listed]
    next_cursor: str | None
    counts: dict[str, int] = field(default_factory=dict)


def check_filter(f: RmaFilter) -> RmaFilter:
    """Refuse what names nothing: an unknown status, `from` after `to`, a span over 400 days,
    a blank `q` that was given."""
    unknown = [s for s in f.statuses if s not in _STATUSES]
    if unknown:
        raise InvalidInputError("%(field)s must be one of %(known)s", code="invalid_field",
                                field="status", known=_STATUSES, value=unknown[0][:40])
    if f.received_from and f.received_to:
        if f.received_from > f.received_to:
            raise InvalidInputError("received_from must not be after received_to",
                                    code="invalid_period", field="received_from",
                                    received_from=f.received_from.isoformat(),
                                    received_to=f.received_to.isoformat())
        if (f.received_to - f.received_from).days + 1 > MAX_SPAN_DAYS:
            raise InvalidInputError("a period spans at most %(max_days)s days",
                                    code="period_too_long", field="received_to",
                                    max_days=MAX_SPAN_DAYS)
    return f


def search_rmas(session: Session, f: RmaFilter, *, today: date, secret: str,
                limit: int = DEFAULT_LIMIT, cursor: str | None = None,
                sort: Sort = NEWEST_FIRST, with_counts: bool = False) -> ResultPage:
    """A page of RMAs matching `f`, sorted by `sort` then number; `cursor` (from the previous
    page's next_cursor) continues after that page's last row."""
    check_filter(f)
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInputError("%(field)s must be a whole number from %(minimum)s to "
                                "%(maximum)s", code="invalid_field", field="limit", minimum=1,
                                maximum=MAX_LIMIT)
    where = _conditions(f, today, session)
    query = _listing(where, sort)
    if cursor:
        query = query.where(_after(read_cursor(cursor, sort, secret), sort))
    rows = [_listed(row, today) for row in session.execute(query.limit(limit + 1))]
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _cursor(rows[-1], sort, secret) if more else None
    counts = count_by_status(session, f, today) if with_counts else {}
    return ResultPage(rows, next_cursor, counts)


def count_by_status(session: Session, f: RmaFilter, today: date) -> dict[str, int]:
    """How many RMAs of each status match `f` without its status filter (every status is
    named, 0 included), so the page shows what picking another status would give."""
    where = _conditions(RmaFilter(**{**f.__dict__, "statuses": ()}), today, session)
    query = (select(Rma.status, func.count()).select_from(Rma)
             .join(Unit, Rma.unit_id == Unit.id)
             .outerjoin(Customer, Unit.customer_id == Customer.id)  # a broad `q` reads it
             .where(*where).group_by(Rma.status))
    found = dict(session.execute(query).all())
    return {s: int(found.get(s, 0)) for s in _STATUSES}


def export_rmas(session: Session, f: RmaFilter, *, today: date, sort: Sort = NEWEST_FIRST,
                cap: int | None = None) -> Iterator[Listed]:
    """Every RMA matching `f` (up to `cap`, CSV_CAP unless given), streamed from the database
    for the CSV."""
    check_filter(f)
    query = _listing(_conditions(f, today, session), sort).limit(CSV_CAP if cap is None else cap)
    result = session.execute(query.execution_options(yield_per=1000))
    for row in result:
        yield _listed(row, today)


def csv_lines(rows: Iterable[Listed]) -> Iterator[str]:
    """The list as CSV lines, CSV_COLUMNS first, to be sent as UTF-8: the first starts with
    a BOM, so a spreadsheet opens the Chinese names as they are."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + out.getvalue()
    for row in rows:
        out.seek(0)
        out.truncate()
        writer.writerow([_cell(getattr(row, c)) for c in CSV_COLUMNS])
        yield out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    # A cell a spreadsheet would run as a formula (a customer's name is the customer's text).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


# -- the SQL ---------------------------------------------------------------------------------

def _listing(where: list[ColumnElement[bool]], sort: Sort) -> Select:
    column = SORTS[sort.key]
    order = (column.desc(), Rma.number.desc()) if sort.descending else (column.asc(),
                                                                        Rma.number.asc())
    return (select(Rma.number, Unit.serial, ProductModel.code.label("model"), Rma.status,
                   Customer.name.label("customer_name"), Rma.received_on, Rma.due_on,
                   User.username.label("technician"),
                   User.display_name.label("technician_name"), Customer.key_account,
                   Rma.listed_on)
            .select_from(Rma)
            .join(Unit, Rma.unit_id == Unit.id)
            .join(ProductModel, Unit.model_id == ProductModel.id)
            .outerjoin(Customer, Unit.customer_id == Customer.id)
            .outerjoin(User, Rma.technician_id == User.id)
            .where(*where).order_by(*order))


def _conditions(f: RmaFilter, today: date, session: Session) -> list[ColumnElement[bool]]:
    """The filters as conditions on rmas and units (joined by every query here)."""
    out: list[ColumnElement[bool]] = []
    if f.q.strip():
        out.append(_matches(f.q, session))
    if f.statuses:
        out.append(Rma.status.in_(list(dict.fromkeys(f.statuses))))
    if f.open is not None:
        out.append(Rma.status.in_(_OPEN) if f.open else Rma.status.not_in(_OPEN))
    if f.overdue is not None:  # built only when asked: building a condition costs too
        late = and_(_walked(Rma.status).in_(_CLOCKED), Rma.due_on < today)
        out.append(late if f.overdue else not_(late))
    if f.due_today is not None:
        due = and_(_walked(Rma.status).in_(_CLOCKED), Rma.due_on == today)
        out.append(due if f.due_today else not_(due))
    if f.model:
        out.append(Unit.model_id.in_(select(ProductModel.id)
                                     .where(ProductModel.code == f.model.strip())))
    if f.received_from:
        out.append(Rma.received_on >= f.received_from)
    if f.received_to:
        out.append(Rma.received_on <= f.received_to)
    if f.technician.strip() == NOBODY:
        out.append(Rma.technician_id.is_(None))
    elif f.technician:
        out.append(Rma.technician_id.in_(select(User.id)
                                         .where(User.username == f.technician.strip())))
    if f.key_account is not None:
        key = select(Customer.id).where(Customer.key_account.is_(True))
        out.append(Unit.customer_id.in_(key) if f.key_account
                   else or_(Unit.customer_id.is_(None), Unit.customer_id.not_in(key)))
    return out


def _walked(status: Any) -> Any:
    """The status as an expression no index serves (`status || ''`): the overdue and due-today
    lists then walk the newest-first index and stop at a page. With the dashboard's index
    `(status, due_on)` to choose from, SQLite read every overdue RMA and sorted them instead
    (2.8 s for 500,000 overdue of 1,000,000; bench/search_plans.py)."""
    return status.concat("")


def _matches(q: str, session: Session) -> ColumnElement[bool]:
    """`q` is an RMA number, a serial or a tracking number (whole, any case), or a part of a
    customer's name, phone or email. One list of RMA ids, each branch answered from an index
    (rmas.number, lower(units.serial), units.customer_id, lower(shipments.tracking_number),
    the customers' trigram index): computed once, where an OR of the branches was evaluated
    again for every row SQLite considered (measured: 400 ms against 250 ms)."""
    wanted = q.strip()
    lower = wanted.lower()
    customers = _customers_with(wanted, session)
    if not isinstance(customers, list) and _broad(customers, session):
        # A part found in very many customers ("公司" in most companies' names): the list of
        # their RMAs would be most of the table, sorted for one page (8 s for 1,000,000 on
        # PostgreSQL). Instead the page walks the newest-first index and keeps each RMA whose
        # customer (the row the list joins) matches, stopping at a page.
        return or_(Rma.number == wanted.upper(), func.lower(Unit.serial) == lower,
                   _customer_has(wanted, session),
                   Rma.id.in_(select(Shipment.rma_id)
                              .where(func.lower(Shipment.tracking_number) == lower)))
    units = union(select(Unit.id).where(func.lower(Unit.serial) == lower),
                  select(Unit.id).where(Unit.customer_id.in_(customers)))
    return Rma.id.in_(union(
        select(Rma.id).where(Rma.number == wanted.upper()),
        select(Rma.id).where(Rma.unit_id.in_(units)),
        select(Shipment.rma_id).where(func.lower(Shipment.tracking_number) == lower)))


def _customer_has(part: str, session: Session) -> ColumnElement[bool]:
    """The customer's name, phone or email contains `part` (any case)."""
    pattern = "%" + part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    columns = (Customer.name, Customer.phone, Customer.email)
    if _dialect(session) == "postgresql":  # the pg_trgm GIN indexes serve ILIKE
        return or_(*(c.ilike(pattern, escape="\\") for c in columns))
    # SQLite's LIKE ignores case itself (ASCII; Chinese has none); lower() would cost a call
    # per row and column (measured: 40,000 customers 230 ms with it, 20 ms without).
    return or_(*(c.like(pattern, escape="\\") for c in columns))


def _broad(customers: Select, session: Session) -> bool:
    """Whether a part is found in more than BROAD_PART customers (counted no further)."""
    found = session.scalar(select(func.count()).select_from(
        customers.limit(BROAD_PART + 1).subquery()))
    return (found or 0) > BROAD_PART


def _customers_with(part: str, session: Session) -> Select | list[int]:
    """The customers whose name, phone or email contains `part` (any case): a subquery, or
    for a part too short for a trigram, their ids, found first."""
    if _dialect(session) == "sqlite" and len(part) >= TRIGRAM:
        phrase = '"' + part.replace('"', '""') + '"'  # FTS5 trigram: a phrase is a substring
        return select(text("rowid")).select_from(text(CUSTOMER_SEARCH)).where(
            text(f"{CUSTOMER_SEARCH} MATCH :phrase").bindparams(phrase=phrase))
    found = select(Customer.id).where(_customer_has(part, session))
    if len(part) >= TRIGRAM:
        return found
    # One or two characters: no trigram serves them, the customers table is read. Neither
    # database can guess how many customers that finds (PostgreSQL guessed thousands and read
    # every RMA: 950 ms for 48 customers of 40,000), so they are found first and the RMAs then
    # looked up by index; a part found in very many customers stays a subquery.
    ids = list(session.scalars(found.limit(SHORT_PART_IDS + 1)))
    return ids if len(ids) <= SHORT_PART_IDS else found


def _listed(row: Any, today: date) -> Listed:
    clocked = row.status in _CLOCKED
    return Listed(row.number, row.serial, row.model, row.status, row.customer_name,
                  row.received_on, row.due_on, row.technician,
                  row.technician_name or row.technician, bool(row.key_account),
                  clocked and row.due_on is not None and row.due_on < today,
                  clocked and row.due_on == today, row.listed_on)


# -- the cursor ------------------------------------------------------------------------------
# A signed [sort key, direction, last value, last number]: a client cannot make one up or
# change it (itsdangerous, the app's secret), so a page never starts at a place of its choice.

def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="depot.rmas.cursor")


def _cursor(last: Listed, sort: Sort, secret: str) -> str:
    value = _sort_value(last, sort.key) if sort.key in SORTS else None
    if isinstance(value, date):
        value = value.isoformat()
    return _serializer(secret).dumps([sort.key, sort.descending, value or "", last.number])


def read_cursor(cursor: str, sort: Sort, secret: str) -> tuple[Any, str]:
    """(the last value, the last number) of a cursor this depot made for this sort."""
    try:
        key, descending, value, number = _serializer(secret).loads(cursor)
        if key != sort.key or descending != sort.descending or not isinstance(number, str):
            raise BadSignature("another sort")
        if key in _DATE_SORTS:
            value = date.fromisoformat(value)
        elif not isinstance(value, str):
            raise BadSignature("not a value")
    except (BadData, ValueError, TypeError, UnicodeDecodeError,
            json.JSONDecodeError, base64.binascii.Error):
        raise InvalidInputError("the cursor is not valid: start again from the first page",
                                code="invalid_cursor", field="cursor") from None
    return value, number


def _after(last: tuple[Any, str], sort: Sort) -> ColumnElement[bool]:
    value, number = last
    column = SORTS[sort.key]
    if sort.descending:
        return or_(column < value, and_(column == value, Rma.number < number))
    return or_(column > value, and_(column == value, Rma.number > number))


__all__ = ["CSV_CAP", "CSV_COLUMNS", "DEFAULT_LIMIT", "MAX_LIMIT", "NEWEST_FIRST", "NOBODY",
           "SORTS", "Listed", "ResultPage", "RmaFilter", "Sort", "check_filter",
           "count_by_status", "csv_lines", "export_rmas", "read_cursor", "search_rmas"]
