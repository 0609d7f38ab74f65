"""Exchange (换货): a replacement unit goes back to the customer instead of the faulty one,
which stays at the depot as returned stock.

`exchange_unit` is one transaction: the RMA's row is locked first and the table and guards
are asked before anything is written, then the replacement unit (locked, or registered now)
is checked, takes over the customer, and the RMA goes `ready_to_ship` with one event. A
refusal changes nothing. The replacement's warranty is fixed when the RMA ships
(`fix_replacement_warranty`, called by services.shipping).
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from depot.domain.exchange import (
    DEFAULT_EXCHANGE_WARRANTY_DAYS,
    Candidate,
    StockOutcome,
    check_replacement,
    parse_outcome,
    replacement_warranty_end,
)
from depot.domain.payments import DEFAULT_PAY_BEFORE
from depot.domain.serials import serial_key
from depot.domain.tracking import Kind
from depot.domain.workflow import OPEN_STATUSES, Action, Status
from depot.errors import ConflictError, InvalidInputError, NotFoundError
from depot.models import Exchange, Rma, Unit, User
from depot.services import notifications
from depot.services.common import DEFAULT_TZ, find_unit, get_model
from depot.services.settings import DepotSettings
from depot.services.units import add_new_unit, check_serial, unit_warranty
from depot.services.workflow import Origin, change_status, check, lock_rma

RETURNED_STOCK_LIMIT = 500


def exchange_unit(session: Session, number: str, replacement_serial: str, *, reason: str,
                  replacement_model: str | None = None, actor: User | None, now: datetime,
                  tz: ZoneInfo = DEFAULT_TZ, origin: Origin | None = None,
                  pay_before: str = DEFAULT_PAY_BEFORE,
                  settings: DepotSettings | None = None) -> Rma:
    """Send `replacement_serial` back for the RMA instead of its unit. The replacement is of
    the same model unless `replacement_model` (a model code) names another; unknown, it is
    registered now. With `settings`, the customer's ready-to-ship mail is queued."""
    reason = (reason or "").strip()
    if not (replacement_serial or "").strip():
        raise InvalidInputError("say which unit goes back instead: the replacement serial",
                                code="missing_field", field="replacement_serial")
    if not reason:
        raise InvalidInputError("%(action)s needs a reason", code="reason_required",
                                action=Action.EXCHANGE.value, field="reason")
    rma = lock_rma(session, number)
    check(session, rma, Action.EXCHANGE, pay_before=pay_before)  # status, coverage, payment
    original = rma.unit
    model = get_model(session, replacement_model) if replacement_model else original.model
    serial = check_serial(replacement_serial, model)
    unit = find_unit(session, serial, lock=True)
    if unit is not None and replacement_model and unit.model_id != model.id:
        raise ConflictError("unit %(serial)s is a %(model)s, not a %(asked)s",
                            code="replacement_model_mismatch", field="replacement_model",
                            serial=unit.serial, model=unit.model.code, asked=model.code)
    check_replacement(serial_key(original.serial), original.customer_id,
                      _candidate(session, serial, unit))
    if unit is None:
        unit = _register(session, serial, model, original, now)
    else:
        check_serial(unit.serial, unit.model)  # a stored serial that fits its model still
        unit.customer = original.customer
        if unit.purchase_date is None:
            unit.purchase_date = original.purchase_date
        unit.exchange_ends_on = None  # fixed again when this exchange ships
        unit.updated_at = now
    session.add(Exchange(rma=rma, original=original, replacement=unit, reason=reason,
                         actor_id=actor.id if actor else None, created_at=now,
                         outcome=StockOutcome.IN_STOCK.value, outcome_note=""))
    after = change_status(session, rma, Action.EXCHANGE, actor=actor, now=now, tz=tz,
                          reason=f"{unit.serial}: {reason}", origin=origin,
                          pay_before=pay_before)
    if settings is not None and after is Status.READY_TO_SHIP:
        notifications.notify(session, rma, Kind.READY_TO_SHIP, settings, now=now)
    try:
        session.commit()
    except IntegrityError:  # the same new serial registered by another exchange meanwhile
        session.rollback()
        raise ConflictError("unit %(serial)s is registered already", code="unit_exists",
                            serial=serial) from None
    return rma


