"""Checking a row of the unit CSV in Python, before the database sees it, and remembering
which serials a file has had."""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.errors import InvalidInputError
from depot.i18n import N_
from depot.models import Customer, ProductModel, Unit
from depot.services.csv_reading import Problem, Record
from depot.services.serials import fits
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
    enough columns; no value longer than its column (LIMITS); no control character, NUL or
    lone surrogate; phone and email on one line; a known model; the serial's shape and the
    model's serial pattern; a purchase date YYYY-MM-DD from 1990-01-01 to `last_day`."""

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
        if any(map(operator.gt, map(len, values), _LIMITS)):
            i = next(i for i, v in enumerate(values) if len(v) > _LIMITS[i])
            return ("too_long", N_("%(field)s is longer than %(max)s characters"),
                    {"field": IMPORT_COLUMNS[i], "max": _LIMITS[i]})
        if FORBIDDEN.search("\t".join(values)):
            column = next(c for c, v in zip(IMPORT_COLUMNS, values, strict=True)
                          if FORBIDDEN.search(v))
            return ("invalid_character", N_("%(field)s contains a character that is not allowed"),
                    {"field": column})
        serial, code, bought, name, phone, email, address = values
        if ONE_LINE.search(phone) or ONE_LINE.search(email):
            column = "customer_phone" if ONE_LINE.search(phone) else "customer_email"
            return ("multiline_field", N_("%(field)s must be on one line"), {"field": column})
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
            try:
                if not DATE_RE.fullmatch(bought):
                    raise ValueError
                purchase_date = date.fromisoformat(bought)
            except ValueError:
                return ("invalid_date", N_("%(field)s must be a date YYYY-MM-DD, not %(value)s"),
                        {"field": "purchase_date", "value": bought})
            if not FIRST_PURCHASE <= purchase_date <= self.last_day:
                return ("date_out_of_range",
                        N_("%(field)s must lie between %(first)s and %(last)s"),
                        {"field": "purchase_date", "value": bought,
                         "first": FIRST_PURCHASE.isoformat(), "last": self.last_day.isoformat()})
            self._days[bought] = purchase_date  # good days only: at most some 13,000
        customer = (name, phone, email, address) if name else None
        return (line, serial.lower(), serial, model.id, purchase_date, customer)


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
