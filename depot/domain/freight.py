"""Who pays the return freight, as the label, the shipment, the packing screen and the
customer's mail say it: prepaid (寄付, the depot pays the carrier) or collect (到付, the receiver
pays on delivery).

Freight follows what was charged: a quote the customer approved with a shipping line has been
paid for the freight already, so the unit ships prepaid; charging it again on delivery would
bill the customer twice. Not charged, the policy for the warranty outcome decides: `customer`
ships collect, `depot` prepaid, `split` prepaid too (各付一半: the depot ships and bills half in
the quote).
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

FREIGHT_POLICIES = ("depot", "customer", "split")
PREPAID, COLLECT = "prepaid", "collect"


def shipping_charged(lines: Iterable[tuple[str, Decimal]]) -> bool:
    """Whether the quote's lines, as (kind, amount), bill the return freight."""
    return any(kind == "shipping" and amount > 0 for kind, amount in lines)


def return_freight(*, covered: bool | None, charged: bool, covered_policy: str,
                   not_covered_policy: str) -> str:
    """prepaid or collect for a unit going back. `charged`: the approved quote billed the
    freight (shipping_charged). A unit whose coverage is not decided counts as not covered."""
    policy = covered_policy if covered else not_covered_policy
    if policy not in FREIGHT_POLICIES:
        raise ValueError(f"a freight policy is one of {', '.join(FREIGHT_POLICIES)}, "
                         f"not {policy!r}")
    if charged:
        return PREPAID
    return COLLECT if policy == "customer" else PREPAID
