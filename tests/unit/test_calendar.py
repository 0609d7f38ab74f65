from datetime import date

import holidays
import pytest

from depot.domain.calendar import WorkingCalendar, due_date


def china(years=(2025, 2026, 2027), overrides=None) -> WorkingCalendar:
    cn = holidays.China(years=list(years))
    weekends = [d for y in years for d in _days(y) if d.weekday() >= 5]
    return WorkingCalendar(frozenset(cn.keys()),
                           frozenset(d for d in weekends if cn.is_working_day(d)),
                           overrides or {})


def _days(year):
    from datetime import timedelta
    d = date(year, 1, 1)
    while d.year == year:
        yield d
        d += timedelta(days=1)


def test_received_before_national_day_is_due_on_the_make_up_saturday():
    # The contract's example: Mon 2026-09-28 -> Sat 2026-10-10 (a make-up workday).
    assert due_date(china(), date(2026, 9, 28)) == date(2026, 10, 10)


def test_plain_week_skips_the_weekend():
    # Wed 2026-11-18: Thu, Fri, Mon, Tue, Wed -> 2026-11-25
    assert due_date(china(), date(2026, 11, 18)) == date(2026, 11, 25)


def test_day_of_receipt_does_not_count_even_on_a_weekend():
    # Received Sat 2026-11-21: Mon..Fri -> Fri 2026-11-27
    assert due_date(china(), date(2026, 11, 21)) == date(2026, 11, 27)


def test_spring_festival_2026_holiday_is_skipped():
    cal = china()
    assert not cal.is_working_day(date(2026, 2, 17))  # Chinese New Year
    assert cal.is_working_day(date(2026, 2, 14))  # Saturday make-up workday
    assert due_date(cal, date(2026, 2, 13)) > date(2026, 2, 23)


def test_overrides_win_for_years_the_package_does_not_know():
    plain = china()
    assert plain.is_working_day(date(2027, 10, 1)) is False  # National Day itself is known
    cal = china(overrides={date(2027, 10, 9): True, date(2027, 10, 4): False})
    assert cal.is_working_day(date(2027, 10, 9))  # a Saturday declared a make-up workday
    assert not cal.is_working_day(date(2027, 10, 4))


def test_paused_days_move_the_due_date():
    cal = china()
    assert due_date(cal, date(2026, 11, 18), paused_working_days=2) == date(2026, 11, 27)


@pytest.mark.parametrize("start", [date(2026, 1, 1) + __import__("datetime").timedelta(days=i * 17)
                                   for i in range(20)])
def test_due_date_is_a_working_day_and_counts_five(start):
    cal = china()
    due = due_date(cal, start)
    assert cal.is_working_day(due)
    assert cal.working_days_between(start, due) == 5


def test_agrees_with_the_holidays_package_for_2026():
    cn = holidays.China(years=2026)
    cal = china()
    for day in _days(2026):
        assert cal.is_working_day(day) == cn.is_working_day(day), day


# -- bench time: office hours (09:00-17:00) of working days ------------------------------------

def _at(month, day, hour, minute=0):
    from datetime import datetime
    return datetime(2026, month, day, hour, minute)


def test_office_hours_within_one_working_day():
    from depot.domain.calendar import office_hours_between
    assert office_hours_between(china(), _at(10, 9, 11), _at(10, 9, 12, 30)) == 1.5


def test_office_hours_over_a_make_up_saturday_and_a_sunday():
    # Fri 10-09 10:00 to Mon 10-12 11:00: Fri 7 + Sat 10-10 (make-up workday) 8 + Sun off + Mon 2
    from depot.domain.calendar import office_hours_between
    assert office_hours_between(china(), _at(10, 9, 10), _at(10, 12, 11)) == 17


def test_office_hours_skip_the_national_day_week_and_clamp_to_office_time():
    # Wed 09-30 16:00 (1 h left) to Thu 10-08 10:00 (1 h in); Oct 1-7 are off
    from depot.domain.calendar import office_hours_between
    assert office_hours_between(china(), _at(9, 30, 16), _at(10, 8, 10)) == 2
    # before opening and after closing count as the edges of the day
    assert office_hours_between(china(), _at(10, 8, 7), _at(10, 8, 20)) == 8


def test_office_hours_started_on_a_day_off_count_from_the_next_working_day():
    from depot.domain.calendar import office_hours_between
    # Sun 10-11 15:00 to Mon 10-12 10:00: 1 h
    assert office_hours_between(china(), _at(10, 11, 15), _at(10, 12, 10)) == 1
    # an override makes that Sunday a working day: its last 2 h count too
    worked = china(overrides={date(2026, 10, 11): True})
    assert office_hours_between(worked, _at(10, 11, 15), _at(10, 12, 10)) == 3
