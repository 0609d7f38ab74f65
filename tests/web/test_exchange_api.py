"""Exchange (换货) through the API and the pages: roles, the fields of GET /rmas and GET
/units, the shipment and label with the replacement, returned stock, DOA on the page."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from depot.config import Config
from depot.models import db
from depot.services import users
from tests.conftest import NOW
from tests.web.test_pages import csrf_from


def covered_rma(api, tokens, make_unit, serial, purchase=date(2026, 6, 1), **body) -> str:
    make_unit(serial, purchase)
    number = api.post("/rmas", {"serial": serial, "accessories": [], **body}
                      ).get_json()["number"]
    inspected = api.as_(tokens["technician"]).post(f"/rmas/{number}/inspection",
                                                   {"findings": ["no_power"]})
    assert inspected.status_code == 200
    return number


def exchange(api, number, serial, headers=None, **kw):
    return api.post(f"/rmas/{number}/actions", {"action": "exchange",
                                                "replacement_serial": serial,
                                                "reason": "board dead", **kw}, headers=headers)


def test_the_settings_and_their_defaults():
    assert Config({}).DEPOT_EXCHANGE_WARRANTY_DAYS == 90 and Config({}).DEPOT_DOA_DAYS == 15
    assert Config({"DEPOT_DOA_DAYS": "7"}).DEPOT_DOA_DAYS == 7
    with pytest.raises(ValueError):
        Config({"DEPOT_EXCHANGE_WARRANTY_DAYS": "0"})


@pytest.mark.parametrize("role", ["clerk", "logistics"])
def test_clerks_and_logistics_may_not_exchange(api, tokens, make_unit, role):
    number = covered_rma(api, tokens, make_unit, f"XAPI-{role}")
    refused = exchange(api.as_(tokens[role]), number, f"XNEW-{role}")
    assert refused.status_code == 403
    assert api.get(f"/rmas/{number}").get_json()["status"] == "inspected"
    assert api.get(f"/units/XNEW-{role}").status_code == 404


@pytest.mark.parametrize("role", ["technician", "supervisor", "admin"])
def test_the_bench_roles_exchange(api, tokens, make_unit, role):
    number = covered_rma(api, tokens, make_unit, f"XAPI-{role}")
    answer = exchange(api.as_(tokens[role]), number, f"XNEW-{role}")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["status"] == "ready_to_ship" and body["replacement_serial"] == f"XNEW-{role}"
    assert body["events"][-1]["action"] == "exchange"
    old = api.get(f"/units/XAPI-{role}").get_json()
    new = api.get(f"/units/XNEW-{role}").get_json()
    assert old["replaced_by"] == f"XNEW-{role}" and new["replaced_by"] is None
    assert new["customer"]["name"] == old["customer"]["name"]


def test_refusals_are_409_and_422_with_sentences(api, tokens, make_unit):
    number = covered_rma(api, tokens, make_unit, "XAPI0001")
    same = exchange(api, number, "xapi0001")
    assert same.status_code == 422 and same.get_json()["error"] == "same_unit"
    missing = api.post(f"/rmas/{number}/actions", {"action": "exchange", "reason": "x"})
    assert missing.status_code == 422 and missing.get_json()["details"]["field"] == \
        "replacement_serial"
    for bad in (["XNEW"], {"a": 1}, "bad serial!", "X\x00Y", 1e30):
        answer = api.client.post(f"/api/v1/rmas/{number}/actions", json={
            "action": "exchange", "replacement_serial": bad, "reason": "x"},
            headers=api._headers(None))
        assert answer.status_code == 422, bad
        assert set(answer.get_json()) == {"error", "message", "details"}
    make_unit("XOTHER01", customer=users_customer())
    owned = exchange(api, number, "XOTHER01", headers={"Accept-Language": "zh-CN"})
    assert owned.status_code == 409 and owned.get_json()["error"] == "replacement_owned"
    assert owned.get_json()["message"] != "the replacement unit belongs to another customer"
    assert api.get(f"/rmas/{number}").get_json()["status"] == "inspected"

    received = api.post("/rmas", {"serial": "XOTHER01", "accessories": []}).get_json()
    wrong = exchange(api, received["number"], "XNEW0009")
    assert wrong.status_code == 409 and wrong.get_json()["error"] == "invalid_transition"


def users_customer():
    from depot.services.units import CustomerInput

    return CustomerInput("李四", "13700000000", "ls@example.com", "广州市")


def test_uncovered_without_approval_is_quote_required(api, tokens, make_unit):
    make_unit("XAPI0002")
    number = api.post("/rmas", {"serial": "XAPI0002", "accessories": []}).get_json()["number"]
    api.as_(tokens["technician"]).post(f"/rmas/{number}/inspection",
                                       {"findings": ["shell_damage"]})
    refused = exchange(api, number, "XNEW0002")
    assert refused.status_code == 409 and refused.get_json()["error"] == "quote_required"
    assert api.get("/units/XNEW0002").status_code == 404


def test_the_shipment_label_and_warranty_of_the_replacement(api, tokens, make_unit):
    number = covered_rma(api, tokens, make_unit, "XAPI0003", purchase=date(2025, 12, 10))
    exchange(api, number, "XNEW0003")
    logistics = api.as_(tokens["logistics"])
    box = {"carrier": "SF", "tracking_number": "SF1234567890", "accessories": [],
           "missing": []}
    original = logistics.post(f"/rmas/{number}/shipment", {**box, "scanned": ["XAPI0003"]})
    assert original.status_code == 409 and original.get_json()["error"] == "wrong_unit"
    zpl = logistics.get(f"/rmas/{number}/label.zpl").get_data(as_text=True)
    assert "XNEW0003" in zpl and "XAPI0003" not in zpl
    shipped = logistics.post(f"/rmas/{number}/shipment", {**box, "scanned": ["XNEW0003"]})
    assert shipped.status_code == 200, shipped.get_json()
    new = api.get("/units/XNEW0003").get_json()
    # the ship day + 90 days - 1, later than the original's end 2026-12-09
    shipped_on = date.fromisoformat(shipped.get_json()["shipped_on"])
    assert new["warranty"]["ends_on"] == (shipped_on + timedelta(days=89)).isoformat()
    assert "exchange_warranty" in new["warranty"]["reason_codes"]


def test_doa_in_the_api_and_on_the_page(app, api, tokens, make_unit, client):
    number = covered_rma(api, tokens, make_unit, "XAPI0004", purchase=date(2026, 11, 1),
                         reported_on="2026-11-10")  # judged on the 9th day after purchase
    body = api.get(f"/rmas/{number}").get_json()
    assert "doa" in body["coverage_reason_codes"] and body["allowed_actions"][0] == "exchange"
    users.create_user(db.session, "wang.tech", "technician", password="tech-password-1",
                      now=NOW)
    page = client.get("/login")
    client.post("/login", data={"username": "wang.tech", "password": "tech-password-1",
                                "csrf_token": csrf_from(page.text)})
    shown = client.get(f"/rmas/{number}", headers={"Accept-Language": "en"})
    assert 'id="exchange-form"' in shown.text and 'data-doa="1"' in shown.text
    sent = client.post(f"/rmas/{number}/exchange", data={
        "replacement_serial": "XNEW0004", "reason": "dead on arrival",
        "csrf_token": csrf_from(shown.text)})
    assert sent.status_code == 302
    assert api.get(f"/rmas/{number}").get_json()["replacement_serial"] == "XNEW0004"
    forged = client.post(f"/rmas/{number}/exchange", data={"replacement_serial": "XNEW0005",
                                                           "reason": "x"})
    assert forged.status_code == 400


def test_returned_stock_api_and_page(api, tokens, make_unit, client):
    number = covered_rma(api, tokens, make_unit, "XAPI0005")
    exchange(api, number, "XNEW0005")
    for role in ("clerk", "technician", "logistics"):
        assert api.as_(tokens[role]).get("/returned-stock").status_code == 403
        assert api.as_(tokens[role]).post("/returned-stock/XAPI0005",
                                          {"outcome": "scrapped"}).status_code == 403
    listed = api.as_(tokens["supervisor"]).get("/returned-stock").get_json()["units"]
    assert [(u["serial"], u["outcome"], u["rma"], u["replacement_serial"]) for u in listed] == [
        ("XAPI0005", "in_stock", number, "XNEW0005")]
    set_ = api.as_(tokens["supervisor"]).post("/returned-stock/XAPI0005",
                                              {"outcome": "repaired_to_spares", "note": "ok"})
    assert set_.status_code == 200 and set_.get_json()["outcome"] == "repaired_to_spares"
    assert api.post("/returned-stock/XAPI0005", {"outcome": "sold"}).status_code == 422
    assert api.post("/returned-stock/NOPE0001", {"outcome": "scrapped"}).status_code == 404
    assert api.get("/returned-stock?outcome=scrapped").get_json()["units"] == []

    users.create_user(db.session, "zhao.sup", "supervisor", password="sup-password-1", now=NOW)
    page = client.get("/login")
    client.post("/login", data={"username": "zhao.sup", "password": "sup-password-1",
                                "csrf_token": csrf_from(page.text)})
    shown = client.get("/returned-stock", headers={"Accept-Language": "en"})
    assert shown.status_code == 200
    assert "repaired into spare stock" in shown.text and 'data-outcome="repaired_to_spares"' \
        in shown.text
    saved = client.post("/returned-stock/XAPI0005", data={
        "outcome": "scrapped", "note": "", "csrf_token": csrf_from(shown.text)})
    assert saved.status_code == 302
    assert api.get("/returned-stock").get_json()["units"][0]["outcome"] == "scrapped"
    chinese = client.get("/returned-stock", headers={"Accept-Language": "zh-CN"})
    assert "scrapped" not in chinese.text.split('data-outcome="scrapped"')[1].split("</tr>")[0] \
        .replace('value="scrapped"', "")


def test_the_openapi_document_shows_the_exchange_fields(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    text = str(doc)
    assert "replacement_serial" in text and "replacement_model" in text
    assert "/api/v1/returned-stock" in doc["paths"]
