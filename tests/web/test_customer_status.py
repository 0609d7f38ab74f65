"""The customer's side through the test client (DESIGN.md §4b): /s/<token>, /status,
POST /api/v1/public/status, the shared public rate limit, the milestone mails received by a
real SMTP server with links that open the right status page, and the admin pages."""
from __future__ import annotations

import email
import re
from email import policy
from urllib.parse import urlsplit

import pytest

from depot.models import db
from depot.services import customer_status, users
from depot.services.settings import DepotSettings
from tests.conftest import NOW
from tests.web.test_api_shipping import ready
from tests.web.test_pages import csrf_from, login

LINK = re.compile(r"http://depot\.test/s/[A-Za-z0-9_\-.]+")
OTHER_ADDRESS = {"REMOTE_ADDR": "10.9.8.7"}


@pytest.fixture
def depot(app):
    app.config.update(DEPOT_PUBLIC_URL="http://depot.test", DEPOT_ADDRESS="四川省成都市高新区1号",
                      DEPOT_PHONE="028-88888888")
    return app


@pytest.fixture
def received(api, tokens, make_unit, depot):
    """An RMA received through the API for 张三 (phone 13800000000, Shanghai)."""
    make_unit("WEB0001")
    return api.as_(tokens["clerk"]).post("/rmas", {"serial": "WEB0001"}).get_json()["number"]


def link_of(app, number: str) -> str:
    return urlsplit(customer_status.status_url(DepotSettings.from_config(app.config),
                                               number)).path


def lookup(api, number, last4, **kw):
    return api.as_(None).post("/public/status", {"number": number, "phone_last4": last4}, **kw)


