"""Quote and payment API: draft, edit, send, PDF, offline answers, payments."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from depot.errors import InvalidInputError
from depot.extensions import db
from depot.services import payments, quote_mail, quoting
from depot.services.common import get_rma
from depot.services.intake import prepare_photos
from depot.web import schemas, serialize
from depot.web.api.shapes import rma_json
from depot.web.auth import current_actor, requires
from depot.web.common import json_body, lang, now, pdf_response, settings

bp = Blueprint("quotes", __name__)


@bp.post("/rmas/<number>/quotes")
@requires("quotes.create")
def post_quote(number: str):
    data = schemas.body_object(json_body() if request.data else {})
    quote = quoting.create_quote(
        db.session, number, schemas.quote_lines(data), tax_rate=schemas.tax_rate(data),
        policy=settings().pricing, actor=current_actor(), now=now(), tz=settings().tz)
    return jsonify(serialize.quote(quote)), 201


@bp.get("/rmas/<number>/quotes/<quote>")
@requires("rmas.read")
def get_quote(number: str, quote: str):
    return jsonify(serialize.quote(quoting.get_quote(db.session, number, quote)))


@bp.put("/rmas/<number>/quotes/<quote>")
@requires("quotes.create")
def put_quote(number: str, quote: str):
    data = schemas.body_object(json_body())
    lines = schemas.quote_lines(data)
    if lines is None:
        raise InvalidInputError("lines are required", code="missing_field", field="lines")
    updated = quoting.update_draft(db.session, number, quote, lines,
                                   tax_rate=schemas.tax_rate(data), actor=current_actor(),
                                   now=now())
    return jsonify(serialize.quote(updated))


@bp.post("/rmas/<number>/quotes/<quote>/send")
@requires("quotes.send")
def post_quote_send(number: str, quote: str):
    sent, emailed = quote_mail.send_quote(db.session, number, quote, settings(),
                                          actor=current_actor(), now=now())
    body = {**serialize.quote(sent), "emailed": emailed, "rma": rma_json(sent.rma)}
    return jsonify(body)


@bp.get("/rmas/<number>/quotes/<quote>.pdf")
@requires("rmas.read")
def get_quote_pdf(number: str, quote: str):
    pdf = quote_mail.quote_pdf(db.session, number, quote, settings(), lang=lang())
    return pdf_response(pdf, f"{quote}.pdf")


@bp.post("/rmas/<number>/quotes/<quote>/answer")
@requires("quotes.send")
def post_offline_answer(number: str, quote: str):
    """The customer answered by phone, fax or a signed paper: staff record it, with the copy."""
    form = request.form if request.form or request.files else schemas.body_object(json_body())
    signed = request.files.get("signed_copy")
    answered = quote_mail.record_offline_answer(
        db.session, number, quote,
        approve=schemas.choice(form, "decision", ("approve", "decline")) == "approve",
        via=schemas.choice(form, "via", quote_mail.OFFLINE_VIA),
        comment=str(form.get("comment") or ""),
        signed_copy=(signed.filename or "", signed.mimetype, signed.read()) if signed else None,
        max_bytes=current_app.config["DEPOT_MAX_IMAGE_BYTES"],
        max_pixels=current_app.config["DEPOT_MAX_IMAGE_PIXELS"], ip=request.remote_addr,
        user_agent=request.user_agent.string, actor=current_actor(), now=now(),
        tz=settings().tz)
    return jsonify({**serialize.quote(answered), "rma": rma_json(answered.rma)})


@bp.post("/rmas/<number>/payments")
@requires("payments")
def post_payment(number: str):
    form = request.form if request.form or request.files else schemas.body_object(json_body())
    slip = None
    if request.files.get("slip"):
        upload = request.files["slip"]
        slip = prepare_photos([(upload.filename or "slip", upload.read())],
                              max_bytes=current_app.config["DEPOT_MAX_IMAGE_BYTES"],
                              max_pixels=current_app.config["DEPOT_MAX_IMAGE_PIXELS"])[0]
    payment = payments.record_payment(
        db.session, number, schemas.money(dict(form), "amount"),
        schemas.text(dict(form), "method", max_len=30),
        schemas.text(dict(form), "reference", required=False, max_len=200),
        slip=slip, actor=current_actor(), now=now())
    return jsonify({**serialize.payment(payment),
                    "rma": rma_json(get_rma(db.session, number))}), 201
