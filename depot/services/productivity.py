"""Technician productivity per period (issue 11, item 5), counted in SQL.

Per technician: RMAs finished (the actor of the finish_repair event: who did the work, not who
closed the RMA), the median bench time of those repairs in working hours, and QA failures
(each fail_qa counted to whoever finished the repair that failed, not to who tested it).

Bench time runs from the latest start_repair before the finish to the finish, on the office
hours of working days (09:00-17:00 in the depot's zone, the China calendar with the admin's
overrides). The calendar goes into the statement as a small table of days (the working days
before each day, and whether it is one), so the database turns every moment into working
hours since the calendar's first day and takes the median with window functions; Python sees
one row per technician. The calendar starts a year before the period: a repair started
earlier than that counts from there.
"""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, aliased

from depot.domain.workflow import Action
from depot.models import RmaEvent, User
from depot.services.calendars import china_calendar

WORK_DAY_START, WORK_DAY_HOURS = time(9, 0), 8
LOOKBACK_DAYS = 366


def _local(column: str, postgres: bool, offset_seconds: int) -> str:
    if postgres:
        return f"({column} AT TIME ZONE :tz)"
    # SQLite keeps UTC text; the zone's offset at the period's start (the depot's zones,
    # Asia/Shanghai above all, keep no summer time).
    return f"datetime({column}, '{offset_seconds:+d} seconds')"


def _day(local: str, postgres: bool) -> str:
    return f"CAST({local} AS date)" if postgres else f"date({local})"


def _office_hours(local: str, postgres: bool) -> str:
    """Hours of the day's office time gone by at `local` (0 to 8)."""
    start = WORK_DAY_START.hour * 3600 + WORK_DAY_START.minute * 60
    if postgres:
        seconds = f"EXTRACT(EPOCH FROM CAST({local} AS time))"
        return f"LEAST(GREATEST(({seconds} - {start}) / 3600.0, 0), {WORK_DAY_HOURS})"
    seconds = f"((julianday({local}) - julianday(date({local}))) * 86400.0)"
    return f"min(max(({seconds} - {start}) / 3600.0, 0), {WORK_DAY_HOURS})"


def _bench_sql(postgres: bool, offset: int, days: int) -> str:
    marks = ", ".join(f"(:d{i}, :b{i}, :w{i})" for i in range(days))
    fl, sl = _local("fat", postgres, offset), _local("sat", postgres, offset)
    finished_at = f"(8 * cf.wb + cf.w * {_office_hours('fl', postgres)})"
    started_at = f"(8 * COALESCE(cs.wb, 0) + COALESCE(cs.w, 0) * {_office_hours('sl', postgres)})"
    return f"""
WITH cal(day, wb, w) AS (VALUES {marks}),
fin AS (
  SELECT f.actor_id AS tech, f.at AS fat,
         (SELECT max(s.at) FROM rma_events s WHERE s.rma_id = f.rma_id
            AND s.action = :start_action AND s.id < f.id) AS sat,
         row_number() OVER (PARTITION BY f.actor_id, f.rma_id ORDER BY f.id DESC) AS k
  FROM rma_events f
  WHERE f.action = :finish_action AND f.at >= :start AND f.at < :end
    AND f.actor_id IS NOT NULL),
loc AS (SELECT tech, {fl} AS fl, {sl} AS sl FROM fin WHERE k = 1),
hrs AS (
  SELECT tech, CASE WHEN sl IS NULL THEN NULL ELSE {finished_at} - {started_at} END AS h
  FROM loc JOIN cal cf ON cf.day = {_day('fl', postgres)}
  LEFT JOIN cal cs ON cs.day = {_day('sl', postgres)}),
ranked AS (
  SELECT tech, h, row_number() OVER (PARTITION BY tech ORDER BY h) AS rn,
         count(*) OVER (PARTITION BY tech) AS n
  FROM hrs WHERE h IS NOT NULL)
SELECT t.tech, t.finished, m.middle
FROM (SELECT tech, count(*) AS finished FROM hrs GROUP BY tech) t
LEFT JOIN (SELECT tech, avg(h) AS middle FROM ranked WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
           GROUP BY tech) m ON m.tech = t.tech"""


def technician_productivity(session: Session, first, last, start: datetime, end: datetime, *,
                            tz: ZoneInfo) -> list[dict[str, Any]]:
    """[{technician, finished, median_bench_hours, qa_failures}] for the depot days
    first … last (the UTC interval [start, end)), most finished first."""
    postgres = session.get_bind().dialect.name == "postgresql"
    cal_first = first - timedelta(days=LOOKBACK_DAYS)
    calendar = china_calendar(session, range(cal_first.year, last.year + 1))
    params: dict[str, Any] = {"start_action": Action.START_REPAIR.value,
                              "finish_action": Action.FINISH_REPAIR.value, "tz": tz.key,
                              "start": _bind(start, postgres), "end": _bind(end, postgres)}
    before, day, i = 0, cal_first, 0
    while day <= last:
        working = int(calendar.is_working_day(day))
        params[f"d{i}"] = day if postgres else day.isoformat()
        params[f"b{i}"], params[f"w{i}"] = before, working
        before += working
        day += timedelta(days=1)
        i += 1
    offset = int(datetime.combine(first, time(0), tz).utcoffset().total_seconds())
    rows = session.execute(text(_bench_sql(postgres, offset, i)), params).all()
    failures = _qa_failures(session, start, end)
    people = {r[0] for r in rows} | {k for k in failures if k is not None}
    names = dict(session.execute(select(User.id, User.username).where(User.id.in_(people))).all()
                 ) if people else {}
    bench = {tech: (finished, middle) for tech, finished, middle in rows}
    out = []
    for tech in people:
        finished, middle = bench.get(tech, (0, None))
        out.append({"technician": names.get(tech, str(tech)), "finished": finished,
                    "median_bench_hours": round(float(middle), 2) if middle is not None else None,
                    "qa_failures": failures.get(tech, 0)})
    return sorted(out, key=lambda t: (-t["finished"], t["technician"]))


def _bind(moment: datetime, postgres: bool) -> Any:
    """A UTC moment as the column keeps it (SQLite: naive UTC text, as UTCDateTime writes)."""
    if postgres:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def _qa_failures(session: Session, start: datetime, end: datetime) -> dict[int | None, int]:
    finisher = aliased(RmaEvent)
    worked = (select(finisher.actor_id).where(
        finisher.rma_id == RmaEvent.rma_id, finisher.action == Action.FINISH_REPAIR.value,
        finisher.id < RmaEvent.id).order_by(finisher.id.desc()).limit(1).scalar_subquery())
    tech = worked.label("tech")
    return dict(session.execute(
        select(tech, func.count())
        .where(RmaEvent.action == Action.FAIL_QA.value, RmaEvent.at >= start, RmaEvent.at < end)
        .group_by(tech)).all())
