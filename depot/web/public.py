"""Customer pages: no account, a signed link from the email or the QR code on the quote PDF."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from depot import select_locale
from depot.domain.text import Reason
from depot.errors import DepotError
from depot.models import db
from depot.services import outbox, quote_mail, quoting
from depot.services.common import local_date
from depot.services.settings import DepotSettings
from depot.web.errors import status_of

bp = Blueprint("public", __name__)


def _settings() -> DepotSettings:
    return DepotSettings.from_config(current_app.config)


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


@bp.get("/q/<token>")
def quote_page(token: str):
    settings = _settings()
    quote = quoting.quote_by_token(db.session, settings.secret, token)
    refusal = quoting.refusal(quote, local_date(datetime.now(UTC), settings.tz))
    lang = select_locale()
    reasons = [Reason(r["code"], r.get("params", {})).text(lang)
               for r in (quote.rma.damage_reasons or []) + (quote.rma.coverage_reasons or [])]
    return render_template("public/quote.html", quote=quote, rma=quote.rma, token=token,
                           refusal=refusal, depot=settings.depot, reasons=reasons)


@bp.get("/q/<token>/quote.pdf")
def quote_pdf(token: str):
    settings = _settings()
    quote = quoting.quote_by_token(db.session, settings.secret, token)
    pdf = quote_mail.quote_pdf(db.session, quote.rma.number, quote.number, settings,
                               lang=select_locale())
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{quote.number}.pdf"'})


@bp.post("/q/<token>/approve")
def approve(token: str):
    return _answer(token, approve=True)


@bp.post("/q/<token>/decline")
def decline(token: str):
    return _answer(token, approve=False)


def _answer(token: str, *, approve: bool):
    """The link itself is the secret (it carries a signature only Depot can make), so these
    posts need no CSRF token: a forger would need the link, and with it could answer anyway."""
    settings = _settings()
    data = request.get_json(silent=True) if request.is_json else request.form
    comment = str((data or {}).get("comment") or "")[:2000]
    try:
        quote = quoting.quote_by_token(db.session, settings.secret, token)
        quote = quoting.answer_quote(
            db.session, quote.id,
            quoting.Answer(approve, comment, via="link", ip=request.remote_addr,
                           user_agent=request.user_agent.string),
            actor=None, now=datetime.now(UTC), tz=settings.tz)
    except DepotError as error:
        if _wants_json():
            return jsonify({"error": error.code, "message": error.message,
                            "details": {}}), status_of(error)
        return render_template("public/answered.html", error=error, quote=None,
                               depot=settings.depot), status_of(error)
    outbox.deliver_pending(db.session, settings.mail, now=datetime.now(UTC))
    if _wants_json():
        return jsonify({"status": quote.status, "quote": quote.number,
                        "rma": quote.rma.number, "answered_at":
                            quote.answered_at.isoformat().replace("+00:00", "Z")})
    return render_template("public/answered.html", error=None, quote=quote,
                           depot=settings.depot)
