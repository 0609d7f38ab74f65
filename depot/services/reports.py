"""Weekly and monthly reports (周报, 月报): DESIGN.md 4b "Reports", figure by figure.

Every figure is an SQL aggregate over an index (migration 0010): the database counts and
groups, Python only turns the grouped rows into the contract's shape. Turnaround runs on the
working-day clock of `due_on` (the China calendar with the admin's overrides, the days spent
waiting on the customer taken off): the database groups the shipped RMAs by (received_on,
shipped_on, paused days), a few thousand groups even for a year of a big depot, and each group's
working days come from a running count of working days, so no row is looked at one by one.
"""
from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select, text, true
from sqlalchemy.orm import Session

from depot.domain.calendar import WorkingCalendar
from depot.domain.complaints import ComplaintKind
from depot.domain.workflow import Action, Status
from depot.errors import InvalidInputError
from depot.models import Complaint, Payment, ProductModel, Quote, Rma, RmaEvent, Survey, Unit
from depot.services import productivity
from depot.services.calendars import china_calendar
from depot.services.common import DEFAULT_TZ

MAX_SPAN_DAYS = 400
TOP_FINDINGS = 10
PERIODS = ("week", "month")
# DESIGN.md 4b "Survey (回访) and complaints (投诉)": every kind is listed, 0 included.
COMPLAINT_KINDS = tuple(k.value for k in ComplaintKind)



@dataclass(frozen=True)
class Period:
    first: date  # both inclusive, depot dates
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def period(first: date, last: date) -> Period:
    """A report period; a period that ends before it starts or is longer than 400 days is
    refused (InvalidInputError)."""
    if first > last:
        raise InvalidInputError("the period starts on %(from)s, after its end on %(to)s",
                                code="invalid_period", field="from",
                                **{"from": first.isoformat(), "to": last.isoformat()})
    span = Period(first, last)
    if span.days > MAX_SPAN_DAYS:
        raise InvalidInputError("a report covers at most %(max_days)s days, not %(days)s",
                                code="invalid_period", field="to", max_days=MAX_SPAN_DAYS,
                                days=span.days)
    return span


def current_period(kind: str, today: date) -> Period:
    """The week (Monday to Sunday) or month that holds `today`, up to today."""
    if kind == "week":
        return Period(today - timedelta(days=today.weekday()), today)
    return Period(today.replace(day=1), today)


def last_full_period(kind: str, today: date) -> Period:
    """The last complete week (Monday to Sunday) or calendar month before `today`."""
    if kind == "week":
        monday = today - timedelta(days=today.weekday())
        return Period(monday - timedelta(days=7), monday - timedelta(days=1))
    last = today.replace(day=1) - timedelta(days=1)
    return Period(last.replace(day=1), last)


