"""The intake part of the public contract, through the test client."""
from __future__ import annotations

from datetime import date

import pytest

from depot.services.common import local_date
from depot.web.common import now as utcnow

CUSTOMER = {"name": "深圳某科技有限公司", "phone": "0755-88886666", "email": "it@example.cn",
            "address": "广东省深圳市南山区科技园南区高新南七道 R2-B 栋 5 楼"}


@pytest.fixture
def model(api):
    response = api.post("/models", {"code": "ZK-F18", "name": "指纹考勤机 F18", "warranty_months": 12})
    assert response.status_code == 201
    return response.get_json()


def unit_body(serial="F18A0012345", purchase="2025-12-01", **kw):
    return {"serial": serial, "model": "ZK-F18", "purchase_date": purchase, "customer": CUSTOMER,
            **kw}


def test_healthz_needs_no_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_answers_503_when_the_database_is_gone(tmp_path):
    from depot import create_app
    from depot.config import TestConfig

    missing = tmp_path / "no-such-dir" / "db.sqlite3"
    app = create_app(TestConfig(f"sqlite:///{missing}", tmp_path / "instance"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] != "ok"


def test_model_then_unit_then_lookup(api, model):
    assert model == {"code": "ZK-F18", "name": "指纹考勤机 F18", "warranty_months": 12,
                     "serial_pattern": None, "retired": False}
    created = api.post("/units", unit_body())
    assert created.status_code == 201, created.get_json()
    body = api.get("/units/F18A0012345").get_json()
    assert body["serial"] == "F18A0012345"
    assert body["customer"]["name"] == CUSTOMER["name"]
    warranty = body["warranty"]
    assert warranty["starts_on"] == "2025-12-01"
    assert warranty["ends_on"] == "2026-11-30"
    today = local_date(utcnow())
    expected = "in_warranty" if today <= date(2026, 11, 30) else "out_of_warranty"
    assert warranty["status"] == expected
    assert warranty["reasons"] and all(isinstance(r, str) for r in warranty["reasons"])
    assert body["rmas"] == []


def test_unit_without_purchase_date_is_unknown(api, model):
    api.post("/units", unit_body(purchase=None))
    warranty = api.get("/units/F18A0012345").get_json()["warranty"]
    assert warranty == {**warranty, "status": "unknown", "starts_on": None, "ends_on": None}


@pytest.mark.parametrize(("body", "field"), [
    ({"model": "ZK-F18", "purchase_date": None}, "serial"),
    ({"serial": "X1234", "purchase_date": None}, "model"),
    ({"serial": "X1234", "model": "ZK-F18", "purchase_date": "2025/01/02"}, "purchase_date"),
    ({"serial": "X1234", "model": "ZK-F18", "purchase_date": "2025-02-30"}, "purchase_date"),
    ({"serial": "X1234", "model": "ZK-F18"}, "purchase_date"),
    ({"serial": "X 1234", "model": "ZK-F18", "purchase_date": None}, None),
    ({"serial": 12345, "model": "ZK-F18", "purchase_date": None}, "serial"),
])
def test_bad_unit_input_is_422_with_the_error_shape(api, model, body, field):
    response = api.post("/units", body)
    assert response.status_code == 422
    error = response.get_json()
    assert set(error) == {"error", "message", "details"}
    assert isinstance(error["details"], dict)
    if field:
        assert error["details"].get("field") == field


def test_unknown_model_is_404_and_duplicate_serial_409(api, model):
    assert api.post("/units", unit_body(model="NOPE")).status_code == 404
    assert api.post("/units", unit_body()).status_code == 201
    again = api.post("/units", unit_body())
    assert again.status_code == 409
    assert again.get_json()["error"] == "unit_exists"


def test_non_json_body_is_422_not_500(api, model):
    response = api.post("/units", data="not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert api.post("/rmas", data=b"\xff\xfe", headers={"Content-Type": "application/json"}
                    ).status_code == 422


def test_tokens_and_roles(api, tokens, model):
    assert api.as_(None).get("/units/X").status_code == 401
    assert api.as_("bogus").get("/units/X").status_code == 401
    bad_scheme = api.client.get("/api/v1/units/X", headers={"Authorization": "Basic abc"})
    assert bad_scheme.status_code == 401
    assert bad_scheme.get_json()["error"] == "unauthorized"
    # Models are an admin's; units a clerk's; technicians may not register units.
    assert api.as_(tokens["clerk"]).post("/models", {"code": "A", "name": "A",
                                                     "warranty_months": 12}).status_code == 403
    assert api.as_(tokens["supervisor"]).post("/models", {"code": "A", "name": "A",
                                                          "warranty_months": 12}).status_code == 403
    assert api.as_(tokens["technician"]).post("/units", unit_body()).status_code == 403
    assert api.as_(tokens["logistics"]).post("/units", unit_body()).status_code == 403
    assert api.as_(tokens["clerk"]).post("/units", unit_body()).status_code == 201
    assert api.as_(tokens["technician"]).get("/units/F18A0012345").status_code == 200
    assert api.as_(tokens["technician"]).post("/rmas", {"serial": "F18A0012345"}
                                              ).status_code == 403
    assert api.as_(tokens["logistics"]).post("/scans", {"text": "F18A0012345"}).status_code == 200
    assert api.as_(tokens["technician"]).post("/units/import", data=b"x",
                                              headers={"Content-Type": "text/csv"}
                                              ).status_code == 403


def test_create_rma_with_warranty_due_date_and_event(api, tokens, model):
    api.post("/units", unit_body(purchase="2025-03-02"))
    response = api.as_(tokens["clerk"]).post("/rmas", {
        "serial": "F18A0012345", "fault_description": "不开机 / no power",
        "accessories": ["power_adapter", "data_cable"], "reported_on": "2026-03-01"})
    assert response.status_code == 201, response.get_json()
    rma = response.get_json()
    assert rma["number"].startswith(f"RMA-{local_date(utcnow()).year}-")
    assert len(rma["number"]) == len("RMA-2026-000001")
    assert rma["status"] == "received"
    # Judged on reported_on: the last covered day.
    assert rma["warranty"]["status"] == "in_warranty"
    assert rma["warranty"]["ends_on"] == "2026-03-01"
    assert rma["accessories"] == ["power_adapter", "data_cable"]
    assert rma["reported_on"] == "2026-03-01"
    assert rma["received_on"] == local_date(utcnow()).isoformat()
    assert date.fromisoformat(rma["due_on"]) > date.fromisoformat(rma["received_on"])
    for key in ("serial", "fault_description", "damage_class", "covered", "quotes", "events"):
        assert key in rma
    assert rma["events"] == [{"action": "receive", "from_status": None, "to_status": "received",
                              "actor": "clerk", "at": rma["events"][0]["at"], "reason": None,
                              "via": "api", "ip": "127.0.0.1"}]
    fetched = api.as_(tokens["technician"]).get(f"/rmas/{rma['number']}").get_json()
    assert fetched["number"] == rma["number"] and fetched["status"] == "received"
    unit = api.get("/units/F18A0012345").get_json()
    assert [r["number"] for r in unit["rmas"]] == [rma["number"]]


def test_rma_judged_the_day_after_is_out_of_warranty(api, model):
    api.post("/units", unit_body(purchase="2025-03-02"))
    rma = api.post("/rmas", {"serial": "F18A0012345", "reported_on": "2026-03-02"}).get_json()
    assert rma["warranty"]["status"] == "out_of_warranty"


def test_idempotency_key_returns_the_first_rma(api, model):
    api.post("/units", unit_body())
    first = api.post("/rmas", {"serial": "F18A0012345"}, headers={"Idempotency-Key": "k-1"})
    again = api.post("/rmas", {"serial": "F18A0012345"}, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["number"] == first.get_json()["number"]
    numbers = [r["number"] for r in api.get("/units/F18A0012345").get_json()["rmas"]]
    assert numbers == [first.get_json()["number"]]


def test_refused_rmas_use_no_number(api, model):
    api.post("/units", unit_body())
    api.post("/units", unit_body(serial="F18A0099999"))
    assert api.post("/rmas", {"serial": "NOPE-1"}).status_code == 404
    assert api.post("/rmas", {"serial": "F18A0012345", "accessories": ["laser"]}
                    ).status_code == 422
    assert api.post("/rmas", {"serial": "F18A0012345", "reported_on": "2999-01-01"}
                    ).status_code == 422
    first = api.post("/rmas", {"serial": "F18A0012345"}).get_json()["number"]
    duplicate = api.post("/rmas", {"serial": "F18A0012345"})
    assert duplicate.status_code == 409
    assert duplicate.get_json()["details"]["rma"] == first
    second = api.post("/rmas", {"serial": "F18A0099999"}).get_json()["number"]
    assert int(second[-6:]) == int(first[-6:]) + 1
    assert first.endswith("000001")


def test_unknown_rma_is_404(api):
    response = api.get("/rmas/RMA-2026-999999")
    assert response.status_code == 404
    assert response.get_json()["error"] == "rma_not_found"


@pytest.mark.parametrize(("accept", "message"), [
    ("zh-CN", "没有编号为 RMA-2026-999999 的维修单"),
    ("zh-TW", "沒有編號為 RMA-2026-999999 的維修單"),
    ("zh-Hant-TW,zh;q=0.8", "沒有編號為 RMA-2026-999999 的維修單"),
    ("zh-HK,en;q=0.5", "沒有編號為 RMA-2026-999999 的維修單"),
    ("fr-FR,en;q=0.8,zh-CN;q=0.5", "no RMA numbered RMA-2026-999999"),
    ("en-US,en;q=0.9", "no RMA numbered RMA-2026-999999"),
    ("fr", "没有编号为 RMA-2026-999999 的维修单"),  # not offered: Chinese first
])
def test_an_api_error_answers_in_the_readers_language(api, accept, message):
    response = api.get("/rmas/RMA-2026-999999", headers={"Accept-Language": accept})
    assert response.status_code == 404
    body = response.get_json()
    assert (body["error"], body["message"]) == ("rma_not_found", message)
    assert body["details"] == {"number": "RMA-2026-999999"}  # the values, whatever the language


def test_an_error_naming_a_list_reads_it_in_the_readers_language(api, model):
    api.post("/units", unit_body())
    body = {"serial": "F18A0012345", "accessories": ["battery", "pencil", "eraser"]}
    chinese = api.post("/rmas", body, headers={"Accept-Language": "zh-CN"}).get_json()
    english = api.post("/rmas", body).get_json()
    assert chinese["error"] == english["error"] == "invalid_accessory"
    assert chinese["message"] == "未知的附件：pencil, eraser"
    assert english["message"] == "unknown accessories: pencil, eraser"


def test_scan_text_finds_unit_and_open_rma(api, model):
    api.post("/units", unit_body())
    scan = api.post("/scans", {"text": "  F18A0012345\r\n"}).get_json()
    assert scan["codes"] == [{"text": "F18A0012345", "symbology": "text"}]
    assert scan["unit"]["serial"] == "F18A0012345" and scan["rma"] is None
    number = api.post("/rmas", {"serial": "F18A0012345"}).get_json()["number"]
    by_serial = api.post("/scans", {"text": "F18A0012345"}).get_json()
    assert by_serial["rma"]["number"] == number
    by_tag = api.post("/scans", {"text": number}).get_json()
    assert by_tag["rma"]["number"] == number and by_tag["unit"]["serial"] == "F18A0012345"
    unknown = api.post("/scans", {"text": "NOT-KNOWN-1"}).get_json()
    assert unknown["unit"] is None and unknown["rma"] is None
    assert unknown["codes"][0]["text"] == "NOT-KNOWN-1"
    assert api.post("/scans", {"text": " \r\n"}).status_code == 422
