"""Complaints (投诉) through HTTP: roles, routing, the machine's answers, bad input, the pages."""
from __future__ import annotations

import html
import re

import pytest

from depot.models import Complaint, ComplaintEvent, db
from tests.web.test_pages import csrf_from
from tests.web.test_payments_policy_and_times import signed_in

ROLES = ("clerk", "technician", "supervisor", "logistics", "admin")


def body(**kw):
    return {"kind": "other", "description": "等太久了", "channel": "phone", **kw}


def rows():
    return db.session.query(Complaint).count(), db.session.query(ComplaintEvent).count()


@pytest.mark.parametrize("role", ROLES)
def test_every_staff_role_registers_and_reads(api, tokens, role):
    made = api.as_(tokens[role]).post("/complaints", body(kind="staff_conduct"))
    assert made.status_code == 201, made.get_json()
    data = made.get_json()
    assert re.fullmatch(r"CMP-\d{4}-000001", data["number"])
    assert (data["kind"], data["team"], data["status"], data["rma"], data["serial"]) == (
        "staff_conduct", "customer_service", "open", None, None)
    assert api.as_(tokens[role]).get(f"/complaints/{data['number']}").status_code == 200
    assert api.as_(tokens[role]).get("/complaints").get_json()["complaints"][0]["number"] == (
        data["number"])


def test_no_token_no_complaint(client):
    assert client.post("/api/v1/complaints", json=body()).status_code == 401
    assert client.get("/api/v1/complaints").status_code == 401


@pytest.mark.parametrize(("kind", "team"), [
    ("product_quality", "engineering"), ("packaging_transport", "logistics"),
    ("staff_conduct", "customer_service"), ("damage_verdict", "supervisor"),
    ("other", "customer_service")])
def test_routing_and_the_team_filter(api, kind, team):
    api.post("/complaints", body(kind="other" if kind != "other" else "product_quality"))
    number = api.post("/complaints", body(kind=kind)).get_json()["number"]
    listed = api.get(f"/complaints?team={team}&kind={kind}").get_json()["complaints"]
    assert [c["number"] for c in listed] == [number]
    assert listed[0]["team"] == team and "events" not in listed[0]


def test_linked_to_an_rma_and_shown_on_its_pages(app, api, tokens, make_unit):
    make_unit("CMPWEB01")
    number = api.as_(tokens["clerk"]).post("/rmas", {"serial": "CMPWEB01"}).get_json()["number"]
    made = api.post("/complaints", body(kind="packaging_transport", rma=number,
                                        customer={"name": "王五"})).get_json()
    assert (made["rma"], made["serial"], made["customer"]["name"],
            made["customer"]["email"]) == (number, "CMPWEB01", "王五", "zs@example.com")
    rma = api.get(f"/rmas/{number}").get_json()
    assert rma["complaints"][0]["number"] == made["number"] and rma["survey"] is None
    assert api.get("/units/CMPWEB01").get_json()["complaints"][0]["number"] == made["number"]
    client = signed_in(app, "ma.li", "clerk")
    for path in (f"/rmas/{number}", "/units/CMPWEB01"):
        page = client.get(path)
        assert page.status_code == 200 and made["number"] in page.text


