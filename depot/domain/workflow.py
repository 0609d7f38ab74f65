"""The RMA life cycle as data: statuses, actions and one transition table."""
from __future__ import annotations

import enum

from depot.errors import InvalidInputError, InvalidTransitionError


class Status(enum.StrEnum):
    RECEIVED = "received"
    INSPECTED = "inspected"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    DECLINED = "declined"
    IN_REPAIR = "in_repair"
    AWAITING_PARTS = "awaiting_parts"
    REPAIRED = "repaired"
    READY_TO_SHIP = "ready_to_ship"
    SHIPPED = "shipped"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Action(enum.StrEnum):
    RECEIVE = "receive"
    INSPECT = "inspect"
    SEND_QUOTE = "send_quote"
    APPROVE = "approve"
    DECLINE = "decline"
    START_REPAIR = "start_repair"
    WAIT_PARTS = "wait_parts"
    RESUME = "resume"
    FINISH_REPAIR = "finish_repair"
    PASS_QA = "pass_qa"
    FAIL_QA = "fail_qa"
    RETURN_UNREPAIRED = "return_unrepaired"
    SHIP = "ship"
    CLOSE = "close"
    CANCEL = "cancel"


S, A = Status, Action

TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (S.RECEIVED, A.INSPECT): S.INSPECTED,
    (S.INSPECTED, A.INSPECT): S.INSPECTED,
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
# Any status before shipped may be cancelled (by a supervisor, with a reason).
for _status in Status:
    if _status not in (S.SHIPPED, S.CLOSED, S.CANCELLED):
        TRANSITIONS[_status, A.CANCEL] = S.CANCELLED

OPEN_STATUSES = frozenset(Status) - {S.SHIPPED, S.CLOSED, S.CANCELLED}


def parse_action(value: object) -> Action:
    try:
        return Action(str(value))
    except ValueError:
        raise InvalidInputError(
            f"unknown action {value!r}", code="unknown_action", known=[a.value for a in Action]
        ) from None


def allowed_actions(current: Status, *, covered: bool | None = None) -> list[Action]:
    """What may be done now. An inspected repair known not to be covered needs a quote first."""
    actions = [action for (status, action) in TRANSITIONS if status is current]
    if current is Status.INSPECTED and covered is False:
        actions.remove(Action.START_REPAIR)
    return actions


def check_action(current: Status, action: Action, *, covered: bool | None) -> Status:
    """next_status(), plus the coverage rule: repair starts from `inspected` only if covered."""
    if current is Status.INSPECTED and action is Action.START_REPAIR and not covered:
        covered = False
        raise InvalidTransitionError(
            "this repair is not covered: send a quote and wait for the customer's approval",
            code="quote_required", status=current.value, action=action.value,
            allowed=[a.value for a in allowed_actions(current, covered=covered)])
    return next_status(current, action)


def next_status(current: Status, action: Action) -> Status:
    """Return the status after `action`; raise InvalidTransitionError if not allowed."""
    try:
        return TRANSITIONS[current, action]
    except KeyError:
        raise InvalidTransitionError(
            f"cannot {action} an RMA that is {current}",
            status=current.value,
            action=action.value,
            allowed=[a.value for a in allowed_actions(current)],
        ) from None
