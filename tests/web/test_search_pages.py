"""GET /api/v1/rmas through the test client (contract shape, bad input, roles), the /rmas page
(scan field, filters, counts, sorting, CSV), the unit page, repeat_of and the dashboard."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from depot.models import db
from depot.services import intake, shipping, users
from depot.services.settings import DepotSettings
from depot.services.units import CustomerInput
from tests.conftest import NOW
from tests.web.test_pages import csrf_from

LIU = CustomerInput("刘德华", "13912345678", "liu@example.com", "香港九龙")
CHEN = CustomerInput("陈小春", "021-66668888", "chen@example.com", "")


def logged_in(client, role: str):
    users.create_user(db.session, f"{role}.web", role, password=f"{role}-password-1",
                      display_name=f"{role} 王", now=NOW)
    page = client.get("/login")
    client.post("/login", data={"username": f"{role}.web", "password": f"{role}-password-1",
                                "csrf_token": csrf_from(page.text)})
    return client


@pytest.fixture
def two(api, make_unit):
    make_unit("LIU-100", customer=LIU)
    make_unit("CHEN-200", customer=CHEN)
    liu = api.post("/rmas", {"serial": "LIU-100", "fault_description": "不开机"}).get_json()
    chen = api.post("/rmas", {"serial": "CHEN-200"}).get_json()
    return {"liu": liu["number"], "chen": chen["number"]}


def test_the_contract_shape_newest_first(api, two):
    body = api.get("/rmas").get_json()
    assert [r["number"] for r in body["rmas"]] == [two["chen"], two["liu"]]
    assert set(body["rmas"][0]) >= {"number", "serial", "model", "status", "customer_name",
                                    "received_on", "due_on", "overdue"}
    assert body["rmas"][1]["customer_name"] == "刘德华" and body["next_cursor"] is None


def test_q_by_part_of_a_phone_and_repeated_status(api, two):
    assert [r["number"] for r in api.get("/rmas?q=6666").get_json()["rmas"]] == [two["chen"]]
    assert [r["number"] for r in api.get("/rmas?q=%E5%BE%B7%E5%8D%8E").get_json()["rmas"]] \
        == [two["liu"]]  # 德华
    both = api.get("/rmas?status=received&status=inspected").get_json()["rmas"]
    assert len(both) == 2
    assert api.get("/rmas?status=inspected").get_json()["rmas"] == []


def test_pages_follow_the_cursor_and_a_changed_one_is_422(api, two):
    first = api.get("/rmas?limit=1").get_json()
    second = api.get(f"/rmas?limit=1&cursor={first['next_cursor']}").get_json()
    assert [first["rmas"][0]["number"], second["rmas"][0]["number"]] == [two["chen"], two["liu"]]
    assert second["next_cursor"] is None
    cursor = first["next_cursor"]
    tampered = cursor[:-1] + ("A" if cursor[-1] != "A" else "B")
    refused = api.get(f"/rmas?cursor={tampered}")
    assert refused.status_code == 422
    assert refused.get_json()["error"] == "invalid_cursor"
    assert set(refused.get_json()) == {"error", "message", "details"}


@pytest.mark.parametrize(("query", "code"), [
    ("received_from=2026-02-30", "invalid_date"),
    ("received_from=2026-11-02&received_to=2026-11-01", "invalid_period"),
    ("received_from=2025-01-01&received_to=2026-02-05", "period_too_long"),
    ("limit=201", "invalid_field"),
    ("limit=0", "invalid_field"),
    ("status=lost", "invalid_field"),
    ("overdue=maybe", "invalid_field"),
    ("q=%20%20", "missing_field"),
])
def test_bad_input_is_422_with_the_contract_body(api, query, code):
    response = api.get(f"/rmas?{query}")
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["error"] == code and body["message"] and isinstance(body["details"], dict)


def test_every_staff_role_may_search_and_nobody_else(api, tokens, two):
    for role in ("clerk", "technician", "logistics", "supervisor", "admin"):
        assert api.as_(tokens[role]).get("/rmas").status_code == 200
    assert api.as_(None).get("/rmas").status_code == 401


def test_search_is_in_the_openapi_document(api):
    doc = api.get("/openapi.json").get_json()
    get = doc["paths"]["/api/v1/rmas"]["get"]
    names = {p["name"] for p in get["parameters"]}
    assert {"q", "status", "overdue", "model", "received_from", "received_to", "limit",
            "cursor"} <= names
    limit = next(p for p in get["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 200


def csv_rows(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # UTF-8 with BOM, as the page's export and the reports
    return list(csv.reader(io.StringIO(text[1:])))


def test_technician_none_finds_the_rmas_nobody_holds(api, tokens, two):
    api.post(f"/rmas/{two['liu']}/assign", {"technician": "technician"})
    def numbers(query):
        return [r["number"] for r in api.get(f"/rmas?{query}").get_json()["rmas"]]
    assert numbers("technician=none") == [two["chen"]]
    assert numbers("technician=none&open=true") == [two["chen"]]
    assert numbers("technician=none&open=false") == []
    assert numbers("technician=technician") == [two["liu"]]
    assert numbers("technician=nobody.at.all") == []
    doc = api.get("/openapi.json").get_json()
    technician = next(p for p in doc["paths"]["/api/v1/rmas"]["get"]["parameters"]
                      if p["name"] == "technician")
    assert "`none`" in technician["schema"]["description"]


def test_no_user_may_be_named_none(api):
    refused = api.post("/users", {"username": "None", "role": "technician"})
    assert refused.status_code == 422 and refused.get_json()["error"] == "invalid_username"
    assert "none" not in [u["username"] for u in api.get("/users").get_json()["users"]]


def test_the_api_answers_the_filtered_list_as_csv(app, api, tokens, client, two, make_unit,
                                                  monkeypatch):
    from depot.services import search

    make_unit("LIU-101", customer=LIU)
    third = api.post("/rmas", {"serial": "LIU-101"}).get_json()["number"]
    response = api.as_(tokens["clerk"]).get("/rmas?q=%E5%88%98&limit=1&format=csv")  # 刘
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    assert rows[0] == list(search.CSV_COLUMNS)
    assert [r[0] for r in rows[1:]] == [third, two["liu"]]  # every page, newest first
    assert rows[1][4] == "刘德华" and rows[1][7] == "false"
    clerk = logged_in(client, "clerk")
    page = clerk.get("/rmas.csv?q=%E5%88%98")
    assert page.get_data() == response.get_data()  # the page's export, byte for byte
    assert clerk.get("/rmas?q=%E5%88%98&format=csv").get_data() == response.get_data()
    api.post(f"/rmas/{two['chen']}/assign", {"technician": "technician"})
    held = csv_rows(api.get("/rmas?technician=technician&format=csv"))
    assert [(r[0], r[8]) for r in held[1:]] == [(two["chen"], "technician")]
    assert [r[0] for r in csv_rows(api.get("/rmas?technician=none&format=csv"))[1:]] == [
        third, two["liu"]]
    monkeypatch.setattr(search, "CSV_CAP", 2)
    assert len(csv_rows(api.get("/rmas?format=csv"))) == 1 + 2
    assert api.get("/rmas?format=json").get_json()["rmas"]  # the default, said outright


@pytest.mark.parametrize(("query", "code"), [
    ("format=csv&received_from=2026-11-02&received_to=2026-11-01", "invalid_period"),
    ("format=csv&received_from=2025-01-01&received_to=2026-02-05", "period_too_long"),
    ("format=csv&status=lost", "invalid_field"),
    ("format=csv&q=", "missing_field"),
    ("format=xml", "invalid_field"),
])
def test_a_bad_csv_filter_is_422_json_before_any_line(api, two, query, code):
    response = api.get(f"/rmas?{query}")
    assert response.status_code == 422 and response.mimetype == "application/json"
    assert response.get_json()["error"] == code


def test_the_csv_is_role_checked_like_the_list(api, tokens, two):
    for role in ("clerk", "technician", "logistics", "supervisor", "admin"):
        assert api.as_(tokens[role]).get("/rmas?format=csv").status_code == 200
    refused = api.as_(None).get("/rmas?format=csv")
    assert refused.status_code == 401 and refused.mimetype == "application/json"
    assert api.as_("not-a-token").get("/rmas?format=csv").status_code == 401


def test_repeat_of_a_unit_back_soon_after_shipping(app, api, tokens, two, make_unit):
    """The unit shipped on 20 Nov comes back: repeat_of names the RMA it shipped under; it
    shows on the RMA page, the intake answer and the unit's history."""
    from tests.integration.conftest import Flow, Staff

    staff = Staff(*(db.session.scalar(db.select(users.User).where(
        users.User.username == r)) for r in ("clerk", "technician", "logistics", "supervisor")))
    settings = DepotSettings.from_config(app.config)
    flow = Flow(make_unit, staff, settings)
    first = flow.ready("BACK-300")
    shipping.ship(db.session, first, carrier="SF", tracking_number="SF9876543210",
                  scanned=["BACK-300", first], packed=[], missing=[], settings=settings,
                  actor=staff.logistics, now=NOW)
    again, _ = intake.receive_unit(db.session, "BACK-300", "又坏了", [], actor=staff.clerk,
                                   now=NOW + timedelta(days=30))
    again_number = again.number
    db.session.remove()
    assert api.get(f"/rmas/{again_number}").get_json()["repeat_of"] == first
    assert api.get(f"/rmas/{first}").get_json()["repeat_of"] is None
    found = api.get("/rmas?q=sf9876543210").get_json()["rmas"]
    assert [r["number"] for r in found] == [first]
    client = logged_in(app.test_client(), "technician")
    unit_page = client.get("/units/BACK-300").text
    assert f'data-repeat-of="{first}"' in unit_page and again_number in unit_page
    app.config["DEPOT_REPEAT_DAYS"] = 20
    assert api.get(f"/rmas/{again_number}").get_json()["repeat_of"] is None


