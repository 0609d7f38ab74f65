"""The staff RMA page: a clerk drafts, edits and sends a quote and records a payment by form."""
from __future__ import annotations

import re

import pytest

from depot.models import db
from depot.services import users
from tests.conftest import NOW
from tests.web.test_pages import csrf_from


@pytest.fixture
def clerk_client(client, app):
    users.create_user(db.session, "li.na", "clerk", password="clerk-password-1", now=NOW)
    page = client.get("/login")
    client.post("/login", data={"username": "li.na", "password": "clerk-password-1",
                                "csrf_token": csrf_from(page.text)})
    return client


@pytest.fixture
def inspected(api, tokens, make_unit, mail_app, deliver_outbox):
    make_unit("PAGE0001")
    number = api.post("/rmas", {"serial": "PAGE0001"}).get_json()["number"]
    api.as_(tokens["technician"]).post(f"/rmas/{number}/inspection",
                                       {"findings": ["impact_damage"]})
    assert deliver_outbox().sent == 1  # the mail of the receipt, sent at intake
    mail_app[1].clear()
    return number


def token_of(client, path):
    return csrf_from(client.get(path).text)


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW", "en"])
def test_rma_page_renders_in_every_language(clerk_client, inspected, lang, api, tokens):
    clerk_client.get(f"/lang/{lang}")
    page = clerk_client.get(f"/rmas/{inspected}")
    assert page.status_code == 200 and inspected in page.text
    assert 'id="new-quote"' in page.text
    api.as_(tokens["clerk"]).post(f"/rmas/{inspected}/quotes", {})
    page = clerk_client.get(f"/rmas/{inspected}")
    assert page.status_code == 200 and 'id="draft-form"' in page.text


def test_draft_edit_send_and_pay_by_forms(clerk_client, inspected, mail_app, api,
                                          deliver_outbox):
    path = f"/rmas/{inspected}"
    response = clerk_client.post(f"{path}/quotes/new", data={"csrf_token": token_of(
        clerk_client, path)})
    assert response.status_code == 302
    page = clerk_client.get(path).text
    quote = re.search(r'action="/rmas/[^/]+/quotes/([^/]+)/lines"', page).group(1)
    form = {"csrf_token": csrf_from(page), "kind": ["part", "labor", "fee"],
            "description": ["外壳 Housing", "工时", ""], "quantity": ["1", "2", "1"],
            "unit_price": ["150.00", "60.00", ""], "tax_rate": "0"}
    assert clerk_client.post(f"{path}/quotes/{quote}/lines", data=form).status_code == 302
    page = clerk_client.get(path).text
    assert "270.00 CNY" in page
    bad = {**form, "csrf_token": csrf_from(page), "unit_price": ["abc", "60.00", ""]}
    refused = clerk_client.post(f"{path}/quotes/{quote}/lines", data=bad)
    assert refused.status_code == 422
    assert 'data-code="invalid_field"' in refused.text and 'value="abc"' in refused.text
    sent = clerk_client.post(f"{path}/quotes/{quote}/send",
                             data={"csrf_token": csrf_from(refused.text)})
    assert sent.status_code == 302
    assert deliver_outbox().sent == 1
    assert len(mail_app[1]) == 1
    assert api.get(path.replace("/rmas", "/rmas")).get_json()["status"] == "awaiting_approval"
    page = clerk_client.get(path).text
    assert 'data-waiting="customer_approval"' in page
    paid = clerk_client.post(f"{path}/payments", data={
        "csrf_token": csrf_from(page), "amount": "270.00", "method": "alipay",
        "reference": "2026112022001"})
    assert paid.status_code == 302
    assert api.get(path).get_json()["paid"] == "270.00"


def test_forms_need_csrf_and_roles(clerk_client, inspected, tokens, app):
    path = f"/rmas/{inspected}"
    assert clerk_client.post(f"{path}/quotes/new").status_code == 400
    users.create_user(db.session, "lo", "logistics", password="logistics-pass-1", now=NOW)
    other = app.test_client()
    page = other.get("/login")
    other.post("/login", data={"username": "lo", "password": "logistics-pass-1",
                               "csrf_token": csrf_from(page.text)})
    assert other.get(path).status_code == 200
    assert 'id="new-quote"' not in other.get(path).text
    assert other.post(f"{path}/quotes/new", data={"csrf_token": token_of(other, path)}
                      ).status_code == 403


