"""Failed logins are counted per user name and per address, in the database: after 10 failures
for one name or 30 from one address within 15 minutes, logins answer 429 for the window."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from depot.extensions import limiter
from depot.models import RateLimitCounter, db
from depot.services import users
from tests.conftest import NOW
from tests.web.test_pages import csrf_from

PASSWORD = "clerk-password-1"


@pytest.fixture
def clerk(app):
    users.create_user(db.session, "li.na", "clerk", password=PASSWORD, now=NOW)


def from_address(app, address: str, language: str = "zh-CN"):
    """A browser at `address` (documentation range: no packet leaves the test)."""
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": address, "HTTP_ACCEPT_LANGUAGE": language})
    return client


def try_login(client, username="li.na", password=PASSWORD, **headers):
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_from(page.text)}, headers=headers)


def test_ten_failures_for_one_name_lock_it_from_every_address(app, clerk):
    for n in range(10):
        guess = try_login(from_address(app, f"198.51.100.{n + 1}"), password="wrong-guess")
        assert guess.status_code == 401
    fresh = from_address(app, "198.51.100.200")
    refused = try_login(fresh)  # the right password, from an address that never failed
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.text and 'data-error="too_many_logins"' in refused.text
    assert int(refused.headers["Retry-After"]) > 0
    assert fresh.get("/intake").status_code == 302  # not logged in
    users.create_user(db.session, "wang", "clerk", password="other-password-1", now=NOW)
    assert try_login(fresh, "wang", "other-password-1").status_code == 302  # others may


def test_thirty_failures_from_one_address_block_it_and_no_success_elsewhere_resets_it(app, clerk):
    attacker = from_address(app, "203.0.113.66")
    for n in range(30):  # a different name each time: only the address adds up
        assert try_login(attacker, f"guess{n}", "wrong-guess").status_code == 401
    assert try_login(attacker).status_code == 429
    office = from_address(app, "203.0.113.10")
    assert try_login(office).status_code == 302
    assert try_login(from_address(app, "203.0.113.66")).status_code == 429


def test_the_refusal_speaks_the_readers_language(app, clerk):
    for _ in range(10):
        try_login(from_address(app, "192.0.2.1"), password="wrong-guess")
    english = try_login(from_address(app, "192.0.2.2", "en"))
    traditional = try_login(from_address(app, "192.0.2.3", "zh-TW"))
    assert english.status_code == traditional.status_code == 429
    assert "Too many failed logins: try again in 15 minutes." in english.text
    assert "登入失敗次數過多" in traditional.text


def test_successes_and_bad_forms_do_not_count(app, clerk):
    client = from_address(app, "192.0.2.50")
    for _ in range(12):
        assert try_login(client).status_code == 302
    page = client.get("/login")
    for _ in range(12):  # no CSRF token, no password: refused as a form, not as a guess
        client.post("/login", data={"username": "li.na", "csrf_token": csrf_from(page.text)})
    assert try_login(client).status_code == 302
    assert db.session.query(RateLimitCounter).count() == 0


def test_the_lock_lifts_when_the_window_ends(app, clerk):
    for _ in range(10):
        try_login(from_address(app, "192.0.2.9"), password="wrong-guess")
    assert try_login(from_address(app, "192.0.2.9")).status_code == 429
    # Fifteen minutes pass: the stored windows end.
    db.session.execute(update(RateLimitCounter).values(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    db.session.commit()
    assert try_login(from_address(app, "192.0.2.9")).status_code == 302


def test_a_shared_limit_for_other_views_answers_json_429(app):
    """What the public pages will do (DESIGN.md §4b): one counter per address across views,
    counting failed lookups only; the 11th failure and every call after it answer 429."""
    shared = limiter.shared_limit("10 per 10 minutes", scope="probe",
                                  deduct_when=lambda response: response.status_code == 404)

    @shared
    def probe(n: int):
        return ({"n": n}, 200) if n == 0 else ({"error": "not_found"}, 404)

    @shared
    def other_probe(n: int):
        return {"n": n}

    app.add_url_rule("/api/v1/_probe/<int:n>", view_func=probe)
    app.add_url_rule("/api/v1/_other_probe/<int:n>", view_func=other_probe)
    client = from_address(app, "198.51.100.77", "en")
    for n in range(20):  # successes do not count
        assert client.get("/api/v1/_probe/0").status_code == 200
    for n in range(10):
        assert client.get(f"/api/v1/_probe/{n + 1}").status_code == 404
    refused = client.get("/api/v1/_other_probe/1")
    assert refused.status_code == 429
    body = refused.get_json()
    assert body["error"] == "too_many_requests"
    assert body["message"] == "Too many tries: wait 10 minutes and try again."
    assert body["details"] == {"retry_after_minutes": 10}
    assert from_address(app, "198.51.100.78").get("/api/v1/_probe/0").status_code == 200
