"""What the customer owes: the approved quote's total less what was paid (never below 0), what
was paid above it (a credit to refund), and when the depot wants the money (DEPOT_PAY_BEFORE)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")

# DEPOT_PAY_BEFORE: the repair of a unit that is not covered starts only once it is paid
# (`repair`), or may start on approval and the unit goes back only once paid (`shipping`).
PAY_BEFORE = ("repair", "shipping")
DEFAULT_PAY_BEFORE = "shipping"


@dataclass(frozen=True)
class Balance:
    due: Decimal    # the approved quote's total (0 when nothing is owed)
    paid: Decimal
    outstanding: Decimal
    credit: Decimal = ZERO  # paid above what is due: to refund to the customer


def balance(approved_total: Decimal | None, payments: Iterable[Decimal],
            credits: Iterable[Decimal] = ()) -> Balance:
    """`payments`: the amounts that count (a voided payment is not among them); `credits`:
    the overpayments a supervisor accepted on them, to refund."""
    due = approved_total if approved_total is not None else ZERO
    paid = sum(payments, ZERO)
    return Balance(due, paid, max(due - paid, ZERO), sum(credits, ZERO))


def overpayment(expected: Decimal, paid: Decimal, amount: Decimal) -> Decimal:
    """How much of a new payment of `amount` goes above what is expected (0 when none):
    `expected` is the total the customer is asked for, `paid` what already counts."""
    return max(paid + amount - expected, ZERO) if amount > 0 else ZERO


def payment_outstanding(covered: bool | None, outstanding: Decimal) -> bool:
    """A unit that is not covered goes back only when paid in full."""
    return covered is False and outstanding > 0
