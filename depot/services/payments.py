"""Payments: the customer pays before a non-covered unit goes back (维修费汇款, 汇款底单)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from depot.domain.workflow import Action
from depot.errors import InvalidInputError
from depot.models import Payment, User
from depot.services.attachments import attach
from depot.services.intake import Photo
from depot.services.workflow import Origin, change_status, check, lock_rma

METHODS = ("bank_transfer", "alipay", "wechat_pay", "cash", "card", "other")


def record_payment(session: Session, number: str, amount: Decimal, method: str,
                   reference: str = "", *, slip: Photo | None = None, actor: User | None,
                   now: datetime, origin: Origin | None = None) -> Payment:
    if amount <= 0:
        raise InvalidInputError("amount must be above 0", code="invalid_field", field="amount")
    if method not in METHODS:
        raise InvalidInputError("method must be one of %(known)s",
                                code="invalid_field", field="method", known=list(METHODS))
    rma = lock_rma(session, number)
    check(session, rma, Action.PAYMENT)
    attachment = None
    if slip is not None:
        attachment = attach(session, rma, "payment_slip", slip.filename, slip.content_type,
                            slip.data, actor=actor, now=now)
    payment = Payment(rma_id=rma.id, amount=amount, currency="CNY", method=method,
                      reference=reference.strip()[:200],
                      slip_attachment_id=attachment.id if attachment else None,
                      actor_id=actor.id if actor else None, received_at=now)
    session.add(payment)
    change_status(session, rma, Action.PAYMENT, actor=actor, now=now,
                  reason=f"{amount} CNY {method} {reference}".strip(), origin=origin)
    session.commit()
    return payment
