"""DEPOT_QA_BY_OTHER through the API: 409 with a clear message in the reader's language, and
`allowed_actions` as the caller meets them."""
from __future__ import annotations

from depot.config import Config
from depot.models import db
from depot.services import users
from tests.conftest import NOW


def test_the_setting_is_read_from_the_environment_and_off_by_default():
    assert Config({}).DEPOT_QA_BY_OTHER is False
    assert Config({"DEPOT_QA_BY_OTHER": "on"}).DEPOT_QA_BY_OTHER is True
    assert Config({"DEPOT_QA_BY_OTHER": "0"}).DEPOT_QA_BY_OTHER is False


def test_the_finisher_gets_409_and_another_technician_passes(app, api, tokens, make_unit):
    app.config["DEPOT_QA_BY_OTHER"] = True
    _, other = users.create_user(db.session, "tech.b", "technician", now=NOW)
    make_unit("QAAPI0001")
    number = api.post("/rmas", {"serial": "QAAPI0001", "accessories": []}).get_json()["number"]
    tech = api.as_(tokens["technician"])
    tech.post(f"/rmas/{number}/inspection", {"findings": ["no_power"]})
    for action in ("start_repair", "finish_repair"):
        assert tech.post(f"/rmas/{number}/actions", {"action": action}).status_code == 200

    mine = tech.get(f"/rmas/{number}").get_json()["allowed_actions"]
    theirs = api.as_(other).get(f"/rmas/{number}").get_json()["allowed_actions"]
    assert "pass_qa" not in mine and "fail_qa" in mine and "pass_qa" in theirs

    refused = tech.post(f"/rmas/{number}/actions", {"action": "pass_qa"})
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["error"] == "qa_by_other"
    assert body["message"] == ("the technician who finished this repair may not pass its QA: "
                               "another technician must check it")
    assert body["details"]["allowed"] == ["fail_qa", "cancel"]
    chinese = tech.post(f"/rmas/{number}/actions", {"action": "pass_qa"},
                        headers={"Accept-Language": "zh-TW"}).get_json()
    assert chinese["message"] == "完成此維修的技術員不能通過其品檢：須由另一位技術員檢查"

    passed = api.as_(other).post(f"/rmas/{number}/actions", {"action": "pass_qa"})
    assert passed.status_code == 200 and passed.get_json()["status"] == "ready_to_ship"


def test_off_the_finisher_passes(api, tokens, make_unit):
    make_unit("QAAPI0002")
    number = api.post("/rmas", {"serial": "QAAPI0002", "accessories": []}).get_json()["number"]
    tech = api.as_(tokens["technician"])
    tech.post(f"/rmas/{number}/inspection", {"findings": ["no_power"]})
    for action in ("start_repair", "finish_repair", "pass_qa"):
        assert tech.post(f"/rmas/{number}/actions", {"action": action}).status_code == 200
