"""The bodies and queries of complaints (投诉) and the survey (回访)."""
from __future__ import annotations

from pydantic import Field

from depot.services import disputes

from depot.domain.complaints import (
    Channel,
    ComplaintAction,
    ComplaintKind,
    ComplaintStatus,
    Outcome,
    Team,
)
from depot.models import Complaint, ComplaintEvent, QuoteLineRow, Rma, Survey, Unit
from depot.models.complaints import COMMENT_CAP, DESCRIPTION_CAP
from depot.web.schemas.bodies import Body, CustomerIn
from depot.web.schemas.fields import Choice, Int, Text
from depot.web.schemas.number_fields import Money

KINDS = [k.value for k in ComplaintKind]
DISPUTE_CAP = disputes.COMMENT_CAP
ACTIONS = [a.value for a in ComplaintAction if a is not ComplaintAction.REGISTER]


class ComplaintIn(Body):
    kind: Choice(KINDS) = Field(description="routed to a team: product_quality → engineering, "
                                            "packaging_transport → logistics, staff_conduct → "
                                            "customer_service, damage_verdict → supervisor, "
                                            "other → customer_service")
    description: Text(Complaint.description, cap=DESCRIPTION_CAP, lines=True) = Field(
        description=f"what the customer said, at most {DESCRIPTION_CAP} characters (more: "
                    "422); kept as typed, HTML included, and shown escaped")
    channel: Choice([c.value for c in Channel])
    rma: Text(Rma.number, required=False) = Field(
        "", description="an RMA number: the complaint is linked to it and its unit")
    serial: Text(Unit.serial, required=False) = Field(
        "", description="a unit's serial (with `rma`: the RMA's unit, else 422)")
    customer: CustomerIn | None = Field(
        None, description="who complained; fields left out are the RMA's or unit's customer's")


class ComplaintActionIn(Body):
    action: Text(ComplaintEvent.action) = Field(json_schema_extra={"enum": ACTIONS})
    note: Text(ComplaintEvent.note, required=False, cap=DESCRIPTION_CAP, lines=True) = Field(
        "", description="required to resolve: what was done (the customer's email says it)")
    outcome: Choice([o.value for o in Outcome], required=False) = Field(
        None, description="required to resolve a damage_verdict complaint (supervisor, admin); "
                          "ignored for other kinds")
    discount: Money(QuoteLineRow.unit_price, minimum=None) | None = Field(
        None, description="with outcome goodwill: the amount of the discount line of the quote "
                          "version drafted (\"30.00\" or \"-30.00\", taken as a reduction; "
                          "none: 0.00, for the supervisor to set before sending); a discount "
                          "above the charges: 422 negative_total; ignored for other outcomes")


class ComplaintQuery(Body):
    team: Choice([t.value for t in Team], required=False) = None
    status: Choice([s.value for s in ComplaintStatus], required=False) = None
    kind: Choice(KINDS, required=False) = None


class SurveyIn(Body):
    """The customer's answer: a form post or JSON."""

    score: Int(Survey.score, 1, 5) = Field(description="1 to 5 stars")
    comment: Text(Survey.comment, required=False, cap=COMMENT_CAP, lines=True) = Field(
        "", description=f"at most {COMMENT_CAP} characters (more: 422)")
    issue: Choice(KINDS, required=False) = Field(
        None, description="what went wrong, a complaint kind; a score of 1 or 2 registers a "
                          "complaint of this kind (none: other)")


class StatusComplaintIn(Body):
    """The customer's complaint from the status page (a form post or JSON): what it is about and
    what happened; the RMA and the customer are the link's."""

    kind: Choice(KINDS) = Field(description="product_quality, packaging_transport, "
                                            "staff_conduct, damage_verdict or other")
    description: Text(Complaint.description, cap=COMMENT_CAP, lines=True) = Field(
        description=f"what happened, required, at most {COMMENT_CAP} characters (more: 422); "
                    "kept as typed, HTML included, and shown escaped")


class DisputeIn(Body):
    """The customer's dispute of the damage verdict through the quote link: a form post or
    JSON {"comment"}."""

    comment: Text(Complaint.description, cap=DISPUTE_CAP, lines=True) = Field(
        description=f"why the customer disagrees, required, at most {DISPUTE_CAP} characters "
                    "(more: 422); kept as typed, HTML included, and shown escaped")
