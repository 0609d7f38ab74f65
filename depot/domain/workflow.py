"""The RMA life cycle as data: statuses, actions, one transition table and its guards.

Actions that do not move the status (an override, a payment, a part used, a quote drafted) are
rows from a status to itself, so every "may I do X now" is answered by this one table.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

from depot.domain.machine import Guard, Machine, every
from depot.domain.payments import DEFAULT_PAY_BEFORE, payment_outstanding


class Status(enum.StrEnum):
    # v1.1: the customer asked before shipping (a request); received_on and due_on are null.
    REQUESTED = "requested"
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
    REQUEST = "request"  # v1.1: the customer asks before posting the unit
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
    # A supervisor upholds a customer's dispute of the damage verdict (异议): the RMA becomes
    # covered and goes back to the bench (a complaint's resolution, services.complaint_outcomes).
    OVERTURN = "overturn"
    # A replacement unit goes back instead of the repaired one (换货; services.exchange).
    EXCHANGE = "exchange"
    # Actions that leave the status as it is; each is still one event row.
    OVERRIDE = "override"
    CREATE_QUOTE = "create_quote"
    USE_PART = "use_part"
    PAYMENT = "payment"
    VOID_PAYMENT = "void_payment"
    ASSIGN = "assign"
    # The customer disputes the damage verdict on the quote page (异议): a damage_verdict
    # complaint is registered; the RMA keeps waiting for the answer, its clock paused.
    DISPUTE = "dispute"


S, A = Status, Action

CLOSED_STATUSES = frozenset({S.SHIPPED, S.CLOSED, S.CANCELLED})
OPEN_STATUSES = frozenset(Status) - CLOSED_STATUSES
# The repair clock stops while the customer decides.
PAUSED_STATUSES = frozenset({S.AWAITING_APPROVAL})
# Statuses in which the 5-working-day promise is running (overdue and due today make sense).
# A request has no clock yet: it starts on the day the unit arrives.
CLOCKED_STATUSES = OPEN_STATUSES - PAUSED_STATUSES - {S.READY_TO_SHIP, S.REQUESTED}
# Statuses of a unit in the depot's hands (a request's unit is still with its customer).
IN_HAND_STATUSES = OPEN_STATUSES - {S.REQUESTED}
# Work on the bench.
BENCH_STATUSES = (S.RECEIVED, S.INSPECTED, S.APPROVED, S.IN_REPAIR, S.AWAITING_PARTS,
                  S.REPAIRED)

# Exchange (换货): a replacement unit goes back instead; from the bench's statuses only.
EXCHANGE_FROM = (S.INSPECTED, S.APPROVED, S.IN_REPAIR, S.AWAITING_PARTS)

_MOVES: dict[tuple[Status | None, Action], Status] = {
    (None, A.RECEIVE): S.RECEIVED,
    (None, A.REQUEST): S.REQUESTED,
    # v1.1: the customer asked first; intake scans the slip (or the serial).
    (S.REQUESTED, A.RECEIVE): S.RECEIVED,
    (S.RECEIVED, A.INSPECT): S.INSPECTED,
    (S.INSPECTED, A.INSPECT): S.INSPECTED,  # findings may be corrected
    (S.INSPECTED, A.START_REPAIR): S.IN_REPAIR,
    (S.INSPECTED, A.SEND_QUOTE): S.AWAITING_APPROVAL,
    (S.INSPECTED, A.RETURN_UNREPAIRED): S.READY_TO_SHIP,
    (S.AWAITING_APPROVAL, A.SEND_QUOTE): S.AWAITING_APPROVAL,  # a new version
    (S.AWAITING_APPROVAL, A.APPROVE): S.APPROVED,
    (S.AWAITING_APPROVAL, A.DECLINE): S.DECLINED,
    (S.AWAITING_APPROVAL, A.OVERTURN): S.INSPECTED,
    (S.APPROVED, A.START_REPAIR): S.IN_REPAIR,
    (S.DECLINED, A.RETURN_UNREPAIRED): S.READY_TO_SHIP,
    (S.IN_REPAIR, A.WAIT_PARTS): S.AWAITING_PARTS,
    (S.AWAITING_PARTS, A.RESUME): S.IN_REPAIR,
    (S.IN_REPAIR, A.FINISH_REPAIR): S.REPAIRED,
    (S.REPAIRED, A.PASS_QA): S.READY_TO_SHIP,
    (S.REPAIRED, A.FAIL_QA): S.IN_REPAIR,
    (S.READY_TO_SHIP, A.SHIP): S.SHIPPED,
    (S.SHIPPED, A.CLOSE): S.CLOSED,
    **every(EXCHANGE_FROM, A.EXCHANGE, S.READY_TO_SHIP),
    # Any status before shipped may be cancelled (by a supervisor, with a reason).
    **every(sorted(OPEN_STATUSES, key=list(Status).index), A.CANCEL, S.CANCELLED),
}
_STAYS: dict[tuple[Status | None, Action], Status] = {
    # Decisions change only before the customer has said yes.
    **every((S.RECEIVED, S.INSPECTED, S.AWAITING_APPROVAL), A.OVERRIDE),
    **every((S.INSPECTED, S.AWAITING_APPROVAL), A.CREATE_QUOTE),
    **every((S.IN_REPAIR,), A.USE_PART),
    # Money may arrive at any time until the RMA is closed or cancelled.
    # (A request is not paid for nor assigned: its unit has not arrived.)
    **every([s for s in Status if s not in (S.CLOSED, S.CANCELLED, S.REQUESTED)], A.PAYMENT),
    **every([s for s in Status if s not in (S.CLOSED, S.CANCELLED, S.REQUESTED)],
            A.VOID_PAYMENT),
    **every(sorted(IN_HAND_STATUSES, key=list(Status).index), A.ASSIGN),
    (S.AWAITING_APPROVAL, A.DISPUTE): S.AWAITING_APPROVAL,
}
TRANSITIONS: dict[tuple[Status | None, Action], Status] = {**_MOVES, **_STAYS}

# The actions a person sees as buttons: those that move the status.
MOVING_ACTIONS = tuple(dict.fromkeys(a for (_s, a), _t in _MOVES.items() if a is not A.RECEIVE))


@dataclass(frozen=True)
class RmaFacts:
    """What the guards need to know about an RMA besides its status."""

    covered: bool | None = None
    outstanding: Decimal = Decimal("0.00")
    pay_before: str = DEFAULT_PAY_BEFORE  # the depot's policy, DEPOT_PAY_BEFORE
    # Four eyes on QA (DEPOT_QA_BY_OTHER): who finished the repair (the actor of the latest
    # finish_repair event), who asks now (None: unknown, not checked), and whether the rule
    # is on.
    finished_by: int | None = None
    actor: int | None = None
    qa_by_other: bool = False
    # Exchange: whether a quote of this RMA was approved, and whether inspection found it dead
    # on arrival (the `doa` coverage reason: exchange is offered first).
    quote_approved: bool = False
    doa: bool = False


COVERED = Guard(
    "quote_required",
    "this repair is not covered: send a quote and wait for the customer's approval",
    lambda facts: facts.covered is True)
PAID = Guard(
    "payment_required", "%(outstanding)s CNY is still unpaid",
    lambda facts: not payment_outstanding(facts.covered, facts.outstanding),
    lambda facts: {"outstanding": f"{facts.outstanding:.2f}"})
PAID_BEFORE_REPAIR = Guard(
    "payment_required", "%(outstanding)s CNY is still unpaid: this depot repairs once paid",
    lambda facts: facts.pay_before != "repair"
    or not payment_outstanding(facts.covered, facts.outstanding),
    lambda facts: {"outstanding": f"{facts.outstanding:.2f}"})

# Exchange: covered, or the customer approved the quote (and paid, when DEPOT_PAY_BEFORE says
# repair: an exchange is the repair).
COVERED_OR_APPROVED = Guard(
    "quote_required",
    "this repair is not covered: send a quote and wait for the customer's approval",
    lambda facts: facts.covered is True or facts.quote_approved)
EXCHANGE_GUARDS = (COVERED_OR_APPROVED, PAID_BEFORE_REPAIR)

QA_BY_OTHER = Guard(
    "qa_by_other",
    "the technician who finished this repair may not pass its QA: another technician must "
    "check it",
    lambda facts: not (facts.qa_by_other and facts.finished_by is not None
                       and facts.actor == facts.finished_by))

RMA = Machine(
    "an RMA", Status, Action, TRANSITIONS,
    guards={(S.INSPECTED, A.START_REPAIR): (COVERED,),
            (S.APPROVED, A.START_REPAIR): (PAID_BEFORE_REPAIR,),
            (S.READY_TO_SHIP, A.SHIP): (PAID,),
            (S.REPAIRED, A.PASS_QA): (QA_BY_OTHER,),
            **{(s, A.EXCHANGE): EXCHANGE_GUARDS for s in EXCHANGE_FROM}},
    offered=frozenset(MOVING_ACTIONS), refused="cannot %(action)s an RMA that is %(status)s")
RMA.check()

# The actions of POST /rmas/<number>/actions and the permission each needs; the other moves
# have calls of their own (inspection, quotes, the customer's answer, the shipment).
ACTION_PERMISSIONS: dict[Action, str] = {
    A.START_REPAIR: "actions.bench", A.WAIT_PARTS: "actions.bench", A.RESUME: "actions.bench",
    A.FINISH_REPAIR: "actions.bench", A.PASS_QA: "actions.bench", A.FAIL_QA: "actions.bench",
    A.RETURN_UNREPAIRED: "actions.bench", A.CLOSE: "actions.close", A.CANCEL: "actions.cancel",
    A.EXCHANGE: "actions.bench",
}
API_ACTIONS = tuple(ACTION_PERMISSIONS)
REASON_REQUIRED = frozenset({A.CANCEL, A.FAIL_QA, A.OVERRIDE, A.VOID_PAYMENT})


def next_status(current: Status | None, action: Action, facts: RmaFacts | None = None
                ) -> Status:
    """Return the status after `action`; raise InvalidTransitionError if not allowed."""
    return RMA.next_status(current, action, facts)


def allowed_actions(current: Status, facts: RmaFacts | None = None) -> list[Action]:
    """The status-moving actions allowed now (buttons); with facts, guards are asked too. A
    unit dead on arrival is offered the exchange first."""
    actions = [a for a in RMA.allowed(current, facts) if a in MOVING_ACTIONS]
    if facts is not None and facts.doa and A.EXCHANGE in actions:
        actions.remove(A.EXCHANGE)
        actions.insert(0, A.EXCHANGE)
    return actions


def parse_action(value: object) -> Action:
    return RMA.parse_action(value)


def waiting_for(status: Status, facts: RmaFacts, *, quote_lapsed: bool = False) -> str | None:
    """What the RMA waits for, as a word the screens translate; `quote_lapsed`: the quote
    the customer was sent is past its date (a new version is needed)."""
    if status is S.AWAITING_APPROVAL:
        return "new_quote" if quote_lapsed else "customer_approval"
    if status is S.AWAITING_PARTS:
        return "parts"
    if status in (S.READY_TO_SHIP, S.REPAIRED, S.IN_REPAIR, S.APPROVED) and \
            payment_outstanding(facts.covered, facts.outstanding):
        return "payment"
    return None
