"""Payments: the customer pays before a non-covered unit goes back (维修费汇款, 汇款底单)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from depot.domain.workflow import Status
from depot.errors import InvalidInputError, InvalidTransitionError
from depot.models import Attachment, Payment, Rma, User
from depot.services.common import get_rma
from depot.services.intake import Photo
from depot.services.workflow import record_event

METHODS = ("bank_transfer", "alipay", "wechat_pay", "cash", "card", "other")


@dataclass(frozen=True)
class Balance:
    due: Decimal    # the approved quote's total (0 when nothing is owed)
    paid: Decimal
    outstanding: Decimal


def balance(rma: Rma) -> Balance:
    approved = [q for q in rma.quotes if q.status == "approved"]
    due = approved[-1].total if approved else Decimal("0.00")
    paid = sum((p.amount for p in rma.payments), Decimal("0.00"))
    return Balance(due, paid, max(due - paid, Decimal("0.00")))


def record_payment(session: Session, number: str, amount: Decimal, method: str,
                   reference: str = "", *, slip: Photo | None = None, actor: User | None,
                   now: datetime) -> Payment:
    if amount <= 0:
        raise InvalidInputError("amount must be above 0", code="invalid_field", field="amount")
    if method not in METHODS:
        raise InvalidInputError(f"method must be one of {', '.join(METHODS)}",
                                code="invalid_field", field="method", known=list(METHODS))
    rma = get_rma(session, number, lock=True)
    if Status(rma.status) in (Status.CANCELLED, Status.CLOSED):
        raise InvalidTransitionError(f"no payments on a {rma.status} RMA", status=rma.status,
                                     allowed=[])
    attachment = None
    if slip is not None:
        attachment = Attachment(kind="payment_slip", filename=slip.filename,
                                content_type=slip.content_type, size=len(slip.data),
                                sha256=hashlib.sha256(slip.data).hexdigest(), data=slip.data,
                                rma_id=rma.id, created_by_id=actor.id if actor else None,
                                created_at=now)
        session.add(attachment)
        session.flush()
    payment = Payment(rma_id=rma.id, amount=amount, currency="CNY", method=method,
                      reference=reference.strip()[:200],
                      slip_attachment_id=attachment.id if attachment else None,
                      actor_id=actor.id if actor else None, received_at=now)
    session.add(payment)
    record_event(session, rma, "payment", actor=actor, now=now,
                 reason=f"{amount} CNY {method} {reference}".strip())
    session.commit()
    return payment
