"""Customer pages: no account, a signed link from the email or the QR code on the quote PDF."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, redirect, render_template, request, url_for

from depot.errors import DepotError
from depot.extensions import db
from depot.i18n import stored_reasons_text
from depot.models import Quote
from depot.services import customer_status, disputes, quote_mail, quoting, surveys
from depot.services.links import status_token
from depot.services.common import local_date
from depot.web import schemas
from depot.web.common import (
    attachment_response,
    lang,
    now,
    origin,
    pdf_response,
    settings,
    today,
    word,
)
from depot.web.errors import created, error_json, page
from depot.web.ratelimit import public_limit
from depot.web.schemas import bodies, feedback

bp = Blueprint("public", __name__)

# Templates the status page includes under the repair's facts, in order, with its context
# (`rma_status`, `token`, `depot`): the place for the survey's and the complaint form's parts.
STATUS_PAGE_PARTS: list[str] = ["public/_status_complaint.html"]


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


@bp.get("/q/<token>")
@public_limit
def quote_page(token: str):
    config = settings()
    quote = quoting.quote_by_token(db.session, config.secret, token)
    return _quote_page(quote, token)


def _quote_page(quote: Quote, token: str, *, error: DepotError | None = None,
                disputed: bool = False, comment: str = ""):
    """The quote as its customer reads it: the lines, the inspection result with the evidence
    photos, the answer form, and the dispute form (or that the dispute is being reviewed)."""
    config = settings()
    refusal = quoting.refusal(quote, today())
    reasons = stored_reasons_text((quote.rma.damage_reasons or [])
                                  + (quote.rma.coverage_reasons or []), lang(), customer=True)
    html = render_template("public/quote.html", quote=quote, rma=quote.rma, token=token,
                           refusal=refusal, depot=config.depot, reasons=reasons,
                           answered_on=_answered_on(quote),
                           photos=len(quote.rma.evidence),
                           dispute=disputes.open_dispute(db.session, quote.rma),
                           disputed=disputed, dispute_error=error, comment=comment,
                           comment_cap=disputes.COMMENT_CAP)
    return page(html, error)


@bp.get("/q/<token>/photos/<int:position>")
@public_limit
def quote_photo(token: str, position: int):
    """An evidence photo of the quote's RMA, found through the signed link (never by id)."""
    photo = disputes.evidence_photo(db.session, settings(), token, position)
    return attachment_response(photo.data, photo.content_type, photo.filename)


@bp.post("/q/<token>/dispute")
@public_limit
def dispute(token: str):
    """The customer disagrees with the inspection result (对检测结论有异议): a form post or JSON
    {"comment"}. As for the answers, the signed link is the credential: no CSRF token."""
    config = settings()
    comment = ""
    try:
        data, form = schemas.read_body(form=True)
        if form and "dispute_comment" in data:
            # the page's field (the answer form beside it has its own `comment`)
            data = {"comment": data.pop("dispute_comment"), **data}
        if isinstance(data, dict) and isinstance(data.get("comment"), str):
            comment = _refill(data["comment"])
        body = schemas.parse(feedback.DisputeIn, data, form=form)
        complaint = disputes.dispute_quote(db.session, config, token, body.comment,
                                           ip=request.remote_addr, now=now(),
                                           origin=origin())
    except DepotError as error:
        g.public_failure = error.code  # a link that is not valid counts as a failed try
        if _wants_json():
            return error_json(error)
        try:
            quote = quoting.quote_by_token(db.session, config.secret, token)
        except DepotError:
            return page(render_template("public/answered.html", error=error, quote=None,
                                        answered_on="", depot=config.depot), error)
        return _quote_page(quote, token, error=error, comment=comment)
    if _wants_json():
        return created({"complaint": complaint.number, "kind": complaint.kind,
                        "status": complaint.status, "rma": complaint.rma.number,
                        "rma_status": complaint.rma.status})
    quote = quoting.quote_by_token(db.session, config.secret, token)
    return _quote_page(quote, token, disputed=True)


def _refill(text: str) -> str:
    """What the customer typed, to show again in a refused form: cut to the cap, and only if
    it can be written out at all (a lone surrogate cannot)."""
    text = text[:disputes.COMMENT_CAP].replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return ""
    return text


@bp.get("/q/<token>/quote.pdf")
@public_limit
def quote_pdf(token: str):
    config = settings()
    quote = quoting.quote_by_token(db.session, config.secret, token)
    pdf = quote_mail.quote_pdf(db.session, quote.rma.number, quote.number, config,
                               lang=lang())
    return pdf_response(pdf, f"{quote.number}.pdf")


@bp.post("/q/<token>/approve")
@public_limit
def approve(token: str):
    return _answer(token, approve=True)


@bp.post("/q/<token>/decline")
@public_limit
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


