"""CSV import of units and their customers, of any size: good rows land, bad rows are reported
by the physical line they start on, and nothing a file holds makes it a 500.

How, and why:
- The file is spooled to a temporary file and read twice, never held as a list of rows:
  once to settle the encoding and refuse a file that is not text before anything lands (and to
  count its rows), once to import it record by record (services.csv_reading).
- Every row is checked in Python first, against the columns' sizes in the models, the known
  product models, the serial's shape and the model's serial pattern, and a purchase date from
  1990-01-01 to tomorrow; a bad row is reported and never reaches the database, so one
  over-long name no longer fails a file on PostgreSQL.
- Good rows are written in chunks (ImportOptions.chunk_rows), one transaction each: on SQLite
  the write lock is let go between chunks, so /healthz and the scanners get in. A chunk looks
  up its units (lower(serial) IN …, case-insensitive, DESIGN.md 4b) and its customers (by
  name, then phone) with one query each, creates the new customers in one executemany with
  RETURNING, and inserts and updates the units with executemany. A chunk the database
  refuses anyway (another writer got there first) is written again row by row: the good
  rows land, the refused one is reported.
- A serial seen twice in the file (case-insensitively) is an error on the second row. What the
  import remembers of the rows behind it is a sorted array of 64-bit hashes of their serials
  and their lines: 12 bytes a row, not the rows.
"""
from __future__ import annotations

import io
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from depot.errors import InvalidInputError, UnavailableError, fill
from depot.models import Customer, ProductModel, Unit
from depot.services import csv_reading
from depot.services.common import DEFAULT_TZ, local_date
from depot.services.units import DATE_RE, SERIAL_RE

IMPORT_COLUMNS = ("serial", "model", "purchase_date", "customer_name", "customer_phone",
                  "customer_email", "customer_address")
FIRST_PURCHASE = date(1990, 1, 1)


def _length(column: Any) -> int:
    return int(column.type.length)


# The longest value each column may hold: the models' String sizes (the address is Text;
# its limit is the API's, web/schemas.parse_customer).
LIMITS = {
    "serial": _length(Unit.__table__.c.serial),
    "model": _length(ProductModel.__table__.c.code),
    "purchase_date": 10,
    "customer_name": _length(Customer.__table__.c.name),
    "customer_phone": _length(Customer.__table__.c.phone),
    "customer_email": _length(Customer.__table__.c.email),
    "customer_address": 1000,
}
_LIMITS = tuple(LIMITS[c] for c in IMPORT_COLUMNS)
ONE_LINE = re.compile("[\r\n]")  # phone and email
# Control characters (tab and line breaks aside), DEL, and lone surrogates: PostgreSQL refuses
# NUL in text, and none of them belongs in a name, a phone number or an address.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True)
class ImportOptions:
    chunk_rows: int = 2000
    # Errors kept in the report; beyond that they are only counted (error_count). A file
    # answered at once has at most DEPOT_IMPORT_SYNC_ROWS rows, so it always gets them all.
    max_errors: int | None = 10_000


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    done: int = 0  # data rows read so far, good and bad

    def add_error(self, line: int, code: str, template: str, details: dict[str, Any],
                  limit: int | None) -> None:
        self.error_count += 1
        if limit is None or len(self.errors) < limit:
            self.errors.append({"line": line, "code": code, "message": fill(template, details),
                                "template": template, "details": details})


# Called in each chunk's transaction, before its commit: (session, report so far).
ChunkHook = Callable[[Session, ImportReport], None]


@dataclass(frozen=True)
class _Model:
    id: int
    pattern: re.Pattern[str] | None


# A good row, ready to write: (line, key, serial, model_id, purchase_date, customer).
# key is the serial lowercased; customer is None or (name, phone, email, address).
_Row = tuple[int, str, str, int, date | None, tuple[str, str, str, str] | None]


