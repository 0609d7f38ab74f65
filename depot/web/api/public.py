"""The customer's side of the API: no token, the shared public rate limit (DESIGN.md §4b)."""
from __future__ import annotations

from depot.errors import InvalidInputError
from depot.extensions import db
from depot.services import customer_status, requests
from depot.services.units import CustomerInput
from depot.web.api.registry import Area
from depot.web.common import now, origin, settings, today, tz
from depot.web.errors import created
from depot.web.public import status_json
from depot.web.ratelimit import public_limit, request_limit
from depot.web.schemas import bodies, fields
from depot.web.schemas.requests import RequestIn

area = Area("public_api")
bp = area.bp


@area.post("/public/status", "A repair's status, for its customer (no token)", permissions=(),
           body=bodies.StatusLookupIn,
           description="The RMA `number` and the last 4 digits of the customer's phone "
                       "(`phone_last4`) → `{number, status, status_text, received_on, due_on, "
                       "expected_back_on, carrier, tracking_number}` plus `tracking_url` (the "
                       "carrier's page for the parcel), `shipped_on` and `quote_url` (the open "
                       "quote's link, else null). `status_text` is in the reader's language "
                       "(Accept-Language). A wrong pair and an unknown number both answer 404 "
                       "`not_found` with the same message. Every answer of 404 from /q/…, /s/…, "
                       "/survey/…, /status and /api/v1/public/… counts against one limit per "
                       "client address (DEPOT_PUBLIC_LIMIT, 10 per 10 minutes): past it, every "
                       "one of those calls answers 429 `too_many_requests` until the window "
                       "ends. A found repair does not count.")
@public_limit
def post_public_status(body: bodies.StatusLookupIn):
    seen = customer_status.by_number(db.session, settings(), body.number, body.phone_last4,
                                     today=today())
    return status_json(seen)


@area.post("/public/requests", "Ask for an RMA before posting the unit (no token)",
           permissions=(), body=RequestIn, answers=("created",),
           description="A request before shipping (pre-authorisation): the RMA is created "
                       "`requested` (its number now, `received_on` and `due_on` null) → 201 "
                       "`{number, status, status_url, warranty, known_unit}`; the customer gets "
                       "an email with the packing slip PDF (the RMA number as Code128 and QR, "
                       "the depot's address, what to put in the box). `warranty` is the "
                       "warranty as the depot sees it today when the serial is known "
                       "(`known_unit` true), else `unknown` (we will check). A serial with an "
                       "open RMA creates nothing: 409 `open_rma_exists` with that RMA's "
                       "`status_url` in `details`. Every try counts against DEPOT_REQUEST_LIMIT "
                       "(5 per hour) per client address: past it, 429 `too_many_requests`. "
                       "`website` must stay empty (a field people never see).")
@public_limit
@request_limit
def post_public_request(body: RequestIn):
    if body.website:
        raise InvalidInputError("this request cannot be taken", code="invalid_field",
                                field="website")
    if not body.customer.email:
        raise InvalidInputError(fields.REQUIRED, code="missing_field", field="customer.email")
    customer = CustomerInput(body.customer.name, body.customer.phone, body.customer.email,
                             body.customer.address, body.customer.language)
    made = requests.request_rma(
        db.session, requests.RequestInput(body.serial, body.fault_description, customer,
                                          model=body.model or None,
                                          purchase_date=body.purchase_date),
        settings(), now=now(), origin=origin(), tz=tz())
    return created(request_json(made))


def request_json(made: requests.Requested) -> dict:
    rma = made.rma
    return {"number": rma.number, "status": rma.status, "status_url": made.status_url,
            "known_unit": made.known_unit,
            "warranty": rma.warranty_status if made.known_unit else "unknown",
            "warranty_ends_on": rma.warranty_ends_on.isoformat()
            if made.known_unit and rma.warranty_ends_on else None}
