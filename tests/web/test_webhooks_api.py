"""The webhooks API (admin only): register (201, the secret never shown back), list, switch off,
deliveries; bad input of any shape is 422 and registers nothing; the bodies the depot sends
are the ones the OpenAPI document shows."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from depot.domain.outbox import Channel
from depot.domain.webhooks import EVENTS
from depot.models import OutboxMessage, Webhook, db
from depot.services import complaints, webhooks
from depot.services.common import get_rma
from depot.web import serialize
from depot.web.api.examples.webhooks import _payload
from tests.conftest import NOW
from tests.webhook_receiver import Receiver

SECRET = "a-secret-for-tests-only"
GOOD = {"url": "https://erp.example.cn/hooks", "events": ["rma.created"], "secret": SECRET}


def webhook_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Webhook))


def test_only_an_admin_may_touch_webhooks(api, tokens):
    made = api.post("/webhooks", GOOD).get_json()
    for role in ("clerk", "technician", "supervisor", "logistics"):
        other = api.as_(tokens[role])
        assert other.get("/webhooks").status_code == 403
        assert other.post("/webhooks", GOOD).status_code == 403
        assert other.patch(f"/webhooks/{made['id']}", {"active": False}).status_code == 403
        assert other.get(f"/webhooks/{made['id']}/deliveries").status_code == 403
    assert api.as_(None).get("/webhooks").status_code == 401
    assert api.as_(None).post("/webhooks", GOOD).status_code == 401
    assert webhook_count() == 1 and db.session.get(Webhook, made["id"]).active


def test_register_answers_201_and_never_shows_the_secret(api):
    response = api.post("/webhooks", {**GOOD, "events": list(reversed(EVENTS))})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"id", "url", "events", "active", "created_at", "updated_at"}
    assert (body["url"], body["events"], body["active"]) == (GOOD["url"], list(EVENTS), True)
    assert body["created_at"].endswith("Z") and body["updated_at"] == body["created_at"]
    listed = api.get("/webhooks")
    assert listed.status_code == 200 and listed.get_json()["webhooks"] == [body]
    for answer in (response, listed, api.patch(f"/webhooks/{body['id']}", {"active": True}),
                   api.get(f"/webhooks/{body['id']}/deliveries")):
        assert SECRET not in answer.get_data(as_text=True)
        assert "secret" not in answer.get_data(as_text=True)


def test_loopback_and_private_addresses_are_taken_from_an_admin(api):
    for url in ("http://127.0.0.1:8080/in", "http://localhost/in", "https://[::1]:8443/x",
                "http://10.0.0.5/hooks?token=abc"):
        assert api.post("/webhooks", {**GOOD, "url": url}).status_code == 201, url
    assert webhook_count() == 4


LONG = "https://example.com/" + "a" * 2000
BAD = [
    ({**GOOD, "url": "file:///etc/passwd"}, "url"),
    ({**GOOD, "url": "ftp://example.com/in"}, "url"),
    ({**GOOD, "url": "javascript:alert(1)"}, "url"),
    ({**GOOD, "url": "http://"}, "url"),
    ({**GOOD, "url": "https:///no-host"}, "url"),
    ({**GOOD, "url": LONG}, "url"),
    ({**GOOD, "url": "http://example.com/\x00"}, "url"),
    ({**GOOD, "url": "http://exa\ud800mple.com/"}, "url"),
    ({**GOOD, "url": "http://example.com:0/"}, "url"),
    ({**GOOD, "url": {"nested": {"junk": [1, 2]}}}, "url"),
    ({**GOOD, "url": ["http://example.com/"]}, "url"),
    ({**GOOD, "url": 1e30}, "url"),
    ({**GOOD, "url": None}, "url"),
    ({"events": ["rma.created"], "secret": SECRET}, "url"),
    ({**GOOD, "events": []}, "events"),
    ({**GOOD, "events": ["rma.deleted"]}, "events"),
    ({**GOOD, "events": "rma.created"}, "events"),
    ({**GOOD, "events": [["rma.created"]]}, "events"),
    ({**GOOD, "events": [{"event": "rma.created"}]}, "events"),
    ({**GOOD, "events": ["rma.created"] * 50}, "events"),
    ({**GOOD, "events": None}, "events"),
    ({**GOOD, "secret": "too-short"}, "secret"),
    ({**GOOD, "secret": "x" * 201}, "secret"),
    ({**GOOD, "secret": "sixteen-or-more\x00chars"}, "secret"),
    ({**GOOD, "secret": 12345678901234567890}, "secret"),
    ({**GOOD, "secret": {"a": "b"}}, "secret"),
    ({"url": GOOD["url"], "events": GOOD["events"]}, "secret"),
]


@pytest.mark.parametrize("body, field", BAD)
def test_bad_input_is_422_naming_the_field_and_registers_nothing(api, body, field):
    text = json.dumps(body)  # lone surrogates and NUL bytes as JSON escapes
    response = api.client.post("/api/v1/webhooks", data=text,
                               headers={**api._headers(None),
                                        "Content-Type": "application/json"})
    assert response.status_code == 422, response.get_json()
    answer = response.get_json()
    assert set(answer) == {"error", "message", "details"}
    assert answer["details"]["field"] == field and answer["message"]
    assert webhook_count() == 0


@pytest.mark.parametrize("body", [[GOOD], "x", 1, None])
def test_a_body_that_is_no_object_is_422(api, body):
    response = api.client.post("/api/v1/webhooks", data=json.dumps(body),
                               headers={**api._headers(None),
                                        "Content-Type": "application/json"})
    assert response.status_code == 422 and response.get_json()["error"]
    assert webhook_count() == 0


def test_messages_follow_the_reader_s_language(api):
    chinese = api.post("/webhooks", {**GOOD, "url": "ftp://x/"},
                       headers={"Accept-Language": "zh-CN"}).get_json()
    english = api.post("/webhooks", {**GOOD, "url": "ftp://x/"}).get_json()
    assert chinese["error"] == english["error"] == "invalid_url"
    assert chinese["message"] != english["message"] and "http" in english["message"]


def test_patch_switches_off_and_changes_and_refuses_bad_values(api):
    made = api.post("/webhooks", GOOD).get_json()
    off = api.patch(f"/webhooks/{made['id']}", {"active": False})
    assert off.status_code == 200 and off.get_json()["active"] is False
    changed = api.patch(f"/webhooks/{made['id']}",
                        {"url": "http://127.0.0.1:9999/new", "events": list(EVENTS[:2])}).get_json()
    assert (changed["url"], changed["events"], changed["active"]) == (
        "http://127.0.0.1:9999/new", ["rma.status_changed", "rma.created"], False)
    for body in ({"url": "file:///x"}, {"events": []}, {"active": "maybe"},
                 {"events": {"a": 1}}):
        refused = api.patch(f"/webhooks/{made['id']}", body)
        assert refused.status_code == 422, body
    assert api.patch("/webhooks/999999", {"active": False}).status_code == 404
    assert api.get("/webhooks/999999/deliveries").status_code == 404
    assert api.get("/webhooks/99999999999999999999/deliveries").status_code == 404
    assert db.session.get(Webhook, made["id"]).url == "http://127.0.0.1:9999/new"


def test_deliveries_show_status_attempts_and_the_answer(api, tokens, make_unit,
                                                        deliver_outbox):
    receiver = Receiver()
    try:
        made = api.post("/webhooks", {**GOOD, "url": receiver.url}).get_json()
        make_unit("SN-API-1", date(2026, 6, 1))
        number = api.as_(tokens["clerk"]).post("/rmas", {
            "serial": "SN-API-1", "fault_description": "不开机", "accessories": []}
        ).get_json()["number"]
        waiting = api.get(f"/webhooks/{made['id']}/deliveries").get_json()["deliveries"]
        assert [(d["event"], d["rma"], d["status"], d["attempts"]) for d in waiting] == [
            ("rma.created", number, "pending", 0)]
        assert waiting[0]["next_attempt_at"] is not None
        receiver.answers.append(503)
        deliver_outbox()
        failed_once = api.get(f"/webhooks/{made['id']}/deliveries").get_json()["deliveries"]
        assert (failed_once[0]["status"], failed_once[0]["attempts"],
                failed_once[0]["response_status"]) == ("pending", 1, 503)
        assert failed_once[0]["response"] == "answer 503 收到"
        assert receiver.received[0].json["id"] == waiting[0]["id"]
    finally:
        receiver.stop()


def test_the_bodies_sent_are_the_ones_the_document_shows(api, tokens, make_unit):
    """Every event's body has the keys of its example in examples.py, and the RMA's brief is
    the API's (serialize.rma_brief) with the unit's serial and model."""
    webhooks.create_webhook(db.session, "http://127.0.0.1:9/in", list(EVENTS), SECRET,
                            actor=None, now=NOW)
    make_unit("SN-API-2", date(2026, 6, 1))
    number = api.as_(tokens["clerk"]).post("/rmas", {
        "serial": "SN-API-2", "fault_description": "屏幕闪烁", "accessories": []}
    ).get_json()["number"]
    api.as_(tokens["technician"]).post(f"/rmas/{number}/inspection",
                                       {"findings": ["shell_damage"], "notes": ""})
    complaints.register_complaint(db.session, kind="product_quality", description="又坏了",
                                  channel="phone", rma=number, actor=None, now=NOW)
    db.session.expire_all()
    sent = {}
    for row in db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.channel == Channel.WEBHOOK).order_by(OutboxMessage.id)):
        sent.setdefault(row.kind, json.loads(row.raw))
    assert set(sent) == {"rma.created", "rma.status_changed", "complaint.created"}
    rma = get_rma(db.session, number)
    for event, body in sent.items():
        example = _payload(event, "zh_CN")
        assert set(body) == set(example)
        assert set(body["data"]) == set(example["data"]), event
        assert set(body["rma"]) == set(example["rma"])
        assert {k: body["rma"][k] for k in serialize.rma_brief(rma)} == {
            **serialize.rma_brief(rma), "status": body["rma"]["status"]}
    complaint = sent["complaint.created"]["complaint"]
    assert set(complaint) == set(_payload("complaint.created", "zh_CN")["complaint"])
    assert complaint == serialize.complaint_brief(rma.complaints[0])
