"""Payments: the customer pays before a non-covered unit goes back (维修费汇款, 汇款底单).

A payment above what the customer was asked for is refused unless a supervisor accepts it; the
part above is then recorded as a credit to refund. A payment recorded by mistake is voided by a
supervisor with a reason (never deleted): it stops counting, and the void is an event.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from depot.domain.payments import ZERO, overpayment
from depot.domain.quotes import QuoteStatus
from depot.domain.roles import may
from depot.domain.workflow import Action
from depot.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from depot.models import Payment, Rma, User
from depot.services.attachments import attach
from depot.services.intake import Photo
from depot.services.workflow import Origin, balance, change_status, check, lock_rma

METHODS = ("bank_transfer", "alipay", "wechat_pay", "cash", "card", "other")
OVERPAYMENT = ("this payment is %(excess)s CNY more than the %(expected)s CNY asked for: check "
               "the amount, or have a supervisor accept the difference as a credit to refund")
CREDIT_WARNING = "%(credit)s CNY was paid above what was asked for: refund it to the customer"


def expected_total(rma: Rma) -> Decimal | None:
    """What the customer was asked to pay: the approved quote's total, else the quote the
    customer was sent (money may come with the approval); None before any quote went out
    (money then is a deposit, and nothing says how much is too much)."""
    for wanted in (QuoteStatus.APPROVED, QuoteStatus.SENT):
        quotes = [q.total for q in rma.quotes if q.status == wanted]
        if quotes:
            return quotes[-1]
    return None


def record_payment(session: Session, number: str, amount: Decimal, method: str,
                   reference: str = "", *, slip: Photo | None = None, actor: User | None,
                   now: datetime, origin: Origin | None = None,
                   accept_overpayment: bool = False) -> Payment:
    """Record money received. More than asked for is refused (409 `overpayment`) unless
    `accept_overpayment` and the actor may accept it (a supervisor; the command line may);
    the part above is then the payment's `credit`, to refund."""
    if amount <= 0:
        raise InvalidInputError("amount must be above 0", code="invalid_field", field="amount")
    if method not in METHODS:
        raise InvalidInputError("method must be one of %(known)s",
                                code="invalid_field", field="method", known=list(METHODS))
    rma = lock_rma(session, number)
    check(session, rma, Action.PAYMENT)
    expected = expected_total(rma)
    excess = ZERO if expected is None else overpayment(expected, balance(rma).paid, amount)
    if excess > 0:
        if not accept_overpayment:
            raise ConflictError(OVERPAYMENT, code="overpayment", excess=f"{excess:.2f}",
                                expected=f"{expected:.2f}", amount=f"{amount:.2f}")
        if actor is not None and not may(actor.role, "payments.overpay"):
            raise PermissionDeniedError("only a supervisor may accept an overpayment",
                                        code="forbidden", role=actor.role)
    attachment = None
    if slip is not None:
        attachment = attach(session, rma, "payment_slip", slip.filename, slip.content_type,
                            slip.data, actor=actor, now=now)
    payment = Payment(rma_id=rma.id, amount=amount, currency="CNY", method=method,
                      reference=reference.strip()[:200],
                      slip_attachment_id=attachment.id if attachment else None,
                      actor_id=actor.id if actor else None, received_at=now, credit=excess)
    session.add(payment)
    reason = f"{amount} CNY {method} {reference}".strip()
    if excess > 0:
        reason += f"; {excess:.2f} CNY above the {expected:.2f} CNY asked for: credit to refund"
    change_status(session, rma, Action.PAYMENT, actor=actor, now=now, reason=reason,
                  origin=origin)
    session.commit()
    return payment


def void_payment(session: Session, number: str, payment_id: int, reason: str, *,
                 actor: User | None, now: datetime, origin: Origin | None = None) -> Payment:
    """Void a payment recorded by mistake (a supervisor, with a reason): it is kept, marked
    voided, and no longer counts; the RMA's history gets a void_payment event."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInputError("%(action)s needs a reason", code="reason_required",
                                action=Action.VOID_PAYMENT.value, field="reason")
    rma = lock_rma(session, number)
    payment = next((p for p in rma.payments if p.id == payment_id), None)
    if payment is None:
        raise NotFoundError("no payment %(payment)s on RMA %(number)s",
                            code="payment_not_found", payment=payment_id, number=rma.number)
    if payment.voided_at is not None:
        raise ConflictError("payment %(payment)s is already voided", code="payment_voided",
                            payment=payment_id)
    change_status(session, rma, Action.VOID_PAYMENT, actor=actor, now=now, origin=origin,
                  reason=f"payment {payment.id} ({payment.amount} CNY {payment.method} "
                         f"{payment.reference})".replace(" )", ")") + f": {reason[:900]}")
    payment.voided_at = now
    payment.voided_by_id = actor.id if actor else None
    payment.void_reason = reason[:1000]
    session.commit()
    return payment
