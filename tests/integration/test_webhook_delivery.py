"""Webhook deliveries against a real HTTP server on the loopback, driven like the outbox worker
with an explicit clock: every event of a journey arrives signed and in order per RMA; a 500 is
retried, a receiver that hangs costs one timeout and holds nobody else up, one that is down for
an hour gets everything when it is back, in order."""
from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from depot.domain.outbox import Channel, OutboxStatus
from depot.domain.webhooks import EVENTS, verified
from depot.models import OutboxMessage, WebhookDelivery, db
from depot.services import outbox, shipping, webhooks
from depot.services.common import get_rma
from depot.services.outbox import MailSettings
from tests.conftest import NOW
from tests.webhook_receiver import HANG, Receiver

SECRET = "receiver-shared-secret"
TIMEOUT = 0.5


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


def settings(tmp_path, timeout: float = TIMEOUT) -> MailSettings:
    return MailSettings("depot@depot.test", None, tmp_path / "eml", webhook_timeout=timeout)


def register(url: str, events=EVENTS):
    return webhooks.create_webhook(db.session, url, list(events), SECRET, actor=None, now=NOW)


def deliver(tmp_path, at: datetime, timeout: float = TIMEOUT):
    done = outbox.deliver_pending(db.session, settings(tmp_path, timeout), clock=lambda: at)
    db.session.expire_all()
    return done


def statuses() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage.status).where(
        OutboxMessage.channel == Channel.WEBHOOK).order_by(OutboxMessage.id)))


def next_retry(after: datetime) -> datetime:
    """When the worker next finds a retry due (the deliveries held back wait since NOW)."""
    return db.session.scalar(select(func.min(OutboxMessage.next_attempt_at)).where(
        OutboxMessage.channel == Channel.WEBHOOK, OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.next_attempt_at > after))


def ship(flow, number, now=NOW):
    rma = get_rma(db.session, number)
    shipping.ship(db.session, number, carrier="SF", tracking_number="SF1234567890",
                  scanned=[rma.unit.serial], packed=[], missing=[], settings=flow.settings,
                  actor=flow.staff.logistics, now=now)


def journey(flow, serial: str) -> str:
    number = flow.ready(serial)
    ship(flow, number)
    return number


def per_rma(received) -> dict[str, list[tuple[str, str | None]]]:
    out: dict[str, list[tuple[str, str | None]]] = {}
    for r in received:
        body = r.json
        out.setdefault(body["rma"]["number"], []).append(
            (body["event"], body["data"].get("to")))
    return out


JOURNEY = [("rma.created", None), ("rma.status_changed", "inspected"),
           ("rma.status_changed", "in_repair"), ("rma.status_changed", "repaired"),
           ("rma.status_changed", "ready_to_ship"), ("rma.status_changed", "shipped"),
           ("shipment.created", None)]


def test_every_event_of_a_journey_arrives_signed_and_in_order(flow, receiver, tmp_path):
    register(receiver.url)
    first, second = journey(flow, "SN-D1"), journey(flow, "SN-D2")
    done = deliver(tmp_path, NOW)
    assert (done.sent, done.failed) == (14 + 2, 0)  # and the two customers' shipped mails
    assert per_rma(receiver.received) == {first: JOURNEY, second: JOURNEY}
    for got in receiver.received:
        assert got.path == "/hooks/depot"
        assert got.headers["Content-Type"] == "application/json"
        assert got.signed_with(SECRET) and verified(got.body, got.headers["X-Depot-Signature"],
                                                    SECRET)
        assert not got.signed_with("another-secret-entirely")
        assert got.headers["X-Depot-Event"] == got.json["event"]
        assert got.headers["X-Depot-Delivery"] == got.json["id"]
    assert statuses() == [OutboxStatus.SENT] * 14
    answers = {(d.response_status, d.response_snippet) for d in db.session.scalars(
        select(WebhookDelivery))}
    assert answers == {(200, "answer 200 收到")}
    assert deliver(tmp_path, NOW + timedelta(hours=1)).due == 0  # each once


def test_quote_answers_and_complaints_arrive_in_order_with_their_rma(flow, receiver,
                                                                   tmp_path):
    from depot.services import complaints

    register(receiver.url)
    number, quote_number = flow.sent("SN-D10")
    flow.answer(quote_number, approve=True)
    complaints.register_complaint(db.session, kind="damage_verdict", description="不是人为损坏",
                                  channel="phone", rma=number, actor=flow.staff.clerk,
                                  now=NOW)
    assert deliver(tmp_path, NOW).failed == 0
    assert per_rma(receiver.received) == {number: [
        ("rma.created", None), ("rma.status_changed", "inspected"),
        ("rma.status_changed", "awaiting_approval"), ("rma.status_changed", "approved"),
        ("quote.answered", None), ("complaint.created", None)]}
    answered, complained = receiver.received[-2].json, receiver.received[-1].json
    assert answered["data"]["answer"] == "approved" and answered["data"]["quote"] == quote_number
    assert complained["complaint"]["kind"] == "damage_verdict"
    assert all(r.signed_with(SECRET) for r in receiver.received)


