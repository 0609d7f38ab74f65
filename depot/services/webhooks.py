"""Webhooks (DESIGN.md 4b): the admin's registrations, and the events queued for them.

Each place where something a receiver cares about happens calls one function here, inside its
own transaction: the event's outbox rows (one per active webhook subscribed to it) commit with
the change or not at all, and the outbox worker POSTs them later (depot.services
.webhook_delivery), never in a request. With no webhook registered an event costs one query
on the indexed `active` column.

The body is written once, when the event happens, and sent byte for byte on every retry:
`{"id","event","at","rma","complaint","data"}`, `rma` the RMA's brief as the API shows it
(its number, status, dates, serial and model), `complaint` the complaint's brief.
"""
from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.domain.webhooks import (
    EVENTS,
    SECRET_MAX,
    SECRET_MIN,
    URL_CAP,
    events_problem,
    ordered_events,
    secret_problem,
    url_problem,
)
from depot.errors import InvalidInputError, NotFoundError
from depot.i18n import N_
from depot.models import (
    Complaint,
    OutboxMessage,
    Quote,
    Rma,
    RmaEvent,
    User,
    Webhook,
    WebhookDelivery,
)
from depot.services import outbox

DELIVERIES_SHOWN = 50

# What each refusal of the domain says (the field it is about, the sentence).
PROBLEMS: dict[str, tuple[str, str]] = {
    "url_length": ("url", N_("the address must be 1 to %(max_length)s characters long")),
    "url_character": ("url", N_("the address contains a space or a character that is not allowed")),
    "url_form": ("url", N_("the address is not a valid URL")),
    "url_scheme": ("url", N_("the address must start with http:// or https://")),
    "url_host": ("url", N_("the address must name a host, and a port from 1 to 65535 if any")),
    "url_credentials": ("url", N_("the address may not carry a user name or password")),
    "events_empty": ("events", N_("choose at least one event")),
    "unknown_event": ("events", N_("the events must be among %(known)s")),
    "secret_length": ("secret", N_("the secret must be %(min_length)s to %(max_length)s "
                                "characters long")),
    "secret_character": ("secret", N_("the secret contains a character that is not allowed")),
}


def _refuse(problem: str | None) -> None:
    if problem is None:
        return
    field, sentence = PROBLEMS[problem]
    limits = {"url": {"max_length": URL_CAP}, "events": {"known": list(EVENTS)},
              "secret": {"min_length": SECRET_MIN, "max_length": SECRET_MAX}}[field]
    raise InvalidInputError(sentence, code=f"invalid_{field}", field=field, **limits)


def check(url: str | None = None, events: Sequence[str] | None = None,
          secret: str | None = None) -> None:
    """Refuse (InvalidInputError naming the field) what a webhook may not hold."""
    if url is not None:
        _refuse(url_problem(url))
    if events is not None:
        _refuse(events_problem(events))
    if secret is not None:
        _refuse(secret_problem(secret))


def generated_secret() -> str:
    """A secret for an admin who did not bring one (43 characters, 256 random bits)."""
    return secrets.token_urlsafe(32)


def create_webhook(session: Session, url: str, events: Sequence[str], secret: str, *,
                   actor: User | None, now: datetime) -> Webhook:
    check(url, events, secret)
    hook = Webhook(url=url, events=ordered_events(events), secret=secret, active=True,
                   created_by_id=actor.id if actor else None, created_at=now, updated_at=now)
    session.add(hook)
    session.commit()
    return hook


def list_webhooks(session: Session) -> list[Webhook]:
    return list(session.scalars(select(Webhook).order_by(Webhook.id)))


def get_webhook(session: Session, webhook_id: int) -> Webhook:
    hook = session.get(Webhook, webhook_id)
    if hook is None:
        raise NotFoundError("no webhook numbered %(id)s", code="webhook_not_found",
                            id=webhook_id)
    return hook


def update_webhook(session: Session, webhook_id: int, *, url: str | None = None,
                   events: Sequence[str] | None = None, active: bool | None = None,
                   now: datetime) -> Webhook:
    """Change what is given. A webhook switched off gets no new events, and what was queued
    for it waits (in order) until it is switched on again."""
    check(url, events)
    hook = get_webhook(session, webhook_id)
    if url is not None:
        hook.url = url
    if events is not None:
        hook.events = ordered_events(events)
    if active is not None:
        hook.active = active
    hook.updated_at = now
    session.commit()
    return hook


