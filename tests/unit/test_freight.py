"""Who pays the return freight: what the approved quote charged, else the policy."""
from __future__ import annotations

from decimal import Decimal

import pytest

from depot.domain.freight import return_freight, shipping_charged
from depot.domain.pricing import LineKind, QuoteLine

POLICY = {"covered_policy": "depot", "not_covered_policy": "customer"}


def test_freight_charged_on_the_quote_ships_prepaid():
    """The default quote bills 回寄运费: the customer paid for the freight already, so the
    label must not make them pay it again on delivery (到付)."""
    assert return_freight(covered=False, charged=True, **POLICY) == "prepaid"


def test_freight_not_charged_follows_the_policy():
    assert return_freight(covered=False, charged=False, **POLICY) == "collect"
    assert return_freight(covered=True, charged=False, **POLICY) == "prepaid"
    assert return_freight(covered=None, charged=False, **POLICY) == "collect"
    assert return_freight(covered=True, charged=False, covered_policy="customer",
                          not_covered_policy="depot") == "collect"
    assert return_freight(covered=False, charged=False, covered_policy="depot",
                          not_covered_policy="split") == "prepaid"  # the depot ships, bills half


def test_an_unknown_policy_is_refused():
    with pytest.raises(ValueError, match="nobody"):
        return_freight(covered=False, charged=False, covered_policy="depot",
                       not_covered_policy="nobody")


@pytest.mark.parametrize(("lines", "charged"), [
    ([], False),
    ([QuoteLine(LineKind.LABOR, "工时", Decimal(1), Decimal("80.00"))], False),
    ([QuoteLine(LineKind.SHIPPING, "回寄运费", Decimal(1), Decimal("20.00"))], True),
    ([QuoteLine(LineKind.SHIPPING, "回寄运费（免）", Decimal(1), Decimal("0.00"))], False),
])
def test_shipping_is_charged_by_a_shipping_line_with_an_amount(lines, charged):
    assert shipping_charged((line.kind, line.amount) for line in lines) is charged
