"""What each request may carry: one pydantic model per body, query or form, its fields typed
from the columns they fill. The API views get them through depot.web.api.registry, the pages
through schemas.parse(Model, form, form=True); the OpenAPI document is written from them."""
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from depot.domain.damage import FINDING_CLASSES
from depot.domain.passwords import MAX_LENGTH as PASSWORD_MAX
from depot.domain.pricing import LineKind, QuoteLine, make_line
from depot.domain.roles import ROLES
from depot.domain.warranty import WarrantyStatus
from depot.domain.workflow import API_ACTIONS, Status
from depot.errors import InvalidInputError
from depot.i18n import LANGUAGES
from depot.models import (
    Attachment,
    CalendarOverride,
    Carton,
    Customer,
    FindingCode,
    Part,
    PartUse,
    Payment,
    Printer,
    ProductModel,
    Quote,
    QuoteLineRow,
    Rma,
    RmaEvent,
    Shipment,
    Unit,
    User,
)
from depot.services.payments import METHODS
from depot.services.quote_mail import OFFLINE_VIA
from depot.services.search import CSV_CAP
from depot.services.units import ADDRESS_CAP, DAYS_AHEAD, EARLIEST_DAY
from depot.web.schemas.fields import (
    Choice,
    Codes,
    Day,
    Email,
    Flag,
    Id,
    Int,
    Money,
    Number,
    Secret,
    PhoneLast4,
    Text,
)

MAX_WARRANTY_MONTHS = 20 * 12
MAX_EXTENDED_MONTHS = 10 * 12
MAX_STOCK = 1_000_000
MAX_LINES = 100
NOTE_CAP = 1000  # reasons and notes that land in Text columns

# URL values, by the name the routes give them; anything else is one line of text.
PATH: dict[str, Any] = {
    "number": Text(Rma.number), "quote": Text(Quote.number), "serial": Text(Unit.serial),
    "code": Text(FindingCode.code), "part_number": Text(Part.part_number),
    "part": Text(Part.part_number), "attachment_id": Id(Attachment.id),
    "model": Text(ProductModel.code), "username": Text(User.username),
}
PATH_FALLBACK = Text(cap=NOTE_CAP)


class Body(BaseModel):
    """Unknown keys are ignored, as before; every field is checked by its own type."""

    model_config = ConfigDict(extra="ignore", validate_default=True)


# -- intake ---------------------------------------------------------------------------------

class ModelIn(Body):
    code: Text(ProductModel.code)
    name: Text(ProductModel.name)
    warranty_months: Int(ProductModel.warranty_months, 0, MAX_WARRANTY_MONTHS)
    serial_pattern: Text(ProductModel.serial_pattern, required=False) = ""


class ModelPatch(Body):
    """Only what is given changes; the code never does."""

    name: Text(ProductModel.name) | None = Field(
        None, description="a new name; blank is refused")
    warranty_months: Int(ProductModel.warranty_months, 0, MAX_WARRANTY_MONTHS) | None = None
    serial_pattern: Text(ProductModel.serial_pattern, required=False) | None = Field(
        None, description="a new pattern, checked before it is saved; \"\" removes it")
    retired: Flag() = Field(None, description="true: no longer offered when a unit is "
                                              "registered at intake; its units keep it")


class ModelForm(Body):
    """The edit form of /admin/models: every field is sent, a blank name is refused."""

    name: Text(ProductModel.name)
    warranty_months: Int(ProductModel.warranty_months, 0, MAX_WARRANTY_MONTHS)
    serial_pattern: Text(ProductModel.serial_pattern, required=False) = ""


class CustomerIn(Body):
    name: Text(Customer.name, required=False, lines=True) = ""
    phone: Text(Customer.phone, required=False) = ""
    email: Email(Customer.email) = ""
    address: Text(Customer.address, required=False, cap=ADDRESS_CAP, lines=True) = ""
    language: Choice(LANGUAGES, required=False) = Field(
        None, description="the language the customer reads (zh_CN, zh_TW, en): their mails "
                          "are written in it; not given: Chinese, then English")


