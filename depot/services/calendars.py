"""Builds the working calendar from the `holidays` package and the admin's override table."""
from __future__ import annotations

from datetime import date

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.domain.calendar import WorkingCalendar
from depot.models import CalendarOverride


def china_calendar(session: Session, years: range) -> WorkingCalendar:
    """Mainland China: official holidays off, make-up weekend workdays (调休) on, overrides last."""
    cn = holidays.China(years=list(years))
    makeup = {day for day in _weekends(years) if cn.is_working_day(day)}
    overrides = {o.day: o.is_working for o in session.scalars(select(CalendarOverride))}
    return WorkingCalendar(holidays=frozenset(cn.keys()), makeup_workdays=frozenset(makeup),
                           overrides=overrides)


def calendar_around(session: Session, day: date) -> WorkingCalendar:
    """Enough years for a due date near `day` (a cycle can run over New Year)."""
    return china_calendar(session, range(day.year - 1, day.year + 2))


def _weekends(years: range) -> list[date]:
    from datetime import timedelta

    days = []
    for year in years:
        day = date(year, 1, 1)
        while day.year == year:
            if day.weekday() >= 5:
                days.append(day)
            day += timedelta(days=1)
    return days


def set_override(session: Session, day: date, *, is_working: bool, note: str = "") -> None:
    """The admin declares `day` a working day or a holiday (again: the new word stands)."""
    row = session.get(CalendarOverride, day) or CalendarOverride(day=day)
    row.is_working, row.note = is_working, note
    session.add(row)
    session.commit()


def list_overrides(session: Session, since: date) -> list[CalendarOverride]:
    return list(session.scalars(select(CalendarOverride).where(CalendarOverride.day >= since)
                                .order_by(CalendarOverride.day)))
