"""The bodies and queries of returned stock (the units kept after an exchange, 换货)."""
from __future__ import annotations

from pydantic import Field

from depot.domain.exchange import StockOutcome
from depot.models import Exchange
from depot.web.schemas.bodies import NOTE_CAP, Body
from depot.web.schemas.fields import Choice, Text

OUTCOMES = [o.value for o in StockOutcome]


class ReturnedStockQuery(Body):
    outcome: Choice(OUTCOMES, required=False) = Field(
        None, description="only the units of this outcome")


class OutcomeIn(Body):
    outcome: Choice(OUTCOMES) = Field(
        description="what became of the unit: in_stock (on the shelf), repaired_to_spares "
                    "(repaired into spare stock, may go out as a replacement), scrapped")
    note: Text(Exchange.outcome_note, required=False, cap=NOTE_CAP, lines=True) = ""
