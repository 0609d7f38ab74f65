from datetime import date

from depot.domain.history import repeat_of


def test_back_within_the_days_names_the_previous_rma():
    assert repeat_of("RMA-2026-000001", date(2026, 8, 1), date(2026, 10, 30), 90) \
        == "RMA-2026-000001"  # 90 days after shipping: still a repeat


def test_one_day_later_is_a_new_visit():
    assert repeat_of("RMA-2026-000001", date(2026, 8, 1), date(2026, 10, 31), 90) is None


def test_never_shipped_or_no_previous_is_no_repeat():
    assert repeat_of("RMA-2026-000001", None, date(2026, 10, 1)) is None
    assert repeat_of(None, None, date(2026, 10, 1)) is None
