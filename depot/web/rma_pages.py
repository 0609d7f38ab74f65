"""The RMA page for staff: everything about one RMA, and the quote and payment forms.

Plain server-rendered forms (CSRF-protected); a refused form is shown again with what was
typed and the reason, so nothing is lost.
"""
from __future__ import annotations

from decimal import Decimal

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from depot.domain.pricing import LineKind, QuoteLine
from depot.domain.quotes import QuoteStatus
from depot.domain.roles import may
from depot.domain.workflow import OPEN_STATUSES
from depot.errors import DepotError, InvalidInputError
from depot.extensions import db
from depot.i18n import N_
from depot.services import (
    customer_status,
    exchange,
    findings,
    inspection,
    payments,
    quote_mail,
    quoting,
    repair,
)
from depot.services.common import get_rma
from depot.services.intake import prepare_photos
from depot.web import schemas, serialize
from depot.web.auth import current_actor, page_requires
from depot.web.common import lang, now, origin, settings, today
from depot.web.errors import page
from depot.web.schemas import bodies
from depot.words import event_reason, sentence

bp = Blueprint("rmas", __name__)

# What the page says after a form went through (the flash), in the reader's language.
DRAFTED = N_("Quote %(quote)s drafted from the parts used and the price list: check the lines, "
             "then send it.")
DRAFT_SAVED = N_("Draft %(quote)s saved.")
SENT_BY_EMAIL = N_("Quote %(quote)s sent to %(email)s.")
SENT_TO_PRINT = N_("Quote %(quote)s is sent, but the customer has no email address: print the "
                   "PDF and give it to the customer, then record the answer here.")
ANSWER_APPROVED = N_("Recorded: the customer approved quote %(quote)s.")
ANSWER_DECLINED = N_("Recorded: the customer declined quote %(quote)s.")
OVERRIDDEN = N_("The supervisor's decision is recorded.")
PAID = N_("Payment of %(amount)s CNY recorded.")
VOIDED = N_("Payment of %(amount)s CNY voided.")
ASSIGNED = N_("%(name)s holds the RMA now.")
UNASSIGNED = N_("Nobody holds the RMA now.")
EXCHANGED = N_("Exchanged: the replacement unit %(serial)s goes back to the customer.")
# A refused line of the draft editor: "line 2: unit price must be a number".
LINE_PROBLEM = N_("line %(line)s: %(problem)s")


@bp.get("/rmas/<number>")
@page_requires("rmas.read")
def rma_page(number: str, *, error: DepotError | None = None, form: dict | None = None):
    config = settings()
    rma = get_rma(db.session, number)
    data = serialize.rma(rma, lang(), config.tz, today(), config.pay_before,
                         actor=current_actor(), qa_by_other=config.qa_by_other,
                         repeat_days=config.repeat_days)
    draft = next((q for q in rma.quotes if q.status == QuoteStatus.DRAFT), None)
    open_quote = next((q for q in reversed(rma.quotes) if q.status == QuoteStatus.SENT), None)
    names = findings.names(db.session, lang())
    # Supervisors and admins give an open RMA to a technician here (POST …/assign).
    pickable = (repair.technicians(db.session) if may(current_actor().role, "overrides")
                and rma.status in OPEN_STATUSES else None)
    return page(render_template("rma.html", rma=rma, data=data, draft=draft,
                                technicians=pickable,
                                open_quote=open_quote, error=error, form=form or {},
                                kinds=[k.value for k in LineKind], methods=payments.METHODS,
                                history=_history(rma, config.tz, names),
                                payment_rows=serialize.payment_rows(rma, config.tz),
                                quote_times=serialize.quote_rows(rma, config.tz),
                                tz_name=config.tz.key, tz=config.tz, finding_names=names,
                                notification_rows=serialize.notification_rows(rma, config.tz),
                                status_link=customer_status.status_url(config, rma.number)),
                error)


def _history(rma, tz, names: dict[str, str]) -> list[dict]:
    """The events as the page shows them, their reasons in words (depot.words.event_reason)."""
    return [{**e, "reason_text": event_reason(lang(), e["action"], e["reason"], names)}
            for e in serialize.history(rma, tz)]


