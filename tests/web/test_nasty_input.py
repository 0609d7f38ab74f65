"""Nasty input, by hand: every JSON endpoint of the document, the page forms and the customer's
links get bodies that are not objects, JSON nested 10,000 deep, NUL bytes, lone surrogates,
1e30, 1e-1000000, 2**63, 10,000-character strings, 9999-12-31, an email with CR/LF; URLs get
NUL bytes and ids past 2**63. The answer is 422 (or 404 for what cannot exist), never a 5xx,
and nothing is stored that breaks a later read."""
from __future__ import annotations

import json
import re
from typing import Any

import pytest

from depot.models import Quote, db
from depot.services import users
from depot.services.links import quote_token
from depot.services.settings import DepotSettings
from depot.words import field_word
from tests.conftest import NOW
from tests.contract import openapi_of
from tests.web.test_pages import csrf_from, login

LONG = "x" * 10_000
DEEP_LIST = "[" * 10_000 + "]" * 10_000
DEEP_OBJECT = '{"a":' * 10_000 + "1" + "}" * 10_000
NOT_OBJECTS = ["[1]", '"x"', "null", "1", "{", "{'a': 1}", DEEP_LIST, DEEP_OBJECT,
               '{"x": NaN}', '{"x": Infinity}', '{"x": 1', "\ud800"]
RAW = "__raw__"
# Values no field of any schema takes: JSON text, put in place of one property.
BAD_VALUES = ['"a\\u0000b"', '"\\ud800"', json.dumps(LONG), "1e30", "1e-1000000",
              str(2**63), "[" * 200 + "]" * 200, '"\\u001b[31m"']


LINES = {"lines": [{"kind": "labor", "description": "更换外壳", "quantity": 1,
                    "unit_price": "80.00"}]}


def inspected_rma(api, make_unit, serial: str) -> str:
    make_unit(serial)
    number = api.post("/rmas", {"serial": serial}).get_json()["number"]
    api.post(f"/rmas/{number}/inspection", {"findings": ["shell_damage"]})
    return number


@pytest.fixture
def world(api, tokens, make_unit) -> dict[str, str]:
    """A unit, its inspected man-made RMA with a draft quote, a part: values for every path."""
    number = inspected_rma(api, make_unit, "NASTY0001")
    draft = api.post(f"/rmas/{number}/quotes", LINES).get_json()["number"]
    assert api.post("/parts", {"part_number": "PSU-12V", "name_zh": "电源板",
                               "cost_price": "35.50"}).status_code == 201
    hook = api.post("/webhooks", {"url": "http://127.0.0.1:9/in", "events": ["rma.created"],
                                  "secret": "nasty-input-secret-1"}).get_json()["id"]
    db.session.remove()
    return {"number": number, "quote": draft, "serial": "NASTY0001", "code": "no_power",
            "part_number": "PSU-12V", "attachment_id": "1", "payment_id": "1",
            "model": "AT-100", "username": "clerk", "webhook_id": str(hook)}


@pytest.fixture
def customer_link(api, make_unit, app) -> dict[str, str]:
    """An RMA whose quote was sent: its number, the quote's and the customer's link token."""
    number = inspected_rma(api, make_unit, "NASTY0002")
    sent = api.post(f"/rmas/{number}/quotes", LINES).get_json()["number"]
    assert api.post(f"/rmas/{number}/quotes/{sent}/send").status_code == 200
    quote = db.session.query(Quote).filter_by(number=sent).one()
    token = quote_token(DepotSettings.from_config(app.config).secret, sent, quote.token_nonce)
    db.session.remove()
    return {"rma": number, "quote": sent, "token": token}