class UnitIn(Body):
    serial: Text(Unit.serial)
    model: Text(ProductModel.code)
    purchase_date: Day(earliest=EARLIEST_DAY, ahead=DAYS_AHEAD, nullable=True) = Field(
        description="null when unknown; the key itself is required")
    customer: CustomerIn | None = None
    extended_months: Int(Unit.extended_months, 0, MAX_EXTENDED_MONTHS) = 0


class ScanIn(Body):
    text: Text(required=False, cap=NOTE_CAP, lines=True) = Field(
        "", description="what the wedge typed; required unless the form carries an `image`")


class RmaIn(Body):
    serial: Text(Unit.serial)
    fault_description: Text(Rma.fault_description, required=False, lines=True) = ""
    accessories: Codes(cap=30, max_items=20) = []
    reported_on: Day(earliest=EARLIEST_DAY, nullable=True) = None
    carton: Text(Carton.number, required=False) = Field(
        "", description="the number of the carton (CTN-YYYY-NNNNNN) the unit came in; an "
                        "unknown one is 404 carton_not_found and nothing is created")


class RmaHeaders(Body):
    idempotency_key: Text(Rma.idempotency_key, required=False) = Field(
        "", alias="Idempotency-Key")


class PhotosForm(Body):
    kind: Choice(("intake", "evidence")) = "intake"


# -- bench ----------------------------------------------------------------------------------

class FindingIn(Body):
    code: Text(FindingCode.code)
    damage_class: Choice([c.value for c in FINDING_CLASSES])
    label_zh: Text(FindingCode.label_zh)
    label_en: Text(FindingCode.label_en)
    label_zh_tw: Text(FindingCode.label_zh_tw, required=False) = ""


class FindingPatch(Body):
    label_zh: Text(FindingCode.label_zh, required=False) = ""
    label_en: Text(FindingCode.label_en, required=False) = ""
    label_zh_tw: Text(FindingCode.label_zh_tw, required=False) = ""
    retired: Flag() = None


class RetireQuery(Body):
    retired: Flag(nullable=False) = False


class InspectionIn(Body):
    findings: Codes(FindingCode.code) = []
    notes: Text(Rma.inspection_notes, required=False, lines=True) = ""


class OverrideIn(Body):
    reason: Text(RmaEvent.reason, required=False, cap=NOTE_CAP, lines=True) = Field(
        "", description="required: the service refuses an override without one")
    warranty: Choice([s.value for s in WarrantyStatus], required=False) = None
    covered: Flag() = None


class OverrideForm(OverrideIn):
    covered: Choice(("yes", "no"), required=False) = None


class ActionIn(Body):
    action: Text(RmaEvent.action) = Field(json_schema_extra={"enum": [a.value for a in
                                                                       API_ACTIONS]})
    reason: Text(RmaEvent.reason, required=False, cap=NOTE_CAP, lines=True) = Field(
        "", description="why; required for cancel, fail_qa and exchange")
    replacement_serial: Text(Unit.serial, required=False) = Field(
        "", description="exchange only (required): the serial of the unit that goes back "
                        "instead; registered now if unknown, for the same customer")
    replacement_model: Text(ProductModel.code, required=False) = Field(
        "", description="exchange only: the replacement's model code when it is not the "
                        "original's model")


class AssignIn(Body):
    technician: Text(User.username, required=False) = ""


class QueueQuery(Body):
    technician: Text(User.username, required=False) = ""


class PartsQuery(Body):
    model: Text(ProductModel.code, required=False) = ""


class PartIn(Body):
    part_number: Text(Part.part_number)
    name_zh: Text(Part.name_zh)
    cost_price: Money(Part.cost_price)
    name_en: Text(Part.name_en, required=False) = ""
    stock: Int(Part.stock, 0, MAX_STOCK) = 0
    models: Codes(ProductModel.code) = []


