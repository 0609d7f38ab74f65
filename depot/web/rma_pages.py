"""The RMA page for staff: everything about one RMA, and the quote and payment forms.

Plain server-rendered forms (CSRF-protected); a refused form is shown again with what was
typed and the reason, so nothing is lost.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from depot.domain.pricing import LineKind
from depot.domain.quotes import QuoteStatus
from depot.domain.workflow import Status
from depot.errors import DepotError, InvalidInputError
from depot.extensions import db
from depot.models import Rma
from depot.services import inspection, payments, quote_mail, quoting
from depot.services.common import get_rma
from depot.services.intake import prepare_photos
from depot.web import schemas, serialize
from depot.web.auth import current_actor, page_requires
from depot.web.common import lang, now, settings, today
from depot.web.errors import status_of

bp = Blueprint("rmas", __name__)


@bp.get("/rmas")
@page_requires("rmas.read")
def rma_list():
    wanted = request.args.get("number", "").strip()
    if wanted:
        return redirect(url_for("rmas.rma_page", number=wanted.upper()))
    status = request.args.get("status") or None
    query = select(Rma).order_by(Rma.id.desc()).limit(200)
    if status in [s.value for s in Status]:
        query = query.where(Rma.status == status)
    return render_template("rmas.html", rmas=db.session.scalars(query).all(), status=status,
                           statuses=[s.value for s in Status])


@bp.get("/rmas/<number>")
@page_requires("rmas.read")
def rma_page(number: str, *, error: DepotError | None = None, form: dict | None = None):
    config = settings()
    rma = get_rma(db.session, number)
    data = serialize.rma(rma, lang(), config.tz, today())
    draft = next((q for q in rma.quotes if q.status == QuoteStatus.DRAFT), None)
    open_quote = next((q for q in reversed(rma.quotes) if q.status == QuoteStatus.SENT), None)
    return render_template("rma.html", rma=rma, data=data, draft=draft, open_quote=open_quote,
                           error=error,
                           form=form or {}, kinds=[k.value for k in LineKind],
                           methods=payments.METHODS), status_of(error) if error else 200


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
                                     now=now(), tz=settings().tz)
    except DepotError as error:
        return _refused(number, error)
    return _back(number, f"{quote.number}")


@bp.post("/rmas/<number>/quotes/<quote>/lines")
@page_requires("quotes.create")
def save_lines(number: str, quote: str):
    try:
        quoting.update_draft(db.session, number, quote, _lines_from_form(),
                             tax_rate=schemas.tax_rate({"tax_rate": request.form.get("tax_rate")
                                                        or None}),
                             actor=current_actor(), now=now())
    except DepotError as error:
        return _refused(number, error)
    return _back(number, quote)


@bp.post("/rmas/<number>/quotes/<quote>/send")
@page_requires("quotes.send")
def send_quote(number: str, quote: str):
    try:
        _, emailed = quote_mail.send_quote(db.session, number, quote, settings(),
                                           actor=current_actor(), now=now())
    except DepotError as error:
        return _refused(number, error)
    return _back(number, quote if emailed else f"{quote}: no email address, print the PDF")


@bp.post("/rmas/<number>/quotes/<quote>/answer")
@page_requires("quotes.send")
def offline_answer(number: str, quote: str):
    """The customer answered by phone, fax or on paper; the signed copy is kept."""
    try:
        form = request.form.to_dict()
        decision = schemas.choice(form, "decision", ("approve", "decline"))
        upload = request.files.get("signed_copy")
        quote_mail.record_offline_answer(
            db.session, number, quote, approve=decision == "approve",
            via=schemas.choice(form, "via", quote_mail.OFFLINE_VIA),
            comment=form.get("comment", ""),
            signed_copy=(upload.filename, upload.mimetype, upload.read())
            if upload and upload.filename else None,
            max_bytes=current_app.config["DEPOT_MAX_IMAGE_BYTES"],
            max_pixels=current_app.config["DEPOT_MAX_IMAGE_PIXELS"], ip=request.remote_addr,
            user_agent=request.user_agent.string, actor=current_actor(), now=now(),
            tz=settings().tz)
    except DepotError as error:
        db.session.rollback()
        return _refused(number, error)
    return _back(number, f"{quote}: {decision}")


@bp.post("/rmas/<number>/override")
@page_requires("overrides")
def override(number: str):
    """A supervisor's decision over the rules, with the reason the customer will be told."""
    form = request.form.to_dict()
    try:
        covered = {"yes": True, "no": False}.get(form.get("covered", ""))
        inspection.override(db.session, number, reason=form.get("reason", ""),
                            warranty=form.get("warranty") or None, covered=covered,
                            actor=current_actor(), now=now())
    except DepotError as error:
        db.session.rollback()
        return _refused(number, error)
    return _back(number, form.get("reason", ""))


@bp.post("/rmas/<number>/payments")
@page_requires("payments")
def add_payment(number: str):
    try:
        slip = None
        upload = request.files.get("slip")
        if upload and upload.filename:
            slip = prepare_photos([(upload.filename, upload.read())],
                                  max_bytes=current_app.config["DEPOT_MAX_IMAGE_BYTES"],
                                  max_pixels=current_app.config["DEPOT_MAX_IMAGE_PIXELS"])[0]
        form = request.form.to_dict()
        payments.record_payment(db.session, number, schemas.money(form, "amount"),
                                form.get("method", ""), form.get("reference", ""), slip=slip,
                                actor=current_actor(), now=now())
    except DepotError as error:
        return _refused(number, error)
    return _back(number, request.form.get("amount", ""))


def _lines_from_form() -> list:
    """Rows of the draft editor; rows left completely empty are ignored."""
    from depot.domain.pricing import make_line

    columns = [request.form.getlist(name) for name in
               ("kind", "description", "quantity", "unit_price")]
    lines = []
    for index, (kind, description, quantity, price) in enumerate(zip(*columns, strict=False)):
        if not description.strip() and not price.strip():
            continue
        try:
            lines.append(make_line(kind, description,
                                   schemas.decimal_value(quantity or "1", "quantity"),
                                   schemas.decimal_value(price, "unit_price")))
        except InvalidInputError as exc:
            exc.details["index"] = index
            exc.details["line"] = index + 1
            exc.template = "line %(line)s: " + exc.template
            raise
    return lines
