"""Working days on the mainland China calendar, with the depot's own overrides.

The calendar is given its holidays and make-up workdays as plain sets, so the rule stays pure;
depot/services/calendars.py fills them from the `holidays` package and the admin's override table.
"""
from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

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
