"""Syntax at the edge, declared once: the request schemas (pydantic models in `bodies`, field
types in `fields`) validate what comes in and are the OpenAPI document's schemas too.

`parse(Model, data)` gives a checked model or raises InvalidInputError with the contract's
details: `field` (a dotted path for nested values: `customer.email`, `lines.0.unit_price`),
`index` for an item of a list, `fields` every wrong field, and the numbers the sentence
names. `read_json()` is the one way a JSON body is read. `check_path()` refuses, before any
view runs, URL values that can name no row (a NUL byte, an id past the column): they are
NotFoundError, and never reach the database.
"""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, TypeAdapter, ValidationError
from werkzeug.datastructures import FileStorage

from depot.domain.syntax import BAD_IN_LINE
from depot.errors import InvalidInputError, NotFoundError
from depot.i18n import N_
from depot.web.common import today as depot_today
from depot.web.schemas import fields
from depot.web.schemas.bodies import PATH, PATH_FALLBACK

M = TypeVar("M", bound=BaseModel)

NOT_OBJECT = N_("the body must be a JSON object")
NOT_JSON = N_("the body is not valid JSON")
TOO_DEEP = N_("the body is nested too deeply")
SEND_JSON = N_("send the body as JSON (Content-Type: application/json)")
NOT_AN_OBJECT = N_("%(field)s must be an object")
NOT_A_LIST = N_("%(field)s must be a list")
NOT_VALID = N_("%(field)s is not valid")
NOTHING_HERE = N_("nothing is found at this address")
SENTENCES = (*fields.SENTENCES, NOT_OBJECT, NOT_JSON, TOO_DEEP, SEND_JSON, NOT_AN_OBJECT,
             NOT_A_LIST, NOT_VALID, NOTHING_HERE)

# pydantic's own refusals (the structure around our field types) as sentences of ours.
_STRUCTURE = {
    "missing": (fields.REQUIRED, "missing_field"),
    "model_type": (NOT_AN_OBJECT, "invalid_field"),
    "model_attributes_type": (NOT_AN_OBJECT, "invalid_field"),
    "dict_type": (NOT_AN_OBJECT, "invalid_field"),
    "list_type": (NOT_A_LIST, "invalid_field"),
    "too_long": (fields.TOO_MANY, "invalid_field"),
}
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def parse(model: type[M], data: Any, *, form: bool = False, today: date | None = None) -> M:
    """`data` (a JSON object, or a form as a dict of strings when `form`) as a `model`."""
    if not isinstance(data, dict):
        raise InvalidInputError(NOT_OBJECT, code="invalid_json")
    if form:  # a form sends every field; an empty one means not given
        data = {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
    context = {"form": form, "today": today or depot_today()}
    try:
        return model.model_validate(data, context=context)
    except ValidationError as error:
        raise refusal(error) from None


def refusal(error: ValidationError) -> InvalidInputError:
    """The first thing pydantic refused, as the contract's error (the fields come in the
    order the schema declares them, so it is the first wrong field of the body); `fields`
    names every wrong one."""
    every = error.errors(include_url=False, include_input=False)
    first = every[0]
    loc = first["loc"]
    details: dict[str, Any] = {"field": _dotted(loc),
                               "fields": list(dict.fromkeys(_dotted(e["loc"]) for e in every))}
    index = next((part for part in loc if isinstance(part, int)), None)
    if index is not None:
        details["index"] = index
    ctx = dict(first.get("ctx") or {})
    if first["type"] == "depot":
        sentence, code = ctx.pop("sentence"), ctx.pop("code")
        details.update({k: v for k, v in ctx.items() if k not in details})
        return InvalidInputError(sentence, code=code, **details)
    sentence, code = _STRUCTURE.get(first["type"], (NOT_VALID, "invalid_field"))
    if first["type"] == "too_long":
        details["max_items"] = ctx.get("max_length")
    return InvalidInputError(sentence, code=code, **details)


def _dotted(loc: tuple) -> str:
    return ".".join(str(part) for part in loc) or "body"


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def read_json(*, optional: bool = False) -> dict[str, Any]:
    """The request's JSON object. Fractions are read as Decimal (so 1e-1000000 stays what it
    is, not 0.0); NaN and Infinity, invalid JSON, nesting deeper than Python's recursion limit
    and anything but an object are refused (invalid_json). `optional`: no body at all is {}."""
    raw = request.get_data(cache=True)
    if optional and not raw.strip():
        return {}
    if not request.is_json:
        raise InvalidInputError(SEND_JSON, code="invalid_json")
    try:
        value = json.loads(raw, parse_float=Decimal, parse_constant=_no_constant)
    except RecursionError:
        raise InvalidInputError(TOO_DEEP, code="invalid_json") from None
    except ValueError:
        raise InvalidInputError(NOT_JSON, code="invalid_json") from None
    if not isinstance(value, dict):
        raise InvalidInputError(NOT_OBJECT, code="invalid_json")
    return value


def is_form() -> bool:
    return request.mimetype in FORM_TYPES


def read_body(*, form: bool, optional: bool = False) -> tuple[dict[str, Any], bool]:
    """(the body as a dict, whether it came as a form): a form post where `form` allows it,
    else JSON."""
    if form and is_form():
        return request.form.to_dict(), True
    return read_json(optional=optional), False


def file_name(upload: FileStorage, field: str, default: str) -> str:
    """An uploaded file's name, checked like any text: NUL and other controls are refused (the
    name is stored with the file); a long one is shortened where it is stored."""
    name = (upload.filename or "").strip()
    if BAD_IN_LINE.search(name):
        raise InvalidInputError(fields.BAD_CHARACTER, code="invalid_field", field=field)
    return name or default


@cache
def path_type(name: str, kind: type = str) -> TypeAdapter:
    """The type a URL value must fit: its column's, else text or a whole number (an <int:>
    value of an unnamed parameter) within what a database integer holds."""
    if name in PATH:
        return TypeAdapter(PATH[name])
    return TypeAdapter(fields.Int() if kind is int else PATH_FALLBACK)


def check_path(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A url_value_preprocessor: every URL value must fit the column it looks up."""
    for name, value in (values or {}).items():
        try:
            path_type(name, int if isinstance(value, int) else str).validate_python(
                value, context={"form": True})
        except ValidationError:
            raise NotFoundError(NOTHING_HERE, code="not_found", parameter=name) from None
