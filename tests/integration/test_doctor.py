"""`flask depot doctor` checks what Depot needs (the PDF font, ZBar, the database and its
migrations, the mail relay when one is set, the settings customers see), says what to fix, and
exits 1 when something fails; `flask depot ensure-admin` (run by `make run`) warns about the
unconfigured defaults."""
from __future__ import annotations

import socket

import pytest

from depot import config, create_app
from depot.labels import fonts
from depot.models import db
from depot.services import settings as depot_settings
from tests.conftest import NOW

CONFIGURED = {"DEPOT_PUBLIC_URL": "https://rma.example.com", "DEPOT_MAIL_FROM": "rma@example.com",
              "DEPOT_PHONE": "028-66668888", "DEPOT_ADDRESS": "四川省成都市高新区天府大道 100 号",
              "DEPOT_PAYMENT_INSTRUCTIONS": "招商银行 6225 8800 1234 5678 户名 中控科技"}


def doctor(app, *args):
    result = app.test_cli_runner().invoke(args=["depot", "doctor", *args])
    lines = {}
    for line in result.output.splitlines()[:-1]:
        status, name, message = _split(line)
        lines[name] = (status, message)
    return result, lines


def _split(line: str) -> tuple[str, str, str]:
    status, rest = line.split(None, 1)
    if rest.startswith("setting "):
        name, message = rest[len("setting "):].split(None, 1)
        return status, f"setting {name}", message
    name, message = rest.split(None, 1)
    return status, name, message


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_configured_depot_passes_every_check(app, smtp_server):
    app.config.update(CONFIGURED, DEPOT_SMTP_URL=smtp_server[0])
    result, lines = doctor(app)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("0 failed, 0 warnings")
    for name in ("font", "zbar", "database", "migrations", "smtp", "settings"):
        assert lines[name][0] == "ok", (name, result.output)
    assert "answers" in lines["smtp"][1] and smtp_server[0] in lines["smtp"][1]
    assert "newest migration" in lines["migrations"][1]


def test_unconfigured_defaults_fail_in_production_and_warn_on_a_trial_machine(app):
    result, lines = doctor(app)
    assert result.exit_code == 1, result.output
    assert lines["setting public_url"][0] == "FAIL"
    assert "http://127.0.0.1:5000" in lines["setting public_url"][1]
    assert "DEPOT_PUBLIC_URL" in lines["setting public_url"][1]
    for name in ("mail_from", "phone", "address", "payment_instructions"):
        assert lines[f"setting {name}"][0] == "warn", (name, result.output)
    assert "DEPOT_SMTP_URL is not set" in lines["smtp"][1] and lines["smtp"][0] == "ok"
    trial, lines = doctor(app, "--dev")
    assert trial.exit_code == 0, trial.output
    assert lines["setting public_url"][0] == "warn"


def test_settings_saved_on_the_page_count_over_the_environment(app):
    depot_settings.save(db.session, app.config, {
        "public_url": "https://rma.example.com", "mail_from": "rma@example.com",
        "phone": "028-66668888", "address": "成都市天府大道 100 号",
        "payment_instructions": "招商银行 6225"}, actor="boss", now=NOW)
    result, lines = doctor(app)
    assert result.exit_code == 0, result.output
    assert lines["settings"][0] == "ok"


def test_a_mail_relay_that_does_not_answer_fails(app):
    app.config.update(CONFIGURED, DEPOT_SMTP_URL=f"smtp://u:secret@127.0.0.1:{free_port()}")
    result, lines = doctor(app)
    assert result.exit_code == 1
    status, message = lines["smtp"]
    assert status == "FAIL" and "does not answer" in message and "DEPOT_SMTP_URL" in message
    assert "secret" not in result.output


def test_a_missing_font_fails_naming_the_package(app, database_url, tmp_path):
    missing = tmp_path / "fonts" / "wqy-microhei.ttc"
    other = create_app(config.TestConfig(database_url, tmp_path / "fontless",
                                         DEPOT_PDF_FONT=str(missing), **CONFIGURED))
    try:
        result, lines = doctor(other)
    finally:
        fonts.use_font(app.config["DEPOT_PDF_FONT"])  # what the suite's app was started with
        with other.app_context():
            db.engine.dispose()
    assert result.exit_code == 1
    status, message = lines["font"]
    assert status == "FAIL" and str(missing) in message and "fonts-wqy-microhei" in message
    assert "DEPOT_PDF_FONT" in message


@pytest.fixture
def old_database(tmp_path):
    """A SQLite database migrated only up to 0009, as a Depot upgraded without `db upgrade`."""
    from flask_migrate import upgrade

    app = create_app(config.TestConfig(f"sqlite:///{tmp_path / 'old.sqlite3'}",
                                       tmp_path / "old", **CONFIGURED))
    with app.app_context():
        upgrade(revision="6b1e0c2d9a47")
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_database_behind_the_migrations_fails_saying_db_upgrade(old_database):
    result, lines = doctor(old_database)
    assert result.exit_code == 1
    status, message = lines["migrations"]
    assert status == "FAIL" and "6b1e0c2d9a47" in message
    assert "flask --app depot db upgrade" in message
    assert lines["database"][0] == "ok"


def test_a_database_that_cannot_be_reached_fails_saying_how_to_fix_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'no-such-folder' / 'depot.sqlite3'}"
    app = create_app(config.TestConfig(url, tmp_path / "gone", **CONFIGURED))
    result, lines = doctor(app)
    with app.app_context():
        db.engine.dispose()
    assert result.exit_code == 1
    assert lines["database"][0] == "FAIL" and "DEPOT_DATABASE_URL" in lines["database"][1]
    assert lines["migrations"][0] == "FAIL"


def test_ensure_admin_warns_about_the_unconfigured_defaults(app):
    result = app.test_cli_runner().invoke(args=["depot", "ensure-admin"])
    assert result.exit_code == 0, result.output
    assert "first admin created" in result.output
    assert "warning: customer links and QR codes point at http://127.0.0.1:5000" in result.output
    assert "warning: the depot's phone is not set" in result.output
    app.config.update(CONFIGURED)
    again = app.test_cli_runner().invoke(args=["depot", "ensure-admin"])
    assert again.exit_code == 0 and "warning" not in again.output
