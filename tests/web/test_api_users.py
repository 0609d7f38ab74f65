"""The users API (admin only): list, create with a token shown once, change role, switch off
and on, a new token; the password policy; the last active admin is kept."""
from __future__ import annotations

import pytest

from depot.models import User, db
from depot.services import users
from tests.conftest import NOW
from tests.web.test_pages import login


def test_only_an_admin_may_manage_users(api, tokens):
    for role in ("clerk", "technician", "supervisor", "logistics"):
        other = api.as_(tokens[role])
        assert other.get("/users").status_code == 403
        assert other.post("/users", {"username": "x.y", "role": "clerk"}).status_code == 403
        assert other.patch("/users/clerk", {"active": False}).status_code == 403
        assert other.post("/users/clerk/token").status_code == 403
    assert api.as_(None).get("/users").status_code == 401


def test_the_list_shows_role_and_active_and_no_secret(api):
    body = api.get("/users").get_json()
    by_name = {u["username"]: u for u in body["users"]}
    assert set(by_name) == {"clerk", "technician", "supervisor", "logistics", "admin"}
    assert by_name["clerk"] == {"username": "clerk", "display_name": "clerk", "role": "clerk",
                                "active": True, "has_password": False,
                                "created_at": "2026-11-20T03:00:00Z"}
    text = api.get("/users").get_data(as_text=True)
    assert "hash" not in text and "token" not in text


def test_create_answers_201_with_a_token_that_works(api, client):
    response = api.post("/users", {"username": "li.na", "role": "technician",
                                   "password": "a-long-password", "display_name": "李娜"})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["username"], body["role"], body["active"], body["display_name"],
            body["has_password"]) == ("li.na", "technician", True, "李娜", True)
    token = body["token"]
    assert len(token) >= 40
    assert api.as_(token).get("/queue").status_code == 200  # a technician's call
    assert api.as_(token).get("/users").status_code == 403
    # The token is shown once: not in the list, and stored only as a hash.
    assert token not in api.get("/users").get_data(as_text=True)
    assert db.session.query(User).filter_by(username="li.na").one().token_hash != token
    assert login(client, "li.na", "a-long-password").status_code == 302


def test_create_without_password_is_a_token_only_user(api, client):
    body = api.post("/users", {"username": "scanner-bot", "role": "clerk"}).get_json()
    assert body["has_password"] is False
    assert api.as_(body["token"]).get("/models").status_code == 200
    assert login(client, "scanner-bot", "anything-at-all").status_code != 302


@pytest.mark.parametrize("password, sentence", [
    ("short", "a password needs at least 10 characters"),
    ("Li.Na.Zhang", "a password must not be the user name"),
    ("xxxxxxxxxxxx", "a password must not be one character repeated"),
])
def test_the_password_policy_applies(api, password, sentence):
    response = api.post("/users", {"username": "li.na.zhang", "role": "clerk",
                                   "password": password})
    assert response.status_code == 422
    assert response.get_json()["error"] == "weak_password"
    assert response.get_json()["message"] == sentence
    assert db.session.query(User).filter_by(username="li.na.zhang").count() == 0


def test_create_refuses_bad_input(api):
    assert api.post("/users", {"username": "   ", "role": "clerk"}).status_code == 422
    unknown = api.post("/users", {"username": "x.y", "role": "boss"})
    assert unknown.status_code == 422 and unknown.get_json()["details"]["field"] == "role"
    taken = api.post("/users", {"username": "clerk", "role": "clerk"})
    assert taken.status_code == 409 and taken.get_json()["error"] == "user_exists"


def test_patch_changes_the_role(api, tokens):
    response = api.patch("/users/clerk", {"role": "logistics"})
    assert response.status_code == 200 and response.get_json()["role"] == "logistics"
    clerk = api.as_(tokens["clerk"])  # the same token, judged by the new role at once
    assert clerk.get("/shipping/queue").status_code == 200
    assert clerk.post("/units", {"serial": "X1", "model": "M", "purchase_date": None}
                      ).status_code == 403
    assert api.patch("/users/clerk", {"role": "owner"}).status_code == 422
    assert api.patch("/users/nobody", {"role": "clerk"}).status_code == 404


def test_a_deactivated_users_token_and_session_stop_at_once(api, client, tokens):
    users.set_password(db.session, "clerk", "clerk-password-1")
    login(client, "clerk", "clerk-password-1")
    assert client.get("/intake").status_code == 200
    clerk = api.as_(tokens["clerk"])
    assert clerk.get("/models").status_code == 200

    off = api.patch("/users/clerk", {"active": False})
    assert off.status_code == 200 and off.get_json()["active"] is False
    refused = clerk.get("/models")
    assert refused.status_code == 401 and refused.get_json()["error"] == "unauthorized"
    page = client.get("/intake")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert login(client, "clerk", "clerk-password-1").status_code == 401

    on = api.patch("/users/clerk", {"active": True})
    assert on.status_code == 200 and on.get_json()["active"] is True
    assert clerk.get("/models").status_code == 200  # the token was not replaced


def test_a_new_token_replaces_the_old_one_at_once(api, tokens):
    old = tokens["technician"]
    response = api.post("/users/technician/token")
    assert response.status_code == 200
    new = response.get_json()["token"]
    assert response.get_json()["username"] == "technician" and new != old
    assert api.as_(old).get("/queue").status_code == 401
    assert api.as_(new).get("/queue").status_code == 200
    assert api.post("/users/nobody/token").status_code == 404


def test_the_last_active_admin_is_kept(api, tokens):
    for change in ({"active": False}, {"role": "supervisor"}):
        response = api.patch("/users/admin", change)
        assert response.status_code == 409, change
        assert response.get_json()["error"] == "last_admin"
        assert response.get_json()["message"] == (
            "admin is the last active admin: make another user an admin first")
    chinese = api.patch("/users/admin", {"active": False}, headers={"Accept-Language": "zh-CN"})
    assert chinese.get_json()["message"] == (
        "admin 是最后一位启用中的管理员：请先将另一位用户设为管理员")
    # An inactive admin does not count.
    users.create_user(db.session, "boss2", "admin", now=NOW)
    users.update_user(db.session, "boss2", active=False)
    assert api.patch("/users/admin", {"active": False}).status_code == 409
    # With a second active admin, the first may step down.
    assert api.patch("/users/boss2", {"active": True}).status_code == 200
    assert api.patch("/users/admin", {"role": "supervisor"}).status_code == 200
    boss2 = users.new_token(db.session, "boss2")
    assert api.as_(boss2).patch("/users/boss2", {"active": False}).status_code == 409
    assert api.as_(tokens["admin"]).get("/users").status_code == 403  # a supervisor now


def test_patch_with_nothing_changes_nothing(api, tokens):
    before = db.session.query(User).filter_by(username="clerk").one().session_version
    assert api.patch("/users/clerk", {}).get_json()["role"] == "clerk"
    db.session.expire_all()
    assert db.session.query(User).filter_by(username="clerk").one().session_version == before
