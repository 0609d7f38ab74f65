"""The bodies of requests before shipping (pre-authorisation, DESIGN.md §4b): the public API's
JSON and the /request page's form, whose fields are flat."""
from __future__ import annotations

from pydantic import Field

from depot.i18n import LANGUAGES
from depot.models import Customer, ProductModel, Rma, Unit
from depot.services.units import ADDRESS_CAP, EARLIEST_DAY
from depot.web.schemas.bodies import Body
from depot.web.schemas.fields import Choice, Day, Email, Text

HONEYPOT = "website"  # a field people do not see: a form that fills it is a bot's
HONEYPOT_HINT = ("leave empty: a field people do not see on the page; a request that fills it "
                 "is refused as a bot's (422)")


class RequestCustomerIn(Body):
    name: Text(Customer.name, lines=True)
    phone: Text(Customer.phone)
    email: Email(Customer.email) = Field(description="the packing slip is mailed here")
    address: Text(Customer.address, cap=ADDRESS_CAP, lines=True) = Field(
        description="where the repaired unit goes back to")
    language: Choice(LANGUAGES, required=False) = Field(
        None, description="the language of the customer's mails (zh_CN, zh_TW, en)")


class RequestIn(Body):
    serial: Text(Unit.serial)
    model: Text(ProductModel.code, required=False) = Field(
        "", description="the model's code; needed only when the serial is new to the depot and "
                        "fits no single model's serial pattern (else 422 model_required)")
    fault_description: Text(Rma.fault_description, lines=True)
    purchase_date: Day(earliest=EARLIEST_DAY, nullable=True) = None
    customer: RequestCustomerIn
    website: Text(required=False, cap=200) = Field("", description=HONEYPOT_HINT)


class RequestForm(Body):
    """The /request page's form (the proof photo comes as the file field `proof`)."""

    serial: Text(Unit.serial)
    model: Text(ProductModel.code, required=False) = ""
    fault_description: Text(Rma.fault_description, lines=True)
    purchase_date: Day(earliest=EARLIEST_DAY, nullable=True) = None
    name: Text(Customer.name, lines=True)
    phone: Text(Customer.phone)
    email: Email(Customer.email)
    address: Text(Customer.address, cap=ADDRESS_CAP, lines=True)
    website: Text(required=False, cap=200) = ""
