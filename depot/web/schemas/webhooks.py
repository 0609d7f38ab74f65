"""The bodies of the webhooks' calls (admin): an address, the events, the secret; the rules
are the domain's (depot.domain.webhooks), said here in the contract's words."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, PlainValidator, ValidationInfo, WithJsonSchema

from depot.domain.webhooks import (
    EVENTS,
    SECRET_MAX,
    SECRET_MIN,
    URL_CAP,
    events_problem,
    ordered_events,
    secret_problem,
    url_problem,
)
from depot.i18n import N_
from depot.web.schemas.bodies import Body
from depot.web.schemas.fields import REQUIRED, Flag, refuse
from depot.web.schemas.refusals import in_form, or_null

NOT_URL = N_("%(field)s must be an http:// or https:// address with a host, of at most "
             "%(max_length)s characters")
NOT_EVENTS = N_("%(field)s must be a list of one or more of %(known)s")
NOT_SECRET = N_("%(field)s must be %(min_length)s to %(max_length)s characters, on one line")
SENTENCES = (NOT_URL, NOT_EVENTS, NOT_SECRET)


def WebhookUrl(*, required: bool = True) -> Any:  # noqa: N802
    def validate(value: Any) -> str | None:
        if value is None and not required:
            return None
        if value is None or value == "":
            raise refuse(REQUIRED, "missing_field")
        if not isinstance(value, str) or url_problem(value.strip()):
            raise refuse(NOT_URL, "invalid_url", max_length=URL_CAP)
        return value.strip()

    schema = {"type": "string", "format": "uri", "maxLength": URL_CAP,
              "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#]+",
              "description": "http:// or https://; any host, the loopback included"}
    return Annotated[str | None if not required else str, PlainValidator(validate),
                     WithJsonSchema(schema if required else or_null(schema))]


def EventList(*, required: bool = True) -> Any:  # noqa: N802
    def validate(value: Any, info: ValidationInfo) -> list[str] | None:
        if value is None and not required:
            return None
        if in_form(info) and isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if (not isinstance(value, list) or len(value) > 2 * len(EVENTS)
                or not all(isinstance(v, str) for v in value) or events_problem(value)):
            raise refuse(NOT_EVENTS, "invalid_events", known=list(EVENTS))
        return ordered_events(value)

    schema = {"type": "array", "minItems": 1, "maxItems": 2 * len(EVENTS),
              "items": {"type": "string", "enum": list(EVENTS)}}
    return Annotated[list[str] | None if not required else list[str],
                     PlainValidator(validate),
                     WithJsonSchema(schema if required else or_null(schema))]


def WebhookSecret() -> Any:  # noqa: N802
    def validate(value: Any) -> str:
        if value is None or value == "":
            raise refuse(REQUIRED, "missing_field")
        if not isinstance(value, str) or secret_problem(value):
            raise refuse(NOT_SECRET, "invalid_secret", min_length=SECRET_MIN,
                         max_length=SECRET_MAX)
        return value

    schema = {"type": "string", "minLength": SECRET_MIN, "maxLength": SECRET_MAX,
              "writeOnly": True}
    return Annotated[str, PlainValidator(validate), WithJsonSchema(schema)]


class WebhookIn(Body):
    url: WebhookUrl() = Field(description="where the events are POSTed")
    events: EventList() = Field(description="the events this webhook gets")
    secret: WebhookSecret() = Field(
        description="signs every body (X-Depot-Signature); kept by the depot, never shown "
                    "again")


class WebhookPatch(Body):
    """Only what is given changes; the secret never does (register a new webhook instead)."""

    url: WebhookUrl(required=False) = None
    events: EventList(required=False) = None
    active: Flag() = Field(None, description="false: no new events are queued for it, and "
                                             "what is queued waits until it is true again")
