"""Issue 10 items 3 and 6 through HTTP: overpayments warn (409, or accepted by a supervisor as a
credit to refund), supervisors void payments with a reason, DEPOT_PAY_BEFORE decides the bench
and the quote PDF's sentence, and every time on the RMA page is in DEPOT_TIMEZONE."""
from __future__ import annotations

import html
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from depot.models import db
from depot.services import users
from tests.conftest import NOW
from tests.web.test_pages import csrf_from


@pytest.fixture
def approved(api, tokens, make_unit, mail_app):
    """An uncovered RMA whose proposed quote (labour 80.00 + return freight 20.00) was sent and
    approved by phone: (RMA number, quote number)."""
    make_unit("MONEY0001")
    clerk = api.as_(tokens["clerk"])
    number = clerk.post("/rmas", {"serial": "MONEY0001"}).get_json()["number"]
    api.as_(tokens["technician"]).post(f"/rmas/{number}/inspection",
                                       {"findings": ["impact_damage"]})
    quote = clerk.post(f"/rmas/{number}/quotes", {}).get_json()
    assert quote["total"] == "100.00"
    assert clerk.post(f"/rmas/{number}/quotes/{quote['number']}/send", {}).status_code == 200
    assert clerk.post(f"/rmas/{number}/quotes/{quote['number']}/answer",
                      {"decision": "approve", "via": "phone"}).status_code == 200
    return number, quote["number"]


def signed_in(app, username: str, role: str):
    users.create_user(db.session, username, role, password=f"{username}-password-1", now=NOW)
    client = app.test_client()
    page = client.get("/login")
    client.post("/login", data={"username": username, "password": f"{username}-password-1",
                                "csrf_token": csrf_from(page.text)})
    client.get("/lang/en")
    return client


def test_an_overpayment_is_refused_then_accepted_by_a_supervisor(api, tokens, approved):
    number, _ = approved
    clerk = api.as_(tokens["clerk"])
    refused = clerk.post(f"/rmas/{number}/payments",
                         {"amount": "150.00", "method": "wechat_pay", "reference": "WX1"})
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["error"] == "overpayment" and body["details"]["excess"] == "50.00"
    assert "50.00 CNY more than the 100.00 CNY asked for" in body["message"]
    chinese = clerk.post(f"/rmas/{number}/payments",
                         {"amount": "150.00", "method": "wechat_pay"},
                         headers={"Accept-Language": "zh-CN"}).get_json()["message"]
    assert "多出 50.00 元" in chinese
    assert clerk.get(f"/rmas/{number}").get_json()["payments"] == []

    forbidden = clerk.post(f"/rmas/{number}/payments", {
        "amount": "150.00", "method": "wechat_pay", "accept_overpayment": True})
    assert forbidden.status_code == 403
    accepted = api.as_(tokens["supervisor"]).post(f"/rmas/{number}/payments", {
        "amount": "150.00", "method": "wechat_pay", "reference": "WX1",
        "accept_overpayment": True})
    assert accepted.status_code == 201
    out = accepted.get_json()
    assert out["credit"] == "50.00"
    assert out["warnings"] == ["50.00 CNY was paid above what was asked for: refund it to the "
                               "customer"]
    assert (out["rma"]["paid"], out["rma"]["outstanding"], out["rma"]["credit"]) == (
        "150.00", "0.00", "50.00")


def test_a_supervisor_voids_a_payment_by_api_and_by_page(app, api, tokens, approved):
    number, _ = approved
    payment = api.as_(tokens["clerk"]).post(f"/rmas/{number}/payments", {
        "amount": "100.00", "method": "bank_transfer", "reference": "ICBC 42"}).get_json()
    path = f"/rmas/{number}/payments/{payment['id']}/void"
    assert api.as_(tokens["clerk"]).post(path, {"reason": "typo"}).status_code == 403
    assert api.as_(tokens["supervisor"]).post(path, {"reason": " "}).status_code == 422
    done = api.as_(tokens["supervisor"]).post(path, {"reason": "entered on the wrong RMA"})
    assert done.status_code == 200
    out = done.get_json()
    assert out["voided_at"] and out["void_reason"] == "entered on the wrong RMA"
    assert (out["rma"]["paid"], out["rma"]["outstanding"]) == ("0.00", "100.00")
    event = out["rma"]["events"][-1]
    assert (event["action"], event["actor"]) == ("void_payment", "supervisor")
    again = api.as_(tokens["supervisor"]).post(path, {"reason": "again"})
    assert again.status_code == 409 and again.get_json()["error"] == "payment_voided"

    # On the page: a clerk sees no void button; a supervisor voids the next one by form.
    second = api.as_(tokens["clerk"]).post(f"/rmas/{number}/payments", {
        "amount": "100.00", "method": "alipay"}).get_json()
    clerk_page = signed_in(app, "li.na", "clerk").get(f"/rmas/{number}").text
    assert "void-payment" not in clerk_page and 'data-voided="true"' in clerk_page
    boss = signed_in(app, "boss", "supervisor")
    page = boss.get(f"/rmas/{number}").text
    assert f'/payments/{second["id"]}/void' in page
    assert boss.post(f"/rmas/{number}/payments/{second['id']}/void", data={
        "csrf_token": csrf_from(page), "reason": "customer asked for a refund"}
    ).status_code == 302
    rma = api.get(f"/rmas/{number}").get_json()
    assert [p["void_reason"] for p in rma["payments"]] == [
        "entered on the wrong RMA", "customer asked for a refund"]
    assert rma["paid"] == "0.00"


