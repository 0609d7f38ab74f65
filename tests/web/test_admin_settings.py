"""/admin/settings: the settings customers see (public URL, mail sender, depot name, phone,
address, payment text), stored in the database over the environment's values, admin only, and
used by the quote mail, its PDF and the QR code's link."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from depot.models import Setting, db
from depot.services import users
from tests.conftest import NOW
from tests.web.test_pages import csrf_from, login
from tests.web.test_quote_journey import draft, inspected, pdf_of, qr_link, received_mail, send

__all__ = ["inspected"]  # a fixture of the quote journey, used here too

CONFIGURED = {
    "public_url": "https://rma.example.com/",
    "mail_from": "rma@example.com",
    "name": "中控维修中心",
    "phone": "028-66668888",
    "address": "四川省成都市高新区天府大道 100 号",
    "payment_instructions": "招商银行 6225 8800 1234 5678\r\n户名：中控科技\r\n备注 {quote}",
}


@pytest.fixture
def clerk(app):
    users.create_user(db.session, "li.na", "clerk", password="clerk-password-1", now=NOW)


@pytest.fixture
def admin_client(client, app):
    users.create_user(db.session, "boss", "admin", password="admin-password-1", now=NOW)
    login(client, "boss", "admin-password-1")
    return client


def save(client, **values):
    page = client.get("/admin/settings")
    return client.post("/admin/settings", data={"csrf_token": csrf_from(page.text), **values})


def test_the_page_names_every_unconfigured_default(admin_client):
    page = admin_client.get("/admin/settings", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200
    for setting in ("public_url", "mail_from", "phone", "address", "payment_instructions"):
        assert f'data-setting="{setting}"' in page.text, setting
    assert "客户链接和二维码指向 http://127.0.0.1:5000" in page.text
    assert "未设置维修中心电话" in page.text and "公开网址" in page.text
    assert 'data-source="environment"' in page.text and "DEPOT_PUBLIC_URL" in page.text
    english = admin_client.get("/admin/settings?lang=en").text
    assert "mail is sent from depot@localhost" in english


def test_only_an_admin_opens_and_saves_it_and_only_with_the_csrf_token(client, clerk):
    assert client.get("/admin/settings").status_code == 302  # to the login page
    login(client)  # the clerk
    assert client.get("/admin/settings").status_code == 403
    token = csrf_from(client.get("/intake").text)
    refused = client.post("/admin/settings", data={"csrf_token": token,
                                                   "public_url": "https://evil.example"})
    assert refused.status_code == 403
    assert db.session.query(Setting).count() == 0
    users.create_user(db.session, "boss", "admin", password="admin-password-1", now=NOW)
    login(client, "boss", "admin-password-1")
    assert client.post("/admin/settings",
                       data={"public_url": "https://evil.example"}).status_code == 400
    assert db.session.query(Setting).count() == 0


def test_bad_values_are_refused_with_what_was_typed(admin_client):
    bad = save(admin_client, **{**CONFIGURED, "public_url": "rma.example.com"})
    assert bad.status_code == 422 and 'data-code="invalid_public_url"' in bad.text
    assert 'value="028-66668888"' in bad.text  # nothing typed is lost
    for field, value, code in (("mail_from", "Depot <rma@example.com>", "invalid_mail_from"),
                               ("mail_from", "rma@example.com\nBcc: x@evil.example",
                                "setting_not_one_line"),
                               ("phone", "1" * 201, "setting_too_long"),
                               ("name", "   ", "setting_required")):
        response = save(admin_client, **{field: value})
        assert response.status_code == 422 and f'data-code="{code}"' in response.text, field
    assert db.session.query(Setting).count() == 0


def test_saved_settings_reach_the_quote_mail_its_pdf_and_its_link(
        admin_client, api, tokens, inspected, mail_app, tmp_path, deliver_outbox):
    saved = save(admin_client, **CONFIGURED)
    assert saved.status_code == 302
    page = admin_client.get(saved.headers["Location"]).text
    assert 'id="settings-saved"' in page and 'id="settings-notices"' not in page
    assert 'value="https://rma.example.com"' in page and 'data-source="saved"' in page
    stored = {row.key: row for row in db.session.query(Setting)}
    assert stored["phone"].value == "028-66668888" and stored["phone"].updated_by == "boss"

    quote = draft(api, tokens, inspected)
    send(api, tokens, inspected, quote["number"])
    assert deliver_outbox().sent == 1
    _, messages = mail_app
    _, message = received_mail(messages)
    assert message["From"] == "rma@example.com"
    body = message.get_body(("plain",)).get_content()
    assert "https://rma.example.com/q/" in body and "028-66668888" in body
    _, pdf = pdf_of(message)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for expected in ("028-66668888", "6225 8800 1234 5678", f"备注 {quote['number']}",
                     "中控维修中心"):
        assert expected in text, expected
    assert qr_link(pdf, tmp_path).startswith("https://rma.example.com/q/")


def test_saving_the_environments_value_makes_the_environment_the_default_again(admin_client,
                                                                              app):
    assert save(admin_client, phone="028-66668888").status_code == 302
    assert db.session.query(Setting).count() == 1
    app.config["DEPOT_PHONE"] = "028-11112222"  # a new environment: the saved value still wins
    assert 'value="028-66668888"' in admin_client.get("/admin/settings").text
    assert save(admin_client, phone="028-11112222").status_code == 302
    assert db.session.query(Setting).count() == 0
    page = admin_client.get("/admin/settings").text
    assert 'value="028-11112222"' in page and 'data-setting="phone"' not in page
