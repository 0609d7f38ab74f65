"""What the customer owes: the approved quote's total less what was paid (never below 0)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Balance:
    due: Decimal    # the approved quote's total (0 when nothing is owed)
    paid: Decimal
    outstanding: Decimal


def balance(approved_total: Decimal | None, payments: Iterable[Decimal]) -> Balance:
    due = approved_total if approved_total is not None else ZERO
    paid = sum(payments, ZERO)
    return Balance(due, paid, max(due - paid, ZERO))


def payment_outstanding(covered: bool | None, outstanding: Decimal) -> bool:
    """A unit that is not covered goes back only when paid in full."""
    return covered is False and outstanding > 0
