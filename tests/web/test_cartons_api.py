"""Cartons (整箱收货) through HTTP: open one, receive units into it, read it, its receipt."""
from __future__ import annotations

import io
import json
import re

import pytest
from pypdf import PdfReader

from depot.models import Carton, CartonCounter, Rma, db

CAN = ("clerk", "supervisor", "admin")
CANNOT = ("technician", "logistics")


def counts() -> tuple[int, int]:
    return db.session.query(Carton).count(), db.session.query(Rma).count()


def test_a_clerk_opens_a_carton_and_receives_units_into_it(api, tokens, make_unit):
    clerk = api.as_(tokens["clerk"])
    made = clerk.post("/cartons", {"carrier": "sf", "tracking_number": "sf1402938847561",
                                   "customer": {"name": "深圳某某科技有限公司",
                                                "phone": "0755-88888888"}})
    assert made.status_code == 201, made.get_json()
    carton = made.get_json()
    assert re.fullmatch(r"CTN-\d{4}-000001", carton["number"])
    assert (carton["carrier"], carton["tracking_number"], carton["unit_count"],
            carton["rmas"], carton["created_by"]) == ("SF", "SF1402938847561", 0, [], "clerk")
    assert carton["customer"]["name"] == "深圳某某科技有限公司"
    for serial in ("CTNAPI01", "CTNAPI02"):
        make_unit(serial)
        rma = clerk.post("/rmas", {"serial": serial, "fault_description": "不开机",
                                   "accessories": ["power_adapter"],
                                   "carton": carton["number"].lower()})
        assert rma.status_code == 201, rma.get_json()
        assert rma.get_json()["carton"] == carton["number"]
    read = clerk.get(f"/cartons/{carton['number']}").get_json()
    assert read["unit_count"] == 2
    assert [(r["serial"], r["status"], r["fault_description"], r["accessories"])
            for r in read["rmas"]] == [("CTNAPI01", "received", "不开机", ["power_adapter"]),
                                       ("CTNAPI02", "received", "不开机", ["power_adapter"])]
    first = read["rmas"][0]["number"]
    assert clerk.get(f"/rmas/{first}").get_json()["carton"] == carton["number"]


def test_numbers_follow_each_other_and_a_refused_one_takes_none(api):
    first = api.post("/cartons", {}).get_json()["number"]
    assert api.post("/cartons", {"tracking_number": "SF1"}).status_code == 422
    assert api.post("/cartons", {"tracking_number": "JD0001234567"}).status_code == 201
    again = api.post("/cartons", {"tracking_number": "jd0001234567"})
    assert again.status_code == 409
    assert again.get_json()["error"] == "carton_exists"
    third = api.post("/cartons", {}).get_json()["number"]
    assert [int(n[-6:]) for n in (first, third)] == [1, 3]
    assert again.get_json()["details"]["carton"][-6:] == "000002"
    assert db.session.get(CartonCounter, int(first[4:8])).last == 3


def test_an_unknown_carton_refuses_the_rma_and_creates_nothing(api, make_unit):
    make_unit("CTNAPI09")
    before = counts()
    answer = api.post("/rmas", {"serial": "CTNAPI09", "carton": "CTN-2026-999999"})
    assert answer.status_code == 404
    body = answer.get_json()
    assert (body["error"], body["details"]["field"]) == ("carton_not_found", "carton")
    assert "CTN-2026-999999" in body["message"]
    assert counts() == before
    # the number it would have taken is still free
    assert api.post("/rmas", {"serial": "CTNAPI09"}).get_json()["number"].endswith("000001")


