"""Inspection, actions, overrides, parts and the queue through the API, with role checks."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.web.test_api_documents import decoded


@pytest.fixture
def number(api, make_unit):
    make_unit("BENCHAPI1")
    return api.post("/rmas", {"serial": "BENCHAPI1", "accessories": []}).get_json()["number"]


def test_inspection_answers_class_coverage_and_reasons(api, tokens, number):
    tech = api.as_(tokens["technician"])
    response = tech.post(f"/rmas/{number}/inspection",
                         {"findings": ["shell_damage"], "notes": "角落裂开"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["damage_class"] == "man_made" and body["covered"] is False
    assert "shell cracked: man-made damage, not covered" in body["reasons"]
    rma = tech.get(f"/rmas/{number}").get_json()
    assert (rma["status"], rma["damage_class"], rma["covered"]) == ("inspected", "man_made",
                                                                    False)
    assert rma["findings"] == ["shell_damage"] and rma["inspection_notes"] == "角落裂开"
    assert "send_quote" in rma["allowed_actions"]


def test_inspection_bad_input(api, tokens, number):
    tech = api.as_(tokens["technician"])
    assert tech.post(f"/rmas/{number}/inspection", {"findings": ["nope"]}).status_code == 422
    assert tech.post(f"/rmas/{number}/inspection", {"findings": "no_power"}).status_code == 422
    assert tech.post("/rmas/RMA-2020-000009/inspection", {"findings": []}).status_code == 404
    assert api.as_(tokens["clerk"]).post(f"/rmas/{number}/inspection",
                                         {"findings": []}).status_code == 403
    assert api.as_(tokens["logistics"]).post(f"/rmas/{number}/inspection",
                                             {"findings": []}).status_code == 403


def test_actions_409_with_allowed_and_422_for_unknown(api, tokens, number):
    tech = api.as_(tokens["technician"])
    response = tech.post(f"/rmas/{number}/actions", {"action": "pass_qa"})
    assert response.status_code == 409
    error = response.get_json()
    assert error["error"] == "invalid_transition"
    assert error["details"]["allowed"] == ["inspect", "cancel"]
    unknown = tech.post(f"/rmas/{number}/actions", {"action": "explode"})
    assert unknown.status_code == 422 and unknown.get_json()["error"] == "unknown_action"
    assert tech.post(f"/rmas/{number}/actions", {}).status_code == 422
    # Actions that have their own calls are not done here.
    assert api.post(f"/rmas/{number}/actions", {"action": "ship"}).status_code == 422


def test_covered_repair_through_the_api(api, tokens, number):
    tech = api.as_(tokens["technician"])
    tech.post(f"/rmas/{number}/inspection", {"findings": ["no_power"]})
    for action in ("start_repair", "wait_parts", "resume", "finish_repair", "fail_qa"):
        body = {"action": action, "reason": "fan noise" if action == "fail_qa" else None}
        response = tech.post(f"/rmas/{number}/actions", body)
        assert response.status_code == 200, (action, response.get_json())
    for action in ("finish_repair", "pass_qa"):
        assert tech.post(f"/rmas/{number}/actions", {"action": action}).status_code == 200
    rma = tech.get(f"/rmas/{number}").get_json()
    assert rma["status"] == "ready_to_ship"
    assert [e["action"] for e in rma["events"]][-3:] == ["fail_qa", "finish_repair", "pass_qa"]
    assert rma["events"][-3]["reason"] == "fan noise"
    assert all(e["actor"] == "technician" for e in rma["events"][1:])


def test_who_may_do_which_action(api, tokens, number):
    as_ = {role: api.as_(token) for role, token in tokens.items()}
    assert as_["clerk"].post(f"/rmas/{number}/actions", {"action": "start_repair"}
                             ).status_code == 403
    assert as_["logistics"].post(f"/rmas/{number}/actions", {"action": "start_repair"}
                                 ).status_code == 403
    cancel = {"action": "cancel", "reason": "customer withdrew"}
    assert as_["technician"].post(f"/rmas/{number}/actions", cancel).status_code == 403
    assert as_["logistics"].post(f"/rmas/{number}/actions", cancel).status_code == 403
    no_reason = as_["supervisor"].post(f"/rmas/{number}/actions", {"action": "cancel"})
    assert no_reason.status_code == 422 and no_reason.get_json()["error"] == "reason_required"
    assert as_["supervisor"].post(f"/rmas/{number}/actions", cancel).status_code == 200
    closing = as_["logistics"].post(f"/rmas/{number}/actions", {"action": "close"})
    assert closing.status_code == 409  # allowed to try, not from cancelled


def test_override_is_a_supervisors_with_a_reason(api, tokens, make_unit):
    make_unit("OLDUNIT01", None)
    number = api.post("/rmas", {"serial": "OLDUNIT01"}).get_json()["number"]
    api.as_(tokens["technician"]).post(f"/rmas/{number}/inspection", {"findings": ["no_boot"]})
    body = {"warranty": "in_warranty", "reason": "invoice shown by phone"}
    assert api.as_(tokens["technician"]).post(f"/rmas/{number}/override", body
                                              ).status_code == 403
    assert api.as_(tokens["supervisor"]).post(f"/rmas/{number}/override",
                                              {"covered": True}).status_code == 422
    response = api.as_(tokens["supervisor"]).post(f"/rmas/{number}/override", body)
    assert response.status_code == 200
    rma = response.get_json()
    assert rma["warranty"]["status"] == "in_warranty" and rma["covered"] is True
    assert rma["events"][-1]["action"] == "override"
    assert "invoice shown by phone" in rma["warranty"]["reasons"][-1]


def test_parts_and_queue(api, tokens, number):
    part = {"part_number": "LCD-7", "name_zh": "7寸屏", "cost_price": "88.00", "stock": 1}
    assert api.as_(tokens["technician"]).post("/parts", part).status_code == 403
    assert api.post("/parts", {**part, "cost_price": "-1"}).status_code == 422
    assert api.post("/parts", {**part, "cost_price": "1.234"}).status_code == 422
    created = api.post("/parts", part)
    assert created.status_code == 201 and created.get_json()["cost_price"] == "88.00"
    tech = api.as_(tokens["technician"])
    tech.post(f"/rmas/{number}/inspection", {"findings": ["display_fault"]})
    tech.post(f"/rmas/{number}/actions", {"action": "start_repair"})
    used = tech.post(f"/rmas/{number}/parts", {"part_number": "LCD-7"})
    assert used.status_code == 201 and used.get_json()["used"] is True
    assert used.get_json()["rma"]["parts"] == [
        {"part_number": "LCD-7", "name": "7寸屏", "quantity": 1, "unit_cost": "88.00",
         "currency": "CNY"}]
    short = tech.post(f"/rmas/{number}/parts", {"part_number": "LCD-7"})
    assert short.status_code == 200 and short.get_json()["used"] is False
    assert short.get_json()["rma"]["status"] == "awaiting_parts"
    assert api.get("/parts").get_json()["parts"][0]["stock"] == 0
    queue = tech.get("/queue").get_json()
    assert [r["number"] for r in queue["rmas"]] == [number]
    assert tech.post(f"/rmas/{number}/assign", {"technician": "technician"}).status_code == 200
    mine = tech.get("/queue?technician=technician").get_json()["rmas"]
    assert mine[0]["technician"] == "technician"
    assert tech.post(f"/rmas/{number}/assign", {"technician": "clerk"}).status_code == 404


def test_finding_catalogue_api_and_sheet(api, tokens, tmp_path):
    listed = api.as_(tokens["technician"]).get("/findings").get_json()["findings"]
    assert len(listed) == 15 and listed[0]["code"] == "shell_damage"
    new = {"code": "rust", "damage_class": "man_made", "label_zh": "锈蚀", "label_en": "rust"}
    assert api.as_(tokens["supervisor"]).post("/findings", new).status_code == 403
    assert api.post("/findings", {**new, "damage_class": "alien"}).status_code == 422
    assert api.post("/findings", new).status_code == 201
    assert api.post("/findings", new).status_code == 409
    retired = api.patch("/findings/rust", {"retired": True})
    assert retired.get_json()["retired"] is True
    sheet = api.as_(tokens["technician"]).get("/findings/sheet.pdf")
    assert sheet.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(sheet.data)).pages)
    assert "外壳破裂" in text and "锈蚀" not in text
    codes = decoded(sheet.data, tmp_path)
    assert {"F:shell_damage", "F:no_power", "F:firmware_fault"} <= codes


def test_evidence_photos_are_a_technicians(api, tokens, number):
    from PIL import Image

    raw = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(raw, format="JPEG")
    form = {"photo": (io.BytesIO(raw.getvalue()), "crack.jpg"), "kind": "evidence"}
    response = api.as_(tokens["technician"]).post(
        f"/rmas/{number}/photos", data=form, content_type="multipart/form-data")
    assert response.status_code == 201
    assert len(response.get_json()["evidence"]) == 1 and response.get_json()["photos"] == []
    form = {"photo": (io.BytesIO(raw.getvalue()), "crack.jpg"), "kind": "evidence"}
    assert api.as_(tokens["clerk"]).post(f"/rmas/{number}/photos", data=form,
                                         content_type="multipart/form-data").status_code == 403
