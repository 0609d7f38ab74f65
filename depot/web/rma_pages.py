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
from depot.errors import DepotError, InvalidInputError
from depot.extensions import db
from depot.services import inspection, payments, quote_mail, quoting
from depot.services.common import get_rma
from depot.services.intake import prepare_photos
from depot.web import schemas, serialize
from depot.web.auth import current_actor, page_requires
from depot.web.common import lang, now, origin, settings, today
from depot.web.errors import page
from depot.web.schemas import bodies

bp = Blueprint("rmas", __name__)


@bp.get("/rmas/<number>")
@page_requires("rmas.read")
def rma_page(number: str, *, error: DepotError | None = None, form: dict | None = None):
    config = settings()
    rma = get_rma(db.session, number)
    data = serialize.rma(rma, lang(), config.tz, today(), repeat_days=config.repeat_days)
    draft = next((q for q in rma.quotes if q.status == QuoteStatus.DRAFT), None)
    open_quote = next((q for q in reversed(rma.quotes) if q.status == QuoteStatus.SENT), None)
    return page(render_template("rma.html", rma=rma, data=data, draft=draft,
                                open_quote=open_quote, error=error, form=form or {},
                                kinds=[k.value for k in LineKind], methods=payments.METHODS,
                                history=serialize.history(rma, config.tz),
                                tz_name=config.tz.key),
                error)


def _back(number: str, message: str):
    flash(message, "ok")
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
    return _back(number, f"{quote.number}")


@bp.post("/rmas/<number>/quotes/<quote>/lines")
@page_requires("quotes.create")
def save_lines(number: str, quote: str):
    try:
        lines, tax_rate = _draft_from_form()
        quoting.update_draft(db.session, number, quote, lines, tax_rate=tax_rate,
                             actor=current_actor(), now=now(), origin=origin())
    except DepotError as error:
        return _refused(number, error)
    return _back(number, quote)


@bp.post("/rmas/<number>/quotes/<quote>/send")
@page_requires("quotes.send")
def send_quote(number: str, quote: str):
    try:
        _, emailed = quote_mail.send_quote(db.session, number, quote, settings(),
                                           actor=current_actor(), now=now(), origin=origin())
    except DepotError as error:
        return _refused(number, error)
    return _back(number, quote if emailed else f"{quote}: no email address, print the PDF")


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
    return _back(number, f"{quote}: {body.decision}")


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
    return _back(number, body.reason)


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
        payments.record_payment(db.session, number, body.amount, body.method, body.reference,
                                slip=slip, actor=current_actor(), now=now(), origin=origin())
    except DepotError as error:
        return _refused(number, error)
    return _back(number, str(body.amount))


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
            exc.details.update(index=row, line=row + 1,
                               field=str(exc.details.get("field", "")).rsplit(".", 1)[-1])
            exc.template = "line %(line)s: " + exc.template
        raise
