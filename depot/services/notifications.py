"""Mails to the customer at each milestone of their repair, through the outbox (DESIGN.md §4b):
received (with the receipt PDF), quote sent, ready to ship, shipped; the survey and a resolved
complaint use the same function. Each is queued in the caller's transaction, so it goes out only
if the change commits, and never in a request. Each is recorded as a Notification (who, what,
when), `no_email` when the customer has no address, so staff see whom to phone.

Every mail carries the RMA's status link. Its text is the admin's for that kind and language
(/admin/notifications) or else the catalogues'; placeholders are %(name)s. The language is the
customer's when known; else Chinese, with English after it (mail.CUSTOMER_LANGUAGES).
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from depot.domain import tracking
from depot.domain.tracking import Kind
from depot.errors import InvalidInputError
from depot.i18n import LANGUAGES, N_, translate
from depot.mail import CUSTOMER_LANGUAGES, MailAttachment, compose
from depot.models import Notification, NotificationTemplate, Rma
from depot.services import outbox
from depot.services.common import local_date, unit_going_back
from depot.services.customer_status import status_url, view
from depot.services.settings import DepotSettings
from depot.words import listed, word

# kind -> (subject, body): the catalogues' texts, the default of every language.
DEFAULTS: dict[str, tuple[str, str]] = {
    Kind.REQUESTED: (
        N_("Your request %(rma)s: the packing slip"),
        N_("Dear %(name)s,\n\nThank you for your request %(rma)s for the unit %(model)s (serial "
           "%(serial)s). Please print the attached packing slip, put it in the box with the "
           "unit and send it to:\n%(depot_address)s\nDo not send adapters, cables or batteries "
           "unless we ask for them. Please send the unit by %(send_by)s.\nFollow your request "
           "at this link:\n%(status_url)s")),
    Kind.RECEIVED: (
        N_("We have received your unit (RMA %(rma)s)"),
        N_("Dear %(name)s,\n\nWe received your unit %(model)s (serial %(serial)s) on "
           "%(received_on)s; its RMA number is %(rma)s. We plan to finish the repair by "
           "%(due_on)s and expect the unit back with you by %(expected_back_on)s.\n"
           "The receipt is attached. Follow your repair at this link:\n%(status_url)s")),
    Kind.QUOTE_SENT: (
        N_("Non-warranty repair quote %(quote)s"),
        N_("Dear %(name)s,\n\nThe unit you sent in (%(model)s, serial %(serial)s, RMA %(rma)s) "
           "is not covered by warranty. The repair quote is %(total)s %(currency)s, valid "
           "until %(valid_until)s.\nPlease approve or decline it at this link, or with the QR "
           "code on the attached quote:\n%(quote_url)s\n\nFollow your repair at this link:\n"
           "%(status_url)s")),
    Kind.READY_TO_SHIP: (
        N_("Your unit %(rma)s is ready to go back"),
        N_("Dear %(name)s,\n\nYour unit %(model)s (serial %(serial)s, RMA %(rma)s) is ready "
           "and will be shipped back soon. We expect it back with you by "
           "%(expected_back_on)s.\nFollow it at this link:\n%(status_url)s")),
    Kind.SHIPPED: (
        N_("Your unit %(rma)s is on its way (%(carrier)s %(tracking)s)"),
        N_("Dear %(name)s,\n\nYour unit %(model)s (serial %(serial)s, RMA %(rma)s) was "
           "shipped back on %(shipped_on)s.\nCarrier: %(carrier)s  Tracking number: "
           "%(tracking)s %(freight_note)s\nFollow the parcel: %(tracking_url)s\n"
           "%(accessories_note)s\nWe expect it with you by %(expected_back_on)s. Your "
           "repair: %(status_url)s")),
    Kind.SURVEY: (
        N_("How was the repair of your unit %(rma)s?"),
        N_("Dear %(name)s,\n\nYour unit %(model)s (serial %(serial)s, RMA %(rma)s) went back "
           "to you recently. Please tell us how we did, it takes a minute:\n%(survey_url)s\n\n"
           "Your repair: %(status_url)s")),
    Kind.COMPLAINT_RESOLVED: (
        N_("Your complaint %(complaint)s is resolved"),
        N_("Dear %(name)s,\n\nYour complaint %(complaint)s about the unit %(model)s (RMA "
           "%(rma)s) is resolved.\n%(resolution)s\n\nYour repair: %(status_url)s")),
}
COMMON = ("name", "rma", "model", "serial", "received_on", "due_on", "expected_back_on",
          "status_url", "depot", "depot_phone")
# The placeholders each kind's text may use (an admin's text is checked against them).
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    Kind.REQUESTED: (*COMMON, "depot_address", "send_by"),
    Kind.RECEIVED: COMMON,
    Kind.QUOTE_SENT: (*COMMON, "quote", "total", "currency", "valid_until", "quote_url"),
    Kind.READY_TO_SHIP: COMMON,
    Kind.SHIPPED: (*COMMON, "carrier", "tracking", "tracking_url", "shipped_on",
                   "freight_note", "accessories_note"),
    Kind.SURVEY: (*COMMON, "survey_url"),
    Kind.COMPLAINT_RESOLVED: (*COMMON, "complaint", "resolution"),
}
REMINDER = N_("[Reminder]")
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
MAX_SUBJECT, MAX_BODY = 300, 5000


@dataclass(frozen=True)
class Template:
    kind: str
    lang: str
    subject: str
    body: str
    custom: bool  # the admin's, not the catalogues'


def template(session: Session, kind: str, lang: str) -> Template:
    """The text a mail of `kind` in `lang` is written from."""
    row = session.get(NotificationTemplate, (kind, lang))
    if row is not None:
        return Template(kind, lang, row.subject, row.body, True)
    subject, body = DEFAULTS[kind]
    return Template(kind, lang, translate(lang, subject), translate(lang, body), False)


def templates(session: Session) -> list[Template]:
    return [template(session, kind, lang) for kind in DEFAULTS for lang in LANGUAGES]


def _known(kind: str, lang: str) -> None:
    if kind not in DEFAULTS or lang not in LANGUAGES:
        raise InvalidInputError("there is no mail %(kind)s in %(language)s", code="invalid_field",
                                field="kind", kind=kind[:40], language=lang[:10])


def check_text(kind: str, subject: str, body: str) -> tuple[str, str]:
    """An admin's subject and body, cleaned; InvalidInputError naming the field when a
    placeholder is unknown, a % stray, the status link missing, or a text too long."""
    subject = " ".join((subject or "").split())
    body = (body or "").replace("\r\n", "\n").strip()
    for field, text, limit in (("subject", subject, MAX_SUBJECT), ("body", body, MAX_BODY)):
        if not text:
            raise InvalidInputError("this text may not be empty", code="field_required",
                                    field=field)
        if len(text) > limit:
            raise InvalidInputError("this text is longer than %(max)s characters",
                                    code="text_too_long", field=field, max=limit)
        if "\x00" in text:
            raise InvalidInputError("this text holds characters that cannot be stored",
                                    code="invalid_text", field=field)
        unknown = [name for name in _PLACEHOLDER.findall(text)
                   if name not in PLACEHOLDERS[kind]]
        if unknown:
            raise InvalidInputError(
                "%(placeholder)s is not a placeholder of this mail; known: %(known)s",
                code="unknown_placeholder", field=field, placeholder=f"%({unknown[0]})s",
                known=[f"%({name})s" for name in PLACEHOLDERS[kind]])
        if "%" in _PLACEHOLDER.sub("", text).replace("%%", ""):
            raise InvalidInputError("write placeholders as %%(name)s, and a percent sign as %%%%",
                                    code="invalid_placeholder", field=field)
    if "%(status_url)s" not in body:
        raise InvalidInputError("every mail to a customer carries the status link: keep "
                                "%%(status_url)s in the text", code="status_link_required",
                                field="body")
    return subject, body


def save_template(session: Session, kind: str, lang: str, subject: str, body: str, *,
                  actor: str, now: datetime) -> Template:
    _known(kind, lang)
    subject, body = check_text(kind, subject, body)
    row = session.get(NotificationTemplate, (kind, lang))
    if row is None:
        session.add(NotificationTemplate(kind=kind, lang=lang, subject=subject, body=body,
                                         updated_at=now, updated_by=actor))
    else:
        row.subject, row.body, row.updated_at, row.updated_by = subject, body, now, actor
    session.commit()
    return template(session, kind, lang)


def reset_template(session: Session, kind: str, lang: str) -> Template:
    """Back to the catalogues' text."""
    _known(kind, lang)
    row = session.get(NotificationTemplate, (kind, lang))
    if row is not None:
        session.delete(row)
    session.commit()
    return template(session, kind, lang)


