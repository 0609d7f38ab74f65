"""/admin/users: the list with role and status, a new user, role, deactivate and reactivate,
a password typed or made (shown once), a new token (shown once); CSRF, keyboard, languages."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from depot.models import User, db
from depot.services import users
from tests.conftest import NOW
from tests.web.test_pages import csrf_from, login

ADMIN_PASSWORD = "admin-password-1"


@pytest.fixture
def admin_client(client, app):
    users.create_user(db.session, "boss", "admin", password=ADMIN_PASSWORD, now=NOW)
    users.create_user(db.session, "li.na", "clerk", password="clerk-password-1",
                      display_name="李娜", now=NOW)
    login(client, "boss", ADMIN_PASSWORD)
    client.get("/lang/en")
    return client


def post(client, path, query="", **data):
    token = csrf_from(client.get("/admin/users").text)
    return client.post(path + query, data={"csrf_token": token, **data})


def shown(html: str, name: str) -> str:
    match = re.search(rf'id="shown-{name}" value="([^"]+)"', html)
    assert match, f"no {name} shown"
    return match.group(1)


def user(username: str) -> User:
    db.session.expire_all()
    return db.session.query(User).filter_by(username=username).one()


def test_the_list_shows_role_and_status(admin_client):
    page = admin_client.get("/admin/users")
    assert page.status_code == 200
    row = re.search(r'<tr data-user="li.na" data-active="true">.*?</tr>', page.text, re.S).group(0)
    assert "李娜" in row and 'data-role="clerk"' in row and ">active<" in row
    assert "Deactivate" in row and "Set password" in row and "New API token" in row
    assert 'href="/admin/users"' in admin_client.get("/admin/models").text  # in the admin nav


def test_create_shows_the_token_and_a_made_password_once(admin_client, api):
    answer = post(admin_client, "/admin/users", username="wang.wu", role="technician",
                  display_name="王五")
    assert answer.status_code == 200
    token, password = shown(answer.text, "token"), shown(answer.text, "password")
    assert api.as_(token).get("/queue").status_code == 200
    assert users.authenticate(db.session, "wang.wu", password) is not None
    assert user("wang.wu").role == "technician" and user("wang.wu").display_name == "王五"
    again = admin_client.get("/admin/users").text
    assert token not in again and password not in again and 'id="shown-once"' not in again


def test_create_with_a_typed_password_shows_only_the_token(admin_client):
    answer = post(admin_client, "/admin/users", username="zhao.liu", role="logistics",
                  password="typed-password-1")
    assert shown(answer.text, "token") and 'id="shown-password"' not in answer.text
    assert users.authenticate(db.session, "zhao.liu", "typed-password-1") is not None


def test_a_refused_new_user_keeps_what_was_typed_and_says_why(admin_client):
    weak = post(admin_client, "/admin/users", username="zhao.liu", role="clerk",
                display_name="赵六", password="zhao.liu")
    assert weak.status_code == 422
    assert 'data-code="weak_password"' in weak.text
    assert "at least 10 characters" in weak.text or "must not be the user name" in weak.text
    assert 'value="zhao.liu"' in weak.text and 'value="赵六"' in weak.text
    assert db.session.query(User).filter_by(username="zhao.liu").count() == 0
    taken = post(admin_client, "/admin/users", username="li.na", role="clerk")
    assert taken.status_code == 409 and 'data-code="user_exists"' in taken.text
    blank = post(admin_client, "/admin/users", username="   ", role="clerk")
    assert blank.status_code == 422


def test_change_role_and_deactivate_and_reactivate(admin_client, client):
    assert post(admin_client, "/admin/users/li.na/role", role="supervisor").status_code == 302
    assert user("li.na").role == "supervisor"
    assert post(admin_client, "/admin/users/li.na/active", "?active=0").status_code == 302
    assert user("li.na").active is False
    row = re.search(r'<tr data-user="li.na".*?</tr>', admin_client.get("/admin/users").text,
                    re.S).group(0)
    assert 'data-active="false"' in row and ">inactive<" in row and "Reactivate" in row
    assert post(admin_client, "/admin/users/li.na/active", "?active=1").status_code == 302
    assert user("li.na").active is True


def test_deactivation_ends_the_users_session_at_once(admin_client, app):
    other = app.test_client()
    login(other, "li.na", "clerk-password-1")
    assert other.get("/intake").status_code == 200
    post(admin_client, "/admin/users/li.na/active", "?active=0")
    assert other.get("/intake").status_code == 302


def test_reset_password_typed_or_made(admin_client):
    assert post(admin_client, "/admin/users/li.na/password",
                password="a-new-password-2").status_code == 302
    assert users.authenticate(db.session, "li.na", "a-new-password-2") is not None
    assert users.authenticate(db.session, "li.na", "clerk-password-1") is None
    made = post(admin_client, "/admin/users/li.na/password", generate="1")
    assert made.status_code == 200
    assert users.authenticate(db.session, "li.na", shown(made.text, "password")) is not None
    weak = post(admin_client, "/admin/users/li.na/password", password="li.na")
    assert weak.status_code == 422 and 'data-code="weak_password"' in weak.text
    empty = post(admin_client, "/admin/users/li.na/password", password="")
    assert empty.status_code == 422 and 'data-code="missing_field"' in empty.text


def test_a_new_token_is_shown_once_and_the_old_one_stops(admin_client, api):
    _, old = users.create_user(db.session, "bot", "clerk", now=NOW)
    answer = post(admin_client, "/admin/users/bot/token")
    new = shown(answer.text, "token")
    assert new != old
    assert api.as_(old).get("/models").status_code == 401
    assert api.as_(new).get("/models").status_code == 200


def test_the_last_active_admin_cannot_be_switched_off_here(admin_client):
    off = post(admin_client, "/admin/users/boss/active", "?active=0")
    assert off.status_code == 409 and 'data-code="last_admin"' in off.text
    assert "boss is the last active admin" in off.text
    demoted = post(admin_client, "/admin/users/boss/role", role="clerk")
    assert demoted.status_code == 409
    assert user("boss").active is True and user("boss").role == "admin"
    assert post(admin_client, "/admin/users/nobody/role", role="clerk").status_code == 404


def test_every_form_needs_the_csrf_token(admin_client):
    for path in ("/admin/users", "/admin/users/li.na/role", "/admin/users/li.na/active?active=0",
                 "/admin/users/li.na/password", "/admin/users/li.na/token"):
        response = admin_client.post(path, data={"username": "x.y", "role": "admin",
                                                 "password": "a-new-password-9"})
        assert response.status_code == 400, path
    assert user("li.na").active is True and user("li.na").role == "clerk"
    assert db.session.query(User).filter_by(username="x.y").count() == 0


def test_only_admins(client, app):
    users.create_user(db.session, "sup", "supervisor", password="super-password-1", now=NOW)
    login(client, "sup", "super-password-1")
    assert client.get("/admin/users").status_code == 403
    token = csrf_from(client.get("/rmas").text)
    assert client.post("/admin/users/sup/role", data={"csrf_token": token, "role": "admin"}
                       ).status_code == 403
    assert user("sup").role == "supervisor"


class _Controls(HTMLParser):
    """Every form control and whether a person (or a screen reader) can tell what it is."""

    def __init__(self) -> None:
        super().__init__()
        self.in_label = 0
        self.unlabelled: list[str] = []
        self.buttons: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "label":
            self.in_label += 1
        elif tag in ("input", "select") and a.get("type") != "hidden" and "readonly" not in a:
            if not (self.in_label or a.get("aria-label")):
                self.unlabelled.append(a.get("name", tag))
        elif tag == "button":
            self.buttons.append(a)

    def handle_endtag(self, tag):
        if tag == "label":
            self.in_label -= 1


def test_every_control_is_labelled_and_reached_by_keyboard(admin_client):
    controls = _Controls()
    controls.feed(admin_client.get("/admin/users").text)
    assert controls.unlabelled == []
    assert controls.buttons and all(b.get("type") == "submit" for b in controls.buttons)
    assert not any("tabindex" in b and b["tabindex"].startswith("-") for b in controls.buttons)


@pytest.mark.parametrize("lang, words", [
    ("zh_CN", ("用户", "停用", "设置密码", "新 API 令牌", "更改角色", "已启用", "新用户")),
    ("zh_TW", ("使用者", "停用", "設定密碼", "新 API 權杖", "變更角色", "已啟用", "新使用者")),
    ("en", ("Users", "Deactivate", "Set password", "New API token", "Change role", "active")),
])
def test_the_page_in_every_language(admin_client, lang, words):
    admin_client.get(f"/lang/{lang}")
    page = admin_client.get("/admin/users").text
    for word in words:
        assert word in page, word
    if lang != "en":
        for english in ("Deactivate", "Set password", "New API token", "Change role",
                        "Generate a password", "Display name"):
            assert english not in page, english
    made = post(admin_client, "/admin/users/li.na/token")
    assert ("仅显示这一次" if lang == "zh_CN" else "僅顯示這一次" if lang == "zh_TW"
            else "Shown this once") in made.text