def _back(number: str, message: str, **values: object):
    flash(sentence(lang(), message, values), "ok")
    return redirect(url_for("rmas.rma_page", number=number))


def _refused(number: str, error: DepotError):
    return rma_page.__wrapped__(number, error=error, form=request.form.to_dict(flat=False))


@bp.post("/rmas/<number>/quotes/new")
@page_requires("quotes.create")
def new_quote(number: str):
    try:
        quote = quoting.create_quote(db.session, number, None, tax_rate=None,
                                     policy=settings().pricing, actor=current_actor(),
                                     now=now(), tz=settings().tz, origin=origin())
    except DepotError as error:
        return _refused(number, error)
    return _back(number, DRAFTED, quote=quote.number)


@bp.post("/rmas/<number>/quotes/<quote>/lines")
@page_requires("quotes.create")
def save_lines(number: str, quote: str):
    try:
        lines, tax_rate = _draft_from_form()
        quoting.update_draft(db.session, number, quote, lines, tax_rate=tax_rate,
                             actor=current_actor(), now=now(), origin=origin())
    except DepotError as error:
        return _refused(number, error)
    return _back(number, DRAFT_SAVED, quote=quote)


@bp.post("/rmas/<number>/quotes/<quote>/send")
@page_requires("quotes.send")
def send_quote(number: str, quote: str):
    """The send button belongs to the draft editor: the lines on the screen are saved and sent
    in one transaction, and only with the total the clerk was shown (shown_total)."""
    try:
        lines, tax_rate = _draft_from_form() if "description" in request.form else (None, None)
        shown = schemas.parse(bodies.QuoteSend, {"total": request.form.get("shown_total", "")},
                              form=True).total
        sent, emailed = quote_mail.send_quote(db.session, number, quote, settings(),
                                              actor=current_actor(), now=now(), origin=origin(),
                                              lines=lines, tax_rate=tax_rate, shown_total=shown)
    except DepotError as error:
        return _refused(number, error)
    if emailed:
        return _back(number, SENT_BY_EMAIL, quote=quote, email=sent.rma.unit.customer.email)
    return _back(number, SENT_TO_PRINT, quote=quote)


@bp.post("/rmas/<number>/quotes/<quote>/answer")
@page_requires("quotes.send")
def offline_answer(number: str, quote: str):
    """The customer answered by phone, fax or on paper; the signed copy is kept."""
    try:
        body = schemas.parse(bodies.OfflineAnswerIn, request.form.to_dict(), form=True)
        upload = request.files.get("signed_copy")
        quote_mail.record_offline_answer(
            db.session, number, quote, approve=body.decision == "approve", via=body.via,
            comment=body.comment,
            signed_copy=(schemas.file_name(upload, "signed_copy", "signed.pdf"), upload.mimetype,
                         upload.read()) if upload and upload.filename else None,
            max_bytes=current_app.config["DEPOT_MAX_IMAGE_BYTES"],
            max_pixels=current_app.config["DEPOT_MAX_IMAGE_PIXELS"], ip=request.remote_addr,
            user_agent=request.user_agent.string, actor=current_actor(), now=now(),
            tz=settings().tz, origin=origin())
    except DepotError as error:
        db.session.rollback()
        return _refused(number, error)
    return _back(number, ANSWER_APPROVED if body.decision == "approve" else ANSWER_DECLINED,
                 quote=quote)


@bp.post("/rmas/<number>/override")
@page_requires("overrides")
def override(number: str):
    """A supervisor's decision over the rules, with the reason the customer will be told."""
    try:
        body = schemas.parse(bodies.OverrideForm, request.form.to_dict(), form=True)
        inspection.override(db.session, number, reason=body.reason, warranty=body.warranty,
                            covered={"yes": True, "no": False}.get(body.covered),
                            actor=current_actor(), now=now(), origin=origin())
    except DepotError as error:
        db.session.rollback()
        return _refused(number, error)
    return _back(number, OVERRIDDEN)