def test_the_machine_through_http(api, tokens):
    number = api.post("/complaints", body()).get_json()["number"]
    tech = api.as_(tokens["technician"])
    started = tech.post(f"/complaints/{number}/actions", {"action": "start"})
    assert started.status_code == 200 and started.get_json()["holder"] == "technician"
    assert tech.post(f"/complaints/{number}/actions",
                     {"action": "resolve"}).get_json()["error"] == "missing_field"
    done = tech.post(f"/complaints/{number}/actions",
                     {"action": "resolve", "note": "已回电解释"}).get_json()
    assert done["status"] == "resolved"
    again = tech.post(f"/complaints/{number}/actions", {"action": "start"})
    assert again.status_code == 409 and again.get_json()["error"] == "invalid_transition"
    assert again.get_json()["details"]["allowed"] == ["reopen", "close"]
    for role in ("clerk", "technician", "logistics"):
        refused = api.as_(tokens[role]).post(f"/complaints/{number}/actions",
                                             {"action": "close"})
        assert refused.status_code == 403
    unknown = tech.post(f"/complaints/{number}/actions", {"action": "escalate"})
    assert unknown.status_code == 422 and unknown.get_json()["error"] == "unknown_action"
    closed = api.as_(tokens["supervisor"]).post(f"/complaints/{number}/actions",
                                                {"action": "close"})
    assert closed.get_json()["status"] == "closed"
    events = api.get(f"/complaints/{number}").get_json()["events"]
    assert [(e["action"], e["from_status"], e["to_status"], e["actor"]) for e in events] == [
        ("register", None, "open", "admin"), ("start", "open", "in_progress", "technician"),
        ("resolve", "in_progress", "resolved", "technician"),
        ("close", "resolved", "closed", "supervisor")]
    assert events[2]["note"] == "已回电解释" and set(events[0]) >= {
        "action", "from_status", "to_status", "actor", "at", "note"}
    assert api.post("/complaints/CMP-2026-999999/actions", {"action": "start"}).status_code == 404
    assert api.get("/complaints/CMP-2026-999999").status_code == 404


def test_a_dispute_needs_a_supervisor_and_an_outcome(api, tokens):
    number = api.post("/complaints", body(kind="damage_verdict")).get_json()["number"]
    clerk, boss = api.as_(tokens["clerk"]), api.as_(tokens["supervisor"])
    assert clerk.post(f"/complaints/{number}/actions",
                      {"action": "resolve", "note": "x", "outcome": "upheld"}).status_code == 403
    missing = boss.post(f"/complaints/{number}/actions", {"action": "resolve", "note": "看过"})
    assert missing.status_code == 422 and missing.get_json()["details"]["field"] == "outcome"
    wrong = boss.post(f"/complaints/{number}/actions",
                      {"action": "resolve", "note": "看过", "outcome": "refund"})
    assert wrong.status_code == 422
    done = boss.post(f"/complaints/{number}/actions",
                     {"action": "resolve", "note": "看过", "outcome": "upheld"}).get_json()
    assert (done["status"], done["outcome"]) == ("resolved", "upheld")


@pytest.mark.parametrize(("sent", "field"), [
    (body(description=""), "description"), (body(description="   "), "description"),
    (body(kind="refund"), "kind"), (body(channel="pigeon"), "channel"),
    (body(description="长" * 10_000), "description"), (body(kind=None), "kind"),
    ({"description": "x", "channel": "phone"}, "kind"), (body(rma=["x"]), "rma"),
    (body(description="a\x00b"), "description"), (body(customer={"email": "nope"}),
                                                  "customer.email"),
    (body(description={"nested": {"deep": 1}}), "description")])
def test_bad_input_is_422_and_changes_nothing(api, sent, field):
    answer = api.post("/complaints", sent)
    assert answer.status_code == 422, answer.get_json()
    data = answer.get_json()
    assert data["details"]["field"] == field and data["message"] and "details" in data
    assert rows() == (0, 0)


def test_unknown_filters_are_422(api):
    for query in ("team=nobody", "status=pending", "kind=refund"):
        assert api.get(f"/complaints?{query}").status_code == 422


def test_unknown_rma_or_serial_is_404(api):
    assert api.post("/complaints", body(rma="RMA-2026-999999")).status_code == 404
    assert api.post("/complaints", body(serial="NOPE")).status_code == 404
    assert rows() == (0, 0)


def test_html_is_stored_verbatim_and_shown_escaped(app, api):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    made = api.post("/complaints", body(description=evil, customer={"name": evil[:200]}))
    number = made.get_json()["number"]
    assert api.get(f"/complaints/{number}").get_json()["description"] == evil
    client = signed_in(app, "zhou.yi", "logistics")
    page = client.get(f"/complaints/{number}").text
    assert evil not in page and html.escape(evil, quote=False) in page.replace("&#34;", '"')
    assert evil not in client.get("/complaints").text


