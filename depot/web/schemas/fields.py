"""Field types of the request schemas, derived from the columns they fill.

`Text(Unit.serial)` is a string no longer than the column; `Money(Quote.total)` a Decimal that
fits Numeric(12, 2); `Int(Part.stock, 0, ...)` a whole number the column can hold. Each type
checks a value itself (a pydantic PlainValidator) and, when it will not do, says why in one
English sentence with %(field)s placeholders (filled in and translated by the web layer) and
the `code` of the contract's error body. Each also states its JSON Schema (draft 2020-12, the
dialect of OpenAPI 3.1), from the same numbers.

Strict at the edge: in JSON a number is not text, "12" is not a number and true is not 1. Form
posts (validation context {"form": True}) carry only strings, which the types convert.

Import them from here. They live in `text_fields` (Text, Secret, Email, Choice, Codes),
`number_fields` (Int, Id, Number, Money, Day, Flag) and `refusals` (the sentences and refuse()).
"""
from __future__ import annotations

from depot.web.schemas.number_fields import (
    ID_LIMIT,
    INT_LIMITS,
    MAX_DIGITS,
    NUMBER_TEXT_CAP,
    Day,
    Flag,
    Id,
    Int,
    Money,
    Number,
    int_range,
)
from depot.web.schemas.refusals import (
    BAD_CHARACTER,
    BELOW_MINIMUM,
    DATE_RANGE,
    NOT_CHOICE,
    NOT_CODES,
    NOT_DATE,
    NOT_EMAIL,
    NOT_FITTING,
    NOT_FLAG,
    NOT_NUMBER,
    NOT_TEXT,
    NOT_WHOLE,
    REQUIRED,
    SENTENCES,
    TOO_LONG,
    TOO_MANY,
    refuse,
)
from depot.web.schemas.text_fields import (
    TEXT_CAP,
    Choice,
    Codes,
    Email,
    PhoneLast4,
    Secret,
    Text,
    clean_text,
    text_limit,
)

__all__ = [
    "BAD_CHARACTER", "BELOW_MINIMUM", "DATE_RANGE", "ID_LIMIT", "INT_LIMITS", "MAX_DIGITS",
    "NOT_CHOICE", "NOT_CODES", "NOT_DATE", "NOT_EMAIL", "NOT_FITTING", "NOT_FLAG", "NOT_NUMBER",
    "NOT_TEXT", "NOT_WHOLE", "NUMBER_TEXT_CAP", "REQUIRED", "SENTENCES", "TEXT_CAP", "TOO_LONG",
    "TOO_MANY", "Choice", "Codes", "Day", "Email", "Flag", "Id", "Int", "Money", "Number",
    "PhoneLast4", "Secret", "Text", "clean_text", "int_range", "refuse", "text_limit",
]
