"""Product models are edited and retired (API and /admin/models); a blank code or name is
refused everywhere; a retired model is not offered at intake, its units keep it."""
from __future__ import annotations

import re

import pytest

from depot.errors import InvalidInputError
from depot.models import ProductModel, db
from depot.services import catalog, users
from tests.conftest import NOW
from tests.web.test_pages import csrf_from, login


def model(code: str) -> ProductModel:
    db.session.expire_all()
    return db.session.query(ProductModel).filter_by(code=code).one()


@pytest.fixture
def admin_client(client, app):
    users.create_user(db.session, "boss", "admin", password="admin-password-1", now=NOW)
    login(client, "boss", "admin-password-1")
    client.get("/lang/en")
    return client


def post_form(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_from(client.get("/admin/models").text),
                                   **data})


def test_patch_edits_name_warranty_and_pattern(api, make_unit):
    make_unit("F18A0000001", model_code="ZK-F18")
    response = api.patch("/models/ZK-F18", {"name": "指纹考勤机 F18 Pro", "warranty_months": 24,
                                            "serial_pattern": "F18[A-Z][0-9]{7}"})
    assert response.status_code == 200
    assert response.get_json() == {"code": "ZK-F18", "name": "指纹考勤机 F18 Pro",
                                   "warranty_months": 24, "serial_pattern": "F18[A-Z][0-9]{7}",
                                   "retired": False}
    # Only what is given changes; "" removes the pattern.
    cleared = api.patch("/models/ZK-F18", {"serial_pattern": ""}).get_json()
    assert cleared["serial_pattern"] is None and cleared["name"] == "指纹考勤机 F18 Pro"
    # The unit's warranty is judged by the new months.
    unit = api.get("/units/F18A0000001").get_json()
    assert unit["model_name"] == "指纹考勤机 F18 Pro"
    assert unit["warranty"]["ends_on"] == "2028-05-31"


@pytest.mark.parametrize("body, field", [
    ({"name": ""}, "name"), ({"name": "   "}, "name"), ({"name": "\u3000"}, "name"),
    ({"warranty_months": -1}, "warranty_months"), ({"warranty_months": "12"}, "warranty_months"),
    ({"retired": "yes"}, "retired"),
])
def test_patch_refuses_a_blank_name_and_bad_values(api, make_model, body, field):
    make_model("ZK-F18", "指纹考勤机")
    response = api.patch("/models/ZK-F18", body)
    assert response.status_code == 422, body
    assert response.get_json()["details"]["field"] == field
    assert model("ZK-F18").name == "指纹考勤机"


def test_patch_refuses_a_slow_or_broken_pattern(api, make_model):
    make_model("ZK-F18", "指纹考勤机", serial_pattern="F18[0-9]+")
    slow = api.patch("/models/ZK-F18", {"serial_pattern": "(a|aa)+$"})
    assert slow.status_code == 422 and slow.get_json()["error"] == "slow_serial_pattern"
    broken = api.patch("/models/ZK-F18", {"serial_pattern": "F18[0-9"})
    assert broken.status_code == 422 and broken.get_json()["error"] == "invalid_serial_pattern"
    assert model("ZK-F18").serial_pattern == "F18[0-9]+"


def test_patch_needs_an_admin_and_a_known_model(api, tokens, make_model):
    make_model("ZK-F18", "指纹考勤机")
    for role in ("clerk", "supervisor", "technician"):
        assert api.as_(tokens[role]).patch("/models/ZK-F18", {"retired": True}
                                           ).status_code == 403
    assert api.patch("/models/NOPE", {"retired": True}).status_code == 404
    assert model("ZK-F18").retired is False


def test_a_blank_code_or_name_is_refused_everywhere(api, app):
    for body in ({"code": "   ", "name": "x", "warranty_months": 12},
                 {"code": "X1", "name": " \t ", "warranty_months": 12},
                 {"code": "\u3000", "name": "x", "warranty_months": 12}):
        assert api.post("/models", body).status_code == 422, body
    for code, name in (("   ", "考勤机"), ("X1", "   "), ("", "x")):
        with pytest.raises(InvalidInputError) as refused:
            catalog.create_model(db.session, code, name, 12, now=NOW)
        assert refused.value.code == "missing_field"
    catalog.create_model(db.session, "X1", "考勤机", 12, now=NOW)
    with pytest.raises(InvalidInputError):
        catalog.update_model(db.session, "X1", name="  ")
    assert db.session.query(ProductModel).count() == 1 and model("X1").name == "考勤机"