def test_the_status_page_shows_the_repair_in_words(client, received, depot, api):
    page = client.get(link_of(depot, received), headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200
    assert received in page.text and "WEB0001" in page.text
    assert "我们已收到您的设备，将尽快检测。" in page.text  # the status in plain words
    rma = api.get(f"/rmas/{received}").get_json()
    assert rma["due_on"] in page.text and rma["received_on"] in page.text
    assert 'id="expected-back-on"' in page.text and 'id="status-extras"' in page.text
    english = client.get(link_of(depot, received) + "?lang=en")
    assert "We have received your unit and will check it soon." in english.text


def test_the_status_page_shows_no_staff_and_no_other_customer(client, api, tokens, make_unit,
                                                             depot):
    make_unit("WEB0002")
    from depot.services.units import CustomerInput

    make_unit("WEB0003", customer=CustomerInput("<b>李四</b>", "13700002222", "ls@example.com",
                                                "北京市"))
    number = api.as_(tokens["clerk"]).post("/rmas", {"serial": "WEB0002"}).get_json()["number"]
    api.as_(tokens["clerk"]).post("/rmas", {"serial": "WEB0003"})
    tech = api.as_(tokens["technician"])
    tech.post(f"/rmas/{number}/inspection", {"findings": ["no_power"]})
    tech.post(f"/rmas/{number}/actions", {"action": "start_repair"})
    assert api.get(f"/rmas/{number}").get_json()["technician"] == "technician"
    page = client.get(link_of(depot, number) + "?lang=en").text
    for staff_name in ("technician", "clerk"):
        assert staff_name not in page
    assert "李四" not in page and "WEB0003" not in page and "13800000000" not in page


def test_html_in_the_data_is_shown_escaped(client, api, tokens, make_unit, depot):
    from depot.models import ProductModel

    make_unit("WEB0004", model_code="EVIL-1")
    db.session.query(ProductModel).filter_by(code="EVIL-1").update(
        {"name": "<script>alert(1)</script>"})
    db.session.commit()
    number = api.as_(tokens["clerk"]).post("/rmas", {"serial": "WEB0004"}).get_json()["number"]
    page = client.get(link_of(depot, number)).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("token", ["abc", "eyJyIjoiUk1BLTIwMjYtMDAwMDAxIn0.AAAA", "x" * 300])
def test_a_bad_link_is_a_clear_404(client, received, token):
    page = client.get(f"/s/{token}")
    assert page.status_code == 404 and 'data-code="invalid_link"' in page.text
    answer = client.get(f"/s/{token}", headers={"Accept": "application/json"})
    assert answer.status_code == 404 and answer.get_json()["error"] == "invalid_link"
    assert set(answer.get_json()) == {"error", "message", "details"}


def test_a_link_signed_for_another_rma_is_not_this_one(client, received, depot, api, tokens,
                                                       make_unit):
    make_unit("WEB0005")
    other = api.as_(tokens["clerk"]).post("/rmas", {"serial": "WEB0005"}).get_json()["number"]
    page = client.get(link_of(depot, other)).text
    assert other in page and received not in page
    # Another RMA's payload with this RMA's signature does not open either.
    mine, theirs = link_of(depot, received)[3:], link_of(depot, other)[3:]
    forged = theirs.split(".")[0] + "." + mine.split(".")[1]
    assert client.get(f"/s/{forged}").status_code == 404


def test_the_public_lookup_answers_the_contract(api, received, depot):
    answer = lookup(api, received, "0000")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert {"number", "status", "status_text", "received_on", "due_on", "expected_back_on",
            "carrier", "tracking_number"} <= set(body)
    assert (body["number"], body["status"], body["carrier"]) == (received, "received", None)
    assert body["status_text"] == "We have received your unit and will check it soon."
    chinese = lookup(api, received.lower(), "0000", headers={"Accept-Language": "zh-CN"})
    assert chinese.get_json()["status_text"] == "我们已收到您的设备，将尽快检测。"


def test_a_wrong_pair_and_an_unknown_number_are_byte_identical(api, received):
    wrong = lookup(api, received, "1234")
    unknown = lookup(api, "RMA-2026-999999", "0000")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.data == unknown.data and wrong.get_json()["error"] == "not_found"


@pytest.mark.parametrize("last4", ["123", "12345", "12a4", "", None, 1234, [1, 2, 3, 4],
                                   {"a": 1}, "１２３４", "12\x0034", "\ud800123", "9" * 10000])
def test_phone_last4_must_be_4_digits(api, received, last4):
    answer = lookup(api, received, last4)
    assert answer.status_code == 422, (last4, answer.get_json())
    assert answer.get_json()["error"] in ("invalid_input", "invalid_field", "missing_field")
    assert answer.get_json()["details"]["field"] == "phone_last4"


@pytest.mark.parametrize("body", [None, [], "x", {"number": {"a": 1}, "phone_last4": "0000"},
                                  {"number": 1e30, "phone_last4": "0000"},
                                  {"number": "R" * 10000, "phone_last4": "0000"}])
def test_bad_bodies_are_422(api, received, body):
    answer = api.as_(None).post("/public/status", body) if body is not None else \
        api.client.post("/api/v1/public/status", data="{", content_type="application/json")
    assert answer.status_code == 422 and set(answer.get_json()) >= {"error", "message", "details"}


def test_the_11th_failed_try_is_429_and_then_every_public_call(api, client, received, depot):
    for _ in range(15):  # a found repair does not count
        assert lookup(api, received, "0000").status_code == 200
    for attempt in range(10):
        assert lookup(api, received, f"{attempt:04d}"[::-1] if attempt else "9999"
                      ).status_code == 404
    eleventh = lookup(api, "RMA-2026-999999", "0000")
    assert eleventh.status_code == 429 and eleventh.get_json()["error"] == "too_many_requests"
    assert int(eleventh.headers["Retry-After"]) > 0
    assert lookup(api, received, "0000").status_code == 429  # a right pair too, now
    assert client.get(link_of(depot, received)).status_code == 429
    assert client.get("/status").status_code == 429
    assert client.get("/q/whatever").status_code == 429
    # Another address has its own counter, and staff pages are not limited.
    assert lookup(api, received, "0000", environ_base=OTHER_ADDRESS).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_bad_links_count_as_failed_tries_too(client, api, received):
    for _ in range(5):
        assert client.get("/s/forged").status_code == 404
    for _ in range(5):
        assert client.get("/q/forged").status_code == 404
    assert lookup(api, received, "0000").status_code == 429


def test_the_status_form_finds_the_repair_and_refuses_a_wrong_pair(client, received, depot):
    form = client.get("/status", headers={"Accept-Language": "en"})
    assert form.status_code == 200 and 'name="phone_last4"' in form.text
    token = csrf_from(form.text)
    wrong = client.post("/status", data={"csrf_token": token, "number": received,
                                         "phone_last4": "1111"})
    assert wrong.status_code == 404 and 'data-code="not_found"' in wrong.text
    bad = client.post("/status", data={"csrf_token": token, "number": received,
                                       "phone_last4": "<b>1"})
    assert bad.status_code == 422 and "<b>1" not in bad.text.split('id="lookup-error"')[1][:300]
    found = client.post("/status", data={"csrf_token": token, "number": received,
                                         "phone_last4": "0000"})
    assert found.status_code == 303 and found.headers["Location"].endswith(link_of(depot,
                                                                                   received))
    assert client.post("/status", data={"number": received, "phone_last4": "0000"}
                       ).status_code == 400  # no CSRF token


def test_notifications_are_in_the_rma_json_and_page(api, tokens, make_unit, depot,
                                                    deliver_outbox, mail_app, clerk_page):
    from depot.services.units import CustomerInput

    make_unit("WEB0010")
    make_unit("WEB0011", customer=CustomerInput("王五", "13900000000", "", "北京市"))
    with_mail = api.as_(tokens["clerk"]).post("/rmas", {"serial": "WEB0010"}).get_json()
    without = api.as_(tokens["clerk"]).post("/rmas", {"serial": "WEB0011"}).get_json()
    assert with_mail["notifications"][0]["status"] == "queued"
    assert deliver_outbox().sent == 1
    [sent] = api.get(f"/rmas/{with_mail['number']}").get_json()["notifications"]
    assert (sent["kind"], sent["to"], sent["status"]) == ("received", "zs@example.com", "sent")
    assert sent["at"].endswith("Z")
    [none] = api.get(f"/rmas/{without['number']}").get_json()["notifications"]
    assert (none["kind"], none["to"], none["status"]) == ("received", None, "no_email")
    page = clerk_page.get(f"/rmas/{without['number']}").text
    assert 'data-kind="received" data-status="no_email"' in page and 'id="status-link"' in page


@pytest.fixture
def clerk_page(client, app):
    users.create_user(db.session, "li.na", "clerk", password="clerk-password-1", now=NOW)
    login(client, "li.na", "clerk-password-1")
    return client


def test_every_mail_carries_a_link_that_opens_its_status_page(api, tokens, make_unit, depot,
                                                              mail_app, deliver_outbox):
    """Received, ready to ship, shipped; the quote of another unit: each mail, as the real SMTP
    server got it, links to the status page of its own RMA."""
    number = ready(api, tokens, make_unit, "WEB0020")
    shipped = api.as_(tokens["logistics"]).post(f"/rmas/{number}/shipment", {
        "carrier": "SF", "tracking_number": "SF1234567890", "scanned": ["WEB0020"],
        "accessories": ["power_adapter"], "missing": []})
    assert shipped.status_code == 200, shipped.get_json()
    make_unit("WEB0021")
    quoted = api.as_(tokens["clerk"]).post("/rmas", {"serial": "WEB0021"}).get_json()["number"]
    api.as_(tokens["technician"]).post(f"/rmas/{quoted}/inspection",
                                       {"findings": ["shell_damage"]})
    draft = api.as_(tokens["clerk"]).post(f"/rmas/{quoted}/quotes", {"lines": [
        {"kind": "part", "description": "外壳", "quantity": 1, "unit_price": "120.00"}]})
    api.as_(tokens["clerk"]).post(f"/rmas/{quoted}/quotes/{draft.get_json()['number']}/send")
    assert deliver_outbox().sent == 5
    kinds = []
    for _sender, recipients, raw in mail_app[1]:
        message = email.message_from_bytes(raw, policy=policy.default)
        body = message.get_body(("plain",)).get_content()
        own = quoted if quoted in message["Subject"] or quoted in body else number
        [link] = set(LINK.findall(body))
        page = api.client.get(urlsplit(link).path + "?lang=en")
        assert page.status_code == 200 and own in page.text, message["Subject"]
        kinds.append((own, message["Subject"].split(" / ")[-1][:30]))
    assert [k for k, _ in kinds].count(number) == 3 and [k for k, _ in kinds].count(quoted) == 2
    final = api.get(f"/rmas/{number}").get_json()["notifications"]
    assert [(n["kind"], n["status"]) for n in final] == [
        ("received", "sent"), ("ready_to_ship", "sent"), ("shipped", "sent")]
    page = api.client.get(link_of(depot, number) + "?lang=en").text
    assert "SF1234567890" in page and "https://www.sf-express.com/" in page


def test_the_open_quote_link_is_on_the_status_page(api, tokens, make_unit, depot, client):
    make_unit("WEB0030")
    number = api.as_(tokens["clerk"]).post("/rmas", {"serial": "WEB0030"}).get_json()["number"]
    api.as_(tokens["technician"]).post(f"/rmas/{number}/inspection",
                                       {"findings": ["shell_damage"]})
    draft = api.as_(tokens["clerk"]).post(f"/rmas/{number}/quotes", {"lines": [
        {"kind": "part", "description": "外壳", "quantity": 1, "unit_price": "120.00"}]})
    assert 'id="quote-link"' not in client.get(link_of(depot, number)).text
    api.as_(tokens["clerk"]).post(f"/rmas/{number}/quotes/{draft.get_json()['number']}/send")
    page = client.get(link_of(depot, number)).text
    quote_path = re.search(r'id="quote-link" href="http://depot\.test(/q/[^"]+)"', page).group(1)
    assert client.get(quote_path).status_code == 200


# -- admin pages ------------------------------------------------------------------------------

@pytest.fixture
def admin_page(client, app, depot):
    users.create_user(db.session, "boss", "admin", password="admin-password-1", now=NOW)
    login(client, "boss", "admin-password-1")
    client.get("/lang/en")
    return client


def test_transit_days_are_edited_per_region(admin_page, api, received):
    page = admin_page.get("/admin/transit")
    assert page.status_code == 200 and 'data-region="CN-SH"' in page.text
    assert "Sichuan" in page.text.split('id="depot-province"')[1][:200]
    token = csrf_from(page.text)
    bad = admin_page.post("/admin/transit", data={"csrf_token": token, "CN-SH": "<b>9</b>"})
    assert bad.status_code == 422 and "&lt;b&gt;9&lt;/b&gt;" in bad.text
    before = lookup(api, received, "0000").get_json()["expected_back_on"]
    saved = admin_page.post("/admin/transit", data={"csrf_token": token, "CN-SH": "9"})
    assert saved.status_code == 302
    after = lookup(api, received, "0000").get_json()["expected_back_on"]
    assert (before, after) != (after, after)
    from datetime import date, timedelta
    assert date.fromisoformat(after) - date.fromisoformat(before) == timedelta(days=4)


def test_notification_texts_are_edited_with_a_preview(admin_page):
    listing = admin_page.get("/admin/notifications")
    assert listing.status_code == 200 and 'data-kind="shipped" data-lang="zh_TW"' in listing.text
    page = admin_page.get("/admin/notifications/received/en")
    token = csrf_from(page.text)
    preview = admin_page.post("/admin/notifications/received/en", data={
        "csrf_token": token, "do": "preview", "subject": "Got %(rma)s",
        "body": "Hi <i>%(name)s</i> %(status_url)s"})
    assert preview.status_code == 200 and "Got RMA-2026-000123" in preview.text
    assert "Hi &lt;i&gt;张三&lt;/i&gt; http://depot.test/s/" in preview.text
    refused = admin_page.post("/admin/notifications/received/en", data={
        "csrf_token": token, "do": "save", "subject": "x", "body": "no link"})
    assert refused.status_code == 422 and 'data-code="status_link_required"' in refused.text
    saved = admin_page.post("/admin/notifications/received/en", data={
        "csrf_token": token, "do": "save", "subject": "Got %(rma)s",
        "body": "Hello %(status_url)s"})
    assert saved.status_code == 302
    assert "Got %(rma)s" in admin_page.get("/admin/notifications").text
    assert admin_page.get("/admin/notifications/nothing/en").status_code == 404


def test_admin_pages_are_for_admins(clerk_page):
    assert clerk_page.get("/admin/transit").status_code == 403
    assert clerk_page.get("/admin/notifications").status_code == 403


def test_the_staff_receipt_prints_the_status_link(api, received, depot):
    import io

    from pypdf import PdfReader

    pdf = api.get(f"/rmas/{received}/receipt.pdf")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert link_of(depot, received).split("/s/")[1][:20] in text.replace("\n", "")


def test_the_status_link_answers_json_when_asked(client, received, depot):
    answer = client.get(link_of(depot, received), headers={"Accept": "application/json"})
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["number"], body["status"]) == (received, "received")
    assert "technician" not in answer.text and "customer" not in body
