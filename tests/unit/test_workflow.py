"""The RMA life cycle against a table written out by hand from DESIGN.md §3, not read from the
code's own table."""
from decimal import Decimal

import pytest

from depot.domain.workflow import (
    RMA,
    Action,
    RmaFacts,
    Status,
    allowed_actions,
    next_status,
    parse_action,
    waiting_for,
)
from depot.errors import InvalidInputError, InvalidTransitionError

S, A = Status, Action
COVERED = RmaFacts(covered=True)
UNPAID = RmaFacts(covered=False, outstanding=Decimal("80.00"))

# DESIGN.md §3, line by line.
MOVES = {
    (S.REQUESTED, A.RECEIVE): S.RECEIVED,  # §3 (v1.1): the customer asked first
    (S.RECEIVED, A.INSPECT): S.INSPECTED,
    (S.INSPECTED, A.INSPECT): S.INSPECTED,
    (S.INSPECTED, A.START_REPAIR): S.IN_REPAIR,
    (S.INSPECTED, A.SEND_QUOTE): S.AWAITING_APPROVAL,
    (S.INSPECTED, A.RETURN_UNREPAIRED): S.READY_TO_SHIP,
    (S.AWAITING_APPROVAL, A.SEND_QUOTE): S.AWAITING_APPROVAL,
    (S.AWAITING_APPROVAL, A.APPROVE): S.APPROVED,
    (S.AWAITING_APPROVAL, A.DECLINE): S.DECLINED,
    (S.AWAITING_APPROVAL, A.OVERTURN): S.INSPECTED,  # §4b: a dispute of the verdict upheld
    (S.APPROVED, A.START_REPAIR): S.IN_REPAIR,
    (S.DECLINED, A.RETURN_UNREPAIRED): S.READY_TO_SHIP,
    (S.IN_REPAIR, A.WAIT_PARTS): S.AWAITING_PARTS,
    (S.AWAITING_PARTS, A.RESUME): S.IN_REPAIR,
    (S.IN_REPAIR, A.FINISH_REPAIR): S.REPAIRED,
    (S.REPAIRED, A.PASS_QA): S.READY_TO_SHIP,
    (S.REPAIRED, A.FAIL_QA): S.IN_REPAIR,
    (S.READY_TO_SHIP, A.SHIP): S.SHIPPED,
    (S.SHIPPED, A.CLOSE): S.CLOSED,
    # §3 (v1.1): a replacement unit goes back (换货)
    (S.INSPECTED, A.EXCHANGE): S.READY_TO_SHIP,
    (S.APPROVED, A.EXCHANGE): S.READY_TO_SHIP,
    (S.IN_REPAIR, A.EXCHANGE): S.READY_TO_SHIP,
    (S.AWAITING_PARTS, A.EXCHANGE): S.READY_TO_SHIP,
}
BEFORE_SHIPPED = [S.RECEIVED, S.INSPECTED, S.AWAITING_APPROVAL, S.APPROVED, S.DECLINED,
                  S.IN_REPAIR, S.AWAITING_PARTS, S.REPAIRED, S.READY_TO_SHIP]
# Actions that record something without moving the status, and where each is allowed.
STAYS = {
    A.OVERRIDE: [S.RECEIVED, S.INSPECTED, S.AWAITING_APPROVAL],
    A.CREATE_QUOTE: [S.INSPECTED, S.AWAITING_APPROVAL],
    A.USE_PART: [S.IN_REPAIR],
    A.PAYMENT: BEFORE_SHIPPED + [S.SHIPPED],
    A.VOID_PAYMENT: BEFORE_SHIPPED + [S.SHIPPED],  # a payment recorded by mistake
    A.ASSIGN: BEFORE_SHIPPED,
    A.DISPUTE: [S.AWAITING_APPROVAL],  # §4b: the customer disputes the verdict; still waiting
}


def expected(status: Status, action: Action) -> Status | None:
    if (status, action) in MOVES:
        return MOVES[status, action]
    # A request (v1.1) may be cancelled (by staff, or expired by `flask depot remind`).
    if action is A.CANCEL and status in BEFORE_SHIPPED + [S.REQUESTED]:
        return S.CANCELLED
    if status in STAYS.get(action, ()):
        return status
    return None


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", [a for a in Action if a is not A.RECEIVE])
def test_every_status_and_action(status, action):
    target = expected(status, action)
    if target is not None:
        assert next_status(status, action) is target
        return
    with pytest.raises(InvalidTransitionError) as info:
        next_status(status, action)
    allowed = info.value.details["allowed"]
    assert action.value not in allowed
    # A refusal names the moves a person could make instead, not the bookkeeping actions.
    # Receiving (a request's unit arriving) happens at intake, never offered as a move.
    assert sorted(allowed) == sorted(a.value for a in Action if expected(status, a) is not None
                                     and a not in STAYS and a is not A.RECEIVE)


def test_an_rma_is_born_received_and_only_that_way():
    assert next_status(None, A.RECEIVE) is S.RECEIVED
    # v1.1: a request (created `requested`) is received when its unit arrives.
    assert next_status(S.REQUESTED, A.RECEIVE) is S.RECEIVED
    for status in Status:
        if status is S.REQUESTED:
            continue
        with pytest.raises(InvalidTransitionError):
            next_status(status, A.RECEIVE)


def test_a_request_is_received_or_cancelled_nothing_else():
    # Receiving happens at intake, not by a button; the only button is cancel.
    assert allowed_actions(S.REQUESTED) == [A.CANCEL]
    for action in (A.PAYMENT, A.ASSIGN, A.OVERRIDE, A.INSPECT):
        with pytest.raises(InvalidTransitionError):
            next_status(S.REQUESTED, action)


