"""The customer's side of the API: no token, the shared public rate limit (DESIGN.md §4b)."""
from __future__ import annotations

from depot.extensions import db
from depot.services import customer_status
from depot.web.api.registry import Area
from depot.web.common import settings, today
from depot.web.public import status_json
from depot.web.ratelimit import public_limit
from depot.web.schemas import bodies

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
