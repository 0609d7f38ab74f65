"""Sessions end on the server's word: a cookie copied before logout, a new password, a new role
or deactivation stops working at once; so does a deactivated user's API token."""
from __future__ import annotations

import pytest

from depot.models import User, db
from depot.services import users
from tests.conftest import NOW
from tests.web.test_pages import csrf_from, login

PASSWORD = "clerk-password-1"


@pytest.fixture
def clerk(app):
    users.create_user(db.session, "li.na", "clerk", password=PASSWORD, now=NOW)


def logged_in(app):
    client = app.test_client()
    assert login(client).status_code == 302
    assert client.get("/intake").status_code == 200
    return client


def copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def assert_logged_out(client):
    page = client.get("/intake")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    api = client.get("/api/v1/rmas/RMA-2026-000001")
    assert api.status_code == 401 and api.get_json()["error"] == "unauthorized"


def test_a_copy_of_the_cookie_works_until_logout_then_never(app, clerk):
    client = logged_in(app)
    thief = copy_of(app, client)
    assert thief.get("/intake").status_code == 200  # the copy is as good as the original...
    page = client.get("/intake")
    client.post("/logout", data={"csrf_token": csrf_from(page.text)})
    assert_logged_out(client)
    assert_logged_out(thief)  # ...until the user logs out


def test_a_new_password_ends_every_session(app, clerk):
    client = logged_in(app)
    thief = copy_of(app, client)
    users.set_password(db.session, "li.na", "a-brand-new-password")
    assert_logged_out(thief)
    assert_logged_out(client)
    assert login(client, password=PASSWORD).status_code == 401
    assert login(client, password="a-brand-new-password").status_code == 302


def test_deactivation_ends_sessions_and_the_token(app, clerk, client):
    _, token = users.create_user(db.session, "zhao", "logistics", now=NOW)
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/rmas/RMA-2026-000001", headers=bearer).status_code == 404
    session_client = logged_in(app)
    users.update_user(db.session, "li.na", active=False)
    users.update_user(db.session, "zhao", active=False)
    assert_logged_out(session_client)
    assert client.get("/api/v1/rmas/RMA-2026-000001", headers=bearer).status_code == 401
    assert login(app.test_client()).status_code == 401  # nor can the user log in again


def test_a_new_role_ends_sessions_and_the_next_login_has_it(app, clerk):
    client = logged_in(app)
    users.update_user(db.session, "li.na", role="technician")
    assert_logged_out(client)
    login(client)
    assert client.get("/intake").status_code == 403 and client.get("/bench").status_code == 200


def test_an_unchanged_update_keeps_the_session(app, clerk):
    client = logged_in(app)
    users.update_user(db.session, "li.na", role="clerk", active=True)
    assert client.get("/intake").status_code == 200


def test_the_session_names_its_version(app, clerk):
    """A session cookie made before the version existed (just the id) is not accepted."""
    user = db.session.query(User).filter_by(username="li.na").one()
    assert user.get_id() == f"{user.id}:0"
    assert users.user_for_session(db.session, f"{user.id}:0") is user
    assert users.user_for_session(db.session, str(user.id)) is None
    assert users.user_for_session(db.session, f"{user.id}:1") is None
    assert users.user_for_session(db.session, "x:y") is None


def test_the_cli_switches_a_user_off(app, clerk):
    client = logged_in(app)
    result = app.test_cli_runner().invoke(args=["users", "update", "li.na", "--inactive"])
    assert result.exit_code == 0 and "inactive" in result.output, result.output
    assert_logged_out(client)
    unknown = app.test_cli_runner().invoke(args=["users", "update", "nobody", "--active"])
    assert unknown.exit_code != 0 and "no user" in unknown.output
