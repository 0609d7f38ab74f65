"""Warranty judgement: from the purchase date, the model's term and extended cover, with reasons."""
from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date, timedelta

from depot.domain.text import Reason


class WarrantyStatus(enum.StrEnum):
    IN_WARRANTY = "in_warranty"
    OUT_OF_WARRANTY = "out_of_warranty"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class UnitFacts:
    """What the depot knows about a unit that bears on its warranty."""

    model_name: str
    warranty_months: int
    purchase_date: date | None
    extended_months: int = 0
    has_proof_document: bool = False
    repair_shipped_on: date | None = None  # the last repaired RMA of this unit went back then
    # A replacement unit sent in exchange: its last covered day, fixed when it shipped.
    exchange_ends_on: date | None = None


@dataclass(frozen=True)
class WarrantyPolicy:
    """Admin-set rules. With require_proof_document, a purchase date alone is not enough."""

    require_proof_document: bool = False
    repair_warranty_days: int = 90


@dataclass(frozen=True)
class WarrantyDecision:
    status: WarrantyStatus
    starts_on: date | None
    ends_on: date | None
    reasons: tuple[Reason, ...]

    @property
    def in_warranty(self) -> bool:
        return self.status is WarrantyStatus.IN_WARRANTY


def add_months(day: date, months: int) -> date:
    """Calendar months later, clamping to the month's last day (as dateutil's relativedelta).
    Past the last representable day it stays at date.max: a stored date is never a crash."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    if year > date.max.year:
        return date.max
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warranty_end(purchase_date: date, months: int) -> date:
    """Last covered day: purchase date + N calendar months (month ends clamp) - 1 day.

    2025-03-02 + 12 months -> 2026-03-01; 2024-02-29 + 12 months -> 2025-02-28 - 1 = 2025-02-27.
    """
    end = add_months(purchase_date, months)
    return end if end == date.max else end - timedelta(days=1)


def judge_warranty(
    facts: UnitFacts, on_date: date, policy: WarrantyPolicy = WarrantyPolicy()
) -> WarrantyDecision:
    """Decide the warranty on `on_date`: the purchase warranty, or else the repair warranty of
    the last repair. Never 'in warranty' on nothing: no date and no recent repair is unknown."""
    base = _exchange_warranty(facts, on_date, _purchase_warranty(facts, on_date, policy))
    if base.in_warranty or facts.repair_shipped_on is None or policy.repair_warranty_days <= 0:
        return base
    shipped = facts.repair_shipped_on
    end = _plus_days(shipped, policy.repair_warranty_days - 1)
    if not shipped <= on_date <= end:
        return base
    reason = Reason("repair_warranty", {"shipped": shipped, "days": policy.repair_warranty_days,
                                        "end": end})
    return WarrantyDecision(WarrantyStatus.IN_WARRANTY, base.starts_on, base.ends_on,
                            (*base.reasons, reason))


def _exchange_warranty(facts: UnitFacts, on_date: date, base: WarrantyDecision
                       ) -> WarrantyDecision:
    """A replacement unit is covered until the day fixed when it shipped (already the later of
    the original unit's end and the exchange's minimum): the depot's own promise, no proof of
    purchase needed, whatever the replacement's model's term would say."""
    end = facts.exchange_ends_on
    if end is None:
        return base
    kept = tuple(r for r in base.reasons if r.code in ("term", "extended"))
    reason = Reason("exchange_warranty", {"end": end})
    status = WarrantyStatus.IN_WARRANTY if on_date <= end else WarrantyStatus.OUT_OF_WARRANTY
    return WarrantyDecision(status, base.starts_on, end, (*kept, reason))


def _purchase_warranty(facts: UnitFacts, on_date: date, policy: WarrantyPolicy
                       ) -> WarrantyDecision:
    if facts.purchase_date is None:
        return WarrantyDecision(WarrantyStatus.UNKNOWN, None, None, (Reason("no_purchase_date"),))
    start = facts.purchase_date
    months = facts.warranty_months + facts.extended_months
    end = warranty_end(start, months)
    reasons = [
        Reason("term", {"model": facts.model_name, "months": facts.warranty_months, "start": start})
    ]
    if facts.extended_months:
        reasons.append(Reason("extended", {"months": facts.extended_months}))
    if policy.require_proof_document and not facts.has_proof_document:
        reasons.append(Reason("no_proof"))
        return WarrantyDecision(WarrantyStatus.UNKNOWN, start, end, tuple(reasons))
    if on_date < start:
        reasons.append(Reason("before_purchase", {"on": on_date, "start": start}))
        return WarrantyDecision(WarrantyStatus.UNKNOWN, start, end, tuple(reasons))
    if on_date <= end:
        reasons.append(Reason("covered_until", {"end": end, "on": on_date}))
        return WarrantyDecision(WarrantyStatus.IN_WARRANTY, start, end, tuple(reasons))
    reasons.append(Reason("expired", {"end": end, "on": on_date}))
    return WarrantyDecision(WarrantyStatus.OUT_OF_WARRANTY, start, end, tuple(reasons))


def _plus_days(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max
