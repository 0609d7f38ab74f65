"""Webhooks API (admin): register one, list them, change or switch one off, read its
deliveries. The secret is taken when the webhook is registered and never shown again."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from depot.domain.outbox import OutboxStatus
from depot.extensions import db
from depot.models import Webhook, WebhookDelivery
from depot.services import webhooks
from depot.web.api.registry import Area
from depot.web.auth import current_actor
from depot.web.common import now
from depot.web.errors import created
from depot.web.schemas.webhooks import WebhookIn, WebhookPatch

area = Area("webhooks")
bp = area.bp

# The outbox's words for a delivery's state, in the words of a delivery.
DELIVERY_STATUS = {OutboxStatus.PENDING: "pending", OutboxStatus.SENDING: "pending",
                   OutboxStatus.SENT: "delivered", OutboxStatus.FAILED: "failed"}
ABOUT_DELIVERIES = (
    "Newest first, at most 50. `status`: pending (waiting for its next attempt, or behind an "
    "earlier delivery of the same RMA that is not delivered yet), delivered (a 2xx answer), "
    "failed (given up on after about a day of attempts; an operator may queue it again with "
    "`flask depot send-mail --retry-failed`). `response_status` and `response` are the "
    "receiver's last HTTP status and the first 500 characters of its answer, or the error "
    "(a timeout, a refused connection) with no status.")


def _at(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def webhook_json(hook: Webhook) -> dict[str, Any]:
    """A webhook as the API shows one: never its secret."""
    return {"id": hook.id, "url": hook.url, "events": list(hook.events), "active": hook.active,
            "created_at": _at(hook.created_at), "updated_at": _at(hook.updated_at)}


def delivery_json(delivery: WebhookDelivery) -> dict[str, Any]:
    message = delivery.message
    status = DELIVERY_STATUS[OutboxStatus(message.status)]
    return {"id": message.message_id, "event": delivery.event,
            "rma": delivery.rma.number if delivery.rma else None,
            "complaint": delivery.complaint.number if delivery.complaint else None,
            "status": status, "attempts": message.attempts,
            "next_attempt_at": _at(message.next_attempt_at) if status == "pending" else None,
            "response_status": delivery.response_status, "response": delivery.response_snippet,
            "created_at": _at(message.created_at), "delivered_at": _at(message.sent_at),
            "last_attempt_at": _at(delivery.answered_at)}


@area.get("/webhooks", "List the webhooks", permissions=("webhooks",))
def get_webhooks():
    return {"webhooks": [webhook_json(h) for h in webhooks.list_webhooks(db.session)]}


@area.post("/webhooks", "Register a webhook", permissions=("webhooks",), body=WebhookIn,
           answers=("created",),
           description="201 with the webhook (`id`, `url`, `events`, `active`, `created_at`); "
                       "the secret is not in it, nor in any later answer. Each event is POSTed "
                       "as JSON through the outbox (never in a request), signed with "
                       "`X-Depot-Signature: sha256=<hex HMAC-SHA256 of the body>`, with "
                       "`X-Depot-Event` and `X-Depot-Delivery` (the delivery's id, also the "
                       "body's `id`); retried with backoff (10 s doubling to 5 minutes, for "
                       "about a day), at least once, in order per RMA. Any http(s) address is "
                       "taken, the loopback too: admins are trusted. See the `webhooks` of "
                       "this document for the bodies.")
def post_webhook(body: WebhookIn):
    hook = webhooks.create_webhook(db.session, body.url, body.events, body.secret,
                                   actor=current_actor(), now=now())
    return created(webhook_json(hook))


@area.patch("/webhooks/<int:webhook_id>", "Change a webhook, or switch it off or on",
            permissions=("webhooks",), body=WebhookPatch,
            description="Only what is given changes. Switched off (`active` false) it gets no "
                        "new events; what was queued for it waits, in order, until it is "
                        "switched on again. A new `url` takes the deliveries still waiting.")
def patch_webhook(webhook_id: int, body: WebhookPatch):
    hook = webhooks.update_webhook(db.session, webhook_id, url=body.url, events=body.events,
                                   active=body.active, now=now())
    return webhook_json(hook)


@area.get("/webhooks/<int:webhook_id>/deliveries", "A webhook's latest deliveries",
          permissions=("webhooks",), description=ABOUT_DELIVERIES)
def get_deliveries(webhook_id: int):
    found = webhooks.deliveries(db.session, webhook_id)
    return {"webhook": webhook_json(webhooks.get_webhook(db.session, webhook_id)),
            "deliveries": [delivery_json(d) for d in found]}