def test_a_retired_model_is_not_offered_at_intake_and_its_units_keep_it(api, tokens, make_unit,
                                                                        client):
    make_unit("OLD0000001", model_code="AT-OLD")
    make_unit("NEW0000001", model_code="AT-NEW")
    response = api.patch("/models/AT-OLD", {"retired": True})
    assert response.status_code == 200 and response.get_json()["retired"] is True
    users.set_password(db.session, "clerk", "clerk-password-1")
    login(client, "clerk", "clerk-password-1")
    offered = re.findall(r'<option value="([^"]+)"',
                         re.search(r'<select name="model".*?</select>', client.get("/intake").text,
                                   re.S).group(0))
    assert offered == ["AT-NEW"]
    # Old units keep their model; the list still names it, as retired; RMAs still open.
    assert api.get("/units/OLD0000001").get_json()["model"] == "AT-OLD"
    listed = {m["code"]: m["retired"] for m in api.get("/models").get_json()["models"]}
    assert listed == {"AT-OLD": True, "AT-NEW": False}
    clerk = api.as_(tokens["clerk"])
    assert clerk.post("/rmas", {"serial": "OLD0000001", "accessories": []}).status_code == 201
    # Put back in use: offered again.
    api.patch("/models/AT-OLD", {"retired": False})
    assert 'value="AT-OLD"' in client.get("/intake").text


def test_models_page_edits_a_model(admin_client, make_model):
    make_model("ZK-F18", "指纹考勤机", 12)
    listing = admin_client.get("/admin/models").text
    assert 'href="/admin/models/ZK-F18/edit"' in listing
    form = admin_client.get("/admin/models/ZK-F18/edit")
    assert form.status_code == 200 and 'value="指纹考勤机"' in form.text
    saved = admin_client.post("/admin/models/ZK-F18/edit", data={
        "csrf_token": csrf_from(form.text), "name": "指纹考勤机 Pro", "warranty_months": "18",
        "serial_pattern": "F18[0-9]{7}"})
    assert saved.status_code == 302
    assert (model("ZK-F18").name, model("ZK-F18").warranty_months,
            model("ZK-F18").serial_pattern) == ("指纹考勤机 Pro", 18, "F18[0-9]{7}")
    assert admin_client.get("/admin/models/NOPE/edit").status_code == 404


@pytest.mark.parametrize("data, code", [
    ({"name": "   ", "warranty_months": "12"}, "missing_field"),
    ({"name": "x", "warranty_months": "twelve"}, "invalid_field"),
    ({"name": "x", "warranty_months": "12", "serial_pattern": "(a|aa)+$"},
     "slow_serial_pattern"),
])
def test_models_page_refuses_with_what_was_typed(admin_client, make_model, data, code):
    make_model("ZK-F18", "指纹考勤机", 12)
    form = admin_client.get("/admin/models/ZK-F18/edit").text
    refused = admin_client.post("/admin/models/ZK-F18/edit",
                                data={"csrf_token": csrf_from(form), **data})
    assert refused.status_code == 422 and f'data-code="{code}"' in refused.text
    assert f'value="{data["warranty_months"]}"' in refused.text  # nothing typed is lost
    assert model("ZK-F18").name == "指纹考勤机"
    assert admin_client.post("/admin/models/ZK-F18/edit", data=data).status_code == 400  # CSRF


def test_models_page_retires_and_puts_back(admin_client, make_model):
    make_model("ZK-F18", "指纹考勤机", 12)
    assert post_form(admin_client, "/admin/models/ZK-F18/retire?retired=1").status_code == 302
    assert model("ZK-F18").retired is True
    row = re.search(r"<tr>\s*<td>ZK-F18</td>.*?</tr>", admin_client.get("/admin/models").text,
                    re.S).group(0)
    assert ">retired<" in row and "Put back in use" in row
    assert post_form(admin_client, "/admin/models/ZK-F18/retire?retired=0").status_code == 302
    assert model("ZK-F18").retired is False
    assert admin_client.post("/admin/models/ZK-F18/retire?retired=1").status_code == 400


def test_models_page_refuses_a_blank_code_or_name(admin_client):
    for data in ({"code": "   ", "name": "x"}, {"code": "X1", "name": "   "}):
        refused = post_form(admin_client, "/admin/models", warranty_months="12", **data)
        assert refused.status_code == 422, data
    assert db.session.query(ProductModel).count() == 0


@pytest.mark.parametrize("lang, words", [("zh_CN", ("编辑", "停用", "使用中")),
                                         ("zh_TW", ("編輯", "停用", "使用中"))])
def test_the_models_page_in_chinese(admin_client, make_model, lang, words):
    make_model("ZK-F18", "指纹考勤机", 12)
    admin_client.get(f"/lang/{lang}")
    page = admin_client.get("/admin/models").text
    for word in words:
        assert word in page, word
    assert ">Edit<" not in page and ">Retire<" not in page
    assert "保存" in admin_client.get("/admin/models/ZK-F18/edit").text or \
        "儲存" in admin_client.get("/admin/models/ZK-F18/edit").text