def test_the_list_page_filters_counts_sorts_and_scans(app, client, two):
    client = logged_in(client, "clerk")
    page = client.get("/rmas?q=6666")
    assert page.status_code == 200
    assert two["chen"] in page.text and two["liu"] not in page.text
    assert 'data-status="received"><span>' in page.text  # the counts per status
    sorted_page = client.get("/rmas?sort=customer_name&dir=asc").text
    assert sorted_page.index("刘德华") < sorted_page.index("陈小春")
    desc = client.get("/rmas?sort=customer_name&dir=desc").text
    assert desc.index("陈小春") < desc.index("刘德华")
    scanned = client.get(f"/rmas?scan={two['liu'].lower()}")
    assert scanned.status_code == 302 and scanned.headers["Location"].endswith(two["liu"])
    by_serial = client.get("/rmas?scan=CHEN-200")
    assert by_serial.headers["Location"].endswith(f"/rmas/{two['chen']}")
    searched = client.get("/rmas?scan=刘德")  # names no code: searched for
    assert searched.status_code == 200 and two["liu"] in searched.text
    form = client.get("/rmas?q=&status=&model=&received_from=&received_to=")  # "Show", blank
    assert form.status_code == 200 and two["liu"] in form.text and two["chen"] in form.text
    bad = client.get("/rmas?received_from=2026-13-01")
    assert bad.status_code == 422 and 'data-code="invalid_date"' in bad.text


