"""Complaint pages for staff (投诉): each team's queue with ages and holders, the register form
(a phone call, a fax, a visit), and one complaint with its history and action forms. Plain
server-rendered forms, CSRF-protected, usable by keyboard alone."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from depot.domain.complaints import (
    OPEN_STATUSES,
    Channel,
    ComplaintKind,
    ComplaintStatus,
    Outcome,
    Team,
    needs_manager,
    team_for,
)
from depot.domain.complaints import COMPLAINT as MACHINE
from depot.domain.roles import may
from depot.errors import DepotError
from depot.extensions import db
from depot.i18n import N_
from depot.services import complaints
from depot.web import schemas
from depot.web.auth import current_actor, page_requires
from depot.web.common import lang, now, origin, settings, today, word
from depot.web.errors import page
from depot.web.schemas import feedback
from depot.words import sentence

bp = Blueprint("complaint_pages", __name__)

REGISTERED = N_("Complaint %(number)s registered for the %(team)s team.")
MOVED = N_("Complaint %(number)s is now %(status)s.")
CUSTOMER_FIELDS = ("name", "phone", "email", "address")
# The channels staff register a complaint by (a survey or the customer's pages register theirs).
STAFF_CHANNELS = (Channel.PHONE, Channel.FAX, Channel.VISIT, Channel.EMAIL)


@bp.get("/complaints")
@page_requires("complaints")
def queue():
    """A team's queue (every team's without ?team=): open and in progress unless ?status=."""
    team = request.args.get("team", "")
    status = request.args.get("status", "")
    error = None
    try:
        query = schemas.parse(feedback.ComplaintQuery, request.args.to_dict(), form=True)
        found = complaints.list_complaints(db.session, team=query.team or "",
                                           status=query.status or "", kind=query.kind or "",
                                           statuses=OPEN_STATUSES)
    except DepotError as exc:
        error, found = exc, []
    ages = complaints.ages(db.session, found, today(), settings().tz)
    return page(render_template("complaints.html", complaints=found, ages=ages, team=team,
                                status=status, teams=[t.value for t in Team],
                                statuses=[s.value for s in ComplaintStatus], error=error,
                                tz=settings().tz), error)


def _form_page(error: DepotError | None = None, form: dict | None = None):
    return page(render_template("complaint_new.html", error=error,
                                form=form or request.args.to_dict(),
                                kinds=[k.value for k in ComplaintKind],
                                routes={k.value: team_for(k).value for k in ComplaintKind},
                                channels=[c.value for c in STAFF_CHANNELS]), error)


@bp.get("/complaints/new")
@page_requires("complaints")
def new_complaint():
    return _form_page()


@bp.post("/complaints/new")
@page_requires("complaints")
def register():
    form = request.form.to_dict()
    data = {k: v for k, v in form.items() if not k.startswith("customer_")}
    given = {f: form.get(f"customer_{f}", "") for f in CUSTOMER_FIELDS}
    if any(v.strip() for v in given.values()):
        data["customer"] = given
    try:
        body = schemas.parse(feedback.ComplaintIn, data, form=True)
        customer = body.customer
        complaint = complaints.register_complaint(
            db.session, kind=body.kind, description=body.description, channel=body.channel,
            rma=body.rma, serial=body.serial,
            customer=complaints.ComplainantInput(customer.name, customer.phone, customer.email,
                                                 customer.address) if customer else None,
            actor=current_actor(), now=now(), tz=settings().tz, origin=origin())
    except DepotError as error:
        return _form_page(error, form)
    flash(sentence(lang(), REGISTERED, {"number": complaint.number,
                                        "team": word("team", complaint.team)}), "ok")
    return redirect(url_for("complaint_pages.complaint_page", number=complaint.number))


@bp.get("/complaints/<number>")
@page_requires("complaints")
def complaint_page(number: str, *, error: DepotError | None = None, form: dict | None = None):
    complaint = complaints.get_complaint(db.session, number)
    role = current_actor().role
    kind = ComplaintKind(complaint.kind)
    actions = [a.value for a in MACHINE.allowed(ComplaintStatus(complaint.status))
               if a in MACHINE.offered and (not needs_manager(a, kind)
                                             or may(role, complaints.MANAGE))]
    age = complaints.ages(db.session, [complaint], today(), settings().tz)[complaint.id]
    return page(render_template("complaint.html", complaint=complaint, actions=actions,
                                age=age, error=error, form=form or {}, tz=settings().tz,
                                outcomes=[o.value for o in Outcome],
                                needs_outcome=kind is ComplaintKind.DAMAGE_VERDICT), error)


@bp.post("/complaints/<number>/actions")
@page_requires("complaints")
def act(number: str):
    try:
        body = schemas.parse(feedback.ComplaintActionIn, request.form.to_dict(), form=True)
        complaint = complaints.apply_action(
            db.session, number, body.action, note=body.note, outcome=body.outcome,
            settings=settings(), actor=current_actor(), now=now(), origin=origin())
    except DepotError as error:
        return complaint_page.__wrapped__(number, error=error, form=request.form.to_dict())
    flash(sentence(lang(), MOVED, {"number": complaint.number,
                                   "status": word("complaint_status", complaint.status)}), "ok")
    return redirect(url_for("complaint_pages.complaint_page", number=complaint.number))
