"""The unit and RMA as the API shows them to this request: in its language, as of today."""
from __future__ import annotations

from depot.models import Rma, Unit
from depot.services import units
from depot.web import serialize
from depot.web.common import lang, settings, today, tz


def unit_json(unit: Unit) -> dict:
    return serialize.unit(unit, units.unit_warranty(unit, today()), lang())


def rma_json(rma: Rma) -> dict:
    return serialize.rma(rma, lang(), tz(), today(), repeat_days=settings().repeat_days)
