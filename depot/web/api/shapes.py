"""The unit and RMA as the API shows them to this request: in its language, as of today."""
from __future__ import annotations

from flask import g

from depot.models import Rma, Unit
from depot.services import shipping, units
from depot.web import serialize
from depot.web.common import lang, settings, today, tz


def unit_json(unit: Unit) -> dict:
    return serialize.unit(unit, units.unit_warranty(unit, today()), lang())


def rma_json(rma: Rma) -> dict:
    """The RMA, with `freight`: how the unit goes back (or went), prepaid or collect;
    `allowed_actions` as the caller meets them (DEPOT_QA_BY_OTHER asks who they are)."""
    return {**serialize.rma(rma, lang(), tz(), today(), settings().pay_before,
                            actor=g.get("actor"), qa_by_other=settings().qa_by_other,
                            repeat_days=settings().repeat_days),
            "freight": shipping.freight_of(rma, settings())}
