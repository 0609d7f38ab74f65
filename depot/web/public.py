"""Customer pages: no account, a signed link from the email or the QR code on the quote PDF."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from depot.errors import DepotError
from depot.extensions import db
from depot.i18n import stored_reasons_text
from depot.models import Quote
from depot.services import quote_mail, quoting
from depot.services.common import local_date
from depot.web import schemas
from depot.web.common import lang, now, origin, pdf_response, settings, today
from depot.web.errors import error_json, page
from depot.web.schemas import bodies

bp = Blueprint("public", __name__)


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


@bp.get("/q/<token>")
def quote_page(token: str):
    config = settings()
    quote = quoting.quote_by_token(db.session, config.secret, token)
    refusal = quoting.refusal(quote, today())
    reasons = stored_reasons_text((quote.rma.damage_reasons or [])
                                  + (quote.rma.coverage_reasons or []), lang(), customer=True)
    return render_template("public/quote.html", quote=quote, rma=quote.rma, token=token,
                           refusal=refusal, depot=config.depot, reasons=reasons,
                           answered_on=_answered_on(quote))


@bp.get("/q/<token>/quote.pdf")
def quote_pdf(token: str):
    config = settings()
    quote = quoting.quote_by_token(db.session, config.secret, token)
    pdf = quote_mail.quote_pdf(db.session, quote.rma.number, quote.number, config,
                               lang=lang())
    return pdf_response(pdf, f"{quote.number}.pdf")


@bp.post("/q/<token>/approve")
def approve(token: str):
    return _answer(token, approve=True)


@bp.post("/q/<token>/decline")
def decline(token: str):
    return _answer(token, approve=False)


def _answer(token: str, *, approve: bool):
    """The link itself is the secret (it carries a signature only Depot can make), so these
    posts need no CSRF token: a forger would need the link, and with it could answer anyway."""
    config = settings()
    quote: Quote | None = None
    try:
        data, form = schemas.read_body(form=True, optional=True)
        answer = schemas.parse(bodies.AnswerIn, data, form=form)
        quote = quoting.quote_by_token(db.session, config.secret, token)
        quote = quoting.answer_quote(
            db.session, quote.id,
            quoting.Answer(approve, answer.comment, via="link", ip=request.remote_addr,
                           user_agent=request.user_agent.string),
            actor=None, now=now(), tz=config.tz, origin=origin())
    except DepotError as error:
        if _wants_json():
            return error_json(error)
        return page(render_template("public/answered.html", error=error, quote=quote,
                                    answered_on=_answered_on(quote), depot=config.depot), error)
    if _wants_json():
        return jsonify({"status": quote.status, "quote": quote.number,
                        "rma": quote.rma.number, "answered_at":
                            quote.answered_at.isoformat().replace("+00:00", "Z")})
    return render_template("public/answered.html", error=None, quote=quote,
                           depot=config.depot)


def _answered_on(quote: Quote | None) -> str:
    """The day the quote was answered, in the depot's zone ("" if it was not)."""
    if quote is None or quote.answered_at is None:
        return ""
    return local_date(quote.answered_at, settings().tz).isoformat()