class SeenSerials:
    """The serials met so far in a file, as 64-bit hashes (with the line of each) in a sorted
    array: membership for a chunk at a time, 12 bytes a serial. Python's str hash is fixed
    within a process, and two serials of a file sharing one (odds near 1e-8 for a million
    rows) would report the second as a repeat."""

    def __init__(self) -> None:
        self.hashes = np.empty(0, dtype=np.int64)
        self.lines = np.empty(0, dtype=np.int64)

    def first_lines(self, hashes: np.ndarray) -> np.ndarray:
        """For each hash, the line it was first met on, or -1."""
        if not len(self.hashes):
            return np.full(len(hashes), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        return np.where(self.hashes[at] == hashes, self.lines[at], -1)

    def add(self, hashes: np.ndarray, lines: np.ndarray) -> None:
        order = np.argsort(hashes, kind="stable")
        hashes, lines = hashes[order], lines[order]
        at = np.searchsorted(self.hashes, hashes)
        self.hashes = np.insert(self.hashes, at, hashes)
        self.lines = np.insert(self.lines, at, lines)


def import_units(session: Session, data: bytes | BinaryIO, *, now: datetime,
                 tz: ZoneInfo = DEFAULT_TZ, options: ImportOptions = ImportOptions(),
                 on_chunk: ChunkHook | None = None, encoding: str | None = None
                 ) -> ImportReport:
    """Create or update units from CSV (bytes, or a seekable binary file); one transaction per
    chunk. Raises InvalidInputError, importing nothing, for a file that is not UTF-8 or
    GB18030 text, is empty, or lacks a column."""
    if isinstance(data, bytes | bytearray):
        data = io.BytesIO(data)
    encoding = encoding or csv_reading.detect_encoding(data)
    session.commit()  # whatever the caller had open ends here; each chunk is its own
    return _Importer(session, now=now, tz=tz, options=options, on_chunk=on_chunk).run(
        data, encoding)


def check_file(file: BinaryIO, *, stop_after: int | None = None) -> tuple[str, int]:
    """(encoding, data rows) of a CSV file that would import: InvalidInputError for one that
    is not text, is empty or lacks a column. Counting stops past `stop_after` rows."""
    encoding = csv_reading.detect_encoding(file)
    records = csv_reading.read_records(file, encoding)
    try:
        _columns(next(records, None))
    finally:
        records.close()
    return encoding, csv_reading.count_records(file, encoding, stop_after=stop_after)


def _columns(header: csv_reading.Record | None) -> tuple[int, ...]:
    """The position of each of IMPORT_COLUMNS in the header."""
    if header is None:
        raise InvalidInputError("the file is empty", code="empty_file")
    names = [h.strip().lower() for h in header[1] or []]
    missing = [c for c in IMPORT_COLUMNS if c not in names]
    if missing:
        raise InvalidInputError("the header lacks %(missing)s", code="invalid_header",
                                missing=missing, expected=list(IMPORT_COLUMNS))
    return tuple(names.index(c) for c in IMPORT_COLUMNS)


class _Importer:
    def __init__(self, session: Session, *, now: datetime, tz: ZoneInfo,
                 options: ImportOptions, on_chunk: ChunkHook | None) -> None:
        self.session, self.now, self.options, self.on_chunk = session, now, options, on_chunk
        self.last_day = local_date(now, tz) + timedelta(days=1)
        self.report = ImportReport()
        self.seen = SeenSerials()
        self.models: dict[str, _Model] = {}
        self._days: dict[str, date] = {}

    def run(self, file: BinaryIO, encoding: str) -> ImportReport:
        records = csv_reading.read_records(file, encoding)
        try:
            at = _columns(next(records, None))
            needed = max(at) + 1
            self.models = self._load_models()
            pending: list[_Row] = []
            read = 0  # rows read since the last chunk was written
            for line, cells, problem in records:
                if cells is not None and not (cells and cells[0].strip()) and not "".join(
                        cells).strip():
                    continue  # a blank line
                read += 1
                checked = problem or self._check(line, cells or [], at, needed)
                if isinstance(checked[0], str):  # a problem: (code, message, details)
                    self._error(line, *checked)  # type: ignore[arg-type]
                else:
                    pending.append(checked)  # type: ignore[arg-type]
                if len(pending) >= self.options.chunk_rows or read >= self.options.chunk_rows:
                    self._write(pending, read)
                    pending, read = [], 0
            if pending or read or not self.report.done:
                self._write(pending, read)
        finally:
            records.close()
        return self.report

    def _load_models(self) -> dict[str, _Model]:
        rows = self.session.execute(
            select(ProductModel.code, ProductModel.id, ProductModel.serial_pattern)).all()
        self.session.commit()
        models = {}
        for code, model_id, pattern in rows:
            try:
                compiled = re.compile(pattern) if pattern else None
            except re.error:  # catalog.create_model refuses these; an old row may hold one
                compiled = None
            models[code] = _Model(model_id, compiled)
        return models

    def _error(self, line: int, code: str, template: str, details: dict[str, Any]) -> None:
        self.report.add_error(line, code, template, details, self.options.max_errors)

    # -- checking a row, in Python, before the database sees it -------------------------

    def _check(self, line: int, cells: list[str], at: tuple[int, ...], needed: int
               ) -> _Row | csv_reading.Problem:
        if len(cells) < needed:
            return ("short_row", "the row has too few columns",
                    {"columns": len(cells), "expected": needed})
        values = [cells[i].strip() for i in at]
        if any(map(operator.gt, map(len, values), _LIMITS)):
            i = next(i for i, v in enumerate(values) if len(v) > _LIMITS[i])
            return ("too_long", "%(field)s is longer than %(max)s characters",
                    {"field": IMPORT_COLUMNS[i], "max": _LIMITS[i]})
        if FORBIDDEN.search("\t".join(values)):
            column = next(c for c, v in zip(IMPORT_COLUMNS, values, strict=True)
                          if FORBIDDEN.search(v))
            return ("invalid_character",
                    "%(field)s contains a character that is not allowed", {"field": column})
        serial, code, bought, name, phone, email, address = values
        if ONE_LINE.search(phone) or ONE_LINE.search(email):
            column = "customer_phone" if ONE_LINE.search(phone) else "customer_email"
            return ("multiline_field", "%(field)s must be on one line", {"field": column})
        if not code:
            return ("missing_model", "model is empty", {})
        model = self.models.get(code)
        if model is None:
            return ("model_not_found", "no product model with code %(model)s", {"model": code})
        if not SERIAL_RE.fullmatch(serial):
            return ("invalid_serial", "a serial is 3 to 80 letters, digits or - _ . /",
                    {"serial": serial})
        if model.pattern is not None and not model.pattern.fullmatch(serial):
            return ("serial_pattern_mismatch",
                    "serial %(serial)s does not fit model %(model)s's pattern",
                    {"serial": serial, "model": code, "pattern": model.pattern.pattern})
        purchase_date = self._days.get(bought) if bought else None
        if bought and purchase_date is None:
            try:
                if not DATE_RE.fullmatch(bought):
                    raise ValueError
                purchase_date = date.fromisoformat(bought)
            except ValueError:
                return ("invalid_date", "%(field)s must be a date YYYY-MM-DD, not %(value)s",
                        {"field": "purchase_date", "value": bought})
            if not FIRST_PURCHASE <= purchase_date <= self.last_day:
                return ("date_out_of_range", "%(field)s must lie between %(first)s and %(last)s",
                        {"field": "purchase_date", "value": bought,
                         "first": FIRST_PURCHASE.isoformat(), "last": self.last_day.isoformat()})
            self._days[bought] = purchase_date  # good days only: at most some 13,000
        customer = (name, phone, email, address) if name else None
        return (line, serial.lower(), serial, model.id, purchase_date, customer)

    # -- writing a chunk ---------------------------------------------------------------

    def _write(self, rows: list[_Row], read: int) -> None:
        """One chunk in one transaction; the rows one by one if the database refuses it."""
        rows = self._drop_repeats(rows)
        self.report.done += read  # the hook reports it in the chunk's transaction
        try:
            try:
                created, updated = self._store(rows)
                self._beat()
                self.session.commit()
            except (IntegrityError, DataError):
                self.session.rollback()
                created, updated = self._store_one_by_one(rows)
                self._beat()
                self.session.commit()
        except OperationalError as exc:
            self.session.rollback()
            self.report.done -= read
            raise UnavailableError(
                "the database is not available: the import stopped after %(done)s rows",
                code="unavailable", done=self.report.done, reason=type(exc.orig).__name__
            ) from None
        self.report.created += created
        self.report.updated += updated

    def _beat(self) -> None:
        if self.on_chunk is not None:
            self.on_chunk(self.session, self.report)

    def _drop_repeats(self, rows: list[_Row]) -> list[_Row]:
        """The rows whose serial the file has not had before; a repeat is reported."""
        if not rows:
            return rows
        hashes = np.fromiter((hash(r[1]) for r in rows), dtype=np.int64, count=len(rows))
        earlier = self.seen.first_lines(hashes).tolist()
        here: dict[int, int] = {}
        kept, kept_at = [], []
        for i, (row, key) in enumerate(zip(rows, hashes.tolist(), strict=True)):
            first = earlier[i] if earlier[i] >= 0 else here.get(key)
            if first is not None:
                self._error(row[0], "duplicate_serial", "duplicate serial in the file",
                            {"serial": row[2], "first_line": first})
                continue
            here[key] = row[0]
            kept.append(row)
            kept_at.append(i)
        self.seen.add(hashes[kept_at], np.fromiter((r[0] for r in kept), dtype=np.int64,
                                                   count=len(kept)))
        return kept

    def _store_one_by_one(self, rows: list[_Row]) -> tuple[int, int]:
        created = updated = 0
        for row in rows:
            try:
                c, u = self._store([row])
                self.session.commit()
            except (IntegrityError, DataError) as exc:
                self.session.rollback()
                reason = str(exc.orig).strip().splitlines()[0][:200] if exc.orig else ""
                self._error(row[0], "row_refused", "the database refused the row: %(reason)s",
                            {"reason": reason})
                continue
            created, updated = created + c, updated + u
        return created, updated

    def _store(self, rows: list[_Row]) -> tuple[int, int]:
        """Write the rows in the session's transaction: (created, updated)."""
        if not rows:
            return 0, 0
        sql = _Driver(self.session, self.now)
        customers = self._customers(sql, rows)
        keys = list({r[1] for r in rows})
        existing: dict[str, int] = {}
        for key, unit_id in sql.rows_where(
                "SELECT lower(serial), id FROM units", "lower(serial)", keys, "ORDER BY id"):
            existing.setdefault(key, unit_id)
        new, changed, changed_customer = [], [], []
        for _line, key, serial, model_id, bought, customer in rows:
            unit_id = existing.get(key)
            customer_id = customers[customer[0], customer[1]] if customer else None
            if unit_id is None:
                new.append((serial, model_id, customer_id, sql.date(bought), 0, sql.now, sql.now))
            elif customer_id is None:
                changed.append((unit_id, model_id, sql.date(bought), sql.now))
            else:
                changed_customer.append((unit_id, model_id, sql.date(bought), sql.now,
                                         customer_id))
        sql.insert("units", {"serial": "text", "model_id": "integer", "customer_id": "integer",
                             "purchase_date": "date", "extended_months": "integer",
                             "created_at": "timestamptz", "updated_at": "timestamptz"}, new)
        columns = {"model_id": "integer", "purchase_date": "date", "updated_at": "timestamptz"}
        sql.update("units", columns, changed)
        sql.update("units", {**columns, "customer_id": "integer"}, changed_customer)
        return len(new), len(changed) + len(changed_customer)

    def _customers(self, sql: _Driver, rows: list[_Row]) -> dict[tuple[str, str], int]:
        """The id of each (name, phone) the rows name: found, or created in one go. As
        services.units.find_or_create_customer does row by row, a row's email and address,
        when given, replace the stored ones."""
        wanted: dict[tuple[str, str], list[str]] = {}
        for row in rows:
            if row[5] is None:
                continue
            name, phone, email, address = row[5]
            merged = wanted.setdefault((name, phone), ["", ""])
            merged[0], merged[1] = email or merged[0], address or merged[1]
        if not wanted:
            return {}
        def named(names: list[str]) -> list[Any]:
            return sql.rows_where("SELECT id, name, phone, email, address FROM customers",
                                  "name", names, "ORDER BY id")

        ids: dict[tuple[str, str], int] = {}
        changes = []
        for customer_id, name, phone, email, address in named(list({n for n, _p in wanted})):
            key = (name, phone)
            if key not in wanted or key in ids:
                continue
            ids[key] = customer_id
            new_email, new_address = wanted[key][0] or email, wanted[key][1] or address
            if (new_email, new_address) != (email, address):
                changes.append((customer_id, new_email, new_address))
        sql.update("customers", {"email": "text", "address": "text"}, changes)
        missing = [key for key in wanted if key not in ids]
        if missing:
            sql.insert("customers", {"name": "text", "phone": "text", "email": "text",
                                     "address": "text", "key_account": "boolean",
                                     "created_at": "timestamptz"},
                       [(name, phone, *wanted[name, phone], False, sql.now)
                        for name, phone in missing])
            # Read back rather than RETURNING: SQLite's executemany returns nothing.
            for customer_id, name, phone, _email, _address in named(
                    list({name for name, _phone in missing})):
                ids.setdefault((name, phone), customer_id)
        return ids


class _Driver:
    """Statements on the database driver itself, with values already in its form: in bulk,
    SQLAlchemy's per-value processing costs more than the database's own work. The timestamp
    is converted once for the chunk, dates once per distinct day. SQLite takes executemany of
    one-row statements at its own speed. PostgreSQL gets one statement per chunk with one
    array per column (`unnest`): a short query psycopg parses once, one round trip, where
    executemany or a long VALUES list cost a round trip or a parse each."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.connection = session.connection()
        dialect = self.connection.dialect
        self.postgres = dialect.name == "postgresql"
        self.q = "%s" if self.postgres else "?"
        self.now = _processed(Unit.__table__.c.created_at, dialect, now)
        self._date = Unit.__table__.c.purchase_date.type.dialect_impl(dialect).bind_processor(
            dialect)
        self._dates: dict[date, Any] = {}

    def date(self, value: date | None) -> Any:
        if value is None or self._date is None:
            return value
        done = self._dates.get(value)
        if done is None:
            done = self._dates[value] = self._date(value)
        return done

    def rows_where(self, select: str, expression: str, values: list[Any], tail: str = ""
                   ) -> list[Any]:
        """`select` WHERE `expression` is one of `values`."""
        if self.postgres:
            # A table that grew within this import has no statistics yet, and the planner
            # then scans it whole, for each chunk, to compare every row with the array; the
            # indexes answer at once. Only for this statement: the foreign key checks of
            # the inserts plan better on their own.
            self.connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            found = list(self.connection.exec_driver_sql(
                f"{select} WHERE {expression} = ANY(%s) {tail}", (values,)))
            self.connection.exec_driver_sql("SET LOCAL enable_seqscan = on")
            return found
        marks = ", ".join("?" * len(values))
        return list(self.connection.exec_driver_sql(
            f"{select} WHERE {expression} IN ({marks}) {tail}", tuple(values)))

    def insert(self, table: str, columns: dict[str, str], rows: list[tuple[Any, ...]]
               ) -> None:
        """Insert rows of `columns` (name: PostgreSQL type)."""
        if not rows:
            return
        names = ", ".join(columns)
        if not self.postgres:
            self.connection.exec_driver_sql(
                f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})", rows)
            return
        raw = self.connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def update(self, table: str, columns: dict[str, str], rows: list[tuple[Any, ...]]) -> None:
        """Set `columns` (name: PostgreSQL type) by id; each row is (id, *values)."""
        if not rows:
            return
        if not self.postgres:
            sets = ", ".join(f"{name} = ?" for name in columns)
            self.connection.exec_driver_sql(f"UPDATE {table} SET {sets} WHERE id = ?",
                                            [(*row[1:], row[0]) for row in rows])
            return
        arrays = ", ".join(f"%s::{kind}[]" for kind in ("integer", *columns.values()))
        sets = ", ".join(f"{name} = v.{name}" for name in columns)
        self.connection.exec_driver_sql(
            f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS v(id, {', '.join(columns)}) "
            f"WHERE {table}.id = v.id",
            tuple(list(column) for column in zip(*rows, strict=True)))


def _processed(column: Any, dialect: Any, value: Any) -> Any:
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process(value) if process else value
