"""Shared fixtures: a real database (SQLite file, or PostgreSQL when DEPOT_TEST_DATABASE_URL is
set), brought to the current schema by the real migrations; an app per test; users of every role.
"""
from __future__ import annotations

import contextvars
import os
import shutil
import uuid
import weakref
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient

from depot import create_app, job_runner, worker
from depot.config import TestConfig
from depot.domain.roles import ROLES
from depot.models import db
from depot.services import catalog, units, users
from depot.services.units import CustomerInput
from tests.contract import check_request

PG_URL = os.environ.get("DEPOT_TEST_DATABASE_URL")
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # Friday 2026-11-20, 11:00 in Shanghai
SHARED = Path(__file__).resolve().parents[2] / "shared"


SUMMARY: list[str] = []  # lines for the end of the run: the load and crash test's figures


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that gets a database is marked `db`, so `make test` reruns it on PostgreSQL."""
    for item in items:
        if {"app", "database_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


def pytest_terminal_summary(terminalreporter) -> None:
    from tests.contract import CHECKED, FUZZ_STATS

    for line in SUMMARY:
        terminalreporter.write_line(line)
    if CHECKED:
        terminalreporter.write_line(
            f"OpenAPI contract: {len(CHECKED)} accepted request bodies of "
            f"{len(set(CHECKED))} operations were valid by the document")
    for cases, operations, statuses in FUZZ_STATS:
        terminalreporter.write_line(
            f"schemathesis: {cases} generated requests over {operations} operations, "
            f"answers {statuses}")


def _upgrade(url: str, instance: Path) -> None:
    from flask_migrate import upgrade

    app = create_app(TestConfig(url, instance))
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()


class _EnginesDisposedWithTheirApp(weakref.WeakKeyDictionary):
    """Flask-SQLAlchemy keeps each app's engines in a WeakKeyDictionary: an app made inside a
    test is forgotten when the test drops it, and its pooled connections were then left to the
    garbage collector (a ResourceWarning, an error here, in whichever test ran then). Here the
    engines are disposed (their connections closed) when the app is collected."""

    def setdefault(self, key, default=None):
        engines = super().setdefault(key, default)
        weakref.finalize(key, _dispose_all, engines)
        return engines


def _dispose_all(engines: dict) -> None:
    for engine in list(engines.values()):
        engine.dispose()


db._app_engines = _EnginesDisposedWithTheirApp(db._app_engines)


@pytest.fixture(autouse=True)
def _no_engine_left_open():
    """Every app a test made (not only the fixture's) stops its background threads and gives its
    connections back when the test ends: a pooled connection left for the garbage collector is a
    ResourceWarning, and with warnings as errors it would fail whichever test ran then."""
    yield
    for app, engines in list(db._app_engines.items()):
        worker.stop_background(app)  # a delivery or job thread a test started holds a connection
        job_runner.stop_background(app)
        for engine in engines.values():
            engine.dispose()


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database made once: a SQLite file to copy, or a PostgreSQL database."""
    base = tmp_path_factory.mktemp("db")
    if PG_URL:
        name = f"depot_test_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        _upgrade(url, base)
        yield url
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
    else:
        path = base / "template.sqlite3"
        _upgrade(f"sqlite:///{path}", base)
        yield str(path)


def _seed_like_the_migrations(conn: sa.Connection) -> None:
    """Put back the rows the migrations seed (the default finding catalogue)."""
    from depot.domain.damage import DEFAULT_CATALOGUE
    from depot.models import FindingCode

    conn.execute(sa.insert(FindingCode), [
        {"code": f.code, "damage_class": f.damage_class.value, "label_zh": f.label_zh,
         "label_zh_tw": f.label_zh_tw, "label_en": f.label_en, "retired": False, "sort_order": i}
        for i, f in enumerate(DEFAULT_CATALOGUE)])


@pytest.fixture
def database_url(_template: str, tmp_path: Path) -> Iterator[str]:
    if PG_URL:
        yield _template
        engine = sa.create_engine(_template)
        with engine.begin() as conn:
            tables = [t.name for t in db.metadata.sorted_tables]
            conn.exec_driver_sql(
                "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
            _seed_like_the_migrations(conn)
        engine.dispose()
    else:
        path = tmp_path / "depot.sqlite3"
        shutil.copy(_template, path)
        yield f"sqlite:///{path}"


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as in a real server: its own app context, `g`,
    session and translations, never the test's. The test's session lets go of its transaction
    first, so a request never waits on a lock the test holds. A streamed body is read in that
    context too (buffered), as a server sends it before the request ends: read later in the
    test's context, it would find the test's app context and session, not its own."""

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.close()
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(TestConfig(database_url, tmp_path / "instance"))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        worker.stop_background(app)  # if a test started it
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def session(app: Flask):
    return db.session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def tokens(app: Flask) -> dict[str, str]:
    """An API token for a user of each role, named after the role."""
    out = {}
    for role in ROLES:
        _, token = users.create_user(db.session, role, role, now=NOW)
        out[role] = token
    return out


class Api:
    """The test client speaking JSON with a bearer token."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self.client, self.token = client, token

    def as_(self, token: str | None) -> Api:
        return Api(self.client, token)

    def _headers(self, extra: dict | None) -> dict:
        headers = {"Accept-Language": "en"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def get(self, path: str, headers: dict | None = None):
        return self.client.get("/api/v1" + path, headers=self._headers(headers))

    def post(self, path: str, json: object = None, headers: dict | None = None, **kwargs):
        """POST; a JSON body the server accepts must also be valid by the OpenAPI document
        (tests/contract.py), so the whole suite checks the document against the server."""
        if json is not None:
            kwargs["json"] = json
        response = self.client.post("/api/v1" + path, headers=self._headers(headers), **kwargs)
        check_request(self.client.application, "POST", "/api/v1" + path, json,
                      response.status_code)
        return response

    def put(self, path: str, json: object, headers: dict | None = None):
        response = self.client.put("/api/v1" + path, json=json, headers=self._headers(headers))
        check_request(self.client.application, "PUT", "/api/v1" + path, json,
                      response.status_code)
        return response

    def patch(self, path: str, json: object, headers: dict | None = None):
        response = self.client.patch("/api/v1" + path, json=json,
                                     headers=self._headers(headers))
        check_request(self.client.application, "PATCH", "/api/v1" + path, json,
                      response.status_code)
        return response


@pytest.fixture
def api(client: FlaskClient, tokens: dict[str, str]) -> Api:
    """Signed in as admin; `api.as_(tokens['clerk'])` for another role."""
    return Api(client, tokens["admin"])


@pytest.fixture
def make_model(app: Flask):
    def make(code: str = "AT-100", name: str = "考勤机 AT-100", months: int = 12, **kw):
        return catalog.create_model(db.session, code, name, months, now=NOW, **kw)

    return make


@pytest.fixture
def make_unit(app: Flask, make_model):
    models: dict[str, object] = {}

    def make(serial: str = "SN0001", purchase_date: date | None = date(2026, 6, 1),
             model_code: str = "AT-100", months: int = 12, **kw):
        if model_code not in models:
            models[model_code] = make_model(model_code, f"Model {model_code}", months)
        customer = kw.pop("customer", CustomerInput("张三", "13800000000", "zs@example.com",
                                                    "上海市浦东新区世纪大道100号"))
        return units.register_unit(db.session, serial, model_code, purchase_date, customer,
                                   now=NOW, **kw)

    return make


class _Collector:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, list]]:
    """A real SMTP server in this process on a free loopback port: (smtp URL, messages)."""
    import socket

    from aiosmtpd.controller import Controller

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    handler = _Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", handler.messages
    finally:
        controller.stop()


@pytest.fixture
def deliver_outbox(app: Flask):
    """What the outbox worker does a moment after a commit (tests run without it): deliver the
    due messages once, with the app's mail settings as they are now. Returns the Delivered."""
    def deliver():
        from depot.services import outbox
        from depot.services.settings import DepotSettings

        done = outbox.deliver_pending(db.session, DepotSettings.from_config(app.config).mail,
                                      clock=lambda: datetime.now(UTC))
        db.session.close()  # let go of the database, as the worker's pass does
        return done

    return deliver


@pytest.fixture
def mail_app(app: Flask, smtp_server) -> tuple[Flask, list]:
    """The app sending its mail to the in-process SMTP server."""
    app.config["DEPOT_SMTP_URL"] = smtp_server[0]
    app.config["DEPOT_PUBLIC_URL"] = "http://depot.test"
    return app, smtp_server[1]
