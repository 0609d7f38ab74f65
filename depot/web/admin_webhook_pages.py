"""Admin page of the webhooks: the list, a form for a new one (its secret shown once), switching
one off or on, and each webhook's last deliveries with the receiver's answers."""
from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from depot.domain.webhooks import EVENTS
from depot.errors import DepotError
from depot.extensions import csrf, db
from depot.i18n import N_
from depot.models import Webhook
from depot.services import webhooks
from depot.web import schemas
from depot.web.admin_pages import bp
from depot.web.api.webhooks import delivery_json
from depot.web.auth import current_actor, page_requires
from depot.web.common import now, tz
from depot.web.errors import page
from depot.web.schemas import bodies
from depot.web.schemas.webhooks import WebhookIn
from depot.web.serialize import local

# The events in words (the codes stay beside them: receivers see the codes).
EVENT_WORDS = {"rma.status_changed": N_("RMA status changed"),
               "rma.created": N_("RMA created"),
               "quote.answered": N_("Quote answered"),
               "shipment.created": N_("Shipment made"),
               "complaint.created": N_("Complaint registered")}
DELIVERY_WORDS = {"pending": N_("waiting"), "delivered": N_("delivered"),
                  "failed": N_("given up")}
assert set(EVENT_WORDS) == set(EVENTS)


def _deliveries(hook: Webhook) -> list[dict[str, Any]]:
    zone = tz()
    out = []
    for delivery in webhooks.deliveries(db.session, hook.id):
        shown = delivery_json(delivery)
        message = delivery.message
        shown["created"] = local(message.created_at, zone)
        shown["next"] = local(message.next_attempt_at, zone) if shown["next_attempt_at"] else ""
        shown["last"] = local(delivery.answered_at, zone)
        out.append(shown)
    return out


def _webhooks_page(*, error: DepotError | None = None, shown: dict[str, str] | None = None,
                   form: MultiDict | None = None, selected: Webhook | None = None):
    return page(render_template(
        "admin_webhooks.html", hooks=webhooks.list_webhooks(db.session), events=EVENTS,
        event_words=EVENT_WORDS, delivery_words=DELIVERY_WORDS, error=error, shown=shown,
        form=form, selected=selected,
        deliveries=_deliveries(selected) if selected is not None else []), error)


@bp.route("/webhooks", methods=["GET", "POST"], endpoint="webhooks")
@page_requires("webhooks")
def webhooks_list():
    if request.method == "GET":
        return _webhooks_page()
    csrf.protect()
    secret = request.form.get("secret", "") or webhooks.generated_secret()
    try:
        body = schemas.parse(WebhookIn, {"url": request.form.get("url", ""),
                                         "events": ",".join(request.form.getlist("events")),
                                         "secret": secret}, form=True)
        hook = webhooks.create_webhook(db.session, body.url, body.events, body.secret,
                                       actor=current_actor(), now=now())
    except DepotError as exc:
        db.session.rollback()
        return _webhooks_page(error=exc, form=request.form)
    # shown once, in the answer to the post that made it (never kept in the session cookie)
    return _webhooks_page(shown={"url": hook.url, "secret": secret})


@bp.get("/webhooks/<int:webhook_id>")
@page_requires("webhooks")
def webhook_deliveries(webhook_id: int):
    return _webhooks_page(selected=webhooks.get_webhook(db.session, webhook_id))


@bp.post("/webhooks/<int:webhook_id>/active")
@page_requires("webhooks")
def webhook_active(webhook_id: int):
    csrf.protect()
    try:
        active = schemas.parse(bodies.ActiveQuery, request.args.to_dict(), form=True).active
        webhooks.update_webhook(db.session, webhook_id, active=active, now=now())
    except DepotError as exc:
        db.session.rollback()
        return _webhooks_page(error=exc)
    return redirect(url_for("admin.webhooks"))
