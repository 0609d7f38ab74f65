"""Field types of the request schemas, derived from the columns they fill.

`Text(Unit.serial)` is a string no longer than the column; `Money(Quote.total)` a Decimal that
fits Numeric(12, 2); `Int(Part.stock, 0, ...)` a whole number the column can hold. Each type
checks a value itself (a pydantic PlainValidator) and, when it will not do, says why in one
English sentence with %(field)s placeholders (filled in and translated by the web layer) and
the `code` of the contract's error body. Each also states its JSON Schema (draft 2020-12, the
dialect of OpenAPI 3.1), from the same numbers.

Strict at the edge: in JSON a number is not text, "12" is not a number and true is not 1. Form
posts (validation context {"form": True}) carry only strings, which are converted here.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any

from pydantic import PlainValidator, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError
from sqlalchemy import BigInteger, Integer, Numeric, SmallInteger

from depot.domain.syntax import BAD_IN_LINE, BAD_IN_LINES, EMAIL, EMAIL_PATTERN

TEXT_CAP = 4000  # Text columns have no length of their own: the longest text we take
NUMBER_TEXT_CAP = 40  # "120.00" and friends; anything longer is not an amount
MAX_DIGITS = 60  # a JSON number with more digits than this fits no column
# Whole numbers each integer column can hold, and ids in URLs (a bigger id names no row).
INT_LIMITS = ((BigInteger, 2**63), (SmallInteger, 2**15), (Integer, 2**31))
ID_LIMIT = 2**63

_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,6})?")
_WHOLE = re.compile(r"[+-]?[0-9]{1,20}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TRUE, _FALSE = ("1", "true", "on", "yes"), ("0", "false", "off", "no")

# The sentences a person may read (all three catalogues carry them).
REQUIRED = "%(field)s is required"
NOT_TEXT = "%(field)s must be text"
BAD_CHARACTER = "%(field)s contains a character that is not allowed"
TOO_LONG = "%(field)s is longer than %(max_length)s characters"
NOT_EMAIL = "%(field)s must be an email address such as name@example.com"
NOT_WHOLE = "%(field)s must be a whole number from %(minimum)s to %(maximum)s"
NOT_NUMBER = "%(field)s must be a number such as \"%(example)s\""
NOT_FITTING = "%(field)s must be less than %(limit)s in size with at most %(places)s decimals"
BELOW_MINIMUM = "%(field)s must not be below %(minimum)s"
NOT_DATE = "%(field)s must be a date YYYY-MM-DD"
DATE_RANGE = "%(field)s must be a day from %(earliest)s to %(latest)s"
NOT_FLAG = "%(field)s must be true or false"
NOT_CHOICE = "%(field)s must be one of %(known)s"
NOT_CODES = "%(field)s must be a list of codes of at most %(max_length)s characters"
TOO_MANY = "%(field)s has more than %(max_items)s items"
SENTENCES = (REQUIRED, NOT_TEXT, BAD_CHARACTER, TOO_LONG, NOT_EMAIL, NOT_WHOLE, NOT_NUMBER,
             NOT_FITTING, BELOW_MINIMUM, NOT_DATE, DATE_RANGE, NOT_FLAG, NOT_CHOICE, NOT_CODES,
             TOO_MANY)


def refuse(sentence: str, code: str = "invalid_field", **params: Any) -> PydanticCustomError:
    """A refusal pydantic carries to schemas.parse, which makes it an InvalidInputError."""
    return PydanticCustomError("depot", "{sentence}", {"sentence": sentence, "code": code,
                                                       **params})


def _form(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("form"))


def _column_type(column: Any) -> Any:
    return column.property.columns[0].type


def text_limit(column: Any = None, cap: int | None = None) -> int:
    """The column's String length, or `cap` (at most that length) for Text columns."""
    length = getattr(_column_type(column), "length", None) if column is not None else None
    if length is None:
        return cap or TEXT_CAP
    assert cap is None or cap <= length, f"cap {cap} over the column's {length}"
    return cap or length


def int_range(column: Any = None) -> tuple[int, int]:
    kind = _column_type(column) if column is not None else BigInteger()
    limit = next(limit for base, limit in INT_LIMITS if isinstance(kind, base))
    return -limit, limit - 1


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def clean_text(value: Any, *, limit: int, lines: bool = False) -> str:
    """`value` stripped and checked; "" when blank. Raises a refusal."""
    if not isinstance(value, str):
        raise refuse(NOT_TEXT)
    value = value.strip()
    if (BAD_IN_LINES if lines else BAD_IN_LINE).search(value):
        raise refuse(BAD_CHARACTER)
    if len(value) > limit:
        raise refuse(TOO_LONG, max_length=limit)
    return value


