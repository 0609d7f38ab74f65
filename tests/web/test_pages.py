"""Login, CSRF, roles and languages on the staff pages."""
from __future__ import annotations

import re

import pytest

from depot.models import db
from depot.services import users
from tests.conftest import NOW


@pytest.fixture
def clerk(app):
    users.create_user(db.session, "li.na", "clerk", password="clerk-password-1", now=NOW)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client, username="li.na", password="clerk-password-1", next_url=None):
    page = client.get("/login")
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"username": username, "password": password,
                                  "csrf_token": csrf_from(page.text)})


def test_intake_needs_login(client, clerk):
    response = client.get("/intake")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_page_is_chinese_by_default(client):
    html = client.get("/login").text
    assert "登录" in html and 'lang="zh-CN"' in html


def test_language_switch_to_traditional_and_english(client):
    client.get("/lang/zh_TW")
    assert "登入" in client.get("/login").text
    client.get("/lang/en")
    assert "Log in" in client.get("/login").text


def test_login_without_csrf_token_is_refused(client, clerk):
    response = client.post("/login", data={"username": "li.na", "password": "clerk-password-1"})
    assert response.status_code in (200, 400)
    assert client.get("/intake").status_code == 302


def test_wrong_password_says_so(client, clerk):
    response = login(client, password="nope-nope")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.text


def test_login_then_intake_page(client, clerk):
    response = login(client)
    assert response.status_code == 302
    page = client.get("/intake")
    assert page.status_code == 200
    assert 'id="scan"' in page.text and "autofocus" in page.text


def test_next_must_stay_on_this_site(client, clerk):
    response = login(client, next_url="https://evil.example/")
    assert response.headers["Location"] in ("/", "/intake", "http://localhost/")
    client.get("/lang/en?next=//evil.example/")  # the same rule for the language switch


def test_technician_may_not_open_intake(client, app):
    users.create_user(db.session, "wang", "technician", password="tech-password-1", now=NOW)
    login(client, "wang", "tech-password-1")
    response = client.get("/intake")
    assert response.status_code == 403


def test_page_session_calls_api_only_with_csrf_header(client, clerk, make_unit):
    make_unit("SESS0001")
    login(client)
    token = csrf_from(client.get("/intake").text)
    without = client.post("/api/v1/scans", json={"text": "SESS0001"})
    assert without.status_code == 400 and without.get_json()["error"] == "csrf_failed"
    with_header = client.post("/api/v1/scans", json={"text": "SESS0001"},
                              headers={"X-CSRFToken": token})
    assert with_header.status_code == 200
    assert with_header.get_json()["unit"]["serial"] == "SESS0001"
    # Reading needs no token.
    assert client.get("/api/v1/units/SESS0001").status_code == 200


def test_logout_needs_post_with_csrf(client, clerk):
    login(client)
    assert client.get("/logout").status_code == 405
    token = csrf_from(client.get("/intake").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/intake").status_code == 302


def test_passwords_are_hashed(app, clerk):
    from sqlalchemy import select

    from depot.models import User

    user = db.session.scalar(select(User).where(User.username == "li.na"))
    assert "clerk-password-1" not in (user.password_hash or "")
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