def test_the_pages_register_act_and_queue(app):
    client = signed_in(app, "he.fang", "clerk")
    form = client.get("/complaints/new")
    assert form.status_code == 200 and 'id="complaint-form"' in form.text
    refused = client.post("/complaints/new", data={
        "kind": "product_quality", "channel": "fax", "description": "",
        "csrf_token": csrf_from(form.text)})
    assert refused.status_code == 422 and 'id="form-error"' in refused.text
    done = client.post("/complaints/new", data={
        "kind": "product_quality", "channel": "fax", "description": "屏幕又坏了",
        "customer_name": "赵六", "csrf_token": csrf_from(form.text)})
    assert done.status_code == 302
    number = done.headers["Location"].rsplit("/", 1)[-1]
    page = client.get(f"/complaints/{number}")
    assert "屏幕又坏了" in page.text and 'id="action-start"' in page.text
    assert 'id="action-close"' not in page.text
    moved = client.post(f"/complaints/{number}/actions", data={
        "action": "start", "csrf_token": csrf_from(page.text)})
    assert moved.status_code == 302
    queue = client.get("/complaints?team=engineering").text
    assert number in queue and "he.fang" in queue
    assert 'data-age="0"' in queue
    no_note = client.post(f"/complaints/{number}/actions", data={
        "action": "resolve", "csrf_token": csrf_from(page.text)})
    assert no_note.status_code == 422 and 'data-code="missing_field"' in no_note.text
    without_csrf = client.post(f"/complaints/{number}/actions", data={"action": "resolve",
                                                                      "note": "x"})
    assert without_csrf.status_code == 400
    assert db.session.query(Complaint).one().status == "in_progress"


def test_the_openapi_document_names_the_complaint_calls(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/complaints", "/api/v1/complaints/{number}",
            "/api/v1/complaints/{number}/actions"} <= set(paths)


def test_an_overturned_verdict_through_http(app, api, tokens, make_unit):
    from depot.models import Quote
    from depot.services.links import quote_token

    make_unit("VERDICT1")
    clerk, boss = api.as_(tokens["clerk"]), api.as_(tokens["supervisor"])
    number = clerk.post("/rmas", {"serial": "VERDICT1"}).get_json()["number"]
    api.as_(tokens["technician"]).post(f"/rmas/{number}/inspection",
                                       {"findings": ["impact_damage"]})
    quote = clerk.post(f"/rmas/{number}/quotes", {}).get_json()["number"]
    assert clerk.post(f"/rmas/{number}/quotes/{quote}/send", {}).status_code == 200
    made = clerk.post("/complaints", body(kind="damage_verdict", rma=number,
                                          channel="visit")).get_json()
    assert made["team"] == "supervisor"
    done = boss.post(f"/complaints/{made['number']}/actions", {
        "action": "resolve", "note": "复检：非人为损坏", "outcome": "overturned"})
    assert done.status_code == 200 and done.get_json()["outcome"] == "overturned"
    rma = api.get(f"/rmas/{number}").get_json()
    assert (rma["status"], rma["covered"]) == ("inspected", True)
    assert rma["quotes"][0]["status"] == "withdrawn" and "start_repair" in rma["allowed_actions"]
    row = db.session.query(Quote).one()
    token = quote_token(app.config["SECRET_KEY"], row.number, row.token_nonce)
    db.session.close()
    client = app.test_client()
    refused = client.post(f"/q/{token}/approve", json={})
    assert refused.status_code == 409 and refused.get_json()["error"] == "quote_withdrawn"
    assert "此报价已撤回" in client.get(f"/q/{token}").text


def test_the_list_is_newest_first_and_the_queue_oldest_first_without_the_resolved(app, api):
    numbers = [api.post("/complaints", body(description=f"第 {i} 次")).get_json()["number"]
               for i in range(3)]
    api.post(f"/complaints/{numbers[1]}/actions", {"action": "resolve", "note": "回电"})
    listed = api.get("/complaints").get_json()["complaints"]
    assert [c["number"] for c in listed] == numbers[::-1]
    assert [c["number"] for c in api.get("/complaints?status=resolved").get_json()[
        "complaints"]] == [numbers[1]]
    queue = signed_in(app, "qian.qi", "clerk").get("/complaints?team=customer_service").text
    shown = re.findall(r'class="complaint-row" data-number="([^"]+)"', queue)
    assert shown == [numbers[0], numbers[2]]
