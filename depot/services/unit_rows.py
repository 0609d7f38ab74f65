"""Checking a row of the unit CSV in Python, before the database sees it, and remembering
which serials a file has had."""
from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.domain.syntax import BAD_IN_LINE, BAD_IN_LINES, EMAIL
from depot.errors import InvalidInputError
from depot.i18n import N_
from depot.models import Customer, ProductModel, Unit
from depot.services.csv_reading import Problem, Record
from depot.services.serials import fits
from depot.services.units import ADDRESS_CAP, MULTILINE_CELLS, SERIAL_RE, parse_date

IMPORT_COLUMNS = ("serial", "model", "purchase_date", "customer_name", "customer_phone",
                  "customer_email", "customer_address")


def _length(column: Any) -> int:
    return int(column.type.length)


# The longest value each column may hold: the models' String sizes (the address is Text; its
# cap is the API's too).
LIMITS = {
    "serial": _length(Unit.__table__.c.serial),
    "model": _length(ProductModel.__table__.c.code),
    "purchase_date": 10,
    "customer_name": _length(Customer.__table__.c.name),
    "customer_phone": _length(Customer.__table__.c.phone),
    "customer_email": _length(Customer.__table__.c.email),
    "customer_address": ADDRESS_CAP,
}
_LIMITS = tuple(LIMITS[c] for c in IMPORT_COLUMNS)
# What a cell may hold (depot.domain.syntax, as the API's schemas): a quoted name or address
# may keep line breaks and tabs, every other cell is one line; no control character, NUL or
# lone surrogate anywhere (PostgreSQL refuses NUL in text).
_MULTILINE = tuple(c in MULTILINE_CELLS for c in IMPORT_COLUMNS)
_ONE_LINE_AT = tuple(i for i, multi in enumerate(_MULTILINE) if not multi)
_LINES_AT = tuple(i for i, multi in enumerate(_MULTILINE) if multi)
INVALID_FIELD = "invalid_field"


# A good row, ready to write: (line, key, serial, model_id, purchase_date, customer).
# key is the serial lowercased; customer is None or (name, phone, email, address).
Row = tuple[int, str, str, int, date | None, tuple[str, str, str, str] | None]


@dataclass(frozen=True)
class _Model:
    id: int
    pattern: str | None  # matched as units.check_serial does: with a time limit


def columns(header: Record | None) -> tuple[int, ...]:
    """The position of each of IMPORT_COLUMNS in the header."""
    if header is None:
        raise InvalidInputError("the file is empty", code="empty_file")
    names = [h.strip().lower() for h in header[1] or []]
    missing = [c for c in IMPORT_COLUMNS if c not in names]
    if missing:
        raise InvalidInputError("the header lacks %(missing)s", code="invalid_header",
                                missing=missing, expected=list(IMPORT_COLUMNS))
    return tuple(names.index(c) for c in IMPORT_COLUMNS)


class RowChecker:
    """A row's cells -> a Row ready to write, or the Problem with it. The checks, in order:
    enough columns; each cell free of characters it may not hold and within its column's size
    (LIMITS); an email address that looks like one; a known model; the serial's shape and the
    model's serial pattern; a purchase date YYYY-MM-DD from 1990-01-01 to `last_day`. The
    sentences and codes are those of the API's checks (invalid_field, invalid_date, …)."""

    def __init__(self, session: Session, at: tuple[int, ...], last_day: date) -> None:
        self.at, self.needed, self.last_day = at, max(at) + 1, last_day
        self.models = self._load_models(session)
        self._days: dict[str, date] = {}

    @staticmethod
    def _load_models(session: Session) -> dict[str, _Model]:
        rows = session.execute(
            select(ProductModel.code, ProductModel.id, ProductModel.serial_pattern)).all()
        session.commit()
        return {code: _Model(model_id, pattern or None) for code, model_id, pattern in rows}

    def check(self, line: int, cells: list[str]) -> Row | Problem:
        at, needed = self.at, self.needed
        if len(cells) < needed:
            return ("short_row", N_("the row has too few columns"),
                    {"columns": len(cells), "expected": needed})
        values = [cells[i].strip() for i in at]
        one_line = "".join([values[i] for i in _ONE_LINE_AT])
        lines = "".join([values[i] for i in _LINES_AT])
        if (BAD_IN_LINE.search(one_line) or BAD_IN_LINES.search(lines)
                or any(map(operator.gt, map(len, values), _LIMITS))):
            return _bad_cell(values)
        serial, code, bought, name, phone, email, address = values
        if email and not EMAIL.fullmatch(email):
            return (INVALID_FIELD,
                    N_("%(field)s must be an email address such as name@example.com"),
                    {"field": "customer_email"})
        if not code:
            return ("missing_model", N_("model is empty"), {})
        model = self.models.get(code)
        if model is None:
            return ("model_not_found", N_("no product model with code %(model)s"), {"model": code})
        if not SERIAL_RE.fullmatch(serial):
            return ("invalid_serial", N_("a serial is 3 to 80 letters, digits or - _ . /"),
                    {"serial": serial})
        if model.pattern is not None and not fits(model.pattern, serial):
            return ("serial_pattern_mismatch",
                    N_("serial %(serial)s does not fit model %(model)s's pattern"),
                    {"serial": serial, "model": code, "pattern": model.pattern})
        purchase_date = self._days.get(bought) if bought else None
        if bought and purchase_date is None:
            try:  # the rule of units.parse_date: YYYY-MM-DD, from EARLIEST_DAY to tomorrow
                purchase_date = parse_date(bought, "purchase_date", latest=self.last_day)
            except InvalidInputError as exc:
                return (exc.code, exc.template, exc.details)
            self._days[bought] = purchase_date  # good days only: at most some 13,000
        customer = (name, phone, email, address) if name else None
        return (line, serial.lower(), serial, model.id, purchase_date, customer)


def _bad_cell(values: list[str]) -> Problem:
    """The first cell, in column order, with a character it may not hold or too long."""
    for i, value in enumerate(values):
        if (BAD_IN_LINES if _MULTILINE[i] else BAD_IN_LINE).search(value):
            return (INVALID_FIELD, N_("%(field)s contains a character that is not allowed"),
                    {"field": IMPORT_COLUMNS[i]})
        if len(value) > _LIMITS[i]:
            return (INVALID_FIELD, N_("%(field)s is longer than %(max_length)s characters"),
                    {"field": IMPORT_COLUMNS[i], "max_length": _LIMITS[i]})
    raise AssertionError("no bad cell")  # pragma: no cover - check() found one


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
