"""Admin pages: models, findings, parts and stock, printers, calendar overrides."""
from __future__ import annotations

from datetime import date

import pytest

from depot.models import db
from depot.services import findings, parts, users
from depot.services.calendars import calendar_around
from tests.conftest import NOW
from tests.web.test_pages import csrf_from, login


@pytest.fixture
def admin_client(client, app):
    users.create_user(db.session, "boss", "admin", password="admin-password-1", now=NOW)
    login(client, "boss", "admin-password-1")
    return client


def post_form(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_from(client.get(path).text), **data})


def test_models_page_and_the_empty_intake_hint(admin_client):
    page = admin_client.get("/intake").text
    assert 'id="no-models"' in page and "/admin/models" in page
    bad = post_form(admin_client, "/admin/models", code="ZK-F18", name="指纹考勤机",
                    warranty_months="twelve")
    assert bad.status_code == 422 and 'value="ZK-F18"' in bad.text  # nothing typed is lost
    assert post_form(admin_client, "/admin/models", code="ZK-F18", name="指纹考勤机",
                     warranty_months="24").status_code == 302
    assert "ZK-F18" in admin_client.get("/admin/models").text
    assert 'id="no-models"' not in admin_client.get("/intake").text
    assert admin_client.post("/admin/models", data={"code": "X"}).status_code == 400


def test_findings_page_adds_and_retires(admin_client):
    assert post_form(admin_client, "/admin/findings", code="rust", damage_class="man_made",
                     label_zh="锈蚀", label_en="rust").status_code == 302
    assert findings.catalogue(db.session)["rust"].label_zh == "锈蚀"
    page = admin_client.get("/admin/findings").text
    response = admin_client.post("/admin/findings/rust/retire?retired=1",
                                 data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    db.session.expire_all()
    assert findings.catalogue(db.session)["rust"].retired
    bad = post_form(admin_client, "/admin/findings", code="Bad Code", damage_class="quality",
                    label_zh="x", label_en="x")
    assert bad.status_code == 422


def test_parts_page_adds_and_receives_stock(admin_client):
    assert post_form(admin_client, "/admin/parts", part_number="PSU-12V", name_zh="电源板",
                     cost_price="35.50", stock="2", models="AT-100").status_code == 302
    page = admin_client.get("/admin/parts").text
    assert "35.50" in page
    admin_client.post("/admin/parts/PSU-12V/stock", data={"csrf_token": csrf_from(page),
                                                          "quantity": "5"})
    db.session.expire_all()
    assert parts.get_part(db.session, "PSU-12V").stock == 7
    bad = post_form(admin_client, "/admin/parts", part_number="X1", name_zh="x",
                    cost_price="-3")
    assert bad.status_code == 422


def test_printers_and_calendar_pages(admin_client):
    assert post_form(admin_client, "/admin/printers", name="pack-1", host="10.0.0.9",
                     port="9100", label_size="100x150").status_code == 302
    assert "pack-1" in admin_client.get("/admin/printers").text
    assert post_form(admin_client, "/admin/printers", name="bad", host="a b",
                     port="9100").status_code == 422
    assert post_form(admin_client, "/admin/calendar", day="2027-02-06", is_working="1",
                     note="春节调休").status_code == 302
    assert calendar_around(db.session, date(2027, 2, 6)).is_working_day(date(2027, 2, 6))
    assert post_form(admin_client, "/admin/calendar", day="06/02/2027").status_code == 422


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW", "en"])
@pytest.mark.parametrize("path", ["/admin/models", "/admin/findings", "/admin/parts",
                                  "/admin/printers", "/admin/calendar"])
def test_every_admin_page_renders_in_every_language(admin_client, path, lang):
    admin_client.get(f"/lang/{lang}")
    assert admin_client.get(path).status_code == 200


def test_only_admins(client, app):
    users.create_user(db.session, "boss2", "supervisor", password="super-password-1", now=NOW)
    login(client, "boss2", "super-password-1")
    for path in ("/admin/models", "/admin/findings", "/admin/parts", "/admin/printers",
                 "/admin/calendar"):
        assert client.get(path).status_code == 403