SAMPLE = {"name": "张三", "rma": "RMA-2026-000123", "model": "考勤机 AT-100",
          "serial": "SN0001", "received_on": "2026-11-02", "due_on": "2026-11-09",
          "expected_back_on": "2026-11-14", "quote": "RMA-2026-000123-Q1", "total": "258.50",
          "currency": "CNY", "valid_until": "2026-11-20", "carrier": "SF",
          "tracking": "SF1234567890", "shipped_on": "2026-11-09",
          "freight_note": "", "accessories_note": "", "survey_url": "", "send_by": "2026-12-02",
          "depot_address": "上海市浦东新区张江路 100 号 维修中心", "complaint":
          "CMP-2026-000045", "resolution": ""}


def preview(kind: str, lang: str, subject: str, body: str, settings: DepotSettings
            ) -> tuple[str, str]:
    """(subject, body) of a text as a customer would read it, with made-up values."""
    _known(kind, lang)
    subject, body = check_text(kind, subject, body)
    values = dict(SAMPLE, depot=settings.depot.name, depot_phone=settings.depot.phone)
    base = settings.depot.public_url
    values.update(status_url=f"{base}/s/…", quote_url=f"{base}/q/…",
                  survey_url=f"{base}/survey/…",
                  carrier=word(lang, "carrier", "SF"),
                  tracking_url=tracking.tracking_url("SF", "SF1234567890") or "")
    return subject % values, body % values


