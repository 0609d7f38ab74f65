"""Number, date and flag field types: whole numbers and ids within their integer column,
decimals and money that fit their Numeric column, days within a range, true or false.

In JSON these are numbers and booleans, never the strings "12" or "true" (days are text of one
shape); a form sends strings, which are converted here. See depot.web.schemas.fields.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any

from pydantic import PlainValidator, ValidationInfo, WithJsonSchema
from sqlalchemy import BigInteger, Integer, Numeric, SmallInteger

from depot.web.schemas.refusals import (
    BELOW_MINIMUM,
    DATE_RANGE,
    NOT_DATE,
    NOT_FITTING,
    NOT_FLAG,
    NOT_NUMBER,
    NOT_WHOLE,
    REQUIRED,
    column_type,
    in_form,
    or_null,
    refuse,
)

NUMBER_TEXT_CAP = 40  # "120.00" and friends; anything longer is not an amount
MAX_DIGITS = 60  # a JSON number with more digits than this fits no column
# Whole numbers each integer column can hold, and ids in URLs (a bigger id names no row).
INT_LIMITS = ((BigInteger, 2**63), (SmallInteger, 2**15), (Integer, 2**31))
ID_LIMIT = 2**63

_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,6})?")
_WHOLE = re.compile(r"[+-]?[0-9]{1,20}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TRUE, _FALSE = ("1", "true", "on", "yes"), ("0", "false", "off", "no")


def int_range(column: Any = None) -> tuple[int, int]:
    kind = column_type(column) if column is not None else BigInteger()
    limit = next(limit for base, limit in INT_LIMITS if isinstance(kind, base))
    return -limit, limit - 1


def Int(column: Any = None, minimum: int | None = None, maximum: int | None = None) -> Any:  # noqa: N802
    """A whole number within [minimum, maximum], which must lie within what `column` holds."""
    low, high = int_range(column)
    minimum = low if minimum is None else minimum
    maximum = high if maximum is None else maximum
    assert low <= minimum <= maximum <= high, (minimum, maximum, column)

    def validate(value: Any, info: ValidationInfo) -> int:
        if in_form(info) and isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) \
                or not minimum <= value <= maximum:
            raise refuse(NOT_WHOLE, minimum=minimum, maximum=maximum)
        return value

    return Annotated[int, PlainValidator(validate),
                     WithJsonSchema({"type": "integer", "minimum": minimum, "maximum": maximum})]


def Id(column: Any) -> Any:  # noqa: N802
    """A row id as it appears in a URL: from 1 to what the column holds."""
    return Int(column, 1)


def _decimal_parts(value: Decimal) -> tuple[int, int]:
    """(digits before the point, decimals) of a finite Decimal, computed from its digits alone:
    no context arithmetic, so 1e-1000000 neither underflows to 0 nor takes long."""
    _sign, digits, exponent = value.as_tuple()
    if len(digits) > MAX_DIGITS:
        return len(digits), len(digits)
    significant = len(digits)
    while significant > 1 and digits[significant - 1] == 0:
        significant -= 1
        exponent += 1
    if significant == 1 and digits[0] == 0:
        return 0, 0
    return max(significant + exponent, 0), max(-exponent, 0)


def Number(column: Any, *, minimum: Decimal | int | None = None,  # noqa: N802
           example: str = "1") -> Any:
    """A Decimal that fits the Numeric(precision, scale) `column`: as a JSON number or a
    decimal string ("120.00"); never NaN, Infinity or a float's rounding."""
    kind = column_type(column)
    assert isinstance(kind, Numeric) and kind.precision and kind.scale is not None, column
    whole, places = kind.precision - kind.scale, kind.scale
    step = Decimal(1).scaleb(-places)
    minimum = None if minimum is None else Decimal(minimum)

    def validate(value: Any) -> Decimal:
        if isinstance(value, str):
            value = value.strip()
            if len(value) > NUMBER_TEXT_CAP or not _NUMBER.fullmatch(value):
                raise refuse(NOT_NUMBER, example=example)
            value = Decimal(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
        if not isinstance(value, Decimal) or not value.is_finite():
            raise refuse(NOT_NUMBER, example=example)
        digits, decimals = _decimal_parts(value)
        if digits > whole or decimals > places:
            raise refuse(NOT_FITTING, limit=f"1e{whole}", places=places)
        if minimum is not None and value < minimum:
            raise refuse(BELOW_MINIMUM, minimum=str(minimum))
        return value.quantize(step)

    sign = "" if minimum is not None and minimum >= 0 else "-?"
    pattern = rf"^{sign}[0-9]{{1,{whole}}}(\.[0-9]{{1,{places}}})?$"
    number: dict[str, Any] = {"type": "number", "exclusiveMaximum": 10**whole,
                              "exclusiveMinimum": -(10**whole)}
    if minimum is not None:
        del number["exclusiveMinimum"]
        number["minimum"] = int(minimum) if minimum == int(minimum) else float(minimum)
    schema = {"anyOf": [{"type": "string", "pattern": pattern}, number],
              "description": f"a decimal with at most {places} decimals, as a string "
                             f"(\"{example}\") or a number", "examples": [example]}
    return Annotated[Decimal, PlainValidator(validate), WithJsonSchema(schema)]


def Money(column: Any, *, minimum: Decimal | int | None = 0) -> Any:  # noqa: N802
    """An amount of money for `column`, not negative unless minimum=None."""
    return Number(column, minimum=minimum, example="120.00")


def Day(*, earliest: date, latest: date | None = None, ahead: int = 0,  # noqa: N802
        nullable: bool = False) -> Any:
    """A date YYYY-MM-DD from `earliest` to `latest`, or to the depot's today + `ahead` days
    (the validation context's "today"). Nullable: null or "" is None (unknown)."""

    def validate(value: Any, info: ValidationInfo) -> date | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if nullable:
                return None
            raise refuse(REQUIRED, "missing_field")
        text = value.strip() if isinstance(value, str) else ""
        try:
            day = date.fromisoformat(text) if _DAY.fullmatch(text) else None
        except ValueError:
            day = None
        if day is None:
            raise refuse(NOT_DATE, "invalid_date")
        last = latest or info.context["today"] + timedelta(days=ahead)
        if not earliest <= day <= last:
            raise refuse(DATE_RANGE, "invalid_date", earliest=earliest.isoformat(),
                         latest=last.isoformat())
        return day

    schema = {"type": "string", "format": "date",
              "description": f"YYYY-MM-DD, from {earliest.isoformat()} to "
                             + (latest.isoformat() if latest else f"today + {ahead} days")}
    return Annotated[date | None if nullable else date, PlainValidator(validate),
                     WithJsonSchema(or_null(schema) if nullable else schema)]


def Flag(*, nullable: bool = True) -> Any:  # noqa: N802
    """true or false (in a form: 1/0, on/off, yes/no); null is None when nullable."""

    def validate(value: Any, info: ValidationInfo) -> bool | None:
        if isinstance(value, bool):
            return value
        if in_form(info) and isinstance(value, str):
            word = value.strip().lower()
            if word in _TRUE or word in _FALSE:
                return word in _TRUE
        if value is None and nullable:
            return None
        raise refuse(NOT_FLAG)

    schema = {"type": "boolean"}
    return Annotated[bool | None if nullable else bool, PlainValidator(validate),
                     WithJsonSchema(or_null(schema) if nullable else schema)]
