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

from depot.domain.pricing import LineKind, PricingPolicy, QuoteLine, propose_lines, totals
from depot.domain.quotes import QUOTE, QuoteAction, QuoteFacts, QuoteStatus, answer_refusal
from depot.domain.roles import may
from depot.domain.workflow import Action, Status
from depot.errors import (
    ConflictError,
    InvalidInputError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
)
from depot.models import Quote, QuoteEvent, QuoteLineRow, Rma, User
from depot.services import webhooks
from depot.services.common import DEFAULT_TZ, local_date
from depot.services.links import read_quote_token
from depot.services.workflow import JOB, Origin, change_status, lock_rma

Q, QA = QuoteStatus, QuoteAction
# Who may put a discount line on a quote, or change one (DESIGN.md 4b: supervisor, admin).
DISCOUNT_PERMISSION = "quotes.discount"


@dataclass(frozen=True)
class Answer:
    approve: bool
    comment: str = ""
    via: str = "link"          # link, phone, fax, email
    ip: str | None = None
    user_agent: str | None = None
    attachment_id: int | None = None


def get_quote(session: Session, number: str, quote_number: str) -> Quote:
    quote = session.scalar(select(Quote).join(Rma).where(Quote.number == quote_number.strip(),
                                                         Rma.number == number.strip().upper()))
    if quote is None:
        raise NotFoundError("no quote %(quote)s on %(number)s", code="quote_not_found",
                            quote=quote_number.strip()[:40], number=number.strip()[:40])
    return quote


def locked_quote(session: Session, number: str, quote_number: str) -> Quote:
    """The quote with its RMA's row locked (the RMA's lock guards its quotes), read afresh."""
    lock_rma(session, number)
    quote = get_quote(session, number, quote_number)
    session.refresh(quote)
    return quote


def change_quote_status(session: Session, quote: Quote, action: QuoteAction, *,
                        actor: User | None, now: datetime, tz: ZoneInfo = DEFAULT_TZ,
                        reason: str | None = None, origin: Origin | None = None,
                        shown_total: Decimal | None = None) -> QuoteStatus:
    """The one way a quote's status changes: checked by the table, one event row (who, when,
    from where). The caller holds the RMA's lock. `shown_total`: the total the sender saw."""
    before = QuoteStatus(quote.status) if quote.status else None
    guarded = (before, action) in QUOTE.guards
    facts = QuoteFacts(quote.valid_until, local_date(now, tz), quote.total,
                       shown_total) if guarded else None
    after = QUOTE.next_status(before, action, facts)
    quote.status = after.value
    quote.events.append(QuoteEvent(action=action.value,
                                   from_status=before.value if before else None,
                                   to_status=after.value, actor_id=actor.id if actor else None,
                                   at=now, reason=reason or None,
                                   ip=origin.ip if origin else None,
                                   via=origin.via if origin else None))
    return after


def create_quote(session: Session, number: str, lines: list[QuoteLine] | None, *,
                 tax_rate: Decimal | None, policy: PricingPolicy, actor: User | None,
                 now: datetime, tz: ZoneInfo = DEFAULT_TZ, origin: Origin | None = None
                 ) -> Quote:
    """A new draft version (one transaction). Without lines, one is proposed from the parts
    used (at cost), labour, the inspection fee and return shipping."""
    try:
        quote = add_quote(session, number, lines, tax_rate=tax_rate, policy=policy,
                          actor=actor, now=now, tz=tz, origin=origin)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return quote


def add_quote(session: Session, number: str, lines: list[QuoteLine] | None, *,
              tax_rate: Decimal | None, policy: PricingPolicy, actor: User | None,
              now: datetime, tz: ZoneInfo = DEFAULT_TZ, origin: Origin | None = None
              ) -> Quote:
    """create_quote inside the caller's transaction (a goodwill resolution drafts one)."""
    rma = lock_rma(session, number)
    draft = next((q for q in rma.quotes if q.status == Q.DRAFT), None)
    if draft is not None:
        raise ConflictError("draft %(quote)s is open: change it or send it",
                            code="draft_exists", quote=draft.number)
    if lines is None:
        lines = propose_lines(
            [(f"{u.part.name_zh} {u.part.part_number}", u.quantity, u.unit_cost)
             for u in rma.part_uses], policy=policy)
    version = max((q.version for q in rma.quotes), default=0) + 1
    change_status(session, rma, Action.CREATE_QUOTE, actor=actor, now=now, tz=tz,
                  reason=f"{rma.number}-Q{version}", origin=origin)
    quote = Quote(rma=rma, number=f"{rma.number}-Q{version}", version=version, status=None,
                  currency="CNY", token_nonce=secrets.token_hex(8), created_at=now,
                  created_by_id=actor.id if actor else None,
                  valid_until=local_date(now, tz) + timedelta(days=policy.valid_days),
                  subtotal=Decimal(0), tax=Decimal(0), total=Decimal(0), reminders=0)
    _set_lines(quote, lines, policy.tax_rate if tax_rate is None else tax_rate, actor=actor)
    change_quote_status(session, quote, QA.CREATE, actor=actor, now=now, tz=tz, origin=origin)
    session.add(quote)
    session.flush()
    return quote


