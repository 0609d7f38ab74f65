"""Quote lines and totals in Decimal: parts at cost, labour and fees per policy, tax on top."""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from depot.errors import InvalidInputError

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("99999999.99")
# The description of the discount line a goodwill resolution drafts (bilingual, as the PDF).
GOODWILL_DESCRIPTION = "优惠 Goodwill discount"


class LineKind(enum.StrEnum):
    PART = "part"
    LABOR = "labor"
    SHIPPING = "shipping"
    FEE = "fee"
    # A reduction (a goodwill concession after a dispute): its amount is negative, and only a
    # supervisor or an admin puts one on a quote (services.quoting checks who).
    DISCOUNT = "discount"


@dataclass(frozen=True)
class QuoteLine:
    kind: LineKind
    description: str
    quantity: Decimal
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return money(self.quantity * self.unit_price)


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    tax_rate: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class PricingPolicy:
    """Admin-set prices. Parts are always charged at cost, so they have no setting here."""

    labor_price: Decimal = Decimal("80.00")
    inspection_fee: Decimal = Decimal("0.00")
    return_shipping: Decimal = Decimal("20.00")
    tax_rate: Decimal = Decimal("0")
    valid_days: int = 15


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def make_line(kind: str, description: str, quantity: Decimal, unit_price: Decimal) -> QuoteLine:
    """A checked line: known kind, a description, quantity > 0, price >= 0, sane sizes. A
    `discount` line's price is negative: a positive one is taken as its negative."""
    try:
        line_kind = LineKind(kind)
    except ValueError:
        raise InvalidInputError("unknown line kind %(kind)s", code="invalid_line",
                                field="kind", kind=str(kind)[:40],
                                known=[k.value for k in LineKind]) from None
    if not description.strip():
        raise InvalidInputError("every line needs a description", code="invalid_line",
                                field="description")
    if not quantity.is_finite() or quantity <= 0 or quantity > 10000:
        raise InvalidInputError("quantity must be above 0 and at most 10000",
                                code="invalid_line", field="quantity")
    if quantity != money(quantity):  # the column keeps 2 decimals: 0.004 would be stored as 0
        raise InvalidInputError("quantity has at most 2 decimals", code="invalid_line",
                                field="quantity")
    if line_kind is LineKind.DISCOUNT and unit_price.is_finite():
        unit_price = -abs(unit_price) if unit_price else abs(unit_price)  # never "-0.00"
        if unit_price < -MAX_AMOUNT:
            raise InvalidInputError("unit_price must be a non-negative amount",
                                    code="invalid_line", field="unit_price")
    elif not unit_price.is_finite() or unit_price < 0 or unit_price > MAX_AMOUNT:
        raise InvalidInputError("unit_price must be a non-negative amount", code="invalid_line",
                                field="unit_price")
    if unit_price != money(unit_price):
        raise InvalidInputError("unit_price has at most 2 decimals", code="invalid_line",
                                field="unit_price")
    return QuoteLine(line_kind, description.strip(), quantity, unit_price)


def totals(lines: Iterable[QuoteLine], tax_rate: Decimal = Decimal("0")) -> Totals:
    """Sum the rounded line amounts, then tax the subtotal once (as a fapiao does)."""
    if not tax_rate.is_finite() or not Decimal("0") <= tax_rate < Decimal("1"):
        raise InvalidInputError("tax_rate must be from 0 to below 1 (0.13 for 13%)",
                                code="invalid_field", field="tax_rate")
    subtotal = money(sum((line.amount for line in lines), Decimal("0")))
    if subtotal < 0:  # a discount larger than the charges: a quote never pays the customer
        raise InvalidInputError("the discount is larger than the charges: the total would be "
                                "%(total)s", code="negative_total", field="lines",
                                total=f"{subtotal:.2f}")
    tax = money(subtotal * tax_rate)
    return Totals(subtotal, tax_rate, tax, subtotal + tax)


def discount_line(amount: Decimal | None, description: str = GOODWILL_DESCRIPTION
                  ) -> QuoteLine:
    """One discount line of `amount` (its sign does not matter; None: 0.00, for the
    supervisor to set)."""
    return make_line(LineKind.DISCOUNT.value, description, Decimal(1),
                     amount if amount is not None else Decimal("0.00"))


def propose_lines(parts: Iterable[tuple[str, int, Decimal]], *, policy: PricingPolicy,
                  labor_hours: Decimal = Decimal("1"), customer_pays_shipping: bool = True
                  ) -> list[QuoteLine]:
    """A first draft from the bench: parts used at cost, labour, the inspection fee, return
    shipping when the customer pays it. The clerk edits it before it is sent."""
    lines = [QuoteLine(LineKind.PART, name, Decimal(qty), cost) for name, qty, cost in parts]
    if policy.labor_price > 0 and labor_hours > 0:
        lines.append(QuoteLine(LineKind.LABOR, "维修工时 Labour", labor_hours, policy.labor_price))
    if policy.inspection_fee > 0:
        lines.append(QuoteLine(LineKind.FEE, "检测费 Inspection fee", Decimal(1),
                               policy.inspection_fee))
    if customer_pays_shipping and policy.return_shipping > 0:
        lines.append(QuoteLine(LineKind.SHIPPING, "回寄运费 Return shipping", Decimal(1),
                               policy.return_shipping))
    return lines