@bp.post("/rmas/<number>/assign")
@page_requires("overrides")
def assign(number: str):
    """A supervisor gives the RMA to a technician (blank: to nobody)."""
    try:
        body = schemas.parse(bodies.AssignIn, request.form.to_dict(), form=True)
        rma = repair.assign(db.session, number, body.technician or None, actor=current_actor(),
                            now=now(), origin=origin())
    except DepotError as error:
        db.session.rollback()
        return _refused(number, error)
    if rma.technician is None:
        return _back(number, UNASSIGNED)
    return _back(number, ASSIGNED, name=rma.technician.display_name or rma.technician.username)


@bp.post("/rmas/<number>/exchange")
@page_requires("actions.bench")
def exchange_unit(number: str):
    """Exchange (换货): the replacement unit, scanned, goes back instead, with the reason."""
    try:
        body = schemas.parse(bodies.ActionIn, {**request.form.to_dict(), "action": "exchange"},
                             form=True)
        rma = exchange.exchange_unit(db.session, number, body.replacement_serial,
                                     reason=body.reason,
                                     replacement_model=body.replacement_model or None,
                                     actor=current_actor(), now=now(), origin=origin(),
                                     tz=settings().tz, pay_before=settings().pay_before,
                                     settings=settings())
    except DepotError as error:
        db.session.rollback()
        return _refused(number, error)
    return _back(number, EXCHANGED, serial=rma.exchange.replacement.serial)


@bp.post("/rmas/<number>/payments")
@page_requires("payments")
def add_payment(number: str):
    try:
        body = schemas.parse(bodies.PaymentIn, request.form.to_dict(), form=True)
        slip = None
        upload = request.files.get("slip")
        if upload and upload.filename:
            slip = prepare_photos([(schemas.file_name(upload, "slip", "slip"), upload.read())],
                                  max_bytes=current_app.config["DEPOT_MAX_IMAGE_BYTES"],
                                  max_pixels=current_app.config["DEPOT_MAX_IMAGE_PIXELS"])[0]
        payments.record_payment(
            db.session, number, body.amount, body.method, body.reference, slip=slip,
            actor=current_actor(), now=now(), origin=origin(),
            accept_overpayment=body.accept_overpayment)
    except DepotError as error:
        return _refused(number, error)
    return _back(number, PAID, amount=f"{body.amount:.2f}")


@bp.post("/rmas/<number>/payments/<int:payment_id>/void")
@page_requires("payments.void")
def void_payment(number: str, payment_id: int):
    try:
        body = schemas.parse(bodies.VoidPaymentIn, request.form.to_dict(), form=True)
        voided = payments.void_payment(db.session, number, payment_id, body.reason,
                              actor=current_actor(), now=now(), origin=origin())
    except DepotError as error:
        return _refused(number, error)
    return _back(number, VOIDED, amount=f"{voided.amount:.2f}")


LINE_COLUMNS = ("kind", "description", "quantity", "unit_price")


def _draft_from_form() -> tuple[list[QuoteLine], Decimal | None]:
    """The draft editor's rows through the schema of PUT …/quotes/<quote>; rows left without a
    description and a price are ignored. A refused row is named by its line on the page."""
    columns = [request.form.getlist(name) for name in LINE_COLUMNS]
    rows = [(index, {k: v for k, v in zip(LINE_COLUMNS, cells, strict=True) if v.strip()})
            for index, cells in enumerate(zip(*columns, strict=False))]
    rows = [(index, row) for index, row in rows if "description" in row or "unit_price" in row]
    try:
        body = schemas.parse(bodies.QuoteEdit, {"lines": [row for _, row in rows],
                                                "tax_rate": request.form.get("tax_rate", "")},
                             form=True)
        return bodies.quote_lines(body.lines), body.tax_rate
    except InvalidInputError as exc:
        if "index" in exc.details:
            row = rows[exc.details["index"]][0]
            exc.details.update(index=row, line=row + 1, problem=exc.template,
                               field=str(exc.details.get("field", "")).rsplit(".", 1)[-1])
            exc.template = LINE_PROBLEM
        raise