def update_draft(session: Session, number: str, quote_number: str, lines: list[QuoteLine], *,
                 tax_rate: Decimal | None, actor: User | None = None, now: datetime,
                 origin: Origin | None = None) -> Quote:
    quote = locked_quote(session, number, quote_number)
    if quote.status != Q.DRAFT:
        raise InvalidTransitionError("quote %(quote)s is %(status)s: make a new version",
                                     code="quote_not_draft", quote=quote.number,
                                     status=quote.status, allowed=[])
    change_quote_status(session, quote, QA.EDIT, actor=actor, now=now, origin=origin)
    _set_lines(quote, lines, quote.tax_rate if tax_rate is None else tax_rate, actor=actor)
    session.commit()
    return quote


def _edit(session: Session, quote: Quote, lines: list[QuoteLine], tax_rate: Decimal | None, *,
          actor: User | None, now: datetime, origin: Origin | None) -> None:
    """The draft's lines replaced by the sender's, with an edit event when they differ."""
    rate = quote.tax_rate if tax_rate is None else tax_rate
    stored = [(row.kind, row.description, row.quantity, row.unit_price) for row in quote.lines]
    if stored == [(line.kind.value, line.description, line.quantity, line.unit_price)
                  for line in lines] and rate == quote.tax_rate:
        return
    change_quote_status(session, quote, QA.EDIT, actor=actor, now=now, origin=origin)
    _set_lines(quote, lines, rate, actor=actor)


def _discounts(lines: list[tuple[str, str, Decimal, Decimal]]) -> list[tuple]:
    return [line for line in lines if line[0] == LineKind.DISCOUNT.value]


def _set_lines(quote: Quote, lines: list[QuoteLine], tax_rate: Decimal, *,
               actor: User | None) -> None:
    """The quote's lines and totals. Adding, changing or removing a discount line is a
    supervisor's or an admin's (PermissionDeniedError); lines that keep the discount lines as
    they were (a clerk correcting a part of a goodwill draft) are anyone's who may edit."""
    if not lines:
        raise InvalidInputError("a quote needs at least one line", code="invalid_line",
                                field="lines")
    before = _discounts([(row.kind, row.description, row.quantity, row.unit_price)
                         for row in quote.lines])
    after = _discounts([(line.kind.value, line.description, line.quantity, line.unit_price)
                        for line in lines])
    if before != after and not (actor is not None and may(actor.role, DISCOUNT_PERMISSION)):
        raise PermissionDeniedError("only a supervisor or an admin may give a discount",
                                    code="forbidden", field="lines",
                                    role=actor.role if actor else None)
    result = totals(lines, tax_rate)
    quote.lines = [QuoteLineRow(position=i, kind=line.kind.value, description=line.description,
                                quantity=line.quantity, unit_price=line.unit_price,
                                amount=line.amount) for i, line in enumerate(lines)]
    quote.tax_rate, quote.subtotal, quote.tax, quote.total = (
        result.tax_rate, result.subtotal, result.tax, result.total)


def mark_sent(session: Session, number: str, quote_number: str, *, valid_days: int,
              actor: User | None, now: datetime, tz: ZoneInfo = DEFAULT_TZ,
              origin: Origin | None = None, lines: list[QuoteLine] | None = None,
              tax_rate: Decimal | None = None, shown_total: Decimal | None = None) -> Quote:
    """Inside the caller's transaction: the draft becomes the quote the customer answers, the
    older versions' links die, the RMA waits for the customer (its clock stops).

    `lines` (and `tax_rate`): what the sender has on the screen, saved into the draft first, so
    what goes out is what was shown. `shown_total`: the total the sender saw; another total
    refuses the send (total_changed) and the caller rolls the transaction back."""
    quote = locked_quote(session, number, quote_number)
    rma = quote.rma
    if quote.status != Q.DRAFT:
        raise InvalidTransitionError("quote %(quote)s is %(status)s, not a draft",
                                     code="quote_not_draft", quote=quote.number,
                                     status=quote.status, allowed=[])
    if lines is not None:
        _edit(session, quote, lines, tax_rate, actor=actor, now=now, origin=origin)
    change_status(session, rma, Action.SEND_QUOTE, actor=actor, now=now, tz=tz,
                  reason=f"{quote.number} {quote.total} {quote.currency}", origin=origin)
    for older in rma.quotes:
        if older is not quote and older.status == Q.SENT:
            change_quote_status(session, older, QA.SUPERSEDE, actor=actor, now=now, tz=tz,
                                reason=quote.number, origin=origin)
    change_quote_status(session, quote, QA.SEND, actor=actor, now=now, tz=tz, origin=origin,
                        shown_total=shown_total)
    quote.sent_at = now
    quote.valid_until = local_date(now, tz) + timedelta(days=valid_days)
    return quote