@bp.get("/s/<token>")
@public_limit
def status_page(token: str):
    """The repair's status from the signed link in every mail: no account, no staff names."""
    config = settings()
    try:
        seen = customer_status.by_token(db.session, config, token, today=today())
    except DepotError as error:
        if _wants_json():
            return error_json(error)
        return page(render_template("public/status_lookup.html", depot=config.depot,
                                    error=error, number="", link_error=True), error)
    if _wants_json():
        return jsonify(status_json(seen))
    return render_template("public/status.html", rma_status=seen, token=token,
                           depot=config.depot, parts=STATUS_PAGE_PARTS,
                           kinds=feedback.KINDS, complaint=None, complaint_error=None,
                           typed={})


@bp.post("/s/<token>/complaint")
@public_limit
def status_complaint(token: str):
    """The customer's complaint from the status page: a form post or JSON {"kind",
    "description"}. The signed link is the credential (no CSRF token), as for the quote."""
    config = settings()
    typed: dict = {}
    try:
        data, form = schemas.read_body(form=True)
        if isinstance(data, dict):
            typed = {k: _refill(v) for k, v in data.items() if isinstance(v, str)}
        body = schemas.parse(feedback.StatusComplaintIn, data, form=form)
        complaint = customer_status.complain(db.session, config, token, kind=body.kind,
                                             description=body.description, today=today(),
                                             now=now(), origin=origin())
    except DepotError as error:
        g.public_failure = error.code  # a link that is not valid counts as a failed try
        if _wants_json():
            return error_json(error)
        try:
            seen = customer_status.by_token(db.session, config, token, today=today())
        except DepotError:
            return page(render_template("public/status_lookup.html", depot=config.depot,
                                        error=error, number="", link_error=True), error)
        return page(render_template("public/status.html", rma_status=seen, token=token,
                                    depot=config.depot, parts=STATUS_PAGE_PARTS,
                                    kinds=feedback.KINDS, complaint=None,
                                    complaint_error=error, typed=typed), error)
    if _wants_json():
        return created({"complaint": complaint.number, "kind": complaint.kind,
                        "status": complaint.status, "rma": complaint.rma.number})
    seen = customer_status.by_token(db.session, config, token, today=today())
    return render_template("public/status.html", rma_status=seen, token=token,
                           depot=config.depot, parts=STATUS_PAGE_PARTS, kinds=feedback.KINDS,
                           complaint=complaint, complaint_error=None, typed={})


@bp.get("/status")
@public_limit
def status_lookup():
    return render_template("public/status_lookup.html", depot=settings().depot, error=None,
                           number=request.args.get("number", "")[:40], link_error=False)


@bp.post("/status")
@public_limit
def status_lookup_post():
    """The form: the RMA number and the last 4 digits of the phone; a match goes to the
    status link's page, anything else stays on the form with one sentence for every miss."""
    config = settings()
    number = request.form.get("number", "")[:40]
    try:
        body = schemas.parse(bodies.StatusLookupIn, request.form.to_dict(), form=True)
        seen = customer_status.by_number(db.session, config, body.number, body.phone_last4,
                                         today=today())
    except DepotError as error:
        return page(render_template("public/status_lookup.html", depot=config.depot,
                                    error=error, number=number, link_error=False), error)
    return redirect(url_for("public.status_page",
                            token=status_token(config.secret, seen.number)), code=303)


def status_json(seen: customer_status.CustomerStatus) -> dict:
    """The contract's answer, `status_text` in the reader's language."""
    return {**seen.json(), "status_text": word("customer_status", seen.status)}


def _survey_page(error: DepotError | None = None, survey=None):
    html = render_template("public/survey.html", error=error, survey=survey,
                           depot=settings().depot, token=request.view_args.get("token"),
                           kinds=feedback.KINDS)
    return page(html, error)


@bp.get("/survey/<token>")
@public_limit
def survey_page(token: str):
    try:
        survey = surveys.survey_by_token(db.session, settings().secret, token)
    except DepotError as error:
        g.public_failure = error.code
        if _wants_json():
            return error_json(error)
        return _survey_page(error)
    return _survey_page(survey=survey)


@bp.post("/survey/<token>")
@public_limit
def answer_survey(token: str):
    """A form post or JSON {"score": 1..5, "comment", "issue"?}. Like the quote's answer, the
    signed link is the credential: no CSRF token."""
    config = settings()
    try:
        data, form = schemas.read_body(form=True)
        body = schemas.parse(feedback.SurveyIn, data, form=form)
        survey = surveys.answer_survey(
            db.session, config.secret, token,
            surveys.SurveyAnswer(body.score, body.comment, body.issue, request.remote_addr),
            now=now(), settings=config, origin=origin())
    except DepotError as error:
        g.public_failure = error.code
        if _wants_json():
            return error_json(error)
        return _survey_page(error)
    if _wants_json():
        return jsonify({"rma": survey.rma.number, "score": survey.score,
                        "answered_at": survey.answered_at.isoformat().replace("+00:00", "Z"),
                        "complaint": survey.complaint.number if survey.complaint else None})
    return render_template("public/survey.html", error=None, survey=survey, thanks=True,
                           depot=config.depot, token=token, kinds=feedback.KINDS)
