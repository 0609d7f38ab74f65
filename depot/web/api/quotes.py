"""Quote and payment API: draft, edit, send, PDF, offline answers, payments."""
from __future__ import annotations

from flask import current_app, request

from depot.extensions import db
from depot.i18n import translate
from depot.services import payments, quote_mail, quoting
from depot.services.common import get_rma
from depot.services.intake import prepare_photos
from depot.web import serialize
from depot.web.api.registry import JSON, MULTIPART, Area
from depot.web.api.shapes import rma_json
from depot.web.auth import current_actor
from depot.web.common import lang, now, origin, pdf_response, settings
from depot.web.errors import created
from depot.web.schemas import bodies, file_name

area = Area("quotes")
bp = area.bp


@area.post("/rmas/<number>/quotes", "Draft a quote (no lines: Depot proposes them)",
           permissions=("quotes.create",), body=bodies.QuoteIn, body_optional=True,
           answers=("created",))
def post_quote(number: str, body: bodies.QuoteIn):
    lines = bodies.quote_lines(body.lines) if body.lines is not None else None
    quote = quoting.create_quote(
        db.session, number, lines, tax_rate=body.tax_rate, policy=settings().pricing,
        actor=current_actor(), now=now(), tz=settings().tz, origin=origin())
    return created(serialize.quote(quote))


@area.get("/rmas/<number>/quotes/<quote>", "A quote version", permissions=("rmas.read",))
def get_quote(number: str, quote: str):
    return serialize.quote(quoting.get_quote(db.session, number, quote))


@area.put("/rmas/<number>/quotes/<quote>", "Replace the lines of a draft",
          permissions=("quotes.create",), body=bodies.QuoteEdit)
def put_quote(number: str, quote: str, body: bodies.QuoteEdit):
    updated = quoting.update_draft(db.session, number, quote, bodies.quote_lines(body.lines),
                                   tax_rate=body.tax_rate, actor=current_actor(), now=now(),
                                   origin=origin())
    return serialize.quote(updated)


@area.post("/rmas/<number>/quotes/<quote>/send", "Send the quote to the customer",
           permissions=("quotes.send",), body=bodies.QuoteSend, body_optional=True,
           description="The PDF is emailed with the customer's link; the RMA awaits approval. "
                       "With `lines` (and `tax_rate`) the draft takes them first, in the same "
                       "transaction; with `total`, a quote whose total is another is not sent "
                       "(409 `total_changed`, `details.total` the quote's).")
def post_quote_send(number: str, quote: str, body: bodies.QuoteSend):
    lines = bodies.quote_lines(body.lines) if body.lines is not None else None
    sent, emailed = quote_mail.send_quote(db.session, number, quote, settings(),
                                          actor=current_actor(), now=now(), origin=origin(),
                                          lines=lines, tax_rate=body.tax_rate,
                                          shown_total=body.total)
    body = {**serialize.quote(sent), "emailed": emailed, "rma": rma_json(sent.rma)}
    return body


@area.get("/rmas/<number>/quotes/<quote>.pdf", "The quote PDF", permissions=("rmas.read",),
          produces="application/pdf")
def get_quote_pdf(number: str, quote: str):
    pdf = quote_mail.quote_pdf(db.session, number, quote, settings(), lang=lang())
    return pdf_response(pdf, f"{quote}.pdf")


@area.post("/rmas/<number>/quotes/<quote>/answer",
           "Record the customer's answer given by phone, fax or on paper",
           permissions=("quotes.send",), body=bodies.OfflineAnswerIn,
           content=(JSON, MULTIPART), files=("signed_copy",))
def post_offline_answer(number: str, quote: str, body: bodies.OfflineAnswerIn):
    signed = request.files.get("signed_copy")
    answered = quote_mail.record_offline_answer(
        db.session, number, quote, approve=body.decision == "approve", via=body.via,
        comment=body.comment,
        signed_copy=(file_name(signed, "signed_copy", "signed.pdf"), signed.mimetype,
                     signed.read()) if signed else None,
        max_bytes=current_app.config["DEPOT_MAX_IMAGE_BYTES"],
        max_pixels=current_app.config["DEPOT_MAX_IMAGE_PIXELS"], ip=request.remote_addr,
        user_agent=request.user_agent.string, actor=current_actor(), now=now(),
        tz=settings().tz, origin=origin())
    return {**serialize.quote(answered), "rma": rma_json(answered.rma)}


@area.post("/rmas/<number>/payments", "Record a payment (with a photo of the slip)",
           permissions=("payments",), body=bodies.PaymentIn, content=(JSON, MULTIPART),
           files=("slip",), answers=("created",))
def post_payment(number: str, body: bodies.PaymentIn):
    slip = None
    if request.files.get("slip"):
        upload = request.files["slip"]
        slip = prepare_photos([(file_name(upload, "slip", "slip"), upload.read())],
                              max_bytes=current_app.config["DEPOT_MAX_IMAGE_BYTES"],
                              max_pixels=current_app.config["DEPOT_MAX_IMAGE_PIXELS"])[0]
    payment = payments.record_payment(db.session, number, body.amount, body.method,
                                      body.reference, slip=slip, actor=current_actor(),
                                      now=now(), origin=origin(),
                                      accept_overpayment=body.accept_overpayment)
    warnings = [translate(lang(), payments.CREDIT_WARNING, credit=f"{payment.credit:.2f}")
                ] if payment.credit > 0 else []
    return created({**serialize.payment(payment), "warnings": warnings,
                    "rma": rma_json(get_rma(db.session, number))})


@area.post("/rmas/<number>/payments/<int:payment_id>/void",
           "Void a payment recorded by mistake (supervisor, with a reason)",
           permissions=("payments.void",), body=bodies.VoidPaymentIn,
           description="The payment is kept with voided_at and void_reason and no longer "
                       "counts towards what was paid; the RMA's history gets a void_payment "
                       "event. Voiding it again: 409 payment_voided.")
def post_void_payment(number: str, payment_id: int, body: bodies.VoidPaymentIn):
    payment = payments.void_payment(db.session, number, payment_id, body.reason,
                                    actor=current_actor(), now=now(), origin=origin())
    return {**serialize.payment(payment), "rma": rma_json(get_rma(db.session, number))}