def deliveries(session: Session, webhook_id: int, limit: int = DELIVERIES_SHOWN
               ) -> list[WebhookDelivery]:
    """The webhook's latest deliveries, newest first."""
    get_webhook(session, webhook_id)
    return list(session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
        .order_by(WebhookDelivery.outbox_id.desc()).limit(limit)))


# -- the events ----------------------------------------------------------------------------

def _at(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def rma_brief(rma: Rma) -> dict[str, Any]:
    """The RMA as the API's brief shows it (web.serialize.rma_brief), with its unit."""
    return {"number": rma.number, "status": rma.status,
            "received_on": rma.received_on.isoformat() if rma.received_on else None,
            "due_on": rma.due_on.isoformat() if rma.due_on else None,
            "serial": rma.unit.serial, "model": rma.unit.model.code}


def complaint_brief(complaint: Complaint) -> dict[str, Any]:
    """The complaint as the API's brief shows it (web.serialize.complaint_brief)."""
    return {"number": complaint.number, "kind": complaint.kind, "team": complaint.team,
            "status": complaint.status, "channel": complaint.channel,
            "created_at": _at(complaint.created_at)}


def _subscribed(session: Session, event: str) -> list[Webhook]:
    with session.no_autoflush:  # nothing of the change needs writing to answer this
        active = session.scalars(select(Webhook).where(Webhook.active.is_(True))).all()
    return [hook for hook in active if event in hook.events]


def emit(session: Session, event: str, *, rma: Rma | None = None,
         complaint: Complaint | None = None, data: dict[str, Any] | None = None,
         now: datetime) -> list[OutboxMessage]:
    """Queue `event` for every active webhook subscribed to it, in the caller's transaction."""
    assert event in EVENTS, event
    hooks = _subscribed(session, event)
    if not hooks:
        return []
    if (rma is not None and rma.id is None) or (complaint is not None and complaint.id is None):
        session.flush()  # the rows name them by id
    rows = []
    for hook in hooks:
        delivery_id = str(uuid.uuid4())
        body = json.dumps({
            "id": delivery_id, "event": event, "at": _at(now),
            "rma": rma_brief(rma) if rma is not None else None,
            "complaint": complaint_brief(complaint) if complaint is not None else None,
            "data": data or {},
        }, ensure_ascii=False, separators=(",", ":")).encode()
        row = outbox.enqueue_post(session, body, message_id=delivery_id, kind=event,
                                  recipient=hook.url, rma=rma, now=now)
        session.add(WebhookDelivery(message=row, webhook=hook, event=event, rma=rma,
                                    complaint=complaint))
        rows.append(row)
    return rows


def status_changed(session: Session, rma: Rma, event: RmaEvent, *, now: datetime) -> None:
    """Every change of an RMA's status (services.workflow.change_status); its creation is
    rma.created, an action that keeps the status (a payment, an override) is none."""
    if event.from_status is None or event.from_status == event.to_status:
        return
    emit(session, "rma.status_changed", rma=rma, now=now,
         data={"action": event.action, "from": event.from_status, "to": event.to_status})


def rma_created(session: Session, rma: Rma, *, now: datetime) -> None:
    emit(session, "rma.created", rma=rma, now=now,
         data={"warranty": rma.warranty_status, "accessories": list(rma.accessories or [])})


def quote_answered(session: Session, quote: Quote, *, now: datetime) -> None:
    emit(session, "quote.answered", rma=quote.rma, now=now,
         data={"quote": quote.number, "version": quote.version, "answer": quote.status,
               "total": f"{quote.total:.2f}", "currency": quote.currency,
               "via": quote.answer_via})


def shipment_created(session: Session, rma: Rma, *, now: datetime) -> None:
    shipment = rma.shipment
    emit(session, "shipment.created", rma=rma, now=now,
         data={"carrier": shipment.carrier, "tracking_number": shipment.tracking_number,
               "freight": shipment.freight, "shipped_at": _at(shipment.shipped_at)})


def complaint_created(session: Session, complaint: Complaint, *, now: datetime) -> None:
    emit(session, "complaint.created", rma=complaint.rma, complaint=complaint, now=now,
         data={"description": complaint.description})
