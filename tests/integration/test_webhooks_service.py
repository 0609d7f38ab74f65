"""Webhooks on a real session: registrations checked, and each event queued in the outbox with
the change that caused it (one row per subscribed webhook), or not at all."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from depot.domain.outbox import Channel, OutboxStatus
from depot.domain.webhooks import EVENTS
from depot.domain.workflow import Action, Status
from depot.errors import InvalidInputError, InvalidTransitionError, NotFoundError
from depot.models import OutboxMessage, WebhookDelivery, db
from depot.services import complaints, repair, shipping, webhooks, workflow
from depot.services.common import get_rma
from tests.conftest import NOW
from tests.integration.conftest import count

SECRET = "s3cret-of-sixteen+"


def hook(url="http://127.0.0.1:9/in", events=EVENTS, secret=SECRET, **kw):
    return webhooks.create_webhook(db.session, url, list(events), secret, actor=None, now=NOW,
                                   **kw)


def bodies(event: str | None = None) -> list[dict]:
    db.session.expire_all()
    rows = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.channel == Channel.WEBHOOK).order_by(OutboxMessage.id)).all()
    found = [json.loads(r.raw) for r in rows]
    return [b for b in found if event is None or b["event"] == event]


def ship(flow, number):
    rma = get_rma(db.session, number)
    return shipping.ship(db.session, number, carrier="SF", tracking_number="SF1234567890",
                         scanned=[rma.unit.serial], packed=[], missing=[],
                         settings=flow.settings, actor=flow.staff.logistics, now=NOW)


@pytest.mark.parametrize("url, field", [
    ("file:///etc/passwd", "url"), ("ftp://example.com/x", "url"),
    ("javascript:alert(1)", "url"), ("http://", "url"), ("http:///path", "url"),
    ("https://example.com/" + "a" * 2000, "url"), ("http://exa\x00mple.com/", "url"),
    ("http://example.com:99999/", "url"), ("http://user:pw@example.com/", "url"),
    ("http://exa mple.com/", "url"), ("", "url"),
])
def test_an_address_that_is_not_http_or_https_is_refused(app, url, field):
    with pytest.raises(InvalidInputError) as refused:
        hook(url)
    assert refused.value.details["field"] == field
    assert count(WebhookDelivery) == 0 and webhooks.list_webhooks(db.session) == []


@pytest.mark.parametrize("events, secret, field", [
    ([], SECRET, "events"), (["rma.deleted"], SECRET, "events"),
    (["rma.created", "RMA.CREATED"], SECRET, "events"),
    (EVENTS, "short", "secret"), (EVENTS, "x" * 201, "secret"),
    (EVENTS, "sixteen-chars-\x07ok", "secret"),
])
def test_unknown_or_no_events_and_a_bad_secret_are_refused(app, events, secret, field):
    with pytest.raises(InvalidInputError) as refused:
        hook(events=events, secret=secret)
    assert refused.value.details["field"] == field
    assert webhooks.list_webhooks(db.session) == []


def test_admins_are_trusted_with_any_http_host_loopback_included(app):
    made = [hook(url) for url in ("http://127.0.0.1:8080/x", "https://[::1]/in",
                                  "http://localhost/h", "https://hooks.example.cn/depot?a=1")]
    assert [h.active for h in made] == [True] * 4
    assert made[0].events == list(EVENTS)


def test_nothing_is_queued_without_a_webhook_and_one_row_per_subscribed_one(flow, staff):
    flow.inspected("SN-W1", ("no_power",))
    assert count(OutboxMessage, OutboxMessage.channel == Channel.WEBHOOK) == 0
    all_events = hook("http://127.0.0.1:9/a")
    only_created = hook("http://127.0.0.1:9/b", events=["rma.created"])
    switched_off = hook("http://127.0.0.1:9/c")
    webhooks.update_webhook(db.session, switched_off.id, active=False, now=NOW)
    number = flow.received("SN-W2")
    per_hook = {h.id: [d.event for d in webhooks.deliveries(db.session, h.id)]
                for h in (all_events, only_created, switched_off)}
    assert per_hook == {all_events.id: ["rma.created"], only_created.id: ["rma.created"],
                        switched_off.id: []}
    body = bodies("rma.created")[0]
    rma = get_rma(db.session, number)
    assert body["rma"] == {"number": number, "status": "received",
                           "received_on": rma.received_on.isoformat(),
                           "due_on": rma.due_on.isoformat(), "serial": "SN-W2",
                           "model": "AT-100"}
    assert body["complaint"] is None and body["at"] == "2026-11-20T03:00:00Z"
    assert set(body) == {"id", "event", "at", "rma", "complaint", "data"}


def test_a_journey_queues_every_status_change_in_order(flow, staff):
    hook()
    number = flow.ready("SN-W3")  # received, inspected, in repair, repaired, ready to ship
    ship(flow, number)
    changes = [(b["data"]["from"], b["data"]["to"]) for b in bodies("rma.status_changed")]
    assert changes == [("received", "inspected"), ("inspected", "in_repair"),
                       ("in_repair", "repaired"), ("repaired", "ready_to_ship"),
                       ("ready_to_ship", "shipped")]
    events = [b["event"] for b in bodies()]
    assert events[0] == "rma.created" and events[-1] == "shipment.created"
    shipped = bodies("shipment.created")[0]
    assert shipped["data"]["carrier"] == "SF" and shipped["rma"]["status"] == "shipped"
    assert [b["rma"]["status"] for b in bodies("rma.status_changed")] == [
        "inspected", "in_repair", "repaired", "ready_to_ship", "shipped"]
    ids = [b["id"] for b in bodies()]
    assert len(set(ids)) == len(ids)
    rows = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.channel == Channel.WEBHOOK)).all()
    assert {r.message_id for r in rows} == set(ids)  # the body's id is the delivery's
    assert {r.rma_id for r in rows} == {get_rma(db.session, number).id}
    assert {r.status for r in rows} == {OutboxStatus.PENDING}


def test_quote_answers_and_complaints_are_events_too(flow, staff):
    hook()
    number, quote_number = flow.sent("SN-W4")
    flow.answer(quote_number, approve=False)
    answered = bodies("quote.answered")
    assert [a["data"]["answer"] for a in answered] == ["declined"]
    assert answered[0]["data"]["quote"] == quote_number
    assert answered[0]["data"]["total"] == "258.50" and answered[0]["rma"]["number"] == number
    assert bodies("rma.status_changed")[-1]["data"] == {
        "action": "decline", "from": "awaiting_approval", "to": "declined"}
    made = complaints.register_complaint(db.session, kind="staff_conduct", description="态度差",
                                         channel="phone", rma=number, actor=staff.clerk,
                                         now=NOW)
    loose = complaints.register_complaint(db.session, kind="other", description="无单号",
                                          channel="web", actor=staff.clerk, now=NOW)
    registered = bodies("complaint.created")
    assert [c["complaint"]["number"] for c in registered] == [made.number, loose.number]
    assert registered[0]["complaint"]["team"] == "customer_service"
    assert registered[0]["rma"]["number"] == number and registered[1]["rma"] is None


def test_a_refused_change_queues_nothing(flow, staff):
    hook()
    number = flow.received("SN-W5")
    before = len(bodies())
    with pytest.raises(InvalidTransitionError):
        repair.apply_action(db.session, number, Action.FINISH_REPAIR, actor=staff.technician,
                            now=NOW)
    db.session.rollback()
    assert len(bodies()) == before
    # a change whose transaction does not commit takes its webhook rows with it
    workflow.change_status(db.session, get_rma(db.session, number), Action.INSPECT,
                           actor=staff.technician, now=NOW)
    db.session.flush()
    assert len(bodies()) == before + 1
    db.session.rollback()
    assert len(bodies()) == before and count(WebhookDelivery) == before
    assert get_rma(db.session, number).status == Status.RECEIVED


def test_an_action_that_keeps_the_status_is_no_status_change(flow, staff):
    hook(events=["rma.status_changed"])
    number = flow.received("SN-W6")
    assert bodies() == []  # the creation is rma.created, not a change from nothing
    repair.apply_action(db.session, number, Action.CANCEL, reason="客户取消",
                        actor=staff.supervisor, now=NOW + timedelta(minutes=1))
    assert [b["data"]["to"] for b in bodies()] == ["cancelled"]


def test_switching_off_changing_events_and_address(app):
    made = hook()
    changed = webhooks.update_webhook(db.session, made.id, url="https://new.example/h",
                                      events=["complaint.created", "rma.created"],
                                      active=False, now=NOW)
    assert (changed.url, changed.events, changed.active) == (
        "https://new.example/h", ["rma.created", "complaint.created"], False)
    with pytest.raises(InvalidInputError):
        webhooks.update_webhook(db.session, made.id, url="ftp://x/", now=NOW)
    with pytest.raises(NotFoundError):
        webhooks.update_webhook(db.session, made.id + 99, active=True, now=NOW)
    with pytest.raises(NotFoundError):
        webhooks.deliveries(db.session, made.id + 99)