def test_rma_list_and_lookup(clerk_client, inspected):
    listing = clerk_client.get("/rmas?status=inspected")
    assert inspected in listing.text
    jump = clerk_client.get(f"/rmas?number={inspected.lower()}")
    assert jump.status_code == 302 and jump.headers["Location"].endswith(inspected)
    assert clerk_client.get("/rmas/RMA-2020-000001").status_code == 404


def test_offline_answer_by_form_with_signed_copy(clerk_client, inspected, api, tokens, mail_app):
    import io

    from PIL import Image

    clerk = api.as_(tokens["clerk"])
    quote = clerk.post(f"/rmas/{inspected}/quotes", {}).get_json()["number"]
    clerk.post(f"/rmas/{inspected}/quotes/{quote}/send")
    path = f"/rmas/{inspected}"
    page = clerk_client.get(path).text
    assert 'id="offline-form"' in page
    raw = io.BytesIO()
    Image.new("RGB", (200, 300), "white").save(raw, format="JPEG")
    response = clerk_client.post(f"{path}/quotes/{quote}/answer", data={
        "csrf_token": csrf_from(page), "decision": "approve", "via": "fax",
        "comment": "传真回签", "signed_copy": (io.BytesIO(raw.getvalue()), "签字.jpg")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    rma = api.get(path).get_json()
    assert rma["status"] == "approved" and rma["quotes"][0]["status"] == "approved"
    again = clerk_client.post(f"{path}/quotes/{quote}/answer", data={
        "csrf_token": csrf_from(clerk_client.get(path).text), "decision": "decline",
        "via": "phone"})
    assert again.status_code == 409 and 'data-code="quote_answered"' in again.text


def test_supervisor_overrides_by_form_with_a_reason(app, api, tokens, make_unit, mail_app):
    from datetime import date

    make_unit("OVER0001", date(2019, 1, 1))
    number = api.post("/rmas", {"serial": "OVER0001"}).get_json()["number"]
    api.as_(tokens["technician"]).post(f"/rmas/{number}/inspection", {"findings": ["no_boot"]})
    users.create_user(db.session, "boss", "supervisor", password="super-password-1", now=NOW)
    client = app.test_client()
    page = client.get("/login")
    client.post("/login", data={"username": "boss", "password": "super-password-1",
                                "csrf_token": csrf_from(page.text)})
    path = f"/rmas/{number}"
    page = client.get(path).text
    assert 'id="override-form"' in page
    refused = client.post(f"{path}/override", data={"csrf_token": csrf_from(page),
                                                    "covered": "yes", "reason": " "})
    assert refused.status_code == 422
    done = client.post(f"{path}/override", data={"csrf_token": csrf_from(page),
                                                 "covered": "yes", "reason": "大客户让步"})
    assert done.status_code == 302
    rma = api.get(path).get_json()
    assert rma["covered"] is True and rma["events"][-1]["action"] == "override"
    assert "start_repair" in rma["allowed_actions"]


def draft_on_screen(clerk_client, number):
    """A proposed draft on the RMA page: (its number, the editor's fields as the browser would
    send them, the page)."""
    path = f"/rmas/{number}"
    clerk_client.post(f"{path}/quotes/new", data={"csrf_token": token_of(clerk_client, path)})
    page = clerk_client.get(path).text
    quote = re.search(r'action="/rmas/[^/]+/quotes/([^/]+)/lines"', page).group(1)
    rows = re.findall(r'<select name="kind">.*?<option value="(\w+)" selected.*?'
                      r'name="description" value="([^"]*)".*?name="quantity" value="([^"]*)".*?'
                      r'name="unit_price" value="([^"]*)"', page, re.S)
    assert [r[0] for r in rows] == ["labor", "shipping"]  # labour 80.00, return freight 20.00
    form = {"csrf_token": csrf_from(page), "kind": [r[0] for r in rows],
            "description": [r[1] for r in rows], "quantity": [r[2] for r in rows],
            "unit_price": [r[3] for r in rows], "tax_rate": "0",
            "shown_total": re.search(r'name="shown_total" value="([^"]+)"', page).group(1)}
    return quote, form, page


def sent_mail_text(mail_app, deliver_outbox) -> tuple[str, bytes]:
    import email
    from email import policy

    assert deliver_outbox().sent == 1
    message = email.message_from_bytes(mail_app[1][-1][2], policy=policy.default)
    pdf = next(part for part in message.iter_attachments()).get_content()
    return message.get_body(("plain",)).get_content(), pdf


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_send_sends_the_lines_on_the_screen(clerk_client, inspected, api, mail_app,
                                            deliver_outbox):
    """The clerk changes the labour price and presses send without saving first: the customer
    gets the price on the screen, in one step (the draft is saved and sent together)."""
    quote, form, _ = draft_on_screen(clerk_client, inspected)
    assert form["shown_total"] == "100.00"
    form["unit_price"][0] = "120.00"
    form["shown_total"] = "140.00"  # what the page's script shows as the clerk types
    sent = clerk_client.post(f"/rmas/{inspected}/quotes/{quote}/send", data=form)
    assert sent.status_code == 302, sent.text
    body = api.get(f"/rmas/{inspected}/quotes/{quote}").get_json()
    assert (body["status"], body["total"]) == ("sent", "140.00")
    assert [line["unit_price"] for line in body["lines"]] == ["120.00", "20.00"]
    text, pdf = sent_mail_text(mail_app, deliver_outbox)
    assert "140.00" in text and "100.00" not in text
    assert "140.00" in pdf_text(pdf)
    events = api.get(f"/rmas/{inspected}").get_json()["events"]
    assert events[-1]["action"] == "send_quote" and "140.00" in events[-1]["reason"]


def test_a_total_the_clerk_did_not_see_is_not_sent(clerk_client, inspected, api, mail_app,
                                                   deliver_outbox):
    """Without the page's script the total shown stays the saved one: the send is refused,
    nothing changes, and the page shows the new total; sending again sends it."""
    quote, form, _ = draft_on_screen(clerk_client, inspected)
    form["unit_price"][0] = "120.00"  # shown_total still says 100.00
    refused = clerk_client.post(f"/rmas/{inspected}/quotes/{quote}/send", data=form)
    assert refused.status_code == 409
    assert 'data-code="total_changed"' in refused.text
    assert "140.00" in refused.text and 'value="120.00"' in refused.text
    body = api.get(f"/rmas/{inspected}/quotes/{quote}").get_json()
    assert (body["status"], body["total"]) == ("draft", "100.00")
    assert api.get(f"/rmas/{inspected}").get_json()["status"] == "inspected"
    assert deliver_outbox().sent == 0
    again = {**form, "csrf_token": csrf_from(refused.text),
             "shown_total": re.search(r'name="shown_total" value="([^"]+)"',
                                      refused.text).group(1)}
    assert again["shown_total"] == "140.00"
    assert clerk_client.post(f"/rmas/{inspected}/quotes/{quote}/send",
                             data=again).status_code == 302
    text, _ = sent_mail_text(mail_app, deliver_outbox)
    assert "140.00" in text


def test_the_api_sends_only_the_total_its_caller_expects(api, tokens, inspected, mail_app):
    clerk = api.as_(tokens["clerk"])
    quote = clerk.post(f"/rmas/{inspected}/quotes", {}).get_json()
    path = f"/rmas/{inspected}/quotes/{quote['number']}/send"
    refused = clerk.post(path, {"total": "99.00"})
    assert refused.status_code == 409 and refused.get_json()["error"] == "total_changed"
    assert refused.get_json()["details"]["total"] == "100.00"
    lines = [{"kind": "labor", "description": "维修工时 Labour", "quantity": "1",
              "unit_price": "150.00"}]
    sent = clerk.post(path, {"lines": lines, "total": "150.00"})
    assert sent.status_code == 200, sent.get_json()
    assert (sent.get_json()["status"], sent.get_json()["total"]) == ("sent", "150.00")
    assert clerk.post(f"/rmas/{inspected}/quotes", {}).status_code == 201  # a new version


def signed_in(app, username: str, role: str, display_name: str | None = None):
    users.create_user(db.session, username, role, password=f"{role}-password-1",
                      display_name=display_name, now=NOW)
    client = app.test_client()
    page = client.get("/login")
    client.post("/login", data={"username": username, "password": f"{role}-password-1",
                                "csrf_token": csrf_from(page.text)})
    return client


def test_a_supervisor_gives_the_rma_to_a_technician_on_its_page(app, api, inspected):
    users.create_user(db.session, "wang.tech", "technician", display_name="王师傅", now=NOW)
    users.create_user(db.session, "gone.tech", "technician", display_name="离职", now=NOW)
    users.update_user(db.session, "gone.tech", active=False)
    boss = signed_in(app, "boss", "supervisor", "李主管")
    path = f"/rmas/{inspected}"
    page = boss.get(path).text
    assert 'id="assign-form"' in page and '<dd id="technician" data-technician="">' in page
    picker = re.search(r'<select name="technician" id="assign-technician">(.*?)</select>', page,
                       re.S).group(1)
    assert 'value="wang.tech"' in picker and "王师傅" in picker
    assert 'value="gone.tech"' not in picker and 'value="clerk"' not in picker  # disabled; role
    assert boss.post(f"{path}/assign", data={"technician": "wang.tech"}).status_code == 400
    done = boss.post(f"{path}/assign", data={"csrf_token": csrf_from(page),
                                             "technician": "wang.tech"})
    assert done.status_code == 302
    page = boss.get(path).text
    assert '<dd id="technician" data-technician="wang.tech">王师傅</dd>' in page
    assert re.search(r'<option value="wang.tech" selected>', page)
    rma = api.get(path).get_json()
    assert rma["technician"] == "wang.tech"
    assert [(e["action"], e["reason"], e["actor"], e["via"]) for e in rma["events"]][-1] == \
        ("assign", "wang.tech", "boss", "web")
    history = re.search(r'<section class="card" id="history">(.*?)</section>', page, re.S)[1]
    assert 'data-action="assign"' in history and "wang.tech" in history
    refused = boss.post(f"{path}/assign", data={"csrf_token": csrf_from(page),
                                                "technician": "gone.tech"})
    assert refused.status_code == 404 and 'data-code="technician_not_found"' in refused.text
    assert api.get(path).get_json()["technician"] == "wang.tech"
    boss.get("/lang/en")
    nobody = boss.post(f"{path}/assign", data={"csrf_token": csrf_from(page), "technician": ""})
    assert nobody.status_code == 302
    page = boss.get(path).text
    assert "Nobody holds the RMA now." in page
    assert '<dd id="technician" data-technician="">unassigned</dd>' in page
    assert api.get(path).get_json()["technician"] is None
    history = re.search(r'<section class="card" id="history">(.*?)</section>', page, re.S)[1]
    assert history.count('data-action="assign"') == 2 and "<td>unassigned</td>" in history
    boss.get("/lang/zh_CN")
    assert "<td>未分配</td>" in boss.get(path).text


def test_a_technician_sees_who_holds_the_rma_but_may_not_give_it_away(app, api, inspected):
    users.create_user(db.session, "wang.tech", "technician", display_name="王师傅", now=NOW)
    api.post(f"/rmas/{inspected}/assign", {"technician": "wang.tech"})
    tech = signed_in(app, "zhao.tech", "technician", "赵师傅")
    path = f"/rmas/{inspected}"
    page = tech.get(path).text
    assert '<dd id="technician" data-technician="wang.tech">王师傅</dd>' in page
    assert 'id="assign-form"' not in page and 'id="assign-technician"' not in page
    refused = tech.post(f"{path}/assign", data={"csrf_token": csrf_from(page),
                                                "technician": "zhao.tech"})
    assert refused.status_code == 403
    clerk = signed_in(app, "li.clerk", "clerk")
    assert clerk.post(f"{path}/assign", data={"csrf_token": token_of(clerk, path),
                                              "technician": "zhao.tech"}).status_code == 403
    assert api.get(path).get_json()["technician"] == "wang.tech"


def test_a_shipped_or_closed_rma_has_no_picker(app, api, inspected):
    api.post(f"/rmas/{inspected}/actions", {"action": "cancel", "reason": "客户取回"})
    boss = signed_in(app, "boss", "supervisor")
    page = boss.get(f"/rmas/{inspected}").text
    assert api.get(f"/rmas/{inspected}").get_json()["status"] == "cancelled"
    assert 'id="technician"' in page and 'id="assign-form"' not in page


def test_lists_on_the_pages_are_written_as_each_language_writes_them(app, api, make_unit):
    make_unit("LIST0001")
    number = api.post("/rmas", {"serial": "LIST0001",
                                "accessories": ["power_adapter", "data_cable"]}
                      ).get_json()["number"]
    tech = signed_in(app, "wang.tech", "technician")
    for lang, expected, sep in (("en", "Power adapter, Data cable", '", "'),
                                ("zh_CN", "电源适配器、数据线", '"\\u3001"')):  # tojson escapes 、
        tech.get(f"/lang/{lang}")
        page = tech.get(f"/rmas/{number}").text
        assert f'<dd id="accessories">{expected}</dd>' in page, lang
        assert f'"list_sep": {sep}' in tech.get("/bench").text, lang
