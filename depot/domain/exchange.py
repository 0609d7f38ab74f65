"""Exchange (换货): a replacement unit goes back instead of the faulty one.

The rules, pure: when a unit is dead on arrival (a quality fault soon after purchase), how long
the replacement is covered, which units may stand in for the original, and what becomes of the
original unit that stays at the depot (returned stock).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from depot.domain.damage import DamageClass
from depot.domain.text import Reason
from depot.errors import ConflictError, InvalidInputError

DEFAULT_EXCHANGE_WARRANTY_DAYS = 90  # DEPOT_EXCHANGE_WARRANTY_DAYS
DEFAULT_DOA_DAYS = 15  # DEPOT_DOA_DAYS


class StockOutcome(enum.StrEnum):
    """What became of a unit taken back in exchange."""

    IN_STOCK = "in_stock"  # on the shelf, nothing decided yet
    REPAIRED_TO_SPARES = "repaired_to_spares"  # repaired into spare stock
    SCRAPPED = "scrapped"


def doa_reason(damage: DamageClass, purchase_date: date | None, judged_on: date | None,
               doa_days: int = DEFAULT_DOA_DAYS) -> Reason | None:
    """The `doa` reason when a quality fault is found within `doa_days` of the purchase date
    (the purchase day itself does not count, as periods of days are counted in China: bought
    on the 1st with 15 days, the 16th is the last day), else None. `judged_on`: the day the
    warranty is judged on (reported, else received)."""
    if damage is not DamageClass.QUALITY or purchase_date is None or judged_on is None \
            or doa_days <= 0:
        return None
    days = (judged_on - purchase_date).days
    if not 0 <= days <= doa_days:
        return None
    return Reason("doa", {"days": days, "limit": doa_days})


def replacement_warranty_end(original_ends_on: date | None, shipped_on: date,
                             days: int = DEFAULT_EXCHANGE_WARRANTY_DAYS) -> date:
    """The replacement's last covered day: the later of the original unit's warranty end and
    the ship date + `days` - 1 day (shipped on 2026-01-31 with 90 days: covered to 2026-04-30)."""
    try:
        floor = shipped_on + timedelta(days=max(days, 1) - 1)
    except OverflowError:
        floor = date.max
    if original_ends_on is not None and original_ends_on > floor:
        return original_ends_on
    return floor


@dataclass(frozen=True)
class Candidate:
    """What is known of the unit named as the replacement, if it is registered (None fields:
    it is not, and will be registered now)."""

    serial_key: str
    customer_id: int | None = None
    open_rma: str | None = None  # the number of an RMA of it not yet shipped
    pending_exchange: str | None = None  # an RMA that sends it out already


def check_replacement(original_key: str, original_customer_id: int | None,
                      candidate: Candidate) -> None:
    """Refuse a replacement that is the original itself, another customer's unit, a unit
    under repair, or one already promised to another exchange."""
    if candidate.serial_key == original_key:
        raise InvalidInputError("the replacement unit must be another unit than the one sent in",
                                code="same_unit", field="replacement_serial")
    if candidate.customer_id is not None and candidate.customer_id != original_customer_id:
        raise ConflictError("the replacement unit belongs to another customer",
                            code="replacement_owned", field="replacement_serial")
    if candidate.open_rma is not None:
        raise ConflictError("the replacement unit has an open RMA %(other_rma)s",
                            code="replacement_in_repair", field="replacement_serial",
                            other_rma=candidate.open_rma)
    if candidate.pending_exchange is not None:
        raise ConflictError("the replacement unit is already going out in exchange on "
                            "%(other_rma)s", code="replacement_taken",
                            field="replacement_serial", other_rma=candidate.pending_exchange)


def parse_outcome(value: object) -> StockOutcome:
    try:
        return StockOutcome(str(value))
    except ValueError:
        raise InvalidInputError("unknown outcome %(value)s", code="invalid_field",
                                field="outcome", value=str(value)[:40],
                                known=[o.value for o in StockOutcome]) from None