def languages_of(rma: Rma) -> Sequence[str]:
    """The customer's language when known, else Chinese then English."""
    customer = rma.unit.customer
    if customer is not None and customer.language in LANGUAGES:
        return (customer.language,)
    return CUSTOMER_LANGUAGES


def mail_language(rma: Rma) -> str:
    """The one language of documents that go with a mail (the receipt PDF)."""
    return languages_of(rma)[0]


def _values(session: Session, rma: Rma, kind: str, lang: str, settings: DepotSettings,
            today: date, given: Mapping[str, str]) -> dict[str, str]:
    customer = rma.unit.customer
    seen = view(session, rma, settings, today=today)
    # What goes back is named: the replacement unit once the RMA was exchanged (换货).
    unit = unit_going_back(rma) if kind in (Kind.READY_TO_SHIP, Kind.SHIPPED) else rma.unit
    values = {"name": customer.name if customer else "", "rma": rma.number,
              "model": unit.model.name, "serial": unit.serial,
              "received_on": str(rma.received_on or ""), "due_on": str(rma.due_on or ""),
              "expected_back_on": str(seen.expected_back_on or ""),
              "status_url": seen.status_url, "depot": settings.depot.name,
              "depot_phone": settings.depot.phone}
    if kind == Kind.SHIPPED and rma.shipment is not None:
        shipment = rma.shipment
        values.update(
            carrier=word(lang, "carrier", shipment.carrier), tracking=shipment.tracking_number,
            tracking_url=seen.tracking_url or "", shipped_on=str(rma.shipped_on or ""),
            freight_note=translate(lang, "(freight collect: the receiver pays)", None)
            if shipment.freight == "collect" else "",
            accessories_note=accessories_note(lang, [m["code"] for m in shipment.missing or []]))
    values.update({key: str(value) for key, value in given.items()})
    for name in PLACEHOLDERS.get(kind, ()):
        values.setdefault(name, "")
    return values


