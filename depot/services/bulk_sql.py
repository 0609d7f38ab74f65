"""Bulk statements on the database driver itself, for the CSV import: SQLite and PostgreSQL."""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from depot.models import Unit


class BulkSql:
    """Statements on the database driver itself, with values already in its form: in bulk,
    SQLAlchemy's per-value processing costs more than the database's own work. The timestamp
    is converted once for the chunk, dates once per distinct day. SQLite takes executemany of
    one-row statements at its own speed. PostgreSQL gets COPY for inserts, and one short
    statement per chunk with an array per column for lookups (`= ANY`) and updates
    (`unnest`), where executemany costs a round trip a row and a long VALUES list a parse in
    psycopg each time (measured: 100,000 rows 27 s with executemany, 5 s so)."""

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

    def rows_where(self, select: str, expression: str, values: list[Any],
                   order_at: int | None = None) -> list[Any]:
        """`select` WHERE `expression` is one of `values`; sorted by the column at `order_at`
        here, not by an ORDER BY, which PostgreSQL would answer by walking the whole primary
        key and comparing each row with the array."""
        found = self._rows_where(select, expression, values)
        if order_at is not None:
            found.sort(key=lambda row: row[order_at])
        return found

    def _rows_where(self, select: str, expression: str, values: list[Any]) -> list[Any]:
        if self.postgres:
            # A table that grew within this import has no statistics yet, and the planner
            # then scans it whole, for each chunk, to compare every row with the array; the
            # btree indexes answer at once. Nor a bitmap scan: the planner then takes the
            # trigram GIN index of customers.name (migration 0014; pg_trgm serves `=` too),
            # which looks up each of the chunk's names by its trigrams, through the index's
            # pending list: some 2 s a chunk, 100,000 units in 317 s. A plain index scan is
            # the btree's alone: GIN has none. Only for this statement: the
            # foreign key checks of the inserts plan better on their own.
            self.connection.exec_driver_sql(
                "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off")
            found = list(self.connection.exec_driver_sql(
                f"{select} WHERE {expression} = ANY(%s)", (values,)))
            self.connection.exec_driver_sql(
                "SET LOCAL enable_seqscan = on; SET LOCAL enable_bitmapscan = on")
            return found
        # One JSON array, not a `?` per value: the statement's text stays the same whatever
        # the count, so sqlite3's statement cache holds one program, not 128 large ones.
        return list(self.connection.exec_driver_sql(
            f"{select} WHERE {expression} IN (SELECT value FROM json_each(?))",
            (json.dumps(values, ensure_ascii=False),)))

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
        # COPY: psycopg writes the rows in C, with no statement to parse per batch.
        statement = f"COPY {table} ({names}) FROM STDIN"
        raw = self.connection.connection.driver_connection
        driver_error = self.connection.dialect.dbapi.Error
        try:
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        except driver_error as exc:  # as SQLAlchemy would raise it: IntegrityError, DataError…
            raise DBAPIError.instance(statement, None, exc, driver_error) from None

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
