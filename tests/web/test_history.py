"""The RMA page's history: who by name, when in the depot's zone, from where in words; the
API's events carry `via` and `ip`; customers' pages show neither staff names nor addresses."""
from __future__ import annotations

import html
import re
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from depot.models import Quote, db
from depot.services import quote_mail, users
from depot.services.settings import DepotSettings
from tests.conftest import NOW, IsolatedClient
from tests.web.test_pages import csrf_from

CLERK_IP, TECH_IP, CUSTOMER_IP = "192.0.2.44", "203.0.113.5", "198.51.100.99"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def client_from(app, address: str) -> IsolatedClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


@pytest.fixture
def journey(app, api, tokens, make_unit):
    """An RMA taken in through the API, inspected by 王师傅 with his token, quoted and sent by
    李娜 on the staff pages, approved by the customer through the link."""
    _, tech_token = users.create_user(db.session, "wang.tech", "technician",
                                      display_name="王师傅", now=NOW)
    users.create_user(db.session, "li.na", "clerk", display_name="李娜",
                      password="clerk-password-1", now=NOW)
    make_unit("HIST0001")
    integration = api.as_(tokens["clerk"])
    number = integration.post("/rmas", {"serial": "HIST0001"}).get_json()["number"]
    tech = client_from(app, TECH_IP)
    assert tech.post(f"/api/v1/rmas/{number}/inspection", json={"findings": ["shell_damage"]},
                     headers={"Authorization": f"Bearer {tech_token}"}).status_code == 200

    clerk = client_from(app, CLERK_IP)
    login = clerk.get("/login")
    clerk.post("/login", data={"username": "li.na", "password": "clerk-password-1",
                               "csrf_token": csrf_from(login.text)})
    path = f"/rmas/{number}"
    assert clerk.post(f"{path}/quotes/new",
                      data={"csrf_token": csrf_from(clerk.get(path).text)}).status_code == 302
    quote = db.session.query(Quote).one()
    assert clerk.post(f"{path}/quotes/{quote.number}/send",
                      data={"csrf_token": csrf_from(clerk.get(path).text)}).status_code == 302

    link = urlsplit(quote_mail.approval_url(DepotSettings.from_config(app.config),
                                            db.session.get(Quote, quote.id))).path
    customer = client_from(app, CUSTOMER_IP)
    assert customer.post(f"{link}/approve", data={}).status_code == 200
    return {"number": number, "clerk": clerk, "customer": customer, "link": link}


def history_rows(page: str) -> dict[str, list[str]]:
    """action -> the texts of its row's cells, for the last row of each action."""
    section = page.split('id="history"', 1)[1]
    rows = {}
    for action, body in re.findall(r'<tr class="event" data-action="([^"]+)"[^>]*>(.*?)</tr>',
                                   section, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        rows[action] = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]
    return rows


def test_the_api_events_say_from_where(journey, api):
    events = api.get(f"/rmas/{journey['number']}").get_json()["events"]
    assert [(e["action"], e["via"], e["ip"], e["actor"]) for e in events] == [
        ("receive", "api", "127.0.0.1", "clerk"),
        ("inspect", "api", TECH_IP, "wang.tech"),
        ("create_quote", "web", CLERK_IP, "li.na"),
        ("send_quote", "web", CLERK_IP, "li.na"),
        ("approve", "link", CUSTOMER_IP, None)]
    assert {"action", "from_status", "to_status", "actor", "at", "reason"} <= set(events[0])


def test_the_history_shows_names_local_times_and_where_from(journey, api):
    clerk = journey["clerk"]
    clerk.get("/lang/en")
    page = clerk.get(f"/rmas/{journey['number']}").text
    rows = history_rows(page)
    when, _action, _status, who, where, _reason = rows["inspect"]
    assert who == "王师傅" and where == f"API (token) · {TECH_IP}"
    assert rows["send_quote"][3:5] == ["李娜", f"staff pages · {CLERK_IP}"]
    assert rows["approve"][3:5] == ["the customer", f"customer's link · {CUSTOMER_IP}"]

    events = api.get(f"/rmas/{journey['number']}").get_json()["events"]
    at = datetime.fromisoformat(events[1]["at"].replace("Z", "+00:00"))
    assert when == at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    assert at.strftime("%Y-%m-%d %H:%M") not in page  # the zone's time, not UTC's
    assert "Asia/Shanghai" in page

    clerk.get("/lang/zh_CN")
    rows = history_rows(clerk.get(f"/rmas/{journey['number']}").text)
    assert rows["approve"][3:5] == ["客户", f"客户链接 · {CUSTOMER_IP}"]
    assert rows["send_quote"][4] == f"员工页面 · {CLERK_IP}"
    clerk.get("/lang/zh_TW")
    rows = history_rows(clerk.get(f"/rmas/{journey['number']}").text)
    assert rows["inspect"][4] == f"API 介面（權杖） · {TECH_IP}"


def test_customer_pages_show_no_staff_names_or_addresses(journey):
    customer = journey["customer"]
    pages = [customer.get(journey["link"]).text,
             customer.post(f"{journey['link']}/approve", data={}).text,
             customer.get(journey["link"], headers={"Accept-Language": "en"}).text]
    for text in pages:
        for secret in ("王师傅", "李娜", "wang.tech", "li.na", CLERK_IP, TECH_IP, "127.0.0.1"):
            assert secret not in text


def test_the_staff_screens_calling_the_api_with_their_cookie_are_the_web(journey):
    """The intake, bench and shipping screens call the API with the page session: a person at
    Depot's screens, not an integration's token."""
    clerk = journey["clerk"]
    token = csrf_from(clerk.get("/intake").text)
    paid = clerk.post(f"/api/v1/rmas/{journey['number']}/payments",
                           json={"amount": "10.00", "method": "cash"},
                           headers={"X-CSRFToken": token})
    assert paid.status_code == 201, paid.get_json()
    last = paid.get_json()["rma"]["events"][-1]
    assert (last["action"], last["via"], last["ip"], last["actor"]) == (
        "payment", "web", CLERK_IP, "li.na")
