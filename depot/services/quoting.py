"""Non-warranty quotes: draft, send by email with the PDF, the customer's answer, reminders.

Repair of a non-covered unit starts only after the customer approved a quote in writing
(《非保修产品维修报价单》确认); every way of answering ends in answer_quote's checks.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.domain.pricing import PricingPolicy, QuoteLine, propose_lines, totals
from depot.domain.workflow import Action, Status
from depot.errors import (
    ConflictError,
    InvalidInputError,
    InvalidTransitionError,
    NotFoundError,
)
from depot.models import Quote, QuoteLineRow, Rma, User
from depot.services.common import DEFAULT_TZ, get_rma, local_date
from depot.services.links import read_quote_token
from depot.services.workflow import change_status, record_event

QUOTABLE = (Status.INSPECTED, Status.AWAITING_APPROVAL)


@dataclass(frozen=True)
class Answer:
    approve: bool
    comment: str = ""
    via: str = "link"          # link, phone, fax, email
    ip: str | None = None
    user_agent: str | None = None
    attachment_id: int | None = None


def get_quote(session: Session, number: str, quote_number: str, *, lock: bool = False) -> Quote:
    query = select(Quote).join(Rma).where(Quote.number == quote_number.strip(),
                                          Rma.number == number.strip().upper())
    if lock:
        query = query.with_for_update(of=Quote)
    quote = session.scalar(query)
    if quote is None:
        raise NotFoundError(f"no quote {quote_number!r} on {number}", code="quote_not_found")
    return quote


def create_quote(session: Session, number: str, lines: list[QuoteLine] | None, *,
                 tax_rate: Decimal | None, policy: PricingPolicy, actor: User | None,
                 now: datetime, tz: ZoneInfo = DEFAULT_TZ) -> Quote:
    """A new draft version. Without lines, one is proposed from the parts used (at cost),
    labour, the inspection fee and return shipping."""
    rma = get_rma(session, number, lock=True)
    if Status(rma.status) not in QUOTABLE:
        raise InvalidTransitionError(f"a quote is made after inspection, not when {rma.status}",
                                     status=rma.status, allowed=[])
    draft = next((q for q in rma.quotes if q.status == "draft"), None)
    if draft is not None:
        raise ConflictError(f"draft {draft.number} is open: change it or send it",
                            code="draft_exists", quote=draft.number)
    if lines is None:
        lines = propose_lines(
            [(f"{u.part.name_zh} {u.part.part_number}", u.quantity, u.unit_cost)
             for u in rma.part_uses], policy=policy)
    version = max((q.version for q in rma.quotes), default=0) + 1
    quote = Quote(rma=rma, number=f"{rma.number}-Q{version}", version=version, status="draft",
                  currency="CNY", token_nonce=secrets.token_hex(8), created_at=now,
                  created_by_id=actor.id if actor else None,
                  valid_until=local_date(now, tz) + timedelta(days=policy.valid_days),
                  subtotal=Decimal(0), tax=Decimal(0), total=Decimal(0), reminders=0)
    _set_lines(quote, lines, policy.tax_rate if tax_rate is None else tax_rate)
    session.add(quote)
    session.commit()
    return quote


def update_draft(session: Session, number: str, quote_number: str, lines: list[QuoteLine], *,
                 tax_rate: Decimal | None) -> Quote:
    quote = get_quote(session, number, quote_number, lock=True)
    if quote.status != "draft":
        raise InvalidTransitionError(f"quote {quote.number} is {quote.status}: make a new version",
                                     code="quote_not_draft", status=quote.status, allowed=[])
    _set_lines(quote, lines, quote.tax_rate if tax_rate is None else tax_rate)
    session.commit()
    return quote


def _set_lines(quote: Quote, lines: list[QuoteLine], tax_rate: Decimal) -> None:
    if not lines:
        raise InvalidInputError("a quote needs at least one line", code="invalid_line",
                                field="lines")
    result = totals(lines, tax_rate)
    quote.lines = [QuoteLineRow(position=i, kind=line.kind.value, description=line.description,
                                quantity=line.quantity, unit_price=line.unit_price,
                                amount=line.amount) for i, line in enumerate(lines)]
    quote.tax_rate, quote.subtotal, quote.tax, quote.total = (
        result.tax_rate, result.subtotal, result.tax, result.total)


def mark_sent(session: Session, number: str, quote_number: str, *, valid_days: int,
              actor: User | None, now: datetime, tz: ZoneInfo = DEFAULT_TZ) -> Quote:
    """Inside the caller's transaction: the draft becomes the quote the customer answers, the
    older versions' links die, the RMA waits for the customer (its clock stops)."""
    quote = get_quote(session, number, quote_number, lock=True)
    rma = quote.rma
    if quote.status != "draft":
        raise InvalidTransitionError(f"quote {quote.number} is {quote.status}, not a draft",
                                     code="quote_not_draft", status=quote.status, allowed=[])
    change_status(session, rma, Action.SEND_QUOTE, actor=actor, now=now, tz=tz,
                  reason=f"{quote.number} {quote.total} {quote.currency}")
    for older in rma.quotes:
        if older is not quote and older.status == "sent":
            older.status = "superseded"
    quote.status, quote.sent_at = "sent", now
    quote.valid_until = local_date(now, tz) + timedelta(days=valid_days)
    return quote


