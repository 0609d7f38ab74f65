"""A database that is down, unreachable or gone: one line saying what failed and how to fix it
(the `flask` commands, start-up, the background loops), and a translated 503 for the reader
(pages and the API), never a traceback or a generic English 500."""
from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from depot import config, create_app
from depot.models import db
from depot.services import users
from depot.worker import DeliveryLoop
from tests.conftest import NOW, PG_URL

ROOT = Path(__file__).resolve().parents[2]


def _refused_port() -> int:
    """A loopback port nobody listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=["postgresql", "sqlite"])
def gone_url(request, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return f"postgresql+psycopg://depot:s3cret-pw@127.0.0.1:{_refused_port()}/depot"
    return f"sqlite:///{tmp_path / 'no-such-folder' / 'depot.sqlite3'}"


@pytest.fixture
def gone_app(gone_url: str, tmp_path: Path):
    app = create_app(config.TestConfig(gone_url, tmp_path / "instance"))
    yield app
    with app.app_context():
        db.engine.dispose()


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_the_login_page_answers_a_translated_503(gone_app):
    client = gone_app.test_client()
    form = client.get("/login", headers={"Accept-Language": "zh-CN"})
    assert form.status_code == 200  # drawing the form needs no database
    answer = client.post("/login", data={"csrf_token": _csrf(form.text), "username": "li",
                                         "password": "whatever-it-is"},
                         headers={"Accept-Language": "zh-CN"})
    assert answer.status_code == 503
    assert answer.mimetype == "text/html"
    assert "数据库没有响应" in answer.text and "is not answering" not in answer.text
    assert '<html lang="zh-CN">' in answer.text


def test_the_api_answers_503_json_in_the_readers_language(gone_app):
    answer = gone_app.test_client().get("/api/v1/rmas/RMA-2026-000001", headers={
        "Authorization": "Bearer some-token", "Accept-Language": "zh-TW"})
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["error"] == "database_unavailable"
    assert "資料庫沒有回應" in body["message"]


def test_healthz_still_answers_503(gone_app):
    answer = gone_app.test_client().get("/healthz")
    assert answer.status_code == 503 and answer.get_json()["status"] == "unavailable"


def test_the_log_has_one_line_without_the_password(gone_app, caplog):
    with caplog.at_level(logging.ERROR):
        gone_app.test_client().get("/api/v1/rmas/RMA-2026-000001",
                                   headers={"Authorization": "Bearer some-token"})
    (record,) = [r for r in caplog.records if "cannot reach its database" in r.getMessage()]
    assert record.exc_info is None and "\n" not in record.getMessage()
    assert "s3cret-pw" not in caplog.text


@pytest.mark.skipif(bool(PG_URL), reason="takes the SQLite file away under a running app")
def test_a_signed_in_clerk_gets_the_503_page_when_the_database_goes(app, client, database_url):
    users.create_user(db.session, "li.na", "clerk", password="correct-horse-9", now=NOW)
    form = client.get("/login")
    signed_in = client.post("/login", data={"csrf_token": _csrf(form.text), "username": "li.na",
                                            "password": "correct-horse-9"})
    assert signed_in.status_code == 302
    assert client.get("/rmas", headers={"Accept-Language": "zh-CN"}).status_code == 200
    db.session.remove()
    db.engine.dispose()
    path = Path(database_url.removeprefix("sqlite:///"))
    for file in path.parent.glob(path.name + "*"):
        file.unlink()  # the next connection opens a new, empty file: no tables
    answer = client.get("/rmas", headers={"Accept-Language": "zh-CN"})
    assert answer.status_code == 503
    assert "数据库没有响应" in answer.text


def test_the_start_up_says_in_one_line_that_the_database_is_gone(gone_url, tmp_path, caplog):
    with caplog.at_level(logging.ERROR):
        app = create_app(config.TestConfig(gone_url, tmp_path / "instance", TESTING=False))
    lines = [r for r in caplog.records if "cannot reach its database" in r.getMessage()]
    assert len(lines) == 1 and lines[0].exc_info is None
    assert "every page answers 503" in lines[0].getMessage()
    with app.app_context():
        db.engine.dispose()


def test_the_outbox_loop_logs_an_outage_once_not_a_traceback_a_pass(gone_app, caplog):
    loop = DeliveryLoop(gone_app)
    with caplog.at_level(logging.ERROR):
        for _ in range(3):
            assert loop.run_pass() is False
    assert loop.totals.errors == 3
    lines = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(lines) == 1 and lines[0].exc_info is None
    assert "mail delivery waits" in lines[0].getMessage()


@pytest.mark.parametrize("command", [["db", "upgrade"],
                                     ["users", "create", "li.na", "--role", "clerk"]])
def test_flask_commands_say_in_one_line_what_failed_and_exit_non_zero(gone_url, tmp_path,
                                                                      command):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("DEPOT_", "FLASK_"))},
           "PYTHONPATH": str(ROOT), "DEPOT_DATABASE_URL": gone_url,
           "DEPOT_INSTANCE_PATH": str(tmp_path / "instance")}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "depot", *command],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: Depot cannot reach its database")
    assert "DEPOT_DATABASE_URL" in lines[0] and "s3cret-pw" not in lines[0]
    assert "Traceback" not in result.stderr