def test_the_idempotency_key_still_answers_the_first_rma(api, make_unit):
    make_unit("CTNAPI10")
    number = api.post("/cartons", {}).get_json()["number"]
    body = {"serial": "CTNAPI10", "carton": number}
    first = api.post("/rmas", body, headers={"Idempotency-Key": "ctn-key-1"})
    again = api.post("/rmas", body, headers={"Idempotency-Key": "ctn-key-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["number"] == again.get_json()["number"]
    assert api.get(f"/cartons/{number}").get_json()["unit_count"] == 1


@pytest.mark.parametrize("role", CAN)
def test_roles_that_may_use_cartons(api, tokens, role):
    made = api.as_(tokens[role]).post("/cartons", {})
    assert made.status_code == 201
    number = made.get_json()["number"]
    assert api.as_(tokens[role]).get(f"/cartons/{number}").status_code == 200
    assert api.as_(tokens[role]).get(f"/cartons/{number}/receipt.pdf").status_code == 200


@pytest.mark.parametrize("role", CANNOT)
def test_roles_that_may_not(api, tokens, role):
    number = api.post("/cartons", {}).get_json()["number"]
    other = api.as_(tokens[role])
    for answer in (other.post("/cartons", {}), other.get(f"/cartons/{number}"),
                   other.get(f"/cartons/{number}/receipt.pdf")):
        assert answer.status_code == 403
        assert answer.get_json()["error"] == "forbidden"
    assert db.session.query(Carton).count() == 1


def test_no_token_no_carton(client):
    assert client.post("/api/v1/cartons", json={}).status_code == 401
    assert client.get("/api/v1/cartons/CTN-2026-000001").status_code == 401


def test_an_unknown_carton_is_404(api):
    for path in ("/cartons/CTN-2026-000404", "/cartons/CTN-2026-000404/receipt.pdf",
                 "/cartons/%00", "/cartons/" + "X" * 300):
        answer = api.get(path)
        assert answer.status_code == 404, path
        assert set(answer.get_json()) == {"error", "message", "details"}


@pytest.mark.parametrize(("body", "field"), [
    ({"carrier": "SF\u0000"}, "carrier"),
    ({"carrier": "\ud800"}, "carrier"),
    ({"carrier": "x" * 10_000}, "carrier"),
    ({"carrier": 12}, "carrier"),
    ({"carrier": ["SF"]}, "carrier"),
    ({"tracking_number": {"a": {"b": [1]}}}, "tracking_number"),
    ({"tracking_number": 1e30}, "tracking_number"),
    ({"tracking_number": "SF12345\u0000"}, "tracking_number"),
    ({"customer": "张三"}, "customer"),
    ({"customer": [{"name": "张三"}]}, "customer"),
    ({"customer": {"name": "张\u0000三"}}, "customer.name"),
    ({"customer": {"name": "张三", "email": "not-an-email"}}, "customer.email"),
    ({"customer": {"name": "x" * 100_000}}, "customer.name"),
    ({"customer": {"name": True}}, "customer.name"),
])
def test_bad_input_is_422_naming_the_field_and_creates_nothing(api, body, field):
    answer = api.post("/cartons", body)
    assert answer.status_code == 422, answer.get_json()
    data = answer.get_json()
    assert set(data) == {"error", "message", "details"}
    assert field in data["details"]["fields"]
    assert db.session.query(Carton).count() == 0


@pytest.mark.parametrize("carton", [12, ["CTN-2026-000001"], {"n": 1}, "C\u0000", "x" * 500,
                                    True])
def test_a_bad_carton_in_post_rmas_is_422(api, make_unit, carton):
    make_unit("CTNAPI11")
    answer = api.post("/rmas", {"serial": "CTNAPI11", "carton": carton})
    assert answer.status_code == 422, answer.get_json()
    assert "carton" in answer.get_json()["details"]["fields"]
    assert db.session.query(Rma).count() == 0


def test_the_receipt_lists_every_unit_of_the_carton(api, tokens, make_unit):
    clerk = api.as_(tokens["clerk"])
    number = clerk.post("/cartons", {"tracking_number": "SF1402938847561"}).get_json()["number"]
    rmas = []
    for i in range(12):
        serial = f"CTNPDF{i:02d}"
        make_unit(serial)
        rmas.append(clerk.post("/rmas", {"serial": serial, "fault_description": "屏幕不亮",
                                         "carton": number}).get_json()["number"])
    answer = clerk.get(f"/cartons/{number}/receipt.pdf", headers={"Accept-Language": "zh-CN"})
    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.data)).pages)
    for expected in [number, "SF1402938847561", "整箱收货回执", "屏幕不亮", "张三",
                     *rmas, *(f"CTNPDF{i:02d}" for i in range(12))]:
        assert expected in text, expected


def test_the_tag_of_a_unit_in_a_carton_carries_its_number(api, make_unit):
    make_unit("CTNTAG01")
    number = api.post("/cartons", {}).get_json()["number"]
    rma = api.post("/rmas", {"serial": "CTNTAG01", "carton": number}).get_json()["number"]
    tag = api.get(f"/rmas/{rma}/tag.pdf")
    assert tag.status_code == 200
    text = PdfReader(io.BytesIO(tag.data)).pages[0].extract_text()
    assert number in text and rma in text and "CTNTAG01" in text


@pytest.mark.parametrize(("lang", "words"), [
    ("zh_CN", ("整箱收货", "扫描快递运单", "加入本箱", "F4 完成本箱", "已加入本箱：")),
    ("zh_TW", ("整箱收貨", "掃描快遞運單", "加入本箱", "F4 完成本箱", "已加入本箱：")),
    ("en", ("Receive a carton", "the carrier", "Add the unit to the carton",
            "F4 finishes the carton", "Added to the carton:"))])
def test_the_intake_page_has_the_carton_mode_in_every_language(app, lang, words):
    from tests.web.test_payments_policy_and_times import signed_in

    client = signed_in(app, "clerk.carton", "clerk")
    client.get(f"/lang/{lang}")
    html = client.get("/intake").get_data(as_text=True)
    assert 'id="carton-mode"' in html and "js/carton.js" in html
    for word in words[:-1]:
        assert word in html, word
    script = re.search(r'<script id="carton-i18n" type="application/json">(.*?)</script>',
                       html, re.S)
    assert json.loads(script[1])["added"] == words[-1]