def json_operations(app) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path template, body schema) of every operation taking a JSON body."""
    doc = openapi_of(app)
    out = []
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                ref = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
                out.append((method.upper(), path, doc["components"]["schemas"][ref]))
    return out


def fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values[m[1]], path)


def send(api, method: str, path: str, text: str):
    return api.client.open(path, method=method, data=text.encode("utf-8", "surrogatepass"),
                           headers={**api._headers(None), "Content-Type": "application/json"})


def still_readable(api, world) -> None:
    """Nothing stored breaks a read: the unit, the RMAs, their quotes and PDFs still answer."""
    assert api.get(f"/units/{world['serial']}").status_code == 200
    assert api.get(f"/rmas/{world['number']}").status_code == 200
    assert api.get(f"/rmas/{world['number']}/quotes/{world['quote']}.pdf").status_code == 200
    assert api.get("/parts").status_code == 200 and api.get("/findings").status_code == 200


def test_bodies_that_are_not_json_objects_are_422_everywhere(api, world, app):
    operations = json_operations(app)
    assert len(operations) >= 20
    wrong = []
    for method, path, _schema in operations:
        for text in NOT_OBJECTS:
            response = send(api, method, fill(path, world), text)
            body = response.get_json(silent=True) or {}
            if response.status_code != 422 or body.get("error") != "invalid_json" \
                    or set(body) != {"error", "message", "details"}:
                wrong.append((method, path, text[:20], response.status_code))
    assert wrong == []
    still_readable(api, world)


def test_a_nasty_value_in_any_field_is_422_naming_it(api, world, app):
    wrong = []
    for method, path, schema in json_operations(app):
        for name in schema.get("properties", {}):
            for value in BAD_VALUES:
                text = json.dumps({name: RAW}).replace(json.dumps(RAW), value)
                response = send(api, method, fill(path, world), text)
                details = (response.get_json(silent=True) or {}).get("details", {})
                named = [f for f in details.get("fields", ())
                         if f == name or f.startswith(name + ".")]
                if response.status_code != 422 or not named:
                    wrong.append((method, path, name, value[:20], response.status_code))
    assert wrong == []
    still_readable(api, world)


@pytest.mark.parametrize(("path", "body", "field", "code"), [
    ("/units", {"serial": "NASTY0009", "model": "AT-100", "purchase_date": None,
                "customer": {"name": "张三", "email": "a@example.cn\r\nBcc: x@example.cn"}},
     "customer.email", "invalid_field"),
    ("/units", {"serial": "NASTY0009", "model": "AT-100", "purchase_date": "9999-12-31"},
     "purchase_date", "invalid_date"),
    ("/units", {"serial": "NASTY0009", "model": "AT-100", "purchase_date": "1989-12-31"},
     "purchase_date", "invalid_date"),
    ("/units", {"serial": "NASTY\u00009", "model": "AT-100", "purchase_date": None},
     "serial", "invalid_field"),
    ("/rmas", {"serial": "NASTY0001", "reported_on": "9999-12-31"}, "reported_on",
     "invalid_date"),
    ("/rmas", {"serial": "NASTY0001", "fault_description": LONG}, "fault_description",
     "invalid_field"),
    ("/rmas", {"serial": "NASTY0001", "accessories": ["x" * 31]}, "accessories",
     "invalid_field"),
    ("/models", {"code": "M1", "name": "\ud800", "warranty_months": 12}, "name",
     "invalid_field"),
    ("/models", {"code": "M1", "name": "M", "warranty_months": 2**63}, "warranty_months",
     "invalid_field"),
    ("/models", {"code": "M1", "name": "M", "warranty_months": "12"}, "warranty_months",
     "invalid_field"),
    ("/parts", {"part_number": "P1", "name_zh": "x", "cost_price": 1e30}, "cost_price",
     "invalid_field"),
    ("/parts", {"part_number": "P1", "name_zh": "x", "cost_price": "NaN"}, "cost_price",
     "invalid_field"),
    ("/findings", {"code": "rust", "damage_class": "man_made", "label_zh": LONG,
                   "label_en": "rust"}, "label_zh", "invalid_field"),
])
def test_named_refusals(api, world, path, body, field, code):
    response = api.post(path, body)
    assert response.status_code == 422
    error = response.get_json()
    assert (error["error"], error["details"]["field"]) == (code, field)
    # The message names the field in words (the code is in details.field).
    assert "%(" not in error["message"] and field_word("en", field) in error["message"]


def test_quote_line_refusals_name_the_line(api, world):
    path = f"/rmas/{world['number']}/quotes/{world['quote']}"
    for price in ("1e30", "1e-1000000", "Infinity"):
        text = ('{"lines": [{"kind": "part", "description": "x", "unit_price": %s}]}'
                % (price if price[0].isdigit() else json.dumps(price)))
        response = send(api, "PUT", "/api/v1" + path, text)
        assert response.status_code == 422, price
        details = response.get_json()["details"]
        assert details["field"] == "lines.0.unit_price" and details["index"] == 0
    long_line = {"lines": [{"kind": "part", "description": LONG, "unit_price": "1.00"}]}
    assert api.put(path, long_line).get_json()["details"]["field"] == "lines.0.description"
    assert api.get(path).get_json()["total"] == "80.00"  # the draft is as it was


def test_tiny_and_huge_numbers_are_not_rounded_into_amounts(api, world):
    number = world["number"]
    for amount in ("1e-1000000", "0.001", "1e10", "-5"):
        text = '{"amount": %s, "method": "cash"}' % amount
        assert send(api, "POST", f"/api/v1/rmas/{number}/payments", text).status_code == 422
    assert api.get(f"/rmas/{number}").get_json()["payments"] == []


def test_the_csv_import_bounds_dates_and_cells(api, world):
    header = ("serial,model,purchase_date,customer_name,customer_phone,customer_email,"
              "customer_address\n")
    rows = ("NASTY0011,AT-100,9999-12-31,x,,,\n"
            "NASTY0012,AT-100,2025-01-01,x\x00y,,,\n"
            f"NASTY0013,AT-100,2025-01-01,{'x' * 201},,,\n"
            'NASTY0014,AT-100,2025-01-01,x,,"a@example.cn\r\nBcc: y",\n'  # lines 5-6
            "NASTY\x000015,AT-100,2025-01-01,x,,,\n"
            "NASTY0016,AT\x00-100,2025-01-01,x,,,\n")
    response = api.post("/units/import", data=(header + rows).encode(),
                        headers={"Content-Type": "text/csv"})
    assert response.status_code == 200
    report = response.get_json()
    assert (report["created"], report["updated"]) == (0, 0)
    assert [e["line"] for e in report["errors"]] == [2, 3, 4, 5, 7, 8]
    assert report["errors"][0]["code"] == "invalid_date"
    assert "9999-12-31" not in report["errors"][0]["message"]


@pytest.mark.parametrize("value", ["%00", "a%00b", "x" * 300, "%1B%5B31m", "%ED%A0%80"])
def test_nasty_url_values_are_404(api, world, app, value):
    """A value that can name no row is 404 before anything else; bytes that are not UTF-8
    (a surrogate's encoding) are read as U+FFFD, which may name nothing either: 404, or 422
    for the body sent along."""
    doc = openapi_of(app)
    wrong = []
    for path, operations in doc["paths"].items():
        names = re.findall(r"\{(\w+)\}", path)
        for name in names:
            filled = fill(path, {**world, name: value})
            for method in operations:
                response = api.client.open(filled, method=method.upper(),
                                           headers=api._headers(None), json={})
                allowed = (404, 422) if value.startswith("%ED") else (404,)
                if response.status_code not in allowed:
                    wrong.append((method, filled[:60], response.status_code))
    assert wrong == []


def test_ids_past_the_column_are_404_without_a_query(api, world):
    for value in (2**31, 2**63, 2**64, 10**30):
        assert api.get(f"/attachments/{value}").status_code == 404


@pytest.fixture
def admin_client(client, app):
    users.create_user(db.session, "boss", "admin", password="admin-password-1", now=NOW)
    db.session.remove()
    login(client, "boss", "admin-password-1")
    return client


def post_form(client, path: str, page: str | None = None, **data):
    return client.post(path, data={"csrf_token": csrf_from(client.get(page or path).text),
                                   **data})


@pytest.mark.parametrize(("path", "data"), [
    ("/admin/findings", {"code": "rust", "damage_class": "man_made", "label_zh": LONG,
                         "label_en": "rust"}),
    ("/admin/findings", {"code": "rust", "damage_class": "man_made", "label_zh": "锈",
                         "label_en": "r\x00ust"}),
    ("/admin/models", {"code": "M\x001", "name": "M", "warranty_months": "12"}),
    ("/admin/models", {"code": "M1", "name": "M", "warranty_months": str(2**63)}),
    ("/admin/parts", {"part_number": "P1", "name_zh": "x", "cost_price": "1e-1000000"}),
    ("/admin/parts", {"part_number": "P1", "name_zh": "x", "cost_price": "1e30"}),
    ("/admin/parts", {"part_number": "P1", "name_zh": "x", "cost_price": "1",
                      "stock": str(2**63)}),
    ("/admin/printers", {"name": "p1", "host": "printer.local", "port": str(2**63)}),
    ("/admin/calendar", {"day": "9999-12-31", "is_working": "1"}),
    ("/admin/calendar", {"day": "2027-02-06", "is_working": "1", "note": "\x00"}),
])
def test_admin_forms_refuse_nasty_input(admin_client, path, data):
    response = post_form(admin_client, path, **data)
    assert response.status_code == 422
    assert 'id="form-error"' in response.text
    assert admin_client.get(path).status_code == 200


@pytest.mark.parametrize(("form", "data"), [
    ("lines", {"kind": ["part"], "description": [LONG], "quantity": ["1"],
               "unit_price": ["1.00"]}),
    ("lines", {"kind": ["part", "part"], "description": ["a", "b"], "quantity": ["1", "1"],
               "unit_price": ["1.00", "1e30"]}),
    ("lines", {"kind": ["part"], "description": ["a\x00b"], "quantity": ["1"],
               "unit_price": ["1.00"]}),
    ("payments", {"amount": "1e-1000000", "method": "cash"}),
    ("payments", {"amount": "10.00", "method": "cash", "reference": "\x00"}),
    ("override", {"covered": "yes", "reason": "大客户\x00让步"}),
    ("override", {"covered": "yes", "reason": LONG}),
])
def test_rma_page_forms_refuse_nasty_input(admin_client, world, api, form, data):
    number, quote = world["number"], world["quote"]
    path = {"lines": f"/rmas/{number}/quotes/{quote}/lines"}.get(form, f"/rmas/{number}/{form}")
    response = post_form(admin_client, path, page=f"/rmas/{number}", **data)
    assert response.status_code == 422
    assert 'id="form-error"' in response.text
    if form == "lines" and "1e30" in data["unit_price"]:
        # The row is named as the page shows it, in the page's language (zh_CN by default).
        assert "第 2 行：" in response.text
    assert admin_client.get(f"/rmas/{number}").status_code == 200
    rma = api.get(f"/rmas/{number}").get_json()
    assert rma["payments"] == [] and rma["covered"] is False
    assert api.get(f"/rmas/{number}/quotes/{quote}").get_json()["total"] == "80.00"


def test_login_names_with_nul_are_refused_before_any_lookup(client, app):
    page = client.get("/login")
    response = client.post("/login", data={"username": "bo\x00ss", "password": "whatever-1",
                                           "csrf_token": csrf_from(page.text)})
    assert response.status_code == 401


@pytest.mark.parametrize("answer", ["approve", "decline"])
def test_customer_links_refuse_nasty_bodies(client, api, customer_link, answer):
    for token in (customer_link["token"], "not-a-token"):
        url = f"/q/{token}/{answer}"
        for text in NOT_OBJECTS:
            response = client.post(url, data=text.encode("utf-8", "surrogatepass"),
                                   content_type="application/json")
            assert response.status_code == 422, (token[:8], text[:20])
            assert response.get_json()["error"] == "invalid_json"
        for comment in (LONG, "a\x00b", "\ud800"):
            response = client.post(url, data=json.dumps({"comment": comment}),
                                   content_type="application/json")
            assert response.status_code == 422
            assert response.get_json()["details"]["field"] == "comment"
        page = client.post(url, data={"comment": LONG})  # the quote page's own form
        assert page.status_code == 422 and 'id="refusal"' in page.text
    rma = api.get(f"/rmas/{customer_link['rma']}").get_json()
    assert rma["status"] == "awaiting_approval"  # nothing was answered
    done = client.post(f"/q/{customer_link['token']}/{answer}", json={"comment": "好的"})
    assert done.status_code == 200 and done.get_json()["quote"] == customer_link["quote"]


def test_uploaded_file_names_are_checked_like_text(api, world):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(buffer, "PNG")
    path = f"/rmas/{world['number']}/photos"
    for name in ("a\x00b.png", "\x1b[31m.png"):
        refused = api.post(path, data={"photo": (io.BytesIO(buffer.getvalue()), name)},
                           content_type="multipart/form-data")
        assert refused.status_code == 422 and refused.get_json()["details"]["field"] == "photo"
    long_name = "照片" * 300 + ".png"
    taken = api.post(path, data={"photo": (io.BytesIO(buffer.getvalue()), long_name)},
                     content_type="multipart/form-data")
    assert taken.status_code == 201
    assert api.get(f"/rmas/{world['number']}").status_code == 200
