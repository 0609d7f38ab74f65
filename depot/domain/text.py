"""The sentences the rules explain themselves with.

A rule returns a Reason: a code and its values. Each code has one English sentence here (with
%(name)s placeholders); depot.i18n turns it into the reader's language from the catalogues, so
the same decision reads well to a Chinese customer and to an English integration. A finding's
label comes in every language (`label_zh`, `label_zh_tw`, `label_en`) and fills %(label)s.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REASONS: dict[str, str] = {
    "no_purchase_date": "No purchase date: warranty unknown, treated as out of warranty until "
                        "proof of purchase arrives",
    "no_proof": "No proof of purchase: warranty unknown, treated as out of warranty until it "
                "arrives",
    "term": "%(model)s has a %(months)s-month warranty from the purchase date %(start)s",
    "extended": "Extended warranty of %(months)s months bought",
    "covered_until": "Covered until %(end)s inclusive; %(on)s is within the warranty",
    "expired": "Warranty ended on %(end)s; %(on)s is after it",
    "before_purchase": "%(on)s is before the purchase date %(start)s: check the proof of "
                       "purchase",
    "repair_warranty": "Repair warranty: last repaired unit shipped on %(shipped)s; quality "
                       "faults within %(days)s days are covered (until %(end)s)",
    "finding_man_made": "%(label)s: man-made damage, not covered",
    "finding_quality": "%(label)s: quality fault",
    "no_fault_found": "No fault found on inspection",
    "not_covered_man_made": "Man-made damage: repair needs the customer's approval of a quote "
                            "and payment",
    "not_covered_expired": "Out of warranty: repair needs the customer's approval of a quote "
                           "and payment",
    "not_covered_unknown": "Warranty unknown: treated as out of warranty until proof of "
                           "purchase arrives; a quote is needed",
    "covered": "In warranty and a quality fault: repaired free of charge",
    "override": "Overridden by supervisor %(actor)s: %(reason)s",
    # Dead on arrival (DEPOT_DOA_DAYS): a quality fault soon after purchase; exchange first.
    "doa": "Dead on arrival: a quality fault %(days)s days after the purchase date, within "
           "%(limit)s days: a replacement unit is offered first",
    # A unit sent to the customer in exchange for a faulty one.
    "exchange_warranty": "Replacement unit sent in exchange: covered until %(end)s inclusive",
    # The customer's version: customers see no staff names (the actor stays in the stored params).
    "override_customer": "Overridden by a supervisor: %(reason)s",
}

# Codes whose sentence names staff, and the sentence customers read instead.
CUSTOMER_VERSIONS = {"override": "override_customer"}


@dataclass(frozen=True)
class Reason:
    """One sentence of an explanation, kept as a code and its values until it is shown."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def sentence(self) -> str:
        """The English sentence with placeholders: the key of its translations."""
        return REASONS[self.code]

    def stored(self) -> dict[str, Any]:
        """As kept in the database: values as text (dates become YYYY-MM-DD)."""
        return {"code": self.code, "params": {k: _text(v) for k, v in self.params.items()}}

    @classmethod
    def from_stored(cls, row: dict[str, Any]) -> Reason:
        return cls(str(row.get("code")), dict(row.get("params") or {}))

    def for_customer(self) -> Reason:
        """The reason as a customer reads it (quote page, quote PDF, emails): no staff names."""
        return Reason(CUSTOMER_VERSIONS.get(self.code, self.code), self.params)


def _text(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value if isinstance(value, int | float | bool) or value is None else str(value)
