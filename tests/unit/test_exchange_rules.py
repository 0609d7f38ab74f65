"""Exchange (换货) rules, pure: the table rows and guards, DOA, the replacement's warranty date
(month ends and leap days included), which replacements are refused."""
from datetime import date
from decimal import Decimal

import pytest

from depot.domain.damage import DamageClass
from depot.domain.exchange import (
    Candidate,
    StockOutcome,
    check_replacement,
    doa_reason,
    parse_outcome,
    replacement_warranty_end,
)
from depot.domain.warranty import UnitFacts, WarrantyStatus, judge_warranty
from depot.domain.workflow import (
    ACTION_PERMISSIONS,
    Action,
    RmaFacts,
    Status,
    allowed_actions,
    next_status,
)
from depot.domain.roles import may
from depot.errors import ConflictError, InvalidInputError, InvalidTransitionError

S, A = Status, Action
FROM = (S.INSPECTED, S.APPROVED, S.IN_REPAIR, S.AWAITING_PARTS)


@pytest.mark.parametrize("status", FROM)
def test_exchange_goes_to_ready_to_ship_from_the_bench_statuses(status):
    assert next_status(status, A.EXCHANGE, RmaFacts(covered=True)) is S.READY_TO_SHIP


@pytest.mark.parametrize("status", [s for s in Status if s not in FROM])
def test_exchange_is_refused_from_any_other_status(status):
    with pytest.raises(InvalidTransitionError) as info:
        next_status(status, A.EXCHANGE, RmaFacts(covered=True))
    assert info.value.code == "invalid_transition"


def test_uncovered_needs_an_approved_quote_and_pay_before_repair_the_money():
    with pytest.raises(InvalidTransitionError) as info:
        next_status(S.INSPECTED, A.EXCHANGE, RmaFacts(covered=False))
    assert info.value.code == "quote_required"
    approved = RmaFacts(covered=False, quote_approved=True, outstanding=Decimal("80.00"))
    assert next_status(S.APPROVED, A.EXCHANGE, approved) is S.READY_TO_SHIP
    unpaid = RmaFacts(covered=False, quote_approved=True, outstanding=Decimal("80.00"),
                      pay_before="repair")
    with pytest.raises(InvalidTransitionError) as info:
        next_status(S.APPROVED, A.EXCHANGE, unpaid)
    assert info.value.code == "payment_required"
    assert A.EXCHANGE not in allowed_actions(S.APPROVED, unpaid)


def test_dead_on_arrival_puts_exchange_first():
    plain = allowed_actions(S.INSPECTED, RmaFacts(covered=True))
    doa = allowed_actions(S.INSPECTED, RmaFacts(covered=True, doa=True))
    assert plain[0] is not A.EXCHANGE and A.EXCHANGE in plain
    assert doa[0] is A.EXCHANGE and sorted(doa) == sorted(plain)


def test_technicians_supervisors_and_admins_exchange():
    permission = ACTION_PERMISSIONS[A.EXCHANGE]
    assert [r for r in ("clerk", "technician", "supervisor", "logistics", "admin")
            if may(r, permission)] == ["technician", "supervisor", "admin"]


@pytest.mark.parametrize("judged, days, expected", [
    (date(2026, 1, 1), 0, True),  # the day of purchase
    (date(2026, 1, 16), 15, True),  # the 15th day after it
    (date(2026, 1, 17), 16, False),
    (date(2025, 12, 31), None, False),  # before the purchase: a wrong date, not DOA
])
def test_doa_within_the_days_after_purchase(judged, days, expected):
    reason = doa_reason(DamageClass.QUALITY, date(2026, 1, 1), judged, 15)
    assert (reason is not None) is expected
    if expected:
        assert reason.code == "doa" and reason.params == {"days": days, "limit": 15}


def test_doa_only_for_quality_faults_with_a_purchase_date():
    day = date(2026, 1, 5)
    assert doa_reason(DamageClass.MAN_MADE, date(2026, 1, 1), day) is None
    assert doa_reason(DamageClass.NO_FAULT_FOUND, date(2026, 1, 1), day) is None
    assert doa_reason(DamageClass.QUALITY, None, day) is None
    assert doa_reason(DamageClass.QUALITY, date(2026, 1, 1), day, 0) is None


@pytest.mark.parametrize("original, shipped, days, expected", [
    (date(2027, 5, 31), date(2026, 11, 20), 90, date(2027, 5, 31)),  # the original is later
    (date(2026, 12, 9), date(2026, 11, 20), 90, date(2027, 2, 17)),  # the minimum is later
    (None, date(2026, 11, 20), 90, date(2027, 2, 17)),  # no purchase date known
    (None, date(2026, 1, 31), 90, date(2026, 4, 30)),  # across February's end
    (None, date(2024, 1, 31), 90, date(2024, 4, 29)),  # a leap year's February
    (None, date(2026, 12, 31), 1, date(2026, 12, 31)),  # one day: the ship day only
    (date(2027, 2, 17), date(2026, 11, 20), 90, date(2027, 2, 17)),  # equal
    (None, date(9999, 12, 30), 90, date.max),  # never a crash
])
def test_replacement_warranty_end(original, shipped, days, expected):
    assert replacement_warranty_end(original, shipped, days) == expected


def test_the_fixed_end_decides_the_replacements_warranty():
    facts = UnitFacts("AT-100", 12, date(2025, 12, 10), exchange_ends_on=date(2027, 2, 17))
    covered = judge_warranty(facts, date(2027, 2, 17))
    assert covered.status is WarrantyStatus.IN_WARRANTY and covered.ends_on == date(2027, 2, 17)
    assert [r.code for r in covered.reasons] == ["term", "exchange_warranty"]
    assert judge_warranty(facts, date(2027, 2, 18)).status is WarrantyStatus.OUT_OF_WARRANTY
    unknown = UnitFacts("AT-100", 12, None, exchange_ends_on=date(2027, 2, 17))
    assert judge_warranty(unknown, date(2027, 1, 1)).in_warranty


ORIGINAL = "sn-1"


@pytest.mark.parametrize("candidate, kind, code", [
    (Candidate("sn-1"), InvalidInputError, "same_unit"),
    (Candidate("sn-2", customer_id=8), ConflictError, "replacement_owned"),
    (Candidate("sn-2", customer_id=7, open_rma="RMA-2026-000001"), ConflictError,
     "replacement_in_repair"),
    (Candidate("sn-2", pending_exchange="RMA-2026-000002"), ConflictError,
     "replacement_taken"),
])
def test_bad_replacements(candidate, kind, code):
    with pytest.raises(kind) as info:
        check_replacement(ORIGINAL, 7, candidate)
    assert info.value.code == code


def test_good_replacements():
    check_replacement(ORIGINAL, 7, Candidate("sn-2"))  # new, or depot stock
    check_replacement(ORIGINAL, 7, Candidate("sn-2", customer_id=7))  # the same customer's


def test_outcomes():
    assert parse_outcome("scrapped") is StockOutcome.SCRAPPED
    with pytest.raises(InvalidInputError):
        parse_outcome("sold")
