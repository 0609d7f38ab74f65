import pytest

from depot.domain.workflow import (
    TRANSITIONS,
    Action,
    Status,
    allowed_actions,
    next_status,
    parse_action,
)
from depot.errors import InvalidInputError, InvalidTransitionError

S, A = Status, Action


def TRANSITIONS_FROM(status):  # noqa: N802 - reads as a table lookup
    return [a for (s, a) in TRANSITIONS if s is status]
EXPECTED = {
    (S.RECEIVED, A.INSPECT): S.INSPECTED,
    (S.INSPECTED, A.START_REPAIR): S.IN_REPAIR,
    (S.INSPECTED, A.SEND_QUOTE): S.AWAITING_APPROVAL,
    (S.INSPECTED, A.RETURN_UNREPAIRED): S.READY_TO_SHIP,
    (S.AWAITING_APPROVAL, A.SEND_QUOTE): S.AWAITING_APPROVAL,
    (S.AWAITING_APPROVAL, A.APPROVE): S.APPROVED,
    (S.AWAITING_APPROVAL, A.DECLINE): S.DECLINED,
    (S.APPROVED, A.START_REPAIR): S.IN_REPAIR,
    (S.DECLINED, A.RETURN_UNREPAIRED): S.READY_TO_SHIP,
    (S.IN_REPAIR, A.WAIT_PARTS): S.AWAITING_PARTS,
    (S.AWAITING_PARTS, A.RESUME): S.IN_REPAIR,
    (S.IN_REPAIR, A.FINISH_REPAIR): S.REPAIRED,
    (S.REPAIRED, A.PASS_QA): S.READY_TO_SHIP,
    (S.REPAIRED, A.FAIL_QA): S.IN_REPAIR,
    (S.READY_TO_SHIP, A.SHIP): S.SHIPPED,
    (S.SHIPPED, A.CLOSE): S.CLOSED,
}


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(Action))
def test_every_status_and_action(status, action):
    if (status, action) in EXPECTED:
        assert next_status(status, action) is EXPECTED[status, action]
    elif action is A.CANCEL and status not in (S.SHIPPED, S.CLOSED, S.CANCELLED):
        assert next_status(status, action) is S.CANCELLED
    elif (status, action) == (S.INSPECTED, A.INSPECT):
        assert next_status(status, action) is S.INSPECTED  # findings may be corrected
    else:
        with pytest.raises(InvalidTransitionError) as info:
            next_status(status, action)
        assert info.value.details["allowed"] == [a.value for a in TRANSITIONS_FROM(status)]


def test_terminal_statuses_allow_nothing_but_close_after_shipping():
    assert allowed_actions(S.CLOSED) == []
    assert allowed_actions(S.CANCELLED) == []
    assert allowed_actions(S.SHIPPED) == [A.CLOSE]
    assert all(to in Status for to in TRANSITIONS.values())


def test_unknown_action_is_invalid_input():
    with pytest.raises(InvalidInputError):
        parse_action("explode")
    assert parse_action("pass_qa") is A.PASS_QA


def test_an_uncovered_inspected_repair_needs_a_quote_first():
    from depot.domain.workflow import check_action

    assert A.START_REPAIR not in allowed_actions(S.INSPECTED, covered=False)
    assert A.START_REPAIR in allowed_actions(S.INSPECTED, covered=True)
    with pytest.raises(InvalidTransitionError) as info:
        check_action(S.INSPECTED, A.START_REPAIR, covered=False)
    assert info.value.code == "quote_required" and "send_quote" in info.value.details["allowed"]
    assert check_action(S.APPROVED, A.START_REPAIR, covered=False) is S.IN_REPAIR