def test_the_csv_export_is_the_filtered_list(app, client, two):
    client = logged_in(client, "clerk")
    response = client.get("/rmas.csv?q=%E5%88%98")  # 刘
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["number", "serial", "model", "status", "customer_name"]
    assert [r[0] for r in rows[1:]] == [two["liu"]] and rows[1][4] == "刘德华"


def test_supervisors_get_the_dashboard_with_links_to_the_list(app, client, two, make_unit):
    make_unit("LATE-400", customer=LIU)
    clerk = db.session.scalar(db.select(users.User).where(users.User.username == "clerk"))
    late, _ = intake.receive_unit(db.session, "LATE-400", "", [], actor=clerk,
                                  now=NOW - timedelta(days=20))  # due early in November
    late_number = late.number
    db.session.remove()
    client = logged_in(client, "supervisor")
    home = client.get("/")
    assert home.status_code == 200 and 'id="fig-overdue"' in home.text
    assert "/rmas?overdue=true" in home.text
    figure = home.text.split('id="fig-overdue"', 1)[1].split("</strong>", 1)[0]
    assert figure.endswith("<strong>1")
    overdue = client.get("/rmas?overdue=true").text
    assert late_number in overdue and two["chen"] not in overdue


def test_a_clerk_lands_on_intake_not_the_dashboard(app, client):
    client = logged_in(client, "clerk")
    assert client.get("/").headers["Location"].endswith("/intake")


def test_the_dashboard_links_each_load_and_the_unassigned_to_the_list(app, api, client, two):
    import html
    import re

    api.post(f"/rmas/{two['liu']}/assign", {"technician": "technician"})
    client = logged_in(client, "supervisor")
    home = client.get("/").text
    figure = re.search(r'<a class="figure" id="fig-unassigned" href="([^"]+)"><strong>(\d+)<',
                       home)
    assert figure and figure[2] == "1"
    held = re.search(r'<a href="([^"]+)" data-technician="technician">technician</a></td>'
                     r'<td class="num">(\d+)<', home)
    nobody = re.search(r'<a href="([^"]+)" data-technician="none">[^<]+</a></td>'
                       r'<td class="num">(\d+)<', home)
    assert held[2] == "1" and nobody[2] == "1" and nobody[1] == figure[1]
    for link, expected, other in ((held[1], two["liu"], two["chen"]),
                                  (figure[1], two["chen"], two["liu"])):
        link = html.unescape(link)
        assert "status=received" in link and "status=awaiting_parts" in link
        listing = client.get(link).text
        assert expected in listing and other not in listing
        assert 'id="status-filter" multiple' in listing  # the statuses stay in the form
    listing = client.get(html.unescape(figure[1])).text
    assert '<option value="none" selected>' in listing
    assert re.search(r'id="active-filters">[^<]*未分配', listing)