def test_the_page_shows_the_credit_and_a_supervisor_accepts_by_form(app, api, approved):
    number, _ = approved
    boss = signed_in(app, "boss", "supervisor")
    page = boss.get(f"/rmas/{number}").text
    refused = boss.post(f"/rmas/{number}/payments", data={
        "csrf_token": csrf_from(page), "amount": "120.00", "method": "cash"})
    assert refused.status_code == 409 and 'data-code="overpayment"' in refused.text
    assert 'id="accept-overpayment"' in refused.text
    assert boss.post(f"/rmas/{number}/payments", data={
        "csrf_token": csrf_from(page), "amount": "120.00", "method": "cash",
        "accept_overpayment": "yes"}).status_code == 302
    page = boss.get(f"/rmas/{number}").text
    assert 'data-credit="20.00"' in page
    assert "20.00 CNY was paid above what was asked for: refund it to the customer" in page
    boss.get("/lang/zh_CN")
    assert "多付了 20.00 元：请退还给客户" in boss.get(f"/rmas/{number}").text


@pytest.mark.parametrize("pay_before", ["repair", "shipping"])
def test_pay_before_decides_the_bench(app, api, tokens, approved, pay_before):
    number, _ = approved
    app.config["DEPOT_PAY_BEFORE"] = pay_before
    tech = api.as_(tokens["technician"])
    rma = tech.get(f"/rmas/{number}").get_json()
    if pay_before == "shipping":
        assert "start_repair" in rma["allowed_actions"] and rma["waiting_for"] == "payment"
        assert tech.post(f"/rmas/{number}/actions",
                         {"action": "start_repair"}).status_code == 200
        return
    assert "start_repair" not in rma["allowed_actions"] and rma["waiting_for"] == "payment"
    refused = tech.post(f"/rmas/{number}/actions", {"action": "start_repair"})
    assert refused.status_code == 409 and refused.get_json()["error"] == "payment_required"
    api.as_(tokens["clerk"]).post(f"/rmas/{number}/payments",
                                  {"amount": "100.00", "method": "alipay"})
    assert tech.post(f"/rmas/{number}/actions", {"action": "start_repair"}).status_code == 200


SENTENCES = {
    "repair": {"zh_CN": "确认并付款后开始维修", "zh_TW": "確認並付款後開始維修",
               "en": "Repair starts once the quote is approved and paid"},
    "shipping": {"zh_CN": "确认报价后开始维修，付款后寄回设备",
                 "zh_TW": "確認報價後開始維修，付款後寄回設備",
                 "en": "Repair starts once the quote is approved; the unit is shipped back "
                       "once paid"},
}


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("pay_before", ["repair", "shipping"])
def test_the_quote_pdf_says_when_to_pay(app, api, approved, pay_before):
    number, quote = approved
    app.config["DEPOT_PAY_BEFORE"] = pay_before
    other = "shipping" if pay_before == "repair" else "repair"
    for lang, accept in (("zh_CN", "zh-CN"), ("zh_TW", "zh-TW"), ("en", "en")):
        pdf = api.get(f"/rmas/{number}/quotes/{quote}.pdf", headers={"Accept-Language": accept})
        assert pdf.status_code == 200
        text = flat("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages))
        assert flat(SENTENCES[pay_before][lang]) in text, lang
        assert flat(SENTENCES[pay_before]["en"]) in text  # English always second
        assert flat(SENTENCES[other][lang]) not in text, lang


def test_every_time_on_the_rma_page_is_in_depot_timezone(app, api, tokens, approved):
    """A zone far from UTC and from the default (Shanghai): the page must follow the setting."""
    number, quote = approved
    app.config["DEPOT_TIMEZONE"] = "America/Los_Angeles"
    zone = ZoneInfo("America/Los_Angeles")
    payment = api.as_(tokens["clerk"]).post(f"/rmas/{number}/payments", {
        "amount": "100.00", "method": "alipay"}).get_json()
    api.as_(tokens["supervisor"]).post(f"/rmas/{number}/payments/{payment['id']}/void",
                                       {"reason": "wrong RMA"})
    rma = api.get(f"/rmas/{number}").get_json()
    sent = api.get(f"/rmas/{number}/quotes/{quote}").get_json()

    def moments(iso: str) -> tuple[str, str]:
        at = datetime.fromisoformat(iso.replace("Z", "+00:00"))
        return (at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M"))

    page = html.unescape(signed_in(app, "boss", "supervisor").get(f"/rmas/{number}").text)
    assert "America/Los_Angeles" in page
    shown = [rma["events"][-1]["at"], rma["payments"][0]["received_at"],
             rma["payments"][0]["voided_at"], sent["sent_at"], sent["answered_at"]]
    for iso in shown:
        local, utc = moments(iso)
        assert local in page, iso
        assert utc not in page, iso  # never UTC's clock
