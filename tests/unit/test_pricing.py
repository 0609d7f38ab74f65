from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from depot.domain.pricing import (
    LineKind,
    discount_line,
    PricingPolicy,
    make_line,
    propose_lines,
    totals,
)
from depot.errors import InvalidInputError

D = Decimal


def test_totals_round_each_line_then_tax_the_subtotal():
    lines = [make_line("part", "LCD", D("1"), D("88.00")),
             make_line("labor", "工时", D("1.5"), D("80.00")),
             make_line("fee", "检测费", D("1"), D("0.33"))]
    t = totals(lines, D("0.13"))
    assert t.subtotal == D("208.33")
    assert t.tax == D("27.08")  # 27.0829 rounds half-up to cents
    assert t.total == D("235.41")


@pytest.mark.parametrize(("kind", "desc", "qty", "price"), [
    ("gift", "x", "1", "1.00"), ("part", " ", "1", "1.00"), ("part", "x", "0", "1.00"),
    ("part", "x", "1", "-1.00"), ("part", "x", "1", "1.001"), ("part", "x", "NaN", "1.00"),
])
def test_bad_lines_are_refused(kind, desc, qty, price):
    with pytest.raises(InvalidInputError):
        make_line(kind, desc, D(qty), D(price))


def test_bad_tax_rate_is_refused():
    with pytest.raises(InvalidInputError):
        totals([], D("13"))


def test_proposal_charges_parts_at_cost_and_shipping_when_the_customer_pays():
    policy = PricingPolicy(labor_price=D("60.00"), inspection_fee=D("30.00"),
                           return_shipping=D("18.00"))
    lines = propose_lines([("7寸屏 LCD-7", 1, D("88.00"))], policy=policy)
    assert [(l.kind, l.amount) for l in lines] == [
        (LineKind.PART, D("88.00")), (LineKind.LABOR, D("60.00")), (LineKind.FEE, D("30.00")),
        (LineKind.SHIPPING, D("18.00"))]
    no_ship = propose_lines([], policy=policy, customer_pays_shipping=False)
    assert LineKind.SHIPPING not in [l.kind for l in no_ship]


cents = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False,
                    allow_infinity=False)


@given(st.lists(st.tuples(st.integers(1, 20), cents), max_size=8),
       st.sampled_from([D("0"), D("0.06"), D("0.13")]))
def test_total_is_subtotal_plus_tax_in_cents(items, rate):
    lines = [make_line("part", "p", D(q), p) for q, p in items]
    t = totals(lines, rate)
    assert t.total == t.subtotal + t.tax
    assert t.subtotal == sum((D(q) * p for q, p in items), D("0"))
    assert t.total.as_tuple().exponent == -2


@pytest.mark.parametrize("price", ["30.00", "-30.00"])
def test_a_discount_line_is_negative_whichever_sign_it_was_given(price):
    line = make_line("discount", "优惠 Goodwill discount", D("1"), D(price))
    assert (line.kind, line.unit_price, line.amount) == (LineKind.DISCOUNT, D("-30.00"),
                                                          D("-30.00"))
    charges = [make_line("part", "LCD", D("1"), D("88.00")), line]
    assert totals(charges).total == D("58.00")


def test_a_zero_discount_is_zero_not_minus_zero():
    line = discount_line(None)
    assert f"{line.unit_price:.2f}" == "0.00" and f"{line.amount:.2f}" == "0.00"
    assert discount_line(D("12.5")).amount == D("-12.50")


@pytest.mark.parametrize("price", ["NaN", "Infinity", "-Infinity", "1.001", "1e30"])
def test_a_bad_discount_is_refused(price):
    with pytest.raises(InvalidInputError):
        make_line("discount", "优惠", D("1"), D(price))


def test_a_total_is_never_negative():
    charges = [make_line("part", "LCD", D("1"), D("88.00")),
               make_line("discount", "优惠", D("1"), D("88.01"))]
    with pytest.raises(InvalidInputError) as refused:
        totals(charges, D("0.13"))
    assert refused.value.code == "negative_total"
    assert totals([charges[0], make_line("discount", "优惠", D("1"), D("88.00"))],
                  D("0.13")).total == D("0.00")


@given(st.lists(st.decimals(min_value=0, max_value=10000, places=2), min_size=1, max_size=5),
       st.decimals(min_value=0, max_value=20000, places=2))
def test_a_total_with_a_discount_is_never_below_zero(prices, discount):
    lines = [make_line("part", "x", D(1), p) for p in prices]
    lines.append(make_line("discount", "优惠", D(1), discount))
    try:
        total = totals(lines).total
    except InvalidInputError as refused:
        assert refused.code == "negative_total" and discount > sum(prices)
    else:
        assert total >= 0 and total == sum(prices) - discount
