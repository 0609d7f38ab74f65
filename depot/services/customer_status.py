"""The customer's view of their repair, without an account (DESIGN.md §4b "The customer's
side"): through the signed status link in every mail, or the RMA number and the last 4 digits
of the phone. It shows the repair's own facts and nothing of the staff (no names, no notes) or
of any other customer.

A wrong pair and an unknown number are one and the same answer (`not_found`, one message), so
the lookup tells a guesser nothing; the web layer counts those answers against the shared
public rate limit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.domain import regions
from depot.domain.quotes import QuoteStatus
from depot.domain.tracking import FINAL_STATUSES, link_alive, tracking_url
from depot.errors import NotFoundError
from depot.i18n import N_
from depot.models import Rma, RmaEvent, TransitDays
from depot.services.common import find_rma, local_date
from depot.services.links import read_status_token, status_token
from depot.services.settings import DepotSettings

NOT_FOUND = N_("no repair matches this RMA number and phone number")
_NON_DIGITS = re.compile(r"\D")


def status_url(settings: DepotSettings, rma_number: str) -> str:
    """The signed status link of an RMA (`<DEPOT_PUBLIC_URL>/s/<token>`), for every mail and
    document that goes to its customer."""
    return f"{settings.depot.public_url}/s/{status_token(settings.secret, rma_number)}"


@dataclass(frozen=True)
class CustomerStatus:
    """What the customer sees: codes (the page puts them in words) and dates."""

    number: str
    status: str
    model_name: str
    serial: str
    received_on: date | None
    due_on: date | None
    expected_back_on: date | None
    transit_days: int
    shipped_on: date | None
    carrier: str | None
    tracking_number: str | None
    tracking_url: str | None
    quote_number: str | None  # the open quote, while one is open
    quote_url: str | None
    status_url: str

    def json(self) -> dict:
        return {"number": self.number, "status": self.status,
                "received_on": _day(self.received_on), "due_on": _day(self.due_on),
                "expected_back_on": _day(self.expected_back_on),
                "carrier": self.carrier, "tracking_number": self.tracking_number,
                "tracking_url": self.tracking_url, "shipped_on": _day(self.shipped_on),
                "quote_url": self.quote_url}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def by_token(session: Session, settings: DepotSettings, token: str, *, today: date
             ) -> CustomerStatus:
    """The status a link shows. A forged or altered link is not found; so is the link of an
    RMA closed more than 90 days ago (`link_expired`)."""
    number = read_status_token(settings.secret, token)
    rma = find_rma(session, number)
    if rma is None:
        raise NotFoundError("this link is not valid", code="invalid_link")
    if not link_alive(rma.status, closed_on(session, rma, settings), today):
        raise NotFoundError("this status link has expired: look the repair up with its RMA "
                            "number and your phone number", code="link_expired")
    return view(session, rma, settings, today=today)


def by_number(session: Session, settings: DepotSettings, number: str, phone_last4: str, *,
              today: date) -> CustomerStatus:
    """The status of the RMA `number` when `phone_last4` are the last 4 digits of its
    customer's phone; otherwise the same `not_found` whether the number exists or not."""
    rma = find_rma(session, number[:40]) if number.strip() else None
    if rma is None or not phone_matches(_phone(rma), phone_last4):
        raise NotFoundError(NOT_FOUND, code="not_found")
    return view(session, rma, settings, today=today)


def phone_matches(phone: str, last4: str) -> bool:
    digits = _NON_DIGITS.sub("", phone or "")
    return len(digits) >= 4 and digits[-4:] == last4


def _phone(rma: Rma) -> str:
    customer = rma.unit.customer
    return customer.phone if customer else ""


def closed_on(session: Session, rma: Rma, settings: DepotSettings) -> date | None:
    """The depot day the RMA was closed or cancelled (its last such event), or None."""
    if rma.status not in FINAL_STATUSES:
        return None
    at = session.scalar(select(RmaEvent.at).where(RmaEvent.rma_id == rma.id,
                                                  RmaEvent.to_status.in_(FINAL_STATUSES))
                        .order_by(RmaEvent.id.desc()).limit(1))
    return local_date(at, settings.tz) if at else None


def transit_overrides(session: Session) -> dict[str, int]:
    """The days in transit an admin set (region -> days)."""
    return {row.region: row.days for row in session.scalars(select(TransitDays))}


def transit_of(session: Session, settings: DepotSettings, address: str | None
               ) -> regions.Transit:
    return regions.transit(address, regions.province_of(settings.depot.address),
                           transit_overrides(session))


def view(session: Session, rma: Rma, settings: DepotSettings, *, today: date
         ) -> CustomerStatus:
    from depot.services.quote_mail import approval_url  # quote_mail's mails carry status links

    customer = rma.unit.customer
    transit = transit_of(session, settings, customer.address if customer else None)
    shipment = rma.shipment
    open_quotes = [q for q in rma.quotes if q.status == QuoteStatus.SENT
                   and (q.valid_until is None or q.valid_until >= today)
                   and rma.status == "awaiting_approval"]
    quote = open_quotes[-1] if open_quotes else None
    return CustomerStatus(
        number=rma.number, status=rma.status, model_name=rma.unit.model.name,
        serial=rma.unit.serial, received_on=rma.received_on, due_on=rma.due_on,
        expected_back_on=regions.expected_back_on(rma.shipped_on, rma.due_on, transit.days),
        transit_days=transit.days, shipped_on=rma.shipped_on,
        carrier=shipment.carrier if shipment else None,
        tracking_number=shipment.tracking_number if shipment else None,
        tracking_url=tracking_url(shipment.carrier, shipment.tracking_number)
        if shipment else None,
        quote_number=quote.number if quote else None,
        quote_url=approval_url(settings, quote) if quote else None,
        status_url=status_url(settings, rma.number))


def save_transit_days(session: Session, values: dict[str, str], *, actor: str, now
                      ) -> dict[str, int]:
    """Store the days an admin set per region (blank: back to the default). Raises
    InvalidInputError naming the region when a value is not a whole number 0..60."""
    from depot.errors import InvalidInputError

    cleaned: dict[str, int | None] = {}
    for region in regions.REGIONS:
        text = (values.get(region) or "").strip()
        if not text:
            cleaned[region] = None
            continue
        if not (text.isascii() and text.isdigit()) or int(text) > regions.MAX_DAYS:
            raise InvalidInputError("days in transit must be a whole number from 0 to %(max)s",
                                    code="invalid_field", field=region, max=regions.MAX_DAYS)
        cleaned[region] = int(text)
    rows = {row.region: row for row in session.scalars(select(TransitDays))}
    for region, days in cleaned.items():
        row = rows.get(region)
        if days is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(TransitDays(region=region, days=days, updated_at=now, updated_by=actor))
        elif row.days != days:
            row.days, row.updated_at, row.updated_by = days, now, actor
    session.commit()
    return transit_overrides(session)


def complain(session: Session, settings: DepotSettings, token: str, *, kind: str,
             description: str, today: date, now: datetime, origin=None):
    """A complaint the customer registers from the status link (channel `web`), linked to the
    link's RMA, the customer taken from it. One transaction; a link that is not valid: as
    by_token."""
    from depot.services import complaints  # complaints read the RMAs this module shows

    seen = by_token(session, settings, token, today=today)
    return complaints.register_complaint(session, kind=kind, description=description,
                                         channel="web", rma=seen.number, actor=None, now=now,
                                         tz=settings.tz, origin=origin)
