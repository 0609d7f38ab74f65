"""Technician productivity per period (issue 11, item 5), counted in SQL.

Per technician: RMAs finished (the actor of the finish_repair event: who did the work, not who
closed the RMA), the median bench time of those repairs in working hours, and QA failures
(each fail_qa counted to whoever finished the repair that failed, not to who tested it).

Bench time runs from the latest start_repair before the finish to the finish, on the office
hours of working days (09:00-17:00 in the depot's zone, the China calendar with the admin's
overrides). It is worked out once, when the repair is finished (services/report_facts.py,
table bench_times), so a period's figures are one range of an index: a technician who finished
the same RMA twice in the period (after a failed QA) is counted once, with the latest finish
(the earlier one is `superseded_at` the later); the median is taken with window functions,
and Python sees one row per technician.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, nulls_last, or_, select
from sqlalchemy.orm import Session

from depot.models import BenchTime, User


def _bench(session: Session, start: datetime, end: datetime) -> list[tuple[int, int, Any]]:
    """(technician id, RMAs finished, median bench hours) for finishes in [start, end): one
    range of ix_bench_times_finished and one sort (both windows share it)."""
    by_hours = {"partition_by": BenchTime.technician_id,
                "order_by": nulls_last(BenchTime.hours.asc())}
    ranked = (select(BenchTime.technician_id.label("tech"), BenchTime.hours.label("h"),
                     func.row_number().over(**by_hours).label("rn"),
                     func.count(BenchTime.hours).over(**by_hours, rows=(None, None)).label("n"),
                     func.count().over(**by_hours, rows=(None, None)).label("finished"))
              .where(BenchTime.finished_at >= start, BenchTime.finished_at < end,
                     or_(BenchTime.superseded_at.is_(None), BenchTime.superseded_at >= end))
              .subquery("ranked"))
    middle = func.avg(ranked.c.h).filter(
        ranked.c.rn.in_(((ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2)), ranked.c.n > 0)
    return [tuple(r) for r in session.execute(
        select(ranked.c.tech, func.max(ranked.c.finished), middle).group_by(ranked.c.tech))]


def technician_productivity(session: Session, first, last, start: datetime, end: datetime, *,
                            tz: ZoneInfo) -> list[dict[str, Any]]:
    """[{technician, finished, median_bench_hours, qa_failures}] for the depot days
    first … last (the UTC interval [start, end)), most finished first."""
    rows = _bench(session, start, end)
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


def _qa_failures(session: Session, start: datetime, end: datetime) -> dict[int | None, int]:
    """QA failures in [start, end) per technician who finished the repair that failed."""
    return dict(session.execute(
        select(BenchTime.technician_id, func.count())
        .where(BenchTime.failed_qa_at >= start, BenchTime.failed_qa_at < end)
        .group_by(BenchTime.technician_id)).all())
