"""Serials are matched case-insensitively with surrounding whitespace ignored (DESIGN.md §4b
"Finding things"): a unit registered as T8A1234567 is the same unit when a scanner or a clerk
gives t8a1234567, and a second unit cannot be registered for it under another spelling."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.web.test_api_shipping import BOX, ready

UNIT = {"model": "ZK-F18", "purchase_date": "2025-12-01",
        "customer": {"name": "王五", "phone": "13900000000"}}


@pytest.fixture
def registered(api):
    assert api.post("/models", {"code": "ZK-F18", "name": "指纹考勤机 F18",
                                "warranty_months": 12}).status_code == 201
    created = api.post("/units", {**UNIT, "serial": "T8A1234567"})
    assert created.status_code == 201, created.get_json()
    return "T8A1234567"


@pytest.mark.parametrize("asked", ["t8a1234567", "T8a1234567", " t8a1234567 ", "\tT8A1234567"])
def test_a_unit_is_found_in_any_case_and_keeps_its_spelling(api, registered, asked):
    found = api.get(f"/units/{quote(asked)}")
    assert found.status_code == 200, found.get_json()
    assert found.get_json()["serial"] == "T8A1234567"
    scan = api.post("/scans", {"text": asked}).get_json()
    assert scan["unit"] is not None and scan["unit"]["serial"] == "T8A1234567"


def test_an_rma_is_opened_with_the_serial_in_another_case(api, registered):
    response = api.post("/rmas", {"serial": " t8a1234567 "})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["serial"] == "T8A1234567"
    again = api.post("/rmas", {"serial": "T8A1234567"})
    assert again.status_code == 409 and again.get_json()["error"] == "open_rma_exists"
    scan = api.post("/scans", {"text": "t8a1234567"}).get_json()
    assert scan["rma"]["number"] == response.get_json()["number"]


def test_registering_the_serial_in_another_case_is_a_duplicate(api, registered):
    other = api.post("/units", {**UNIT, "serial": "t8a1234567"})
    assert other.status_code == 409
    error = other.get_json()
    assert error["error"] == "duplicate_serial"
    assert error["details"]["existing"] == "T8A1234567"
    assert "T8A1234567" in error["message"]
    same = api.post("/units", {**UNIT, "serial": " T8A1234567 "})
    assert same.status_code == 409 and same.get_json()["error"] == "unit_exists"
    spaced = api.post("/units", {**UNIT, "serial": "T8A 1234567"})
    assert spaced.status_code == 422 and spaced.get_json()["error"] == "invalid_serial"
    assert api.get("/units/t8a1234567").get_json()["serial"] == "T8A1234567"


def test_a_serial_that_looks_like_another_is_registered_with_a_warning(api, registered):
    """O for 0 and I or l for 1 are easy to misread on a worn label: Depot registers the unit
    (they may be two devices) and says which serial it resembles."""
    looks_alike = api.post("/units", {**UNIT, "serial": "T8AI234567"})
    assert looks_alike.status_code == 201
    body = looks_alike.get_json()
    assert body["similar_serials"] == ["T8A1234567"]
    assert body["warnings"] and "T8A1234567" in body["warnings"][0]
    unrelated = api.post("/units", {**UNIT, "serial": "T8A7654321"}).get_json()
    assert unrelated["similar_serials"] == [] and unrelated["warnings"] == []


def test_the_box_is_verified_by_the_serial_in_another_case(api, tokens, make_unit):
    number = ready(api, tokens, make_unit, "SHIPCASE01", accessories=())
    response = api.as_(tokens["logistics"]).post(f"/rmas/{number}/shipment", {
        **BOX, "scanned": ["shipcase01", number.lower()]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "shipped"