def quote_by_token(session: Session, secret: str, token: str) -> Quote:
    quote_number, nonce = read_quote_token(secret, token)
    quote = session.scalar(select(Quote).where(Quote.number == quote_number))
    if quote is None or not secrets.compare_digest(quote.token_nonce, nonce):
        raise NotFoundError("this link is not valid", code="invalid_link")
    return quote


def refusal(quote: Quote, today: date) -> tuple[str, str] | None:
    """Why the customer cannot answer this quote now, as (code, message), or None: the quote's
    own state first, then whether its RMA still waits for an answer (a cancelled repair's
    quote is not answered, however valid the link)."""
    why = answer_refusal(QuoteStatus(quote.status), QuoteFacts(quote.valid_until, today))
    if why is None and quote.rma.status != Status.AWAITING_APPROVAL:
        return "rma_not_waiting", "this repair is no longer waiting for an answer to a quote"
    return why


def answer_quote(session: Session, quote_id: int, answer: Answer, *, actor: User | None,
                 now: datetime, tz: ZoneInfo = DEFAULT_TZ, origin: Origin | None = None
                 ) -> Quote:
    """Approve or decline. Time, IP, user agent and comment are kept, and the RMA moves on.
    The RMA is locked before the quote's status is read, like every change of an RMA."""
    found = session.get(Quote, quote_id)
    if found is None:
        raise NotFoundError("no such quote", code="quote_not_found")
    quote = locked_quote(session, found.rma.number, found.number)
    why = refusal(quote, local_date(now, tz))
    if why is not None:
        code, message = why
        if code == "quote_expired" and quote.status == Q.SENT:
            change_quote_status(session, quote, QA.EXPIRE, actor=None, now=now, tz=tz,
                                origin=origin)
            session.commit()
        raise InvalidTransitionError(message, code=code, status=quote.status,
                                     valid_until=quote.valid_until.isoformat(), allowed=[])
    change_status(session, quote.rma, Action.APPROVE if answer.approve else Action.DECLINE,
                  actor=actor, now=now, tz=tz, origin=origin,
                  reason=f"{quote.number} via {answer.via} by "
                         f"{'customer' if actor is None else actor.username}"
                         + (f" from {answer.ip}" if answer.ip else "")
                         + (f": {answer.comment.strip()[:2000]}" if answer.comment.strip()
                            else ""))
    change_quote_status(session, quote, QA.APPROVE if answer.approve else QA.DECLINE,
                        actor=actor, now=now, tz=tz, reason=answer.via, origin=origin)
    quote.answered_at, quote.answer_via = now, answer.via
    quote.answer_ip, quote.answer_user_agent = answer.ip, (answer.user_agent or "")[:500]
    quote.answer_comment = answer.comment.strip()[:2000] or None
    quote.answer_attachment_id = answer.attachment_id
    webhooks.quote_answered(session, quote, now=now)
    session.commit()
    return quote


def expire_and_remind(session: Session, *, remind_after_days: int, now: datetime,
                      tz: ZoneInfo = DEFAULT_TZ, origin: Origin = JOB
                      ) -> tuple[list[Quote], list[Quote]]:
    """Mark sent quotes past their date expired; return (expired, to remind) — quotes sent or
    last reminded at least `remind_after_days` ago, still unanswered. Each quote is looked at
    under its RMA's lock, so a customer answering at that moment wins or loses cleanly."""
    today = local_date(now, tz)
    expired, remind = [], []
    candidates = session.execute(select(Rma.number, Quote.number).join(Quote.rma)
                                 .where(Quote.status == Q.SENT).order_by(Quote.id)).all()
    for rma_number, quote_number in candidates:
        quote = locked_quote(session, rma_number, quote_number)
        if quote.status != Q.SENT:
            continue
        if today > quote.valid_until:
            change_quote_status(session, quote, QA.EXPIRE, actor=None, now=now, tz=tz,
                                origin=origin)
            expired.append(quote)
        elif reminder_due(quote, remind_after_days=remind_after_days, now=now):
            remind.append(quote)
    session.commit()
    return expired, remind


def reminder_due(quote: Quote, *, remind_after_days: int, now: datetime) -> bool:
    """Whether the customer should be reminded of this quote now. Ask it under the RMA's lock
    (locked_quote): the customer may just have answered, another job just reminded."""
    return quote.status == Q.SENT and (
        (now - (quote.reminded_at or quote.sent_at)).days >= remind_after_days)