def quote_by_token(session: Session, secret: str, token: str) -> Quote:
    quote_number, nonce = read_quote_token(secret, token)
    quote = session.scalar(select(Quote).where(Quote.number == quote_number))
    if quote is None or not secrets.compare_digest(quote.token_nonce, nonce):
        raise NotFoundError("this link is not valid", code="invalid_link")
    return quote


def refusal(quote: Quote, today: date) -> tuple[str, str] | None:
    """Why this quote cannot be answered now, or None. The validity date is checked for every
    status: a 'sent' quote past its date is expired even if no job has marked it yet."""
    if quote.status == "superseded":
        return "quote_superseded", "a newer version of this quote was sent; use its link"
    if quote.status in ("approved", "declined"):
        return "quote_answered", f"this quote was already {quote.status}"
    if quote.status == "expired" or today > quote.valid_until:
        return "quote_expired", f"this quote was valid until {quote.valid_until}"
    if quote.status != "sent":
        return "quote_not_sent", "this quote has not been sent"
    return None


def answer_quote(session: Session, quote_id: int, answer: Answer, *, actor: User | None,
                 now: datetime, tz: ZoneInfo = DEFAULT_TZ) -> Quote:
    """Approve or decline. Time, IP, user agent and comment are kept, and the RMA moves on."""
    quote = session.scalar(select(Quote).where(Quote.id == quote_id).with_for_update(of=Quote))
    if quote is None:
        raise NotFoundError("no such quote", code="quote_not_found")
    why = refusal(quote, local_date(now, tz))
    if why is not None:
        if why[0] == "quote_expired" and quote.status == "sent":
            quote.status = "expired"
            session.commit()
        raise InvalidTransitionError(why[1], code=why[0], status=quote.status, allowed=[])
    quote.status = "approved" if answer.approve else "declined"
    quote.answered_at, quote.answer_via = now, answer.via
    quote.answer_ip, quote.answer_user_agent = answer.ip, (answer.user_agent or "")[:500]
    quote.answer_comment = answer.comment.strip()[:2000] or None
    quote.answer_attachment_id = answer.attachment_id
    who = "customer" if actor is None else actor.username
    change_status(session, quote.rma, Action.APPROVE if answer.approve else Action.DECLINE,
                  actor=actor, now=now, tz=tz,
                  reason=f"{quote.number} via {answer.via} by {who}"
                         + (f" from {answer.ip}" if answer.ip else "")
                         + (f": {quote.answer_comment}" if quote.answer_comment else ""))
    session.commit()
    return quote


def expire_and_remind(session: Session, *, remind_after_days: int, now: datetime,
                      tz: ZoneInfo = DEFAULT_TZ) -> tuple[list[Quote], list[Quote]]:
    """Mark sent quotes past their date expired; return (expired, to remind) — quotes sent or
    last reminded at least `remind_after_days` ago, still unanswered."""
    today = local_date(now, tz)
    expired, remind = [], []
    for quote in session.scalars(select(Quote).where(Quote.status == "sent")
                                 .with_for_update(of=Quote)):
        if today > quote.valid_until:
            quote.status = "expired"
            record_event(session, quote.rma, "quote_expired", actor=None, now=now,
                         reason=quote.number)
            expired.append(quote)
        elif (now - (quote.reminded_at or quote.sent_at)).days >= remind_after_days:
            remind.append(quote)
    session.commit()
    return expired, remind
