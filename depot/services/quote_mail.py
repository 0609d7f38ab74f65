"""The quote as the customer sees it: the PDF, the email that carries it, the reminders."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from depot.domain.damage import DamageClass
from depot.domain.pricing import QuoteLine
from depot.domain.text import Reason
from depot.domain.tracking import Kind
from depot.errors import InvalidInputError
from depot.i18n import reason_text, stored_reasons_text, translate
from depot.mail import MailAttachment
from depot.models import Quote, User
from depot.quotes import EvidencePhoto, QuoteDocument, QuoteLineView, render_quote
from depot.services import findings as finding_catalogue
from depot.services import notifications, outbox, quoting
from depot.services.attachments import attach
from depot.services.common import local_date
from depot.services.intake import prepare_photos
from depot.services.links import quote_token
from depot.services.settings import DepotSettings
from depot.services.workflow import JOB, Origin

MAX_PHOTOS = 4


def approval_url(settings: DepotSettings, quote: Quote) -> str:
    return f"{settings.depot.public_url}/q/{quote_token(settings.secret, quote.number, quote.token_nonce)}"


def quote_document(session: Session, quote: Quote, settings: DepotSettings,
                   lang: str = "zh_CN") -> QuoteDocument:
    rma = quote.rma
    unit, customer = rma.unit, rma.unit.customer
    catalogue = finding_catalogue.catalogue(session)
    found = [catalogue[c] for c in rma.findings or [] if c in catalogue]
    stored = (rma.damage_reasons or []) + (rma.coverage_reasons or [])
    reasons = [Reason.from_stored(r) for r in stored]
    photos = tuple(EvidencePhoto(p.data, p.filename) for p in rma.evidence[:MAX_PHOTOS])
    issued = local_date(quote.sent_at or quote.created_at, settings.tz)
    return QuoteDocument(
        depot_name=settings.depot.name, depot_address=settings.depot.address,
        depot_phone=settings.depot.phone, quote_number=quote.number, version=quote.version,
        rma_number=rma.number, issued_on=issued, valid_until=quote.valid_until,
        customer_name=customer.name if customer else "",
        customer_phone=customer.phone if customer else "",
        customer_address=customer.address if customer else "",
        model_code=unit.model.code, model_name=unit.model.name, serial=unit.serial,
        received_on=rma.received_on, warranty_status=rma.warranty_status,
        warranty_reasons=tuple(stored_reasons_text(rma.warranty_reasons, lang, customer=True)),
        damage_class=rma.damage_class or DamageClass.NO_FAULT_FOUND.value,
        findings=tuple((f.label(lang), f.label_en) for f in found),
        reasons=tuple(reason_text(r, lang, customer=True) for r in reasons),
        reasons_en=tuple(reason_text(r, "en", customer=True) for r in reasons) if lang != "en" else (),
        lines=tuple(QuoteLineView(line.kind, line.description, line.quantity, line.unit_price,
                                  line.amount) for line in quote.lines),
        currency=quote.currency, subtotal=quote.subtotal, tax_rate=quote.tax_rate,
        tax=quote.tax, total=quote.total,
        payment_instructions=settings.payment_instructions.replace("{quote}", quote.number),
        approval_url=approval_url(settings, quote), photos=photos, lang=lang,
        pay_before=settings.pay_before)


def quote_pdf(session: Session, number: str, quote_number: str, settings: DepotSettings,
              lang: str = "zh_CN") -> bytes:
    quote = quoting.get_quote(session, number, quote_number)
    return render_quote(quote_document(session, quote, settings, lang))


def _email(session: Session, quote: Quote, settings: DepotSettings, *, reminder: bool):
    return notifications.compose_mail(
        session, quote.rma, Kind.QUOTE_SENT, settings, now=quote.sent_at or quote.created_at,
        values=_quote_values(settings, quote), reminder=reminder,
        attachments=(_pdf_attachment(session, quote, settings),))


def _pdf_attachment(session: Session, quote: Quote, settings: DepotSettings) -> MailAttachment:
    pdf = render_quote(quote_document(session, quote, settings))
    filename = translate("zh_CN", "quote-%(quote)s.pdf", "file name", quote=quote.number)
    return MailAttachment(filename, "application/pdf", pdf)


def _quote_values(settings: DepotSettings, quote: Quote) -> dict[str, str]:
    return {"quote": quote.number, "total": str(quote.total), "currency": quote.currency,
            "valid_until": str(quote.valid_until or ""), "quote_url": approval_url(settings, quote)}


def send_quote(session: Session, number: str, quote_number: str, settings: DepotSettings, *,
               actor: User | None, now: datetime, origin: Origin | None = None,
               lines: list[QuoteLine] | None = None, tax_rate: Decimal | None = None,
               shown_total: Decimal | None = None) -> tuple[Quote, bool]:
    """Mark the draft sent and queue its email in one transaction: both happen or neither.

    `lines`: the lines on the sender's screen, saved into the draft in the same transaction (so
    the customer gets what the clerk sees, unsaved edits included); `shown_total`: the total
    the sender saw, any other refuses the send (409 total_changed) and changes nothing.
    Returns (quote, emailed). A customer without an email address still gets the quote: the
    clerk prints the PDF or faxes it, and records the answer given offline.
    """
    try:
        quote = quoting.mark_sent(session, number, quote_number,
                                  valid_days=settings.pricing.valid_days, actor=actor, now=now,
                                  tz=settings.tz, origin=origin, lines=lines, tax_rate=tax_rate,
                                  shown_total=shown_total)
        customer = quote.rma.unit.customer
        emailed = bool(customer and customer.email)
        # Recorded either way: without an address, as no_email (the clerk prints or faxes it).
        notifications.notify(session, quote.rma, Kind.QUOTE_SENT, settings, now=now,
                             values=_quote_values(settings, quote),
                             attachments=(_pdf_attachment(session, quote, settings),)
                             if emailed else ())
        session.commit()
    except Exception:
        session.rollback()  # an edit saved before a refusal must not linger in the session
        raise
    return quote, emailed


def remind(session: Session, settings: DepotSettings, *, now: datetime, origin: Origin = JOB
           ) -> tuple[list[str], list[str]]:
    """Expire old quotes, queue reminders for unanswered ones. Returns the quote numbers."""
    expired, candidates = quoting.expire_and_remind(
        session, remind_after_days=settings.remind_after_days, now=now, tz=settings.tz,
        origin=origin)
    expired_numbers = [q.number for q in expired]
    due = []
    for rma_number, quote_number in [(q.rma.number, q.number) for q in candidates]:
        # Asked again under the RMA's lock: since the list was made the customer may have
        # answered, or a job running at the same time may have sent this reminder.
        quote = quoting.locked_quote(session, rma_number, quote_number)
        if not quoting.reminder_due(quote, remind_after_days=settings.remind_after_days,
                                    now=now):
            session.rollback()
            continue
        due.append(quote.number)
        customer = quote.rma.unit.customer
        if customer and customer.email:
            outbox.enqueue(session, _email(session, quote, settings, reminder=True),
                           kind="quote_reminder", rma=quote.rma, now=now)
            quote.reminders += 1
            quote.reminded_at = now
        session.commit()
    return expired_numbers, due


OFFLINE_VIA = ("phone", "fax", "email", "paper")


def record_offline_answer(session: Session, number: str, quote_number: str, *, approve: bool,
                          via: str, comment: str = "",
                          signed_copy: tuple[str, str, bytes] | None = None,
                          max_bytes: int, max_pixels: int, ip: str | None,
                          user_agent: str | None, actor: User | None, now: datetime,
                          tz: ZoneInfo, origin: Origin | None = None) -> Quote:
    """The customer answered by phone, fax or on paper: staff record it, with the signed copy
    (a PDF kept as it is, or a photo made upright and stripped) — same checks as the link."""
    if via not in OFFLINE_VIA:
        raise InvalidInputError("via must be one of %(known)s",
                                code="invalid_field", field="via", known=list(OFFLINE_VIA))
    copy = None
    if signed_copy is not None:
        name, content_type, data = signed_copy
        if not (content_type == "application/pdf" and data.startswith(b"%PDF")):
            photo = prepare_photos([(name or "signed", data)], max_bytes=max_bytes,
                                   max_pixels=max_pixels)[0]
            name, content_type, data = photo.filename, photo.content_type, photo.data
        copy = (name or "signed.pdf", content_type, data)
    try:
        # The copy is stored only once the answer is allowed: a refused answer keeps nothing
        # (refusing an expired quote commits its expiry, which would keep the copy with it).
        target = quoting.locked_quote(session, number, quote_number)
        attachment_id = None
        if copy is not None and quoting.refusal(target, local_date(now, tz)) is None:
            attachment_id = attach(session, target.rma, "signed_quote", *copy, actor=actor,
                                   now=now).id
        return quoting.answer_quote(
            session, target.id,
            quoting.Answer(approve, comment, via=via, ip=ip, user_agent=user_agent,
                           attachment_id=attachment_id),
            actor=actor, now=now, tz=tz, origin=origin)
    except Exception:
        session.rollback()
        raise
