"""A complaint's life cycle (投诉), the team each kind goes to, and what a resolution needs.

DESIGN.md 4b "Survey (回访) and complaints (投诉)": open --start--> in_progress,
open|in_progress --resolve--> resolved, resolved --reopen--> in_progress,
resolved --close--> closed. The table is data on the one machine shape (depot.domain.machine);
who may do which action and what a resolution must carry are data beside it.
"""
from __future__ import annotations

import enum

from depot.domain.machine import Machine, every
from depot.errors import InvalidInputError


class ComplaintStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


class ComplaintAction(enum.StrEnum):
    REGISTER = "register"  # not offered: a complaint is made by registering it
    START = "start"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    CLOSE = "close"


class ComplaintKind(enum.StrEnum):
    PRODUCT_QUALITY = "product_quality"
    PACKAGING_TRANSPORT = "packaging_transport"
    STAFF_CONDUCT = "staff_conduct"
    DAMAGE_VERDICT = "damage_verdict"
    OTHER = "other"


class Team(enum.StrEnum):
    ENGINEERING = "engineering"
    LOGISTICS = "logistics"
    CUSTOMER_SERVICE = "customer_service"
    SUPERVISOR = "supervisor"


class Channel(enum.StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    WEB = "web"
    SURVEY = "survey"
    VISIT = "visit"
    FAX = "fax"


class Outcome(enum.StrEnum):
    """How a dispute of the damage verdict (异议) ends."""

    UPHELD = "upheld"          # the verdict stands: nothing changes
    OVERTURNED = "overturned"  # the supervisor covers the repair
    GOODWILL = "goodwill"      # a new quote version with a discount


CS, CA, K = ComplaintStatus, ComplaintAction, ComplaintKind

ROUTES: dict[ComplaintKind, Team] = {
    K.PRODUCT_QUALITY: Team.ENGINEERING,
    K.PACKAGING_TRANSPORT: Team.LOGISTICS,
    K.STAFF_CONDUCT: Team.CUSTOMER_SERVICE,
    K.DAMAGE_VERDICT: Team.SUPERVISOR,
    K.OTHER: Team.CUSTOMER_SERVICE,
}

TRANSITIONS: dict[tuple[ComplaintStatus | None, ComplaintAction], ComplaintStatus] = {
    (None, CA.REGISTER): CS.OPEN,
    (CS.OPEN, CA.START): CS.IN_PROGRESS,
    **every((CS.OPEN, CS.IN_PROGRESS), CA.RESOLVE, CS.RESOLVED),
    (CS.RESOLVED, CA.REOPEN): CS.IN_PROGRESS,
    (CS.RESOLVED, CA.CLOSE): CS.CLOSED,
}

COMPLAINT = Machine("a complaint", ComplaintStatus, ComplaintAction, TRANSITIONS,
                    offered=frozenset({CA.START, CA.RESOLVE, CA.REOPEN, CA.CLOSE}),
                    refused="cannot %(action)s a complaint that is %(status)s")
COMPLAINT.check()

# Actions only a supervisor or an admin may take (the permission `complaints.manage`).
MANAGED_ACTIONS = frozenset({CA.REOPEN, CA.CLOSE})
# Kinds whose resolution only a supervisor or an admin may give, with an outcome.
MANAGED_KINDS = frozenset({K.DAMAGE_VERDICT})
# The statuses a team's queue shows: what is still to be done.
OPEN_STATUSES = (CS.OPEN, CS.IN_PROGRESS)
# A survey answer with a score at most this registers a complaint.
COMPLAINT_SCORE = 2


def team_for(kind: ComplaintKind) -> Team:
    return ROUTES[kind]


def needs_manager(action: ComplaintAction, kind: ComplaintKind) -> bool:
    """Whether `action` on a complaint of `kind` is a supervisor's or an admin's."""
    return action in MANAGED_ACTIONS or (action is CA.RESOLVE and kind in MANAGED_KINDS)


def parse_kind(value: object) -> ComplaintKind:
    try:
        return ComplaintKind(str(value))
    except ValueError:
        raise InvalidInputError("%(field)s must be one of %(known)s", code="invalid_field",
                                field="kind", known=[k.value for k in ComplaintKind]) from None


def parse_channel(value: object) -> Channel:
    try:
        return Channel(str(value))
    except ValueError:
        raise InvalidInputError("%(field)s must be one of %(known)s", code="invalid_field",
                                field="channel", known=[c.value for c in Channel]) from None


def resolution(kind: ComplaintKind, note: str, outcome: str | None) -> Outcome | None:
    """What a resolution records: a note is always needed; a dispute of the damage verdict
    also needs its outcome (another kind's outcome is not asked and not kept)."""
    if not note.strip():
        raise InvalidInputError("a resolution needs a note saying what was done",
                                code="missing_field", field="note")
    if kind not in MANAGED_KINDS:
        return None
    if not outcome:
        raise InvalidInputError("resolving a dispute of the damage verdict needs an outcome: "
                                "%(known)s", code="missing_field", field="outcome",
                                known=[o.value for o in Outcome])
    try:
        return Outcome(outcome)
    except ValueError:
        raise InvalidInputError("%(field)s must be one of %(known)s", code="invalid_field",
                                field="outcome", known=[o.value for o in Outcome]) from None


def wants_complaint(score: int) -> bool:
    """A survey score of 1 or 2 registers a complaint."""
    return score <= COMPLAINT_SCORE
