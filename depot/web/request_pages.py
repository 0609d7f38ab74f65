"""Requests before shipping (pre-authorisation, DESIGN.md §4b): the customer's page /request
(a phone-sized form, no account), the slip behind the status link, and the staff's queue of
requests waiting for their unit, oldest first with their age in working days."""
from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, request

from depot.errors import DepotError, InvalidInputError
from depot.extensions import db
from depot.services import catalog, customer_status, requests
from depot.services.intake import Photo, prepare_photos
from depot.services.units import CustomerInput
from depot.web.auth import page_requires
from depot.web.common import lang, now, origin, pdf_response, settings, today, tz
from depot.web.errors import page
from depot.web.ratelimit import public_limit, request_limit
from depot.web.schemas import file_name, parse
from depot.web.schemas.requests import HONEYPOT, RequestForm

bp = Blueprint("requests", __name__)
FIELDS = ("serial", "model", "fault_description", "purchase_date", "name", "phone", "email",
          "address")


def _form(error: DepotError | None = None, typed: dict | None = None):
    models = [m for m in catalog.list_models(db.session) if not m.retired]
    html = render_template("public/request.html", depot=settings().depot, error=error,
                           typed=typed or {}, models=models, honeypot=HONEYPOT)
    return page(html, error)


@bp.get("/request")
@public_limit
def request_page():
    return _form()


@bp.post("/request")
@public_limit
@request_limit
def request_post():
    """The form (multipart: the proof photo is the file `proof`); CSRF as every form."""
    typed = {k: v[:2000].replace("\x00", "") for k, v in request.form.items() if k in FIELDS}
    try:
        body = parse(RequestForm, request.form.to_dict(), form=True)
        if body.website:
            raise InvalidInputError("this request cannot be taken", code="invalid_field",
                                    field=HONEYPOT)
        if not body.email:
            raise InvalidInputError("we mail the packing slip: please give your email address",
                                    code="missing_field", field="email")
        proof = _proof()
        made = requests.request_rma(
            db.session, requests.RequestInput(
                body.serial, body.fault_description,
                CustomerInput(body.name, body.phone, body.email, body.address, lang()),
                model=body.model or None, purchase_date=body.purchase_date),
            settings(), now=now(), proof=proof, origin=origin(), tz=tz())
    except DepotError as error:
        db.session.rollback()
        g.public_failure = error.code
        existing = error.details.get("status_url") if error.code == "open_rma_exists" else None
        return _form(error, {**typed, "existing_url": existing})
    token = made.status_url.rsplit("/", 1)[-1]
    return render_template("public/requested.html", depot=settings().depot, made=made,
                           token=token, send_by=requests.send_by(made.rma, settings()))


def _proof() -> Photo | None:
    upload = request.files.get("proof")
    if upload is None or not upload.filename:
        return None
    photos = prepare_photos([(file_name(upload, "proof", "proof"), upload.read())],
                            max_bytes=current_app.config["DEPOT_MAX_IMAGE_BYTES"],
                            max_pixels=current_app.config["DEPOT_MAX_IMAGE_PIXELS"])
    return photos[0]


@bp.get("/s/<token>/slip.pdf")
@public_limit
def slip(token: str):
    """The packing slip again, through the status link (the customer lost the mail)."""
    config = settings()
    seen = customer_status.by_token(db.session, config, token, today=today())
    pdf = requests.slip_pdf(db.session, seen.number, config, lang=lang())
    return pdf_response(pdf, f"{seen.number}-slip.pdf")


@bp.get("/requests")
@page_requires("rmas.read")
def queue():
    """Requests waiting for their unit: answer each within one working day."""
    rows = requests.queue(db.session, today=today())
    return render_template("requests.html", rows=rows, expire_days=settings().request_expire_days)