def Text(column: Any = None, *, required: bool = True, cap: int | None = None,  # noqa: N802
         lines: bool = False) -> Any:
    """Text for `column`; blank is missing when required, else "" (null is taken as "")."""
    limit = text_limit(column, cap)

    def validate(value: Any) -> str:
        if value is None and not required:
            return ""
        value = clean_text(value, limit=limit, lines=lines)
        if required and not value:
            raise refuse(REQUIRED, "missing_field")
        return value

    schema: dict[str, Any] = {"type": "string", "maxLength": limit}
    if required:
        schema["minLength"] = 1
    return Annotated[str, PlainValidator(validate),
                     WithJsonSchema(schema if required else _nullable(schema))]


def Email(column: Any) -> Any:  # noqa: N802
    """An optional email address: one line, a simple name@host.tld shape."""
    limit = text_limit(column)

    def validate(value: Any) -> str:
        if value is None:
            return ""
        value = clean_text(value, limit=limit)
        if value and not EMAIL.fullmatch(value):
            raise refuse(NOT_EMAIL)
        return value

    schema = {"type": "string", "maxLength": limit, "pattern": EMAIL_PATTERN}
    return Annotated[str, PlainValidator(validate), WithJsonSchema(_nullable(schema))]


def Int(column: Any = None, minimum: int | None = None, maximum: int | None = None) -> Any:  # noqa: N802
    """A whole number within [minimum, maximum], which must lie within what `column` holds."""
    low, high = int_range(column)
    minimum = low if minimum is None else minimum
    maximum = high if maximum is None else maximum
    assert low <= minimum <= maximum <= high, (minimum, maximum, column)

    def validate(value: Any, info: ValidationInfo) -> int:
        if _form(info) and isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
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
    kind = _column_type(column)
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
                     WithJsonSchema(_nullable(schema) if nullable else schema)]


def Flag(*, nullable: bool = True) -> Any:  # noqa: N802
    """true or false (in a form: 1/0, on/off, yes/no); null is None when nullable."""

    def validate(value: Any, info: ValidationInfo) -> bool | None:
        if isinstance(value, bool):
            return value
        if _form(info) and isinstance(value, str):
            word = value.strip().lower()
            if word in _TRUE or word in _FALSE:
                return word in _TRUE
        if value is None and nullable:
            return None
        raise refuse(NOT_FLAG)

    schema = {"type": "boolean"}
    return Annotated[bool | None if nullable else bool, PlainValidator(validate),
                     WithJsonSchema(_nullable(schema) if nullable else schema)]


def Choice(options: Sequence[str], *, required: bool = True) -> Any:  # noqa: N802
    """One of `options`; when not required, null or blank is None."""
    known = [str(o) for o in options]

    def validate(value: Any) -> str | None:
        if not required and (value is None or (isinstance(value, str) and not value.strip())):
            return None
        if isinstance(value, str) and value.strip() in known:
            return value.strip()
        if value is None or value == "":
            raise refuse(REQUIRED, "missing_field")
        raise refuse(NOT_CHOICE, known=known)

    schema = {"type": "string", "enum": known}
    return Annotated[str | None if not required else str, PlainValidator(validate),
                     WithJsonSchema(schema if required else _nullable(schema))]


def Codes(column: Any = None, *, cap: int | None = None, max_items: int = 100) -> Any:  # noqa: N802
    """A list of codes (serials, finding codes, accessories), each one line within the column;
    blank entries are dropped, null is []. A form gives them comma-separated."""
    limit = text_limit(column, cap)

    def validate(value: Any, info: ValidationInfo) -> list[str]:
        if value is None:
            return []
        if _form(info) and isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list):
            raise refuse(NOT_CODES, max_length=limit)
        if len(value) > max_items:
            raise refuse(TOO_MANY, max_items=max_items)
        out = []
        for index, item in enumerate(value):
            try:
                code = clean_text(item, limit=limit)
            except PydanticCustomError:
                raise refuse(NOT_CODES, max_length=limit, index=index) from None
            if code:
                out.append(code)
        return out

    schema = {"type": "array", "maxItems": max_items,
              "items": {"type": "string", "maxLength": limit}}
    return Annotated[list[str], PlainValidator(validate), WithJsonSchema(schema)]
