"""What the field types share: the sentences they refuse a value with, `refuse()` to carry
one to schemas.parse, and the small readings every type needs (the column's SQLAlchemy type,
whether the value came from a form, a JSON Schema that also allows null).
"""
from __future__ import annotations

from typing import Any

from pydantic import ValidationInfo
from pydantic_core import PydanticCustomError

from depot.i18n import N_

# The sentences a field type refuses a value with, by the name the code imports them under
# (fields.REQUIRED, …); a person may read each, so all three catalogues carry them.
REFUSALS: dict[str, str] = {
    "REQUIRED": N_("%(field)s is required"),
    "NOT_TEXT": N_("%(field)s must be text"),
    "BAD_CHARACTER": N_("%(field)s contains a character that is not allowed"),
    "TOO_LONG": N_("%(field)s is longer than %(max_length)s characters"),
    "NOT_EMAIL": N_("%(field)s must be an email address such as name@example.com"),
    "NOT_WHOLE": N_("%(field)s must be a whole number from %(minimum)s to %(maximum)s"),
    "NOT_NUMBER": N_("%(field)s must be a number such as \"%(example)s\""),
    "NOT_FITTING": N_("%(field)s must be less than %(limit)s in size with at most %(places)s "
                       "decimals"),
    "BELOW_MINIMUM": N_("%(field)s must not be below %(minimum)s"),
    "NOT_DATE": N_("%(field)s must be a date YYYY-MM-DD"),
    "DATE_RANGE": N_("%(field)s must be a day from %(earliest)s to %(latest)s"),
    "NOT_FLAG": N_("%(field)s must be true or false"),
    "NOT_CHOICE": N_("%(field)s must be one of %(known)s"),
    "NOT_CODES": N_("%(field)s must be a list of codes of at most %(max_length)s characters"),
    "TOO_MANY": N_("%(field)s has more than %(max_items)s items"),
    "NOT_LAST4": N_("%(field)s must be exactly 4 digits"),
}
SENTENCES = tuple(REFUSALS.values())
globals().update(REFUSALS)


def refuse(sentence: str, code: str = "invalid_field", **params: Any) -> PydanticCustomError:
    """A refusal pydantic carries to schemas.parse, which makes it an InvalidInputError."""
    return PydanticCustomError("depot", "{sentence}", {"sentence": sentence, "code": code,
                                                       **params})


def in_form(info: ValidationInfo) -> bool:
    """Whether the value comes from a form post (strings only), not JSON."""
    return bool(info.context and info.context.get("form"))


def column_type(column: Any) -> Any:
    """The SQLAlchemy type of a mapped column attribute (`Unit.serial`)."""
    return column.property.columns[0].type


def or_null(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema`, or null."""
    return {"anyOf": [schema, {"type": "null"}]}
