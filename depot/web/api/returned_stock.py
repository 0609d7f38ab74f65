"""Returned stock API: the units kept at the depot after an exchange (换货), and what became
of each (supervisor, admin)."""
from __future__ import annotations

from depot.domain.exchange import StockOutcome
from depot.extensions import db
from depot.services import exchange
from depot.web import serialize
from depot.web.api.registry import Area
from depot.web.auth import current_actor
from depot.web.common import now, tz
from depot.web.schemas import exchange as schemas

area = Area("returned_stock")
bp = area.bp


@area.get("/returned-stock", "The units taken back in exchange and what became of them",
          permissions=("returned_stock",), query=schemas.ReturnedStockQuery,
          description="Newest first. `outcome`: in_stock, repaired_to_spares (repaired into "
                      "spare stock) or scrapped. Exchanges of cancelled RMAs are left out.")
def get_returned_stock(query: schemas.ReturnedStockQuery):
    outcome = StockOutcome(query.outcome) if query.outcome else None
    rows = exchange.returned_stock(db.session, outcome)
    return {"units": [serialize.returned_unit(e, tz()) for e in rows]}


@area.post("/returned-stock/<serial>", "Record what became of a unit taken back in exchange",
           permissions=("returned_stock",), body=schemas.OutcomeIn)
def post_returned_stock(serial: str, body: schemas.OutcomeIn):
    row = exchange.set_outcome(db.session, serial, body.outcome, body.note,
                               actor=current_actor(), now=now())
    return serialize.returned_unit(row, tz())
