from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from depot.domain.warranty import (
    UnitFacts,
    WarrantyPolicy,
    WarrantyStatus,
    judge_warranty,
    warranty_end,
)
from depot.i18n import reason_text


def facts(purchase: date | None, months: int = 12, extended: int = 0, proof: bool = False):
    return UnitFacts("AT-100", months, purchase, extended, proof)


@pytest.mark.parametrize(("bought", "months", "end"), [
    (date(2025, 3, 2), 12, date(2026, 3, 1)),
    (date(2024, 2, 29), 12, date(2025, 2, 27)),   # anniversary clamps to 02-28, minus a day
    (date(2024, 2, 29), 48, date(2028, 2, 28)),   # a leap year again: 02-29 exists
    (date(2025, 1, 31), 1, date(2025, 2, 27)),    # Jan 31 + 1 month clamps to Feb 28
    (date(2025, 8, 31), 6, date(2026, 2, 27)),
    (date(2025, 12, 31), 12, date(2026, 12, 30)),
    (date(2025, 1, 1), 24, date(2026, 12, 31)),
])
def test_end_is_purchase_plus_months_clamped_minus_one_day(bought, months, end):
    assert warranty_end(bought, months) == end


def test_last_covered_day_and_first_uncovered_day():
    bought = date(2025, 3, 2)
    last = judge_warranty(facts(bought), date(2026, 3, 1))
    first_out = judge_warranty(facts(bought), date(2026, 3, 2))
    assert last.status is WarrantyStatus.IN_WARRANTY
    assert (last.starts_on, last.ends_on) == (bought, date(2026, 3, 1))
    assert first_out.status is WarrantyStatus.OUT_OF_WARRANTY
    assert "2026-03-01" in reason_text(first_out.reasons[-1], "en")


def test_leap_day_purchase():
    decision = judge_warranty(facts(date(2024, 2, 29)), date(2025, 2, 28))
    assert decision.status is WarrantyStatus.OUT_OF_WARRANTY
    assert decision.ends_on == date(2025, 2, 27)
    assert judge_warranty(facts(date(2024, 2, 29)), date(2025, 2, 27)).in_warranty


def test_extended_months_are_added_and_explained():
    decision = judge_warranty(facts(date(2024, 1, 10), extended=12), date(2025, 6, 1))
    assert decision.status is WarrantyStatus.IN_WARRANTY
    assert decision.ends_on == date(2026, 1, 9)
    assert [r.code for r in decision.reasons] == ["term", "extended", "covered_until"]
    assert "延长保修12个月" in reason_text(decision.reasons[1], "zh_CN")


def test_no_purchase_date_is_unknown_never_in_warranty():
    decision = judge_warranty(facts(None), date(2026, 1, 1))
    assert decision.status is WarrantyStatus.UNKNOWN
    assert decision.starts_on is None and decision.ends_on is None
    assert "unknown" in reason_text(decision.reasons[0], "en")
    assert "未知" in reason_text(decision.reasons[0], "zh_CN")


def test_policy_requiring_a_proof_document_makes_a_bare_date_unknown():
    policy = WarrantyPolicy(require_proof_document=True)
    assert judge_warranty(facts(date(2026, 1, 1)), date(2026, 2, 1), policy).status is \
        WarrantyStatus.UNKNOWN
    assert judge_warranty(facts(date(2026, 1, 1), proof=True), date(2026, 2, 1), policy) \
        .in_warranty


def test_judging_a_day_before_the_purchase_is_not_in_warranty():
    decision = judge_warranty(facts(date(2026, 5, 1)), date(2026, 4, 1))
    assert decision.status is WarrantyStatus.UNKNOWN
    assert decision.reasons[-1].code == "before_purchase"


@given(bought=st.dates(date(2000, 1, 1), date(2090, 12, 31)),
       months=st.integers(0, 120), extended=st.integers(0, 60))
def test_covered_exactly_up_to_the_end(bought, months, extended):
    months = max(months, 1)
    decision = judge_warranty(facts(bought, months, extended), bought)
    end = decision.ends_on
    assert end is not None and end >= bought
    assert judge_warranty(facts(bought, months, extended), end).in_warranty
    after = judge_warranty(facts(bought, months, extended), end + timedelta(days=1))
    assert after.status is WarrantyStatus.OUT_OF_WARRANTY


@given(st.sampled_from(["zh_CN", "zh_TW", "en"]))
def test_every_reason_reads_in_every_language(lang):
    decisions = [judge_warranty(facts(date(2025, 1, 1), extended=6), date(2025, 3, 1)),
                 judge_warranty(facts(date(2020, 1, 1)), date(2025, 3, 1)),
                 judge_warranty(facts(None), date(2025, 3, 1))]
    for d in decisions:
        for reason in d.reasons:
            text = reason_text(reason, lang)
            assert text and "{" not in text and "%(" not in text


def test_repair_warranty_covers_after_the_base_warranty_ended():
    unit = UnitFacts("AT-100", 12, date(2024, 1, 1), repair_shipped_on=date(2026, 5, 1))
    within = judge_warranty(unit, date(2026, 7, 29))  # day 90 counting the shipping day
    assert within.status is WarrantyStatus.IN_WARRANTY
    assert within.reasons[-1].code == "repair_warranty"
    assert "90" in reason_text(within.reasons[-1], "en") and "2026-07-29" in reason_text(within.reasons[-1], "en")
    assert judge_warranty(unit, date(2026, 7, 30)).status is WarrantyStatus.OUT_OF_WARRANTY
    shorter = WarrantyPolicy(repair_warranty_days=30)
    assert judge_warranty(unit, date(2026, 6, 1), shorter).status is \
        WarrantyStatus.OUT_OF_WARRANTY


def test_repair_warranty_applies_without_a_purchase_date():
    unit = UnitFacts("AT-100", 12, None, repair_shipped_on=date(2026, 5, 1))
    assert judge_warranty(unit, date(2026, 5, 20)).status is WarrantyStatus.IN_WARRANTY
    assert judge_warranty(unit, date(2026, 9, 20)).status is WarrantyStatus.UNKNOWN


@given(st.dates(date(1990, 1, 1), date(2090, 12, 31)), st.integers(0, 600))
def test_month_arithmetic_agrees_with_dateutil(day, months):
    from dateutil.relativedelta import relativedelta

    from depot.domain.warranty import add_months

    assert add_months(day, months) == day + relativedelta(months=months)


def test_a_far_future_purchase_date_is_judged_not_crashed():
    """A date like 9999-12-31 may be stored by an old import: reading it never fails."""
    from depot.domain.warranty import UnitFacts, judge_warranty

    facts = UnitFacts("Model", 12, date(9999, 12, 31), extended_months=24,
                      repair_shipped_on=date(9999, 12, 30))
    decision = judge_warranty(facts, date(2026, 12, 2))
    assert decision.ends_on == date.max
    assert decision.status.value == "unknown"  # judged before the purchase date
    assert reason_text(decision.reasons[-1], "en").startswith("2026-12-02 is before")
