"""The body of POST /cartons (整箱收货): the waybill the box came under and who sent it."""
from __future__ import annotations

from pydantic import Field

from depot.models import Carton
from depot.web.schemas.bodies import Body, CustomerIn
from depot.web.schemas.fields import Text


class CartonIn(Body):
    carrier: Text(Carton.carrier, required=False) = Field(
        "", description="the carrier the box came with (SF, JD, EMS, …), as the clerk names it")
    tracking_number: Text(Carton.tracking_number, required=False) = Field(
        "", description="the waybill's number, as scanned: 6-40 letters, digits or -; one "
                        "already opened as another carton is 409 carton_exists (details: "
                        "carton)")
    customer: CustomerIn | None = Field(
        None, description="who sent the box: found again by name and phone, as at intake; the "
                          "units in it keep their own customers")
