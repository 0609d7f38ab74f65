"""Shipping back: the label's data, scan-to-verify packing, the shipment, the customer's mail.

A wrong unit in a box and a forgotten power adapter are what depots dread most, so `ship`
refuses, and changes nothing, unless the box was verified by scanning and every accessory
received is accounted for; a unit that is not covered goes back only when paid in full.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.domain.accessories import ACCESSORIES
from depot.domain.freight import return_freight, shipping_charged
from depot.domain.quotes import QuoteStatus
from depot.domain.serials import serial_key
from depot.domain.workflow import Action, Status
from depot.errors import ConflictError, InvalidInputError
from depot.i18n import both
from depot.labels import LabelData
from depot.models import Rma, Shipment, User
from depot.domain.tracking import Kind
from depot.services import exchange, notifications, webhooks
from depot.services.common import find_rma, find_unit, local_date, unit_going_back
from depot.services.settings import DepotSettings
from depot.services.workflow import JOB, Origin, change_status, check, lock_rma

TRACKING_RE = re.compile(r"^[A-Za-z0-9\-]{6,40}$")
CARRIERS = ("SF", "JD", "EMS", "ZTO", "YTO", "STO", "YUNDA", "DEPPON", "OTHER")


@dataclass(frozen=True)
class Missing:
    code: str
    reason: str


def freight_of(rma: Rma, settings: DepotSettings) -> str:
    """prepaid (寄付) or collect (到付): what the shipment recorded once shipped; before, what
    the approved quote charged, else the freight policy for this warranty outcome
    (domain.freight.return_freight)."""
    if rma.shipment is not None:
        return rma.shipment.freight
    approved = [q for q in rma.quotes if q.status == QuoteStatus.APPROVED]
    charged = bool(approved) and shipping_charged(
        (line.kind, line.amount) for line in approved[-1].lines)
    return return_freight(covered=rma.covered, charged=charged,
                          covered_policy=settings.freight_covered,
                          not_covered_policy=settings.freight_not_covered)


def label_data(rma: Rma, settings: DepotSettings) -> LabelData:
    unit, customer = unit_going_back(rma), rma.unit.customer
    shipment = rma.shipment
    contents = (f"{unit.model.code} {unit.model.name} SN {unit.serial}",
                *(both(a) for a in _going_back(rma)))
    return LabelData(
        ship_from_name=settings.depot.name, ship_from_phone=settings.depot.phone,
        ship_from_address=settings.depot.address,
        ship_to_name=customer.name if customer else "", ship_to_phone=customer.phone if
        customer else "", ship_to_address=customer.address if customer else "",
        rma_number=rma.number, contents=tuple(contents), freight=freight_of(rma, settings),
        carrier=shipment.carrier if shipment else "",
        tracking_number=shipment.tracking_number if shipment else "",
        shipped_on=rma.shipped_on)


def _going_back(rma: Rma) -> list[str]:
    if rma.shipment is not None:
        return list(rma.shipment.packed)
    return list(rma.accessories or [])


def ready_to_ship(session: Session, limit: int = 500) -> list[Rma]:
    return list(session.scalars(select(Rma).where(Rma.status == Status.READY_TO_SHIP.value)
                                .order_by(Rma.due_on, Rma.id).limit(limit)))


def check_box(session: Session, rma: Rma, scanned: list[str]) -> None:
    """The unit's serial must be among the scanned codes; any code naming another unit or RMA
    refuses the box, and says which RMA that code belongs to. A serial is the same in any
    case (a scanner's mode), as everywhere. An exchanged RMA ships its replacement unit: the
    serial of the unit sent in refuses the box (it stays at the depot)."""
    going = unit_going_back(rma)
    own = {serial_key(going.serial), serial_key(rma.number)}
    for code in scanned:
        if serial_key(code) in own:
            continue
        if going is not rma.unit and serial_key(code) == serial_key(rma.unit.serial):
            raise ConflictError("%(scanned)s is the unit taken back in exchange: ship the "
                                "replacement %(serial)s", code="wrong_unit", scanned=code[:80],
                                serial=going.serial, rma=rma.number, other_rma=None)
        other = find_rma(session, code) if code.upper().startswith("RMA-") else None
        if other is None:
            unit = find_unit(session, code)
            if unit is not None and not unit.rmas:
                raise ConflictError("%(scanned)s is the serial of another unit, not of %(rma)s",
                                    code="wrong_unit", scanned=code, rma=rma.number,
                                    other_rma=None)
            if unit is not None:
                other_rmas = [r.number for r in unit.rmas][-10:]
                raise ConflictError(
                    "%(scanned)s is the serial of another unit (%(other_rmas)s), not of %(rma)s",
                    code="wrong_unit", scanned=code, rma=rma.number, other_rmas=other_rmas,
                    other_rma=other_rmas[-1])
            continue
        raise ConflictError("%(scanned)s is the tag of %(other_rma)s, not of %(rma)s",
                            code="wrong_unit", scanned=code[:80], other_rma=other.number,
                            rma=rma.number)
    if serial_key(going.serial) not in {serial_key(code) for code in scanned}:
        raise ConflictError("scan the unit's serial %(serial)s before closing the box",
                            code="unit_not_scanned", serial=going.serial)


def check_accessories(rma: Rma, packed: list[str], missing: list[Missing]) -> None:
    for code in [*packed, *(m.code for m in missing)]:
        if code not in ACCESSORIES:
            raise InvalidInputError("unknown accessory %(accessory)s", code="invalid_accessory",
                                    accessory=code[:40], known=list(ACCESSORIES))
    for item in missing:
        if not item.reason.strip():
            raise InvalidInputError("say why %(accessory)s is missing", code="reason_required",
                                    accessory=item.code)
    accounted = set(packed) | {m.code for m in missing}
    for code in rma.accessories or []:
        if code not in accounted:
            raise ConflictError("%(accessory)s was received with the unit: pack it or say why "
                                "it is missing", code="accessory_unaccounted", accessory=code)


def ship(session: Session, number: str, *, carrier: str, tracking_number: str,
         scanned: list[str], packed: list[str], missing: list[Missing],
         settings: DepotSettings, actor: User | None, now: datetime,
         origin: Origin | None = None) -> Rma:
    carrier = carrier.strip().upper()
    tracking_number = tracking_number.strip()
    if carrier not in CARRIERS:
        raise InvalidInputError("carrier must be one of %(known)s",
                                code="invalid_field", field="carrier", known=list(CARRIERS))
    if not TRACKING_RE.match(tracking_number):
        raise InvalidInputError("a tracking number is 6-40 letters, digits or -",
                                code="invalid_field", field="tracking_number")
    rma = lock_rma(session, number)
    check(session, rma, Action.SHIP)  # ready to ship, and paid when not covered
    check_box(session, rma, [c.strip() for c in scanned if c.strip()])
    check_accessories(rma, packed, missing)
    rma.shipment = Shipment(carrier=carrier, tracking_number=tracking_number,
                            freight=freight_of(rma, settings), scanned=scanned,
                            packed=list(dict.fromkeys(packed)),
                            missing=[{"code": m.code, "reason": m.reason.strip()}
                                     for m in missing],
                            actor_id=actor.id if actor else None, shipped_at=now)
    change_status(session, rma, Action.SHIP, actor=actor, now=now, tz=settings.tz,
                  reason=f"{carrier} {tracking_number}", origin=origin)
    exchange.fix_replacement_warranty(rma, local_date(now, settings.tz),
                                      settings.exchange_warranty_days)
    _notify(session, rma, settings, now)
    webhooks.shipment_created(session, rma, now=now)
    session.commit()
    return rma


def _notify(session: Session, rma: Rma, settings: DepotSettings, now: datetime) -> None:
    notifications.notify(session, rma, Kind.SHIPPED, settings, now=now)


def close_delivered(session: Session, settings: DepotSettings, *, now: datetime,
                    origin: Origin = JOB) -> list[str]:
    """Close RMAs shipped at least close_after_days ago (delivery is assumed by then)."""
    cutoff = local_date(now, settings.tz) - timedelta(days=settings.close_after_days)
    closed = []
    numbers = session.scalars(select(Rma.number).where(Rma.status == Status.SHIPPED.value,
                                                       Rma.shipped_on <= cutoff)
                              .order_by(Rma.id)).all()
    for number in numbers:
        rma = lock_rma(session, number)
        if rma.status != Status.SHIPPED:
            continue  # changed while we looked
        change_status(session, rma, Action.CLOSE, actor=None, now=now, tz=settings.tz,
                      reason=f"shipped {rma.shipped_on}, {settings.close_after_days} days ago",
                      origin=origin)
        closed.append(rma.number)
    session.commit()
    return closed