def test_buttons_are_the_moves_only():
    assert allowed_actions(S.CLOSED) == []
    assert allowed_actions(S.CANCELLED) == []
    assert allowed_actions(S.SHIPPED) == [A.CLOSE]
    assert allowed_actions(S.IN_REPAIR) == [A.WAIT_PARTS, A.FINISH_REPAIR, A.EXCHANGE, A.CANCEL]


def test_unknown_action_is_invalid_input():
    with pytest.raises(InvalidInputError) as info:
        parse_action("explode")
    assert info.value.code == "unknown_action" and "pass_qa" in info.value.details["known"]
    assert parse_action("pass_qa") is A.PASS_QA


def test_an_uncovered_inspected_repair_needs_a_quote_first():
    uncovered = RmaFacts(covered=False)
    assert A.START_REPAIR not in allowed_actions(S.INSPECTED, uncovered)
    assert A.START_REPAIR in allowed_actions(S.INSPECTED, COVERED)
    with pytest.raises(InvalidTransitionError) as info:
        next_status(S.INSPECTED, A.START_REPAIR, uncovered)
    assert info.value.code == "quote_required" and "send_quote" in info.value.details["allowed"]
    assert "start_repair" not in info.value.details["allowed"]
    # Approved by the customer: the quote was the permission.
    assert next_status(S.APPROVED, A.START_REPAIR, uncovered) is S.IN_REPAIR


def test_an_unpaid_uncovered_unit_does_not_ship():
    with pytest.raises(InvalidTransitionError) as info:
        next_status(S.READY_TO_SHIP, A.SHIP, UNPAID)
    assert info.value.code == "payment_required"
    assert info.value.details["outstanding"] == "80.00"
    assert "80.00 CNY" in info.value.message
    paid = RmaFacts(covered=False, outstanding=Decimal("0.00"))
    assert next_status(S.READY_TO_SHIP, A.SHIP, paid) is S.SHIPPED
    assert next_status(S.READY_TO_SHIP, A.SHIP, COVERED) is S.SHIPPED


def test_pay_before_repair_holds_an_unpaid_approved_repair():
    """DEPOT_PAY_BEFORE=repair: an approved, unpaid repair does not start; =shipping (the
    default) it starts and the money is asked for before the unit ships."""
    before_repair = RmaFacts(covered=False, outstanding=Decimal("80.00"), pay_before="repair")
    with pytest.raises(InvalidTransitionError) as info:
        next_status(S.APPROVED, A.START_REPAIR, before_repair)
    assert info.value.code == "payment_required"
    assert info.value.details["outstanding"] == "80.00"
    assert A.START_REPAIR not in allowed_actions(S.APPROVED, before_repair)
    assert waiting_for(S.APPROVED, before_repair) == "payment"
    paid = RmaFacts(covered=False, outstanding=Decimal("0.00"), pay_before="repair")
    assert next_status(S.APPROVED, A.START_REPAIR, paid) is S.IN_REPAIR

    assert UNPAID.pay_before == "shipping"
    assert next_status(S.APPROVED, A.START_REPAIR, UNPAID) is S.IN_REPAIR
    assert A.START_REPAIR in allowed_actions(S.APPROVED, UNPAID)
    assert waiting_for(S.APPROVED, UNPAID) == "payment"  # wanted, though the bench may start
    with pytest.raises(InvalidTransitionError):
        next_status(S.READY_TO_SHIP, A.SHIP, UNPAID)


def test_with_qa_by_other_the_finisher_may_not_pass_qa():
    mine = RmaFacts(covered=True, finished_by=7, actor=7, qa_by_other=True)
    with pytest.raises(InvalidTransitionError) as info:
        next_status(S.REPAIRED, A.PASS_QA, mine)
    assert info.value.code == "qa_by_other"
    assert info.value.message == ("the technician who finished this repair may not pass its "
                                  "QA: another technician must check it")
    assert info.value.details["allowed"] == ["fail_qa", "cancel"]
    assert A.PASS_QA not in allowed_actions(S.REPAIRED, mine)
    # Failing one's own repair is allowed; another person, the rule off, or nobody known pass.
    assert next_status(S.REPAIRED, A.FAIL_QA, mine) is S.IN_REPAIR
    for facts in (RmaFacts(covered=True, finished_by=7, actor=8, qa_by_other=True),
                  RmaFacts(covered=True, finished_by=7, actor=7, qa_by_other=False),
                  RmaFacts(covered=True, finished_by=None, actor=7, qa_by_other=True)):
        assert next_status(S.REPAIRED, A.PASS_QA, facts) is S.READY_TO_SHIP, facts


def test_the_refusal_names_the_thing_and_its_status():
    with pytest.raises(InvalidTransitionError) as info:
        next_status(S.CLOSED, A.START_REPAIR)
    assert info.value.message == "cannot start_repair an RMA that is closed"
    assert info.value.details["status"] == "closed"


def test_what_an_rma_waits_for():
    assert waiting_for(S.AWAITING_APPROVAL, COVERED) == "customer_approval"
    assert waiting_for(S.AWAITING_APPROVAL, COVERED, quote_lapsed=True) == "new_quote"
    assert waiting_for(S.AWAITING_PARTS, COVERED) == "parts"
    assert waiting_for(S.READY_TO_SHIP, UNPAID) == "payment"
    assert waiting_for(S.READY_TO_SHIP, COVERED) is None
    assert waiting_for(S.SHIPPED, UNPAID) is None


def test_the_table_is_well_formed():
    RMA.check()
    assert all((status, action) in RMA.transitions for (status, action) in RMA.guards)
