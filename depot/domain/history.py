"""A unit's visits: whether this RMA brings back a unit that left not long ago."""
from __future__ import annotations

from datetime import date

DEFAULT_REPEAT_DAYS = 90


def repeat_of(previous_number: str | None, previous_shipped_on: date | None,
              received_on: date | None, days: int = DEFAULT_REPEAT_DAYS) -> str | None:
    """The previous RMA's number when it shipped at most `days` days before this one was
    received (DESIGN.md 4b: only the unit's most recent earlier RMA is looked at), else None."""
    if previous_number is None or previous_shipped_on is None or received_on is None:
        return None
    gap = (received_on - previous_shipped_on).days
    return previous_number if 0 <= gap <= days else None
