"""The complaint machine (投诉), routing by kind and what a resolution needs: pure domain."""
from __future__ import annotations

import itertools

import pytest

from depot.domain.complaints import (
    COMPLAINT,
    Channel,
    ComplaintAction,
    ComplaintKind,
    ComplaintStatus,
    Outcome,
    Team,
    needs_manager,
    parse_channel,
    parse_kind,
    resolution,
    team_for,
    wants_complaint,
)
from depot.errors import InvalidInputError, InvalidTransitionError

CS, CA, K = ComplaintStatus, ComplaintAction, ComplaintKind

LEGAL = {
    (CS.OPEN, CA.START): CS.IN_PROGRESS,
    (CS.OPEN, CA.RESOLVE): CS.RESOLVED,
    (CS.IN_PROGRESS, CA.RESOLVE): CS.RESOLVED,
    (CS.RESOLVED, CA.REOPEN): CS.IN_PROGRESS,
    (CS.RESOLVED, CA.CLOSE): CS.CLOSED,
}
PEOPLES_ACTIONS = [CA.START, CA.RESOLVE, CA.REOPEN, CA.CLOSE]


@pytest.mark.parametrize(("kind", "team"), [
    ("product_quality", "engineering"), ("packaging_transport", "logistics"),
    ("staff_conduct", "customer_service"), ("damage_verdict", "supervisor"),
    ("other", "customer_service")])
def test_each_kind_goes_to_its_team(kind, team):
    assert team_for(parse_kind(kind)) is Team(team)


def test_every_kind_has_a_team():
    assert {team_for(k) for k in K} == set(Team)


@pytest.mark.parametrize(("move", "target"), list(LEGAL.items()))
def test_the_legal_moves(move, target):
    assert COMPLAINT.next_status(*move) is target


ILLEGAL = [(s, a) for s, a in itertools.product(CS, PEOPLES_ACTIONS) if (s, a) not in LEGAL]


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_every_other_move_is_refused_naming_what_is_allowed(status, action):
    with pytest.raises(InvalidTransitionError) as refused:
        COMPLAINT.next_status(status, action)
    assert refused.value.code == "invalid_transition"
    assert refused.value.details["status"] == status.value
    assert refused.value.details["allowed"] == [a.value for (s, a) in LEGAL if s == status]


def test_a_closed_complaint_allows_nothing():
    assert COMPLAINT.allowed(CS.CLOSED) == []
    assert len(ILLEGAL) == 4 * 4 - len(LEGAL)


def test_registering_makes_an_open_complaint_and_only_once():
    assert COMPLAINT.next_status(None, CA.REGISTER) is CS.OPEN
    with pytest.raises(InvalidTransitionError):
        COMPLAINT.next_status(CS.OPEN, CA.REGISTER)


def test_an_unknown_action_is_invalid_input():
    with pytest.raises(InvalidInputError) as refused:
        COMPLAINT.parse_action("escalate")
    assert refused.value.code == "unknown_action"


@pytest.mark.parametrize("value", ["", "refund", "PHONE ", "<b>x</b>"])
def test_unknown_kinds_and_channels_are_refused(value):
    with pytest.raises(InvalidInputError):
        parse_kind(value)
    with pytest.raises(InvalidInputError):
        parse_channel(value)


def test_the_channels_of_the_contract():
    assert {c.value for c in Channel} == {"phone", "email", "web", "survey", "visit", "fax"}


def test_reopen_close_and_a_verdicts_resolution_are_the_managers():
    assert needs_manager(CA.REOPEN, K.OTHER) and needs_manager(CA.CLOSE, K.PRODUCT_QUALITY)
    assert needs_manager(CA.RESOLVE, K.DAMAGE_VERDICT)
    assert not needs_manager(CA.RESOLVE, K.STAFF_CONDUCT)
    assert not needs_manager(CA.START, K.DAMAGE_VERDICT)


def test_a_resolution_needs_a_note():
    with pytest.raises(InvalidInputError) as refused:
        resolution(K.OTHER, "   ", None)
    assert refused.value.details["field"] == "note"
    assert resolution(K.OTHER, "called back, replaced the cable", "upheld") is None


def test_a_dispute_needs_its_outcome():
    with pytest.raises(InvalidInputError) as refused:
        resolution(K.DAMAGE_VERDICT, "looked again at the photos", None)
    assert refused.value.details["field"] == "outcome"
    with pytest.raises(InvalidInputError):
        resolution(K.DAMAGE_VERDICT, "looked again", "maybe")
    for outcome in ("upheld", "overturned", "goodwill"):
        assert resolution(K.DAMAGE_VERDICT, "looked again", outcome) is Outcome(outcome)


@pytest.mark.parametrize(("score", "complaint"), [(1, True), (2, True), (3, False), (5, False)])
def test_a_low_score_is_a_complaint(score, complaint):
    assert wants_complaint(score) is complaint