class StockIn(Body):
    quantity: Int(Part.stock, 1, MAX_STOCK)


class PartUseIn(Body):
    part_number: Text(Part.part_number)
    quantity: Int(PartUse.quantity, 1, 1000) = 1


# -- quotes and payments --------------------------------------------------------------------

class LineIn(Body):
    kind: Choice([k.value for k in LineKind])
    description: Text(QuoteLineRow.description)
    quantity: Number(QuoteLineRow.quantity, minimum=0) = Decimal(1)
    unit_price: Money(QuoteLineRow.unit_price, minimum=None)


def quote_lines(lines: list[LineIn]) -> list[QuoteLine]:
    """The lines as checked QuoteLines (the rules are the domain's: make_line); a refused line
    names its `index`."""
    out = []
    for index, line in enumerate(lines):
        try:
            out.append(make_line(line.kind, line.description, line.quantity, line.unit_price))
        except InvalidInputError as exc:
            exc.details["index"] = index
            raise
    return out


class QuoteIn(Body):
    lines: list[LineIn] | None = Field(None, max_length=MAX_LINES,
                                       description="none: Depot proposes a draft")
    tax_rate: Number(Quote.tax_rate, minimum=0, example="0.06") | None = None


class QuoteEdit(QuoteIn):
    lines: list[LineIn] = Field(max_length=MAX_LINES)


class QuoteSend(Body):
    """Optional: the lines to send (the sender's screen, saved into the draft first) and the
    total the sender expects; another total refuses the send (409 total_changed)."""

    lines: list[LineIn] | None = Field(None, max_length=MAX_LINES,
                                       description="none: the draft's lines as saved")
    tax_rate: Number(Quote.tax_rate, minimum=0, example="0.06") | None = None
    total: Money(Quote.total) | None = Field(
        None, description="the total the sender was shown; none: not checked")


class OfflineAnswerIn(Body):
    decision: Choice(("approve", "decline"))
    via: Choice(OFFLINE_VIA)
    comment: Text(Quote.answer_comment, required=False, cap=2000, lines=True) = ""


class AnswerIn(Body):
    """The customer's answer through the link: a form post, or JSON {} / {"comment"}."""

    comment: Text(Quote.answer_comment, required=False, cap=2000, lines=True) = ""


class PaymentIn(Body):
    amount: Money(Payment.amount)
    method: Choice(METHODS)
    reference: Text(Payment.reference, required=False) = ""
    accept_overpayment: Flag(nullable=False) = Field(
        False, description="More than the customer was asked for is refused (409 overpayment) "
                           "unless this is true and the caller is a supervisor or admin; the "
                           "part above is then recorded as the payment's credit, to refund.")


class VoidPaymentIn(Body):
    reason: Text(Payment.void_reason, cap=NOTE_CAP, lines=True)


# -- shipping -------------------------------------------------------------------------------

class LabelQuery(Body):
    size: Text(Printer.label_size, required=False) = ""


class LabelsQuery(LabelQuery):
    rmas: Codes(Rma.number) = Field([], description="RMA numbers, comma-separated")


class PrintIn(Body):
    rmas: Codes(Rma.number)
    printer: Text(Printer.name)


class PrinterIn(Body):
    name: Text(Printer.name)
    host: Text(Printer.host)
    port: Int(Printer.port, 1, 65535) = 9100
    label_size: Text(Printer.label_size, required=False) = "4x6"


class MissingIn(Body):
    code: Text(cap=30)
    reason: Text(required=False, cap=NOTE_CAP, lines=True) = ""


class ShipmentIn(Body):
    carrier: Text(Shipment.carrier)
    tracking_number: Text(Shipment.tracking_number)
    scanned: Codes(Unit.serial) = []
    accessories: Codes(cap=30, max_items=20) = []
    missing: list[MissingIn] = Field([], max_length=20)


# -- admin pages ----------------------------------------------------------------------------

