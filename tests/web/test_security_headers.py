"""Headers on every answer, the settings for HTTPS and proxies, and the secret key rule."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from depot import config as depot_config
from depot import create_app
from depot.models import db
from depot.services import users
from depot.web.security import CONTENT_SECURITY_POLICY
from tests.conftest import NOW
from tests.web.test_pages import csrf_from

ROOT = Path(__file__).resolve().parents[2]
LONG_SECRET = "k" * 64


def test_every_answer_carries_the_policy(client):
    for path in ("/login", "/healthz", "/api/v1/rmas/RMA-2026-000001", "/no-such-page",
                 "/static/css/depot.css"):
        with client.get(path) as response:
            headers = response.headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain http: no HSTS
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_token_pages_and_api_answers_are_not_cached(client, tokens):
    page = client.get("/q/not-a-real-token")
    assert page.status_code == 404
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"  # the token is in the URL
    answer = client.get("/api/v1/models", headers={"Authorization": f"Bearer {tokens['clerk']}"})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    with client.get("/static/css/depot.css") as static:
        assert "no-store" not in static.headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")


def test_a_logged_in_page_is_not_cached(client, app):
    users.create_user(db.session, "li.na", "clerk", password="clerk-password-1", now=NOW)
    page = client.get("/login")
    client.post("/login", data={"username": "li.na", "password": "clerk-password-1",
                                "csrf_token": csrf_from(page.text)})
    assert client.get("/intake").headers["Cache-Control"] == "no-store"


def test_hsts_over_https(app):
    client = app.test_client()
    response = client.get("/login", base_url="https://depot.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_templates_and_scripts_need_no_inline_code():
    """What keeps the policy holding: no inline script, event handler or style anywhere.
    Vendored third-party code (static/vendor: Swagger UI) holds such strings as data of its
    own; that its page runs under the policy is checked in the browser
    (tests/e2e/test_api_docs.py fails on any Content-Security-Policy report)."""
    vendor = ROOT.joinpath("depot", "static", "vendor")
    for path in [*ROOT.joinpath("depot", "templates").rglob("*.html"),
                 *(p for p in ROOT.joinpath("depot", "static").rglob("*.js")
                   if vendor not in p.parents)]:
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert not re.search(r"<style|\sstyle\s*=|javascript:", text, re.I), path
        assert "setAttribute(\"style\"" not in text and "eval(" not in text, path


@pytest.fixture
def make_app(database_url, tmp_path):
    """An app configured from environment variables, as a deployment is (not a test app)."""
    made = []

    def make(**env: str):
        settings = {"DEPOT_DATABASE_URL": database_url, "DEPOT_SECRET_KEY": LONG_SECRET,
                    "DEPOT_INSTANCE_PATH": str(tmp_path / f"instance{len(made)}"), **env}
        app = create_app(depot_config.Config({k: v for k, v in settings.items() if v is not None}))
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_short_secret_key_refuses_to_start(make_app):
    for short in ("x", "s" * 31):
        with pytest.raises(RuntimeError, match="DEPOT_SECRET_KEY is too short"):
            make_app(DEPOT_SECRET_KEY=short)
    assert make_app(DEPOT_SECRET_KEY="s" * 32).secret_key == "s" * 32


def test_without_a_secret_key_one_is_made_and_kept(make_app, tmp_path):
    first = make_app(DEPOT_SECRET_KEY=None, DEPOT_INSTANCE_PATH=str(tmp_path / "kept"))
    again = make_app(DEPOT_SECRET_KEY=None, DEPOT_INSTANCE_PATH=str(tmp_path / "kept"))
    assert len(first.secret_key.encode()) >= 32 and first.secret_key == again.secret_key
    assert (tmp_path / "kept" / "secret_key").stat().st_mode & 0o077 == 0


def test_a_test_app_may_have_a_short_key(database_url, tmp_path):
    settings = depot_config.TestConfig(database_url, tmp_path, SECRET_KEY="short")
    app = create_app(settings)
    assert app.testing and app.secret_key == "short"
    with app.app_context():
        db.engine.dispose()


def log_in(client, base_url="http://localhost"):
    page = client.get("/login", base_url=base_url)
    return client.post("/login", base_url=base_url, headers={"Referer": base_url + "/login"},
                       data={"username": "li.na", "password": "clerk-password-1",
                             "csrf_token": csrf_from(page.text)})


@pytest.fixture
def li_na(make_app):
    app = make_app()
    with app.app_context():
        users.create_user(db.session, "li.na", "clerk", password="clerk-password-1", now=NOW)
        db.session.remove()


def test_secure_cookies_when_asked(make_app, li_na):
    plain = make_app().test_client()
    assert "Secure" not in log_in(plain).headers["Set-Cookie"]
    secure = make_app(DEPOT_SECURE_COOKIES="on").test_client()
    answer = log_in(secure, "https://depot.example")
    assert answer.status_code == 302  # HTTPS form posts pass Flask-WTF's same-origin check
    assert "; Secure" in answer.headers["Set-Cookie"] and "HttpOnly" in answer.headers["Set-Cookie"]
    with pytest.raises(ValueError, match="DEPOT_SECURE_COOKIES"):
        make_app(DEPOT_SECURE_COOKIES="maybe")


def test_forwarded_headers_count_only_behind_a_declared_proxy(make_app, li_na):
    forwarded = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    direct = make_app().test_client()
    assert "Strict-Transport-Security" not in direct.get("/login", headers=forwarded).headers
    proxied = make_app(DEPOT_PROXY_FIX="1").test_client()
    assert "Strict-Transport-Security" in proxied.get("/login", headers=forwarded).headers
    with pytest.raises(ValueError, match="DEPOT_PROXY_FIX"):
        make_app(DEPOT_PROXY_FIX="yes")
