"""Working days on the mainland China calendar, with the depot's own overrides.

The calendar is given its holidays and make-up workdays as plain sets, so the rule stays pure;
depot/services/calendars.py fills them from the `holidays` package and the admin's override table.
"""
from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

REPAIR_CYCLE_DAYS = 5


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: Container[date] = frozenset()
    makeup_workdays: Container[date] = frozenset()
    overrides: Mapping[date, bool] = field(default_factory=dict)  # date -> is a working day

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day in self.makeup_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start itself does not count); n >= 0."""
        day = start
        remaining = n
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, first: date, last: date) -> int:
        """Working days in the half-open span (first, last]: how far a clock moved."""
        count = 0
        day = first
        while day < last:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def due_date(calendar: WorkingCalendar, received_on: date, paused_working_days: int = 0) -> date:
    """Repair due date: the 5th working day after receipt, moved by the working days paused."""
    return calendar.add_working_days(received_on, REPAIR_CYCLE_DAYS + paused_working_days)


OFFICE_OPENS = time(9, 0)
OFFICE_HOURS = 8


def office_hours(moment: time) -> float:
    """Hours of a working day's office time (09:00-17:00) gone by at `moment`, 0 to 8."""
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6
    opens = OFFICE_OPENS.hour * 3600 + OFFICE_OPENS.minute * 60
    return min(max((seconds - opens) / 3600, 0.0), float(OFFICE_HOURS))


def office_hours_between(calendar: WorkingCalendar, start: datetime, end: datetime) -> float:
    """Working hours from `start` to `end` (both in the depot's local time): the office hours
    of the working days between them, 09:00-17:00; off days count nothing. Bench time."""
    first, last = start.date(), end.date()
    whole_days = calendar.working_days_between(first - timedelta(days=1), last - timedelta(days=1))
    done = office_hours(end.timetz()) if calendar.is_working_day(last) else 0.0
    before = office_hours(start.timetz()) if calendar.is_working_day(first) else 0.0
    return OFFICE_HOURS * whole_days + done - before
