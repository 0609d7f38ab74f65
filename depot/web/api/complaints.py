"""Complaints API (投诉): register, list by team, status and kind, read, act."""
from __future__ import annotations

from depot.extensions import db
from depot.services import complaints
from depot.web import serialize
from depot.web.api.registry import Area
from depot.web.auth import current_actor
from depot.web.common import now, origin, settings, today
from depot.web.errors import created
from depot.web.schemas import feedback

area = Area("complaints")
bp = area.bp


def complainant(body: feedback.ComplaintIn) -> complaints.ComplainantInput | None:
    c = body.customer
    return complaints.ComplainantInput(c.name, c.phone, c.email, c.address) if c else None


def complaint_json(complaint) -> dict:
    age = complaints.ages(db.session, [complaint], today(), settings().tz)[complaint.id]
    return serialize.complaint(complaint, age=age)


@area.post("/complaints", "Register a complaint", permissions=("complaints",),
           body=feedback.ComplaintIn, answers=("created",),
           description="Answers 201 {number: CMP-YYYY-NNNNNN (gap-free per year), kind, team, "
                       "status: open, channel, rma, serial, customer {name, phone, email, "
                       "address}, description, holder, events, …}. The team follows the kind. "
                       "An unknown RMA or serial is 404; an RMA of another unit than `serial` "
                       "422 rma_serial_mismatch.")
def post_complaint(body: feedback.ComplaintIn):
    complaint = complaints.register_complaint(
        db.session, kind=body.kind, description=body.description, channel=body.channel,
        rma=body.rma, serial=body.serial, customer=complainant(body), actor=current_actor(),
        now=now(), tz=settings().tz, origin=origin())
    return created(complaint_json(complaint))


@area.get("/complaints", "List complaints by team, status and kind",
          permissions=("complaints",), query=feedback.ComplaintQuery,
          description="Answers {complaints: [complaint without events]}, newest first, at "
                      f"most {complaints.LIST_LIMIT}, each with age_working_days (China "
                      "calendar) and holder (who started it).")
def get_complaints(query: feedback.ComplaintQuery):
    found = complaints.list_complaints(db.session, team=query.team or "",
                                       status=query.status or "", kind=query.kind or "",
                                       newest_first=True)
    ages = complaints.ages(db.session, found, today(), settings().tz)
    return {"complaints": [serialize.complaint(c, age=ages[c.id], with_events=False)
                           for c in found]}


@area.get("/complaints/<number>", "A complaint with its events", permissions=("complaints",),
          description="events: [{action, from_status, to_status, actor, at, note, outcome, "
                      "via}], one per change.")
def get_complaint(number: str):
    return complaint_json(complaints.get_complaint(db.session, number))


@area.post("/complaints/<number>/actions", "Start, resolve, reopen or close a complaint",
           permissions=("complaints",), body=feedback.ComplaintActionIn,
           description="open → start → in_progress; open|in_progress → resolve → resolved "
                       "(note required, 422 without; the customer is emailed); resolved → "
                       "reopen → in_progress; resolved → close → closed. Not allowed from "
                       "the "
                       "status: 409; unknown action: 422; reopen, close and resolving a "
                       "damage_verdict complaint (outcome upheld, overturned or goodwill "
                       "required): supervisor, admin (403 otherwise). Outcome goodwill drafts "
                       "the next quote version with the open one's lines plus one discount "
                       "line of `discount` (409 no_open_quote without a quote waiting for "
                       "the answer); send it with the usual send call.")
def post_complaint_action(number: str, body: feedback.ComplaintActionIn):
    complaint = complaints.apply_action(
        db.session, number, body.action, note=body.note, outcome=body.outcome,
        settings=settings(), actor=current_actor(), now=now(), origin=origin(),
        discount=body.discount)
    return complaint_json(complaint)
