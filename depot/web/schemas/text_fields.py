"""Text field types: one line or several, email addresses, a choice of words, lists of codes.

Each is no longer than its String column (or TEXT_CAP for Text columns) and refuses control
characters (depot.domain.syntax); see depot.web.schemas.fields.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import PlainValidator, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

from depot.domain.syntax import BAD_IN_LINE, BAD_IN_LINES, EMAIL, EMAIL_PATTERN
from depot.web.schemas.refusals import (
    BAD_CHARACTER,
    NOT_CHOICE,
    NOT_CODES,
    NOT_EMAIL,
    NOT_LAST4,
    NOT_TEXT,
    REQUIRED,
    TOO_LONG,
    TOO_MANY,
    column_type,
    in_form,
    or_null,
    refuse,
)

TEXT_CAP = 4000  # Text columns have no length of their own: the longest text we take


def text_limit(column: Any = None, cap: int | None = None) -> int:
    """The column's String length, or `cap` (at most that length) for Text columns."""
    length = getattr(column_type(column), "length", None) if column is not None else None
    if length is None:
        return cap or TEXT_CAP
    assert cap is None or cap <= length, f"cap {cap} over the column's {length}"
    return cap or length


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
                     WithJsonSchema(schema if required else or_null(schema))]


def Secret(cap: int) -> Any:  # noqa: N802
    """An optional password, taken as typed: never stripped (spaces are part of it), one line,
    at most `cap` characters; null is "". Its rules (depot.domain.passwords) are the
    service's to check."""

    def validate(value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise refuse(NOT_TEXT)
        if BAD_IN_LINE.search(value):
            raise refuse(BAD_CHARACTER)
        if len(value) > cap:
            raise refuse(TOO_LONG, max_length=cap)
        return value

    schema = {"type": "string", "maxLength": cap, "writeOnly": True}
    return Annotated[str, PlainValidator(validate), WithJsonSchema(or_null(schema))]


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
    return Annotated[str, PlainValidator(validate), WithJsonSchema(or_null(schema))]


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
                     WithJsonSchema(schema if required else or_null(schema))]


def Codes(column: Any = None, *, cap: int | None = None, max_items: int = 100) -> Any:  # noqa: N802
    """A list of codes (serials, finding codes, accessories), each one line within the column;
    blank entries are dropped, null is []. A form gives them comma-separated."""
    limit = text_limit(column, cap)

    def validate(value: Any, info: ValidationInfo) -> list[str]:
        if value is None:
            return []
        if in_form(info) and isinstance(value, str):
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


def PhoneLast4() -> Any:  # noqa: N802
    """Exactly 4 ASCII digits (the last of a phone number), surrounding spaces ignored."""

    def validate(value: Any) -> str:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise refuse(REQUIRED, "missing_field")
        if isinstance(value, str) and len(value) <= 40:
            text = value.strip()
            if len(text) == 4 and text.isascii() and text.isdigit():
                return text
        raise refuse(NOT_LAST4)

    schema = {"type": "string", "pattern": "^[0-9]{4}$", "minLength": 4, "maxLength": 4}
    return Annotated[str, PlainValidator(validate), WithJsonSchema(schema)]