def test_a_500_is_retried_with_the_same_body_and_holds_its_rma_back(flow, receiver, tmp_path):
    register(receiver.url)
    number = flow.inspected("SN-D3", ("no_power",))  # rma.created, then received -> inspected
    receiver.answers.extend([500])
    done = deliver(tmp_path, NOW)
    assert (done.sent, done.failed) == (0, 1)  # the second waits behind the first
    assert [r.answered for r in receiver.received] == [500]
    delivery = db.session.scalars(select(WebhookDelivery).order_by(
        WebhookDelivery.outbox_id)).first()
    assert (delivery.response_status, delivery.response_snippet) == (500, "answer 500 收到")
    assert delivery.message.attempts == 1
    assert delivery.message.next_attempt_at == NOW + timedelta(seconds=10)
    assert deliver(tmp_path, NOW + timedelta(seconds=5)).due == 0  # not before its wait
    done = deliver(tmp_path, NOW + timedelta(seconds=10))
    assert (done.sent, done.failed) == (2, 0)
    assert [r.answered for r in receiver.received] == [500, 200, 200]
    assert receiver.received[0].body == receiver.received[1].body  # the same bytes again
    assert per_rma(receiver.delivered()) == {number: JOURNEY[:2]}


def test_a_receiver_that_hangs_costs_one_timeout_and_holds_no_one_else_up(flow, receiver,
                                                                          tmp_path):
    healthy = Receiver()
    try:
        register(receiver.url, ["rma.created"])
        register(healthy.url, ["rma.created"])
        receiver.answers.extend([HANG])
        number = flow.received("SN-D4")
        started = time.monotonic()
        done = deliver(tmp_path, NOW)
        took = time.monotonic() - started
        assert (done.sent, done.failed) == (1, 1)
        assert TIMEOUT <= took < TIMEOUT + 3
        assert [r.json["rma"]["number"] for r in healthy.delivered()] == [number]
        hung = db.session.scalars(select(WebhookDelivery).where(
            WebhookDelivery.response_status.is_(None))).one()
        assert "timed out" in hung.response_snippet.lower()
        assert hung.message.status == OutboxStatus.PENDING
        receiver.release.set()
        done = deliver(tmp_path, NOW + timedelta(seconds=10))
        assert (done.sent, done.failed) == (1, 0)
        assert len(receiver.delivered()) == 1 and len(healthy.received) == 1
        assert receiver.received[0].body != healthy.received[0].body  # one id per delivery
    finally:
        healthy.stop()


def _closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_a_receiver_down_for_an_hour_gets_everything_when_back_in_order(flow, tmp_path):
    port = _closed_port()
    register(f"http://127.0.0.1:{port}/hooks/depot")
    numbers = [journey(flow, "SN-D5"), journey(flow, "SN-D6")]
    attempts = 0
    moment = NOW
    while moment < NOW + timedelta(hours=1):  # the worker's passes while it is down
        done = deliver(tmp_path, moment)
        assert OutboxStatus.SENT not in statuses()
        attempts += done.failed
        moment = next_retry(moment)
    assert attempts >= 2 * 12  # one head per RMA tried all along, every 5 minutes at most
    assert set(statuses()) == {OutboxStatus.PENDING}  # nothing given up on within the hour
    heads = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.channel == Channel.WEBHOOK, OutboxMessage.attempts > 0)).all()
    assert len(heads) == 2 and all("refused" in (h.last_error or "").lower() for h in heads)
    back = Receiver(port)
    try:
        moment = max(moment, NOW + timedelta(hours=1))
        for _ in range(3):
            deliver(tmp_path, moment)
            moment += timedelta(minutes=5)
        assert statuses() == [OutboxStatus.SENT] * 14
        assert per_rma(back.received) == {numbers[0]: JOURNEY, numbers[1]: JOURNEY}
        assert all(r.signed_with(SECRET) for r in back.received)
    finally:
        back.stop()


def test_a_switched_off_webhook_keeps_its_queue_until_switched_on(flow, receiver, tmp_path):
    made = register(receiver.url)
    flow.received("SN-D7")
    webhooks.update_webhook(db.session, made.id, active=False, now=NOW)
    assert deliver(tmp_path, NOW).due == 0 and receiver.received == []
    webhooks.update_webhook(db.session, made.id, active=True, now=NOW)
    assert deliver(tmp_path, NOW).sent == 1 and len(receiver.received) == 1


def test_a_given_up_delivery_holds_the_later_ones_until_it_is_queued_again(flow, receiver,
                                                                          tmp_path):
    register(receiver.url)
    flow.inspected("SN-D8", ("no_power",))
    first = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
    first.status, first.attempts = OutboxStatus.FAILED, 300  # a day of failures behind it
    db.session.commit()
    assert deliver(tmp_path, NOW).due == 0  # the later one waits: order beats speed
    assert outbox.retry_failed(db.session, now=NOW) == 1
    assert deliver(tmp_path, NOW).sent == 2
    assert [r.json["event"] for r in receiver.received] == ["rma.created",
                                                           "rma.status_changed"]


def test_the_background_worker_delivers_a_webhook_within_seconds(app, make_unit, receiver):
    """The app's own outbox thread, woken by the commit: no pass is driven by the test."""
    from depot import worker
    from depot.services import intake

    register(receiver.url, ["rma.created"])
    make_unit("SN-D9")
    app.config["DEPOT_WEBHOOK_TIMEOUT"] = 2
    worker.start_background(app, poll=30)  # a long poll: only the doorbell makes it quick
    try:
        started = time.monotonic()
        rma, _ = intake.receive_unit(db.session, "SN-D9", "不开机", [], actor=None,
                                     now=datetime.now(NOW.tzinfo))
        number = rma.number
        db.session.close()
        while not receiver.received and time.monotonic() - started < 10:
            time.sleep(0.05)
        assert [r.json["rma"]["number"] for r in receiver.received] == [number]
        assert time.monotonic() - started < 5
        assert receiver.received[0].signed_with(SECRET)
    finally:
        worker.stop_background(app)
