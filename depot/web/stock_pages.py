"""Returned stock (supervisors, admins): the units taken back in exchange (换货) and what
became of each, set with a form (CSRF). Thin: parse, one service, render."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from depot.domain.exchange import StockOutcome
from depot.errors import DepotError
from depot.extensions import db
from depot.i18n import N_
from depot.services import exchange
from depot.web import serialize
from depot.web.auth import current_actor, page_requires
from depot.web.common import lang, now, tz
from depot.web.errors import page
from depot.web.schemas import exchange as schemas
from depot.web.schemas import parse
from depot.words import sentence

bp = Blueprint("stock", __name__)

OUTCOME_SET = N_("%(serial)s: recorded.")


@bp.get("/returned-stock")
@page_requires("returned_stock")
def returned_stock(*, error: DepotError | None = None):
    try:
        query = parse(schemas.ReturnedStockQuery, request.args.to_dict(), form=True)
    except DepotError as refused:
        query, error = schemas.ReturnedStockQuery(), refused
    outcome = StockOutcome(query.outcome) if query.outcome else None
    rows = [serialize.returned_unit(e, tz()) for e in exchange.returned_stock(db.session,
                                                                              outcome)]
    return page(render_template("returned_stock.html", rows=rows, chosen=query.outcome or "",
                                outcomes=schemas.OUTCOMES, error=error), error)


@bp.post("/returned-stock/<serial>")
@page_requires("returned_stock")
def set_outcome(serial: str):
    try:
        body = parse(schemas.OutcomeIn, request.form.to_dict(), form=True)
        row = exchange.set_outcome(db.session, serial, body.outcome, body.note,
                                   actor=current_actor(), now=now())
    except DepotError as error:
        db.session.rollback()
        return returned_stock.__wrapped__(error=error)
    flash(sentence(lang(), OUTCOME_SET, {"serial": row.original.serial}), "ok")
    return redirect(url_for("stock.returned_stock"))
