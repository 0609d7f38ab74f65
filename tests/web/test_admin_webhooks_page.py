"""/admin/webhooks: the list, a new webhook (its secret shown once, made by Depot when left
empty), switching off and on, the last deliveries with the receiver's answers; CSRF, roles and
the Chinese of the page."""
from __future__ import annotations

from datetime import date

import pytest

from depot.domain.webhooks import EVENTS
from depot.models import Webhook, db
from depot.services import intake, users, webhooks
from tests.conftest import NOW
from tests.web.test_pages import csrf_from, login
from tests.webhook_receiver import Receiver

ADMIN_PASSWORD = "admin-password-1"


@pytest.fixture
def admin_client(client, app):
    users.create_user(db.session, "boss", "admin", password=ADMIN_PASSWORD, now=NOW)
    login(client, "boss", ADMIN_PASSWORD)
    return client


def post(client, path, data=None):
    token = csrf_from(client.get("/admin/webhooks").text)
    return client.post(path, data={"csrf_token": token, **(data or {})})


def test_the_page_is_chinese_first_and_lists_the_webhooks(admin_client):
    webhooks.create_webhook(db.session, "https://erp.example.cn/hooks", ["rma.created"],
                            "a-secret-for-tests-only", actor=None, now=NOW)
    page = admin_client.get("/admin/webhooks")
    assert page.status_code == 200
    assert "<h1>事件推送</h1>" in page.text and "RMA 已创建" in page.text
    assert "https://erp.example.cn/hooks" in page.text
    assert "a-secret-for-tests-only" not in page.text
    admin_client.get("/lang/en")
    assert "<h1>Webhooks</h1>" in admin_client.get("/admin/webhooks").text


def test_adding_one_shows_the_secret_once_and_checks_the_form(admin_client):
    answer = post(admin_client, "/admin/webhooks",
                  {"url": "http://127.0.0.1:8080/in", "events": ["rma.created",
                                                                 "shipment.created"]})
    assert answer.status_code == 200 and 'id="shown-secret"' in answer.text
    hook = db.session.query(Webhook).one()
    assert hook.events == ["rma.created", "shipment.created"] and len(hook.secret) >= 16
    assert hook.secret in answer.text
    assert hook.secret not in admin_client.get("/admin/webhooks").text  # once
    refused = post(admin_client, "/admin/webhooks", {"url": "ftp://x/in", "events": ["x"]})
    assert refused.status_code == 422 and 'id="form-error"' in refused.text
    assert "ftp://x/in" in refused.text  # what was typed comes back
    no_events = post(admin_client, "/admin/webhooks", {"url": "https://a.example/in"})
    assert no_events.status_code == 422
    assert db.session.query(Webhook).count() == 1
    without_csrf = admin_client.post("/admin/webhooks", data={"url": "https://b.example/in",
                                                               "events": list(EVENTS)})
    assert without_csrf.status_code == 400 and db.session.query(Webhook).count() == 1


def test_switching_off_and_on(admin_client):
    hook = webhooks.create_webhook(db.session, "https://erp.example.cn/hooks", list(EVENTS),
                                   "a-secret-for-tests-only", actor=None, now=NOW)
    off = post(admin_client, f"/admin/webhooks/{hook.id}/active?active=0")
    assert off.status_code == 302
    db.session.expire_all()
    assert db.session.get(Webhook, hook.id).active is False
    assert 'data-active="false"' in admin_client.get("/admin/webhooks").text
    post(admin_client, f"/admin/webhooks/{hook.id}/active?active=1")
    db.session.expire_all()
    assert db.session.get(Webhook, hook.id).active is True
    assert post(admin_client, "/admin/webhooks/999999/active?active=0").status_code == 404


def test_the_last_deliveries_show_the_receivers_answers(admin_client, make_unit,
                                                        deliver_outbox):
    receiver = Receiver()
    try:
        hook = webhooks.create_webhook(db.session, receiver.url, ["rma.created"],
                                       "a-secret-for-tests-only", actor=None, now=NOW)
        make_unit("SN-PAGE-1", date(2026, 6, 1))
        rma, _ = intake.receive_unit(db.session, "SN-PAGE-1", "不开机", [], actor=None,
                                     now=NOW)
        hook_id, number = hook.id, rma.number
        receiver.answers.append(500)
        deliver_outbox()
        page = admin_client.get(f"/admin/webhooks/{hook_id}")
        assert page.status_code == 200
        assert number in page.text and "HTTP 500" in page.text
        assert "answer 500 收到" in page.text and 'data-status="pending"' in page.text
        assert admin_client.get("/admin/webhooks/999999").status_code == 404
    finally:
        receiver.stop()


def test_only_an_admin_opens_the_page(client):
    users.create_user(db.session, "boss.two", "supervisor", password="super-password-1",
                      now=NOW)
    login(client, "boss.two", "super-password-1")
    assert client.get("/admin/webhooks").status_code == 403
    assert "/admin/webhooks" not in client.get("/admin/models").text
