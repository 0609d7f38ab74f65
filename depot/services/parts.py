"""Spare parts: the catalogue, stock, and parts used on an RMA at cost."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from depot.domain.workflow import Action
from depot.errors import ConflictError, InvalidInputError, NotFoundError
from depot.models import Part, PartUse, Rma, User
from depot.services.common import DEFAULT_TZ
from depot.services.workflow import Origin, change_status, check, lock_rma


@dataclass(frozen=True)
class PartUseResult:
    rma: Rma
    use: PartUse | None  # None: not enough in stock, the RMA now waits for the part
    shortage: int = 0


def create_part(session: Session, part_number: str, name_zh: str, cost_price: Decimal, *,
                name_en: str = "", stock: int = 0, model_codes: list[str] = (),
                now: datetime) -> Part:
    if session.scalar(select(Part.id).where(Part.part_number == part_number)):
        raise ConflictError("part %(part)s exists already", code="part_exists",
                            part=part_number[:80])
    part = Part(part_number=part_number, name_zh=name_zh, name_en=name_en, cost_price=cost_price,
                stock=stock, model_codes=list(model_codes), created_at=now)
    session.add(part)
    session.commit()
    return part


def get_part(session: Session, part_number: str) -> Part:
    part = session.scalar(select(Part).where(Part.part_number == part_number))
    if part is None:
        raise NotFoundError("no part %(part)s", code="part_not_found", part=part_number[:80])
    return part


def list_parts(session: Session, model_code: str | None = None) -> list[Part]:
    parts = session.scalars(select(Part).order_by(Part.part_number)).all()
    return [p for p in parts if not model_code or not p.model_codes or model_code in p.model_codes]


def receive_stock(session: Session, part_number: str, quantity: int) -> Part:
    if quantity <= 0:
        raise InvalidInputError("quantity must be positive", code="invalid_field",
                                field="quantity")
    part = get_part(session, part_number)
    session.execute(update(Part).where(Part.id == part.id).values(stock=Part.stock + quantity))
    session.commit()
    session.refresh(part)
    return part


def use_part(session: Session, number: str, part_number: str, quantity: int = 1, *,
             actor: User | None, now: datetime, tz: ZoneInfo = DEFAULT_TZ,
             origin: Origin | None = None) -> PartUseResult:
    """Take parts from stock for an RMA in repair. Stock never goes below zero: when there are
    not enough, nothing is taken and the RMA moves to awaiting_parts."""
    if quantity <= 0:
        raise InvalidInputError("quantity must be positive", code="invalid_field",
                                field="quantity")
    rma = lock_rma(session, number)
    part = get_part(session, part_number)
    model = rma.unit.model.code
    if part.model_codes and model not in part.model_codes:
        raise InvalidInputError("part %(part)s does not fit model %(model)s",
                                code="part_incompatible", part=part.part_number, model=model)
    check(session, rma, Action.USE_PART)
    taken = session.execute(
        update(Part).where(Part.id == part.id, Part.stock >= quantity)
        .values(stock=Part.stock - quantity)).rowcount
    if not taken:
        session.refresh(part)
        shortage = quantity - part.stock
        change_status(session, rma, Action.WAIT_PARTS, actor=actor, now=now, tz=tz,
                      reason=f"{part_number} × {quantity}: {part.stock} in stock",
                      origin=origin)
        session.commit()
        return PartUseResult(rma, None, shortage)
    use = PartUse(rma=rma, part=part, quantity=quantity, unit_cost=part.cost_price,
                  actor_id=actor.id if actor else None, at=now)
    session.add(use)
    change_status(session, rma, Action.USE_PART, actor=actor, now=now, tz=tz,
                  reason=f"{part_number} × {quantity}", origin=origin)
    session.commit()
    return PartUseResult(rma, use)
