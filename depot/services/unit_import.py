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
  name, then phone) with one query each, creates the new customers in one statement and
  reads them back, and inserts and updates the units in bulk (services.bulk_sql:
  executemany on SQLite, COPY and unnest() on PostgreSQL). A chunk the database refuses
  anyway (another writer got there first) is written again row by row: the good rows land,
  the refused one is reported.
- A serial seen twice in the file (case-insensitively) is an error on the second row. What the
  import remembers of the rows behind it is a sorted array of 64-bit hashes of their serials
  and their lines: 12 bytes a row, not the rows.
"""
from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from depot.errors import InvalidInputError, UnavailableError, fill
from depot.i18n import N_
from depot.models import Job, User
from depot.services import csv_reading, jobs
from depot.services.bulk_sql import BulkSql
from depot.services.common import DEFAULT_TZ, local_date
from depot.services.unit_rows import IMPORT_COLUMNS, Row, RowChecker, SeenSerials, columns
from depot.services.units import DAYS_AHEAD

JOB_KIND = "import_units"
__all__ = ["IMPORT_COLUMNS", "ImportOptions", "ImportReport", "check_file", "import_or_queue",
           "import_units", "run_import_job"]


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
        columns(next(records, None))
    finally:
        records.close()
    return encoding, csv_reading.count_records(file, encoding, stop_after=stop_after)


def import_or_queue(session: Session, upload: Callable[[], BinaryIO], *, sync_rows: int,
                    actor: User | None, now: datetime, tz: ZoneInfo = DEFAULT_TZ,
                    options: ImportOptions = ImportOptions()) -> ImportReport | Job:
    """The import of an uploaded CSV: at once for a file of up to `sync_rows` data rows (the
    report), else queued as a job for a worker thread (the job).

    `upload` opens the upload's stream; it is called once the caller's transaction has ended,
    so a slow upload never holds SQLite's write lock. The upload is spooled to a temporary
    file, checked whole (encoding, header) and counted before anything is imported: a file
    that is refused changes nothing, and a job knows its total from the start.
    """
    actor_id = actor.id if actor is not None else None  # before the commit expires it
    session.commit()
    with tempfile.TemporaryFile() as file:
        shutil.copyfileobj(upload(), file, csv_reading.BLOCK)
        if not file.tell():
            raise InvalidInputError("the file is empty", code="empty_file")
        encoding, rows = check_file(file)
        if rows <= sync_rows:
            return import_units(session, file, now=now, tz=tz, options=options,
                                encoding=encoding)
        return jobs.queue_job(session, JOB_KIND, file, total=rows, created_by=actor_id,
                              now=now)


def run_import_job(session: Session, job_id: str, *, clock: Callable[[], datetime],
                   tz: ZoneInfo = DEFAULT_TZ, options: ImportOptions = ImportOptions()
                   ) -> ImportReport:
    """Run a claimed import job to its end: progress after every chunk, the report as its
    result; a failure ends it as failed with what was imported until then."""
    report: ImportReport | None = None

    def beat(chunk_session: Session, so_far: ImportReport) -> None:
        nonlocal report
        report = so_far
        jobs.beat(chunk_session, job_id, so_far.done, report_result(so_far, errors=False),
                  now=clock())

    try:
        with jobs.payload(session, job_id) as file:
            report = import_units(session, file, now=clock(), tz=tz, options=options,
                                  on_chunk=beat)
    except Exception as exc:
        session.rollback()
        jobs.fail(session, job_id, exc, report_result(report) if report else {}, now=clock())
        raise
    jobs.finish(session, job_id, report_result(report), now=clock())
    return report


def report_result(report: ImportReport, *, errors: bool = True) -> dict[str, Any]:
    """The report as plain data for a job's result: each error's sentence and values, to be
    shown in the reader's language."""
    result: dict[str, Any] = {"created": report.created, "updated": report.updated,
                              "error_count": report.error_count}
    if errors:
        result["errors"] = [{"line": e["line"], "code": e["code"], "template": e["template"],
                             "details": e["details"]} for e in report.errors]
    return result


class _Importer:
    def __init__(self, session: Session, *, now: datetime, tz: ZoneInfo,
                 options: ImportOptions, on_chunk: ChunkHook | None) -> None:
        self.session, self.now, self.options, self.on_chunk = session, now, options, on_chunk
        self.last_day = local_date(now, tz) + timedelta(days=DAYS_AHEAD)
        self.report = ImportReport()
        self.seen = SeenSerials()

    def run(self, file: BinaryIO, encoding: str) -> ImportReport:
        records = csv_reading.read_records(file, encoding)
        try:
            checker = RowChecker(self.session, columns(next(records, None)), self.last_day)
            pending: list[Row] = []
            read = 0  # rows read since the last chunk was written
            for line, cells, problem in records:
                if cells is not None and not (cells and cells[0].strip()) and not "".join(
                        cells).strip():
                    continue  # a blank line
                read += 1
                checked = problem or checker.check(line, cells or [])
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
        self.report.errors.sort(key=lambda e: e["line"])  # repeats are found a chunk late
        return self.report

    def _error(self, line: int, code: str, template: str, details: dict[str, Any]) -> None:
        self.report.add_error(line, code, template, details, self.options.max_errors)

    # -- writing a chunk ---------------------------------------------------------------

    def _write(self, rows: list[Row], read: int) -> None:
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

    def _drop_repeats(self, rows: list[Row]) -> list[Row]:
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
                self._error(row[0], "duplicate_serial", N_("duplicate serial in the file"),
                            {"serial": row[2], "first_line": first})
                continue
            here[key] = row[0]
            kept.append(row)
            kept_at.append(i)
        self.seen.add(hashes[kept_at], np.fromiter((r[0] for r in kept), dtype=np.int64,
                                                   count=len(kept)))
        return kept

    def _store_one_by_one(self, rows: list[Row]) -> tuple[int, int]:
        created = updated = 0
        for row in rows:
            try:
                c, u = self._store([row])
                self.session.commit()
            except (IntegrityError, DataError) as exc:
                self.session.rollback()
                reason = str(exc.orig).strip().splitlines()[0][:200] if exc.orig else ""
                self._error(row[0], "row_refused", N_("the database refused the row: %(reason)s"),
                            {"reason": reason})
                continue
            created, updated = created + c, updated + u
        return created, updated

    def _store(self, rows: list[Row]) -> tuple[int, int]:
        """Write the rows in the session's transaction: (created, updated)."""
        if not rows:
            return 0, 0
        sql = BulkSql(self.session, self.now)
        customers = self._customers(sql, rows)
        keys = list({r[1] for r in rows})
        existing: dict[str, int] = {}
        for key, unit_id in sql.rows_where(
                "SELECT lower(serial), id FROM units", "lower(serial)", keys, order_at=1):
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

    def _customers(self, sql: BulkSql, rows: list[Row]) -> dict[tuple[str, str], int]:
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
                                  "name", names, order_at=0)

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