def _candidate(session: Session, serial: str, unit: Unit | None) -> Candidate:
    if unit is None:
        return Candidate(serial_key(serial))
    # an RMA that exchanged this unit out is over for it: the unit stays here, as stock
    open_rma = next((r.number for r in unit.rmas
                     if Status(r.status) in OPEN_STATUSES and r.exchange is None), None)
    pending = session.scalar(
        select(Rma.number).join(Exchange, Exchange.rma_id == Rma.id)
        .where(Exchange.replacement_unit_id == unit.id,
               Rma.status.in_([s.value for s in OPEN_STATUSES])).limit(1))
    returned = latest_exchange_out(unit)
    customer_id = unit.customer_id
    if returned is not None and returned.outcome == StockOutcome.SCRAPPED:
        raise ConflictError("unit %(serial)s was scrapped", code="replacement_scrapped",
                            field="replacement_serial", serial=unit.serial)
    if returned is not None and returned.outcome == StockOutcome.REPAIRED_TO_SPARES:
        customer_id = None  # repaired into the depot's spare stock: nobody's unit now
    return Candidate(serial_key(unit.serial), customer_id, open_rma, pending)


def _register(session: Session, serial: str, model, original: Unit, now: datetime) -> Unit:
    """The replacement, new to the depot: the original's customer and purchase date (its
    warranty is fixed when it ships). Flushed now: another exchange may register it meanwhile."""
    return add_new_unit(session, Unit(
        serial=serial, model=model, customer=original.customer,
        purchase_date=original.purchase_date, extended_months=original.extended_months,
        created_at=now, updated_at=now))


def fix_replacement_warranty(rma: Rma, shipped_on: date,
                             days: int = DEFAULT_EXCHANGE_WARRANTY_DAYS) -> date | None:
    """At shipment: the replacement is covered until the later of the original unit's
    warranty end and `shipped_on` + `days` - 1. Returns that day (None: no exchange)."""
    exchange = rma.exchange
    if exchange is None:
        return None
    original_end = unit_warranty(exchange.original, shipped_on).ends_on
    end = replacement_warranty_end(original_end, shipped_on, days)
    exchange.replacement.exchange_ends_on = end
    return end


def latest_exchange_out(unit: Unit) -> Exchange | None:
    """The exchange that last took this unit back, its RMA not cancelled."""
    kept = [e for e in unit.exchanged_out if e.rma.status != Status.CANCELLED.value]
    return kept[-1] if kept else None


def replaced_by(unit: Unit) -> str | None:
    """The serial of the unit that went to the customer instead of this one, or None."""
    exchange = latest_exchange_out(unit)
    return exchange.replacement.serial if exchange is not None else None


def returned_stock(session: Session, outcome: StockOutcome | None = None,
                   limit: int = RETURNED_STOCK_LIMIT) -> list[Exchange]:
    """The units kept at the depot after an exchange, newest first (of one outcome, if
    given); exchanges of cancelled RMAs are none."""
    query = (select(Exchange).join(Rma, Exchange.rma_id == Rma.id)
             .where(Rma.status != Status.CANCELLED.value)
             .order_by(Exchange.id.desc()).limit(limit))
    if outcome is not None:
        query = query.where(Exchange.outcome == outcome.value)
    return list(session.scalars(query).unique())


def set_outcome(session: Session, serial: str, outcome: str, note: str = "", *,
                actor: User | None, now: datetime) -> Exchange:
    """Record what became of a unit taken back in exchange: in_stock, repaired_to_spares or
    scrapped. The exchange row is locked, so two people setting it at once both land in
    order and the last one stands."""
    chosen = parse_outcome(outcome)
    unit = find_unit(session, serial)
    exchange = latest_exchange_out(unit) if unit is not None else None
    if exchange is None:
        raise NotFoundError("no unit %(serial)s among the returned stock",
                            code="returned_unit_not_found", serial=serial.strip()[:80])
    session.execute(select(Exchange.id).where(Exchange.id == exchange.id).with_for_update())
    session.refresh(exchange)
    exchange.outcome = chosen.value
    exchange.outcome_note = (note or "").strip()
    exchange.outcome_by_id = actor.id if actor else None
    exchange.outcome_at = now
    session.commit()
    return exchange