class CalendarIn(Body):
    day: Day(earliest=EARLIEST_DAY, latest=date(2100, 12, 31))
    is_working: Flag(nullable=False) = False
    note: Text(CalendarOverride.note, required=False) = ""


# -- users ----------------------------------------------------------------------------------

class UserIn(Body):
    username: Text(User.username)
    role: Choice(ROLES)
    password: Secret(PASSWORD_MAX) = Field(
        "", description="for page logins: at least 10 characters, not the user name; "
                        "none: the user has only the API token")
    display_name: Text(User.display_name, required=False) = Field(
        "", description="the name the pages show; none: the user name")


class UserPatch(Body):
    role: Choice(ROLES, required=False) = None
    active: Flag() = Field(None, description="false: the user's token and sessions stop "
                                             "working at once")


class RoleForm(Body):
    role: Choice(ROLES)


class ActiveQuery(Body):
    active: Flag(nullable=False) = False


class PasswordForm(Body):
    """A new password typed by the admin, or (`generate`) one made for them, shown once."""

    password: Secret(PASSWORD_MAX) = ""
    generate: Flag(nullable=False) = False


# -- search ---------------------------------------------------------------------------------

SEARCH_MAX_LIMIT = 200
SEARCH_DAYS_AHEAD = 400  # a period may end a little in the future (this week, this month)
CURSOR_CAP = 500


class RmaSearchQuery(Body):
    """GET /rmas: every given filter must hold. `status` may repeat (status=a&status=b)."""

    repeatable: ClassVar[tuple[str, ...]] = ("status",)

    q: Text(cap=200, required=False) = Field(
        "", description="an RMA number, a serial or a tracking number (whole, any case), or a "
                        "part of a customer's name, phone or email; at least one non-space "
                        "character when given")
    status: Codes(Rma.status, max_items=20) = Field(
        [], json_schema_extra={"items": {"type": "string", "enum": [s.value for s in Status]}})
    overdue: Flag() = Field(None, description="true: past due_on while the repair clock runs")
    due_today: Flag() = Field(None, description="true: due today, the repair clock running")
    open: Flag() = Field(None, description="true: not shipped, closed or cancelled")
    model: Text(ProductModel.code, required=False) = ""
    technician: Text(User.username, required=False) = Field(
        "", description="the user name of the technician holding the RMA, or `none`: held by "
                        "nobody (with open=true: the open RMAs nobody holds yet)")
    key_account: Flag() = Field(None, description="true: the customer is a key account")
    received_from: Day(earliest=EARLIEST_DAY, ahead=SEARCH_DAYS_AHEAD, nullable=True) = None
    received_to: Day(earliest=EARLIEST_DAY, ahead=SEARCH_DAYS_AHEAD, nullable=True) = Field(
        None, description="at most 400 days after received_from (both days counted)")
    limit: Int(None, 1, SEARCH_MAX_LIMIT) = 50
    cursor: Text(cap=CURSOR_CAP, required=False) = Field(
        "", description="next_cursor of the previous page, as it came (signed: a changed one "
                        "is refused)")
    counts: Flag(nullable=False) = Field(
        False, description="true: add `counts`, the RMAs of each status matching the other "
                           "filters")
    format: Choice(("json", "csv"), required=False) = Field(
        None, description=f"csv: every RMA of the filters as text/csv (UTF-8 with BOM), at "
                          f"most {CSV_CAP:,} rows newest first, instead of a page of JSON")


# -- the customer's side --------------------------------------------------------------------

class StatusLookupIn(Body):
    """The customer's lookup: the RMA number and the last 4 digits of the phone on file."""

    number: Text(Rma.number) = Field(description="the RMA number, RMA-YYYY-NNNNNN")
    phone_last4: PhoneLast4() = Field(
        description="the last 4 digits of the customer's phone number")


class NotificationTemplateForm(Body):
    """An admin's text for one kind of mail in one language (%(name)s placeholders)."""

    subject: Text(cap=300, required=False) = ""
    body: Text(cap=5000, required=False, lines=True) = ""