def accessories_note(lang: str, codes: Sequence[str]) -> str:
    """The shipped mail's line of accessories not returned, listed as `lang` writes lists."""
    if not codes:
        return ""
    return (translate(lang, "Accessories not returned:", None) + " "
            + listed(lang, [word(lang, "accessory", code) for code in codes]))


def _render(session: Session, kind: str, lang: str, values: Mapping[str, str]
            ) -> tuple[str, str]:
    text = template(session, kind, lang)
    try:
        return text.subject % values, text.body % values
    except (KeyError, ValueError, TypeError):  # saved before a placeholder was renamed
        subject, body = DEFAULTS[kind]
        return translate(lang, subject) % values, translate(lang, body) % values


def compose_mail(session: Session, rma: Rma, kind: str, settings: DepotSettings, *,
                 now: datetime, values: Mapping[str, str] | None = None,
                 attachments: tuple[MailAttachment, ...] = (), reminder: bool = False):
    """The message of `kind` for the RMA's customer (who must have an address)."""
    subjects, bodies = [], []
    today = local_date(now, settings.tz)
    for lang in dict.fromkeys(languages_of(rma)):
        subject, body = _render(session, kind, lang,
                                _values(session, rma, kind, lang, settings, today, values or {}))
        if reminder:
            subject = translate(lang, REMINDER) + subject
        subjects.append(" ".join(subject.split()))
        bodies.append("\n".join(line.rstrip() for line in body.strip().splitlines()))
    signature = f"{settings.depot.name}  {settings.depot.phone}".strip()
    text = "\n\n".join(bodies) + (f"\n\n{signature}\n" if signature else "\n")
    domain = urlsplit(settings.depot.public_url).hostname or "depot.local"
    return compose(sender=settings.mail.sender, to=rma.unit.customer.email,
                   subject=" / ".join(dict.fromkeys(subjects)), text=text,
                   attachments=attachments, domain=domain)


def notify(session: Session, rma: Rma, kind: str, settings: DepotSettings, *, now: datetime,
           values: Mapping[str, str] | None = None,
           attachments: tuple[MailAttachment, ...] = ()) -> Notification:
    """Queue the mail of `kind` to the RMA's customer in the caller's transaction and record
    it; without an address, record `no_email`. `values`: the kind's own placeholders
    (`survey_url`; `complaint`, `resolution`), language-independent text."""
    customer = rma.unit.customer
    if customer is None or not customer.email:
        row = Notification(rma_id=rma.id, kind=kind, recipient="", created_at=now)
    else:
        message = compose_mail(session, rma, kind, settings, now=now, values=values,
                               attachments=attachments)
        queued = outbox.enqueue(session, message, kind=kind, rma=rma, now=now)
        row = Notification(rma_id=rma.id, kind=kind, recipient=customer.email,
                           message=queued, created_at=now)
    session.add(row)
    return row


def receipt_attachment(session: Session, rma: Rma, settings: DepotSettings) -> MailAttachment:
    from depot.services import documents  # documents print the status link too

    lang = mail_language(rma)
    pdf = documents.receipt(session, rma.number, depot=settings.depot, lang=lang,
                            status_url=status_url(settings, rma.number))
    name = translate(lang, "receipt-%(rma)s.pdf", "file name", rma=rma.number)
    return MailAttachment(name, "application/pdf", pdf)


def notify_received(session: Session, rma: Rma, settings: DepotSettings, *, now: datetime
                    ) -> Notification:
    """The mail of a unit taken in, with its receipt."""
    customer = rma.unit.customer
    attachments = (receipt_attachment(session, rma, settings),) if customer and \
        customer.email else ()
    return notify(session, rma, Kind.RECEIVED, settings, now=now, attachments=attachments)