def _utc_bounds(span: Period, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The half-open UTC interval [start, end) of the period's depot days."""
    start = datetime.combine(span.first, time(0), tz).astimezone(UTC)
    end = datetime.combine(span.last + timedelta(days=1), time(0), tz).astimezone(UTC)
    return start, end


class WorkingClock:
    """Working days counted from a first day: `ordinal(d)` is the number of working days in
    (first, d], so the working days between two days are a subtraction."""

    def __init__(self, calendar: WorkingCalendar, first: date, last: date) -> None:
        self.calendar, self.first = calendar, first
        self._count: list[int] = [0]
        running, day = 0, first
        while day < last:
            day += timedelta(days=1)
            running += calendar.is_working_day(day)
            self._count.append(running)

    def ordinal(self, day: date) -> int:
        return self._count[(day - self.first).days]

    def working_days_between(self, first: date, last: date) -> int:
        return self.ordinal(last) - self.ordinal(first) if last > first else 0


def working_clock(session: Session, first: date, last: date) -> WorkingClock:
    calendar = china_calendar(session, range(first.year, last.year + 1))
    return WorkingClock(calendar, first - timedelta(days=1), last)


def median(values: Sequence[float] | Sequence[int]) -> float | int | None:
    """statistics.median, or None for no values."""
    if not values:
        return None
    ordered, n = sorted(values), len(values)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _weighted_median(counts: dict[int, int]) -> float | int | None:
    """statistics.median of a multiset given as value -> how many times."""
    n = sum(counts.values())
    if not n:
        return None
    wanted = [(n - 1) // 2, n // 2]  # 0-based positions of the middle one or two
    found: list[int] = []
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        while len(found) < 2 and wanted[len(found)] < seen:
            found.append(value)
    return found[0] if n % 2 else (found[0] + found[1]) / 2


def _nearest_rank(counts: dict[int, int], share: float) -> int | None:
    """The ⌈share·n⌉-th smallest value of the multiset."""
    n = sum(counts.values())
    if not n:
        return None
    rank, seen = max(1, math.ceil(share * n)), 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return value
    raise AssertionError("unreachable")


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


# -- the figures -------------------------------------------------------------------------------

def summary(session: Session, span: Period, *, tz: ZoneInfo = DEFAULT_TZ,
            currency: str = "CNY", repeat_days: int = 90) -> dict[str, Any]:
    """The report of `span`: the contract's figures, plus `by_day` (received and shipped per
    day) and `technicians` (productivity per technician)."""
    start, end = _utc_bounds(span, tz)
    _tune_for_reports(session)
    received = _count_by(session, Rma.warranty_status, Rma.received_on, span)
    inspected = _inspected(span)
    return {
        "from": span.first.isoformat(), "to": span.last.isoformat(),
        "received": sum(received.values()),
        "shipped": None,  # filled below from the turnaround groups
        "turnaround": None,
        "warranty": {s: received.get(s, 0) for s in ("in_warranty", "out_of_warranty",
                                                     "unknown")},
        **_damage(session, inspected),
        "top_findings": _top_findings(session, inspected),
        "quotes": _quotes(session, start, end),
        "revenue": _revenue(session, start, end, currency),
        "repeat_repairs": _repeat_repairs(session, span, repeat_days),
        "complaints": _complaints(session, start, end),
        "survey": _survey(session, start, end),
    } | _shipped(session, span) | {
        "by_day": _by_day(session, span),
        "technicians": technician_productivity(session, span, tz=tz),
    }


def _tune_for_reports(session: Session) -> None:
    """PostgreSQL, for this transaction only: no JIT (compiling the year's statements cost
    85 ms of a 700 ms one, and never paid back) and room to sort a year's bench times in
    memory (4 MB, the default, spilled them to disk)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '32MB'"))


def _count_by(session: Session, column: Any, day_column: Any, span: Period) -> dict[str, int]:
    rows = session.execute(select(column, func.count()).where(
        day_column.between(span.first, span.last)).group_by(column))
    return {key: n for key, n in rows}


def _shipped(session: Session, span: Period) -> dict[str, Any]:
    """`shipped` and `turnaround`: RMAs shipped in the period, grouped by their clock."""
    groups = session.execute(
        select(Rma.received_on, Rma.shipped_on, Rma.paused_working_days, func.count(),
               func.sum(case((Rma.shipped_on <= Rma.due_on, 1), else_=0)))
        .where(Rma.shipped_on.between(span.first, span.last))
        .group_by(Rma.received_on, Rma.shipped_on, Rma.paused_working_days)).all()
    shipped = sum(g[3] for g in groups)
    on_time = sum(int(g[4] or 0) for g in groups)
    counts: dict[int, int] = {}
    if groups:
        clock = working_clock(session, min(g[0] for g in groups), span.last)
        for received_on, shipped_on, paused, n, _ in groups:
            days = max(clock.working_days_between(received_on, shipped_on) - (paused or 0), 0)
            counts[days] = counts.get(days, 0) + n
    return {"shipped": shipped, "turnaround": {
        "shipped": shipped, "on_time": on_time, "on_time_share": _share(on_time, shipped),
        "median_working_days": _weighted_median(counts),
        "p90_working_days": _nearest_rank(counts, 0.9)}}


def _inspected(span: Period) -> Any:
    """RMAs inspected in the period: their first inspection (received -> inspected; a corrected
    finding later is not a new inspection) falls in it (Rma.inspected_on, kept at the change)."""
    return Rma.inspected_on.between(span.first, span.last)


def _damage(session: Session, inspected) -> dict[str, Any]:
    # grouped by the model's id (one probe of ix_units_model per RMA); the codes of the few
    # models are read after
    rows = session.execute(
        select(Unit.model_id, Rma.damage_class, func.count())
        .join(Unit, Unit.id == Rma.unit_id).where(inspected)
        .group_by(Unit.model_id, Rma.damage_class)).all()
    codes = dict(session.execute(select(ProductModel.id, ProductModel.code).where(
        ProductModel.id.in_({r[0] for r in rows}))).all()) if rows else {}
    damage = {c: 0 for c in ("man_made", "quality", "no_fault_found")}
    models: dict[str, list[int]] = {}
    for model_id, damage_class, n in rows:
        if damage_class in damage:
            damage[damage_class] += n
        seen = models.setdefault(codes[model_id], [0, 0])
        seen[0] += n
        seen[1] += n if damage_class == "man_made" else 0
    return {"damage": damage, "man_made_by_model": [
        {"model": code, "inspected": n, "man_made": mm, "ratio": _share(mm, n)}
        for code, (n, mm) in sorted(models.items())]}


def _top_findings(session: Session, inspected) -> list[dict[str, Any]]:
    """Finding codes on the RMAs inspected in the period, most frequent first (then by code)."""
    if session.get_bind().dialect.name == "postgresql":
        code = func.json_array_elements_text(Rma.findings).table_valued("value").alias("f")
    else:
        code = func.json_each(Rma.findings).table_valued("value").alias("f")
    value = code.c.value
    rows = session.execute(
        select(value, func.count().label("n")).select_from(Rma).join(code, true())
        .where(inspected).group_by(value)
        .order_by(func.count().desc(), value).limit(TOP_FINDINGS)).all()
    return [{"code": str(c), "count": n} for c, n in rows]


def _quotes(session: Session, start: datetime, end: datetime) -> dict[str, Any]:
    sent = session.scalar(select(func.count()).select_from(Quote).where(
        Quote.sent_at >= start, Quote.sent_at < end)) or 0
    answers = dict(session.execute(
        select(Quote.status, func.count()).where(
            Quote.answered_at >= start, Quote.answered_at < end,
            Quote.status.in_(("approved", "declined"))).group_by(Quote.status)).all())
    approved, declined = answers.get("approved", 0), answers.get("declined", 0)
    return {"sent": sent, "approved": approved, "declined": declined,
            "approval_rate": _share(approved, approved + declined)}


def _revenue(session: Session, start: datetime, end: datetime, currency: str
             ) -> dict[str, str]:
    amount = session.scalar(select(func.coalesce(func.sum(Payment.amount), 0)).where(
        Payment.received_at >= start, Payment.received_at < end, Payment.currency == currency,
        Payment.voided_at.is_(None)))  # a payment voided (recorded by mistake) is no revenue
    return {"amount": str(Decimal(amount or 0).quantize(Decimal("0.01"))), "currency": currency}


def _complaints(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """Complaints registered in the period, by kind (every kind listed, 0 included)."""
    rows = dict(session.execute(
        select(Complaint.kind, func.count()).where(
            Complaint.created_at >= start, Complaint.created_at < end)
        .group_by(Complaint.kind)).all())
    return {kind: rows.get(kind, 0) for kind in COMPLAINT_KINDS}


def _survey(session: Session, start: datetime, end: datetime) -> dict[str, Any]:
    """Survey answers given in the period and their mean score (2 decimals; null for none)."""
    answered, mean = session.execute(
        select(func.count(), func.avg(Survey.score)).where(
            Survey.answered_at >= start, Survey.answered_at < end)).one()
    return {"answered": answered or 0,
            "mean_score": round(float(mean), 2) if answered else None}


def _repeat_repairs(session: Session, span: Period, repeat_days: int) -> int:
    """RMAs received in the period whose unit's previous RMA shipped at most `repeat_days`
    days before this one was received (DESIGN.md 4b `repeat_of`; Rma.previous_shipped_on is
    that ship date, kept at intake)."""
    if session.get_bind().dialect.name == "postgresql":
        earliest = Rma.received_on - repeat_days
    else:
        earliest = func.date(Rma.received_on, f"-{int(repeat_days)} days")
    return session.scalar(select(func.count()).select_from(Rma).where(
        Rma.received_on.between(span.first, span.last),
        Rma.previous_shipped_on >= earliest, Rma.previous_shipped_on <= Rma.received_on)) or 0


def _by_day(session: Session, span: Period) -> list[dict[str, Any]]:
    received = _per_day(session, Rma.received_on, span)
    shipped = _per_day(session, Rma.shipped_on, span)
    days = [span.first + timedelta(days=i) for i in range(span.days)]
    return [{"day": d.isoformat(), "received": received.get(d, 0), "shipped": shipped.get(d, 0)}
            for d in days]


def _per_day(session: Session, column: Any, span: Period) -> dict[date, int]:
    rows = session.execute(select(column, func.count()).where(
        column.between(span.first, span.last)).group_by(column))
    return {day: n for day, n in rows}


# -- technicians -------------------------------------------------------------------------------

def technician_productivity(session: Session, span: Period, *, tz: ZoneInfo = DEFAULT_TZ
                            ) -> list[dict[str, Any]]:
    """Per technician: RMAs finished, median bench hours, QA failures (services/productivity)."""
    start, end = _utc_bounds(span, tz)
    return productivity.technician_productivity(session, span.first, span.last, start, end,
                                                tz=tz)


# -- CSV ----------------------------------------------------------------------------------------

def _tables(report: dict[str, Any]) -> Iterable[tuple[str, list[str], list[list[Any]]]]:
    t = report["turnaround"]
    yield "summary", ["from", "to", "received", "shipped", "repeat_repairs"], [
        [report["from"], report["to"], report["received"], report["shipped"],
         report["repeat_repairs"]]]
    yield "turnaround", list(t), [list(t.values())]
    yield "warranty", ["status", "count"], [[k, v] for k, v in report["warranty"].items()]
    yield "damage", ["class", "count"], [[k, v] for k, v in report["damage"].items()]
    yield "man_made_by_model", ["model", "inspected", "man_made", "ratio"], [
        [m["model"], m["inspected"], m["man_made"], m["ratio"]]
        for m in report["man_made_by_model"]]
    yield "top_findings", ["code", "count"], [[f["code"], f["count"]]
                                              for f in report["top_findings"]]
    yield "quotes", list(report["quotes"]), [list(report["quotes"].values())]
    yield "revenue", ["amount", "currency"], [[report["revenue"]["amount"],
                                               report["revenue"]["currency"]]]
    yield "complaints", ["kind", "count"], [[k, v] for k, v in report["complaints"].items()]
    yield "survey", ["answered", "mean_score"], [[report["survey"]["answered"],
                                                  report["survey"]["mean_score"]]]
    yield "by_day", ["day", "received", "shipped"], [[d["day"], d["received"], d["shipped"]]
                                                     for d in report.get("by_day", [])]
    yield "technicians", ["technician", "finished", "median_bench_hours", "qa_failures"], [
        [p["technician"], p["finished"], p["median_bench_hours"], p["qa_failures"]]
        for p in report.get("technicians", [])]


def to_csv(report: dict[str, Any]) -> bytes:
    """The report's tables one after another, each under a line naming it, a blank line
    between; UTF-8 with a BOM so Excel opens Chinese correctly. null is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for i, (name, header, rows) in enumerate(_tables(report)):
        if i:
            writer.writerow([])
        writer.writerow([name])
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


__all__ = ["COMPLAINT_KINDS", "MAX_SPAN_DAYS", "PERIODS", "Period", "WorkingClock",
           "current_period", "last_full_period", "median", "period", "summary",
           "technician_productivity", "to_csv"]


def resolve_period(first: date | None, last: date | None, kind: str | None, today: date
                   ) -> Period:
    """The period a request names: from/to (both), else the last full week or month."""
    if first is not None or last is not None:
        if first is None or last is None:
            missing = "from" if first is None else "to"
            raise InvalidInputError("%(field)s is required", code="missing_field", field=missing)
        return period(first, last)
    return last_full_period(kind or "week", today)
