"""The CLI of the contract and the migrations that build every database."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from depot.models import db
from depot.models.search import outside_metadata


def test_users_create_prints_the_token_alone_on_the_last_line(app, client):
    result = app.test_cli_runner().invoke(args=["users", "create", "zhao", "--role", "logistics"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert " " not in token and len(token) >= 32
    response = client.get("/api/v1/rmas/RMA-2026-000001",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404  # authenticated (not 401), the RMA just does not exist


def test_users_create_refuses_unknown_roles_and_duplicates(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "create", "x", "--role", "boss"]).exit_code != 0
    assert runner.invoke(args=["users", "create", "x", "--role", "clerk"]).exit_code == 0
    again = runner.invoke(args=["users", "create", "x", "--role", "clerk"])
    assert again.exit_code != 0 and "exists" in again.output


def test_ensure_admin_creates_one_admin_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["depot", "ensure-admin"])
    assert "password" in first.output
    second = runner.invoke(args=["depot", "ensure-admin"])
    assert "exists already" in second.output


def test_calendar_override_moves_due_dates(app, client, api, make_unit):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["depot", "calendar-override", "2027-10-04", "--holiday"])
    assert result.exit_code == 0, result.output
    from datetime import date

    from depot.services.calendars import calendar_around

    assert not calendar_around(db.session, date(2027, 10, 1)).is_working_day(date(2027, 10, 4))


# SQLite cannot reflect an expression index (units' lower(serial)): SQLAlchemy and alembic say
# so and skip it there; PostgreSQL compares it.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_migrations_match_the_models(app):
    """Nothing in depot/models.py is missing from the migrations (or the other way round)."""
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(
            conn, opts={"include_name": lambda name, type_, _parents:
                        not outside_metadata(name, type_)}), db.metadata)
    assert diff == []


def test_downgrade_and_upgrade_again(app):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    db.session.remove()
    downgrade(revision="base")
    assert "rmas" not in inspect(db.engine).get_table_names()
    upgrade()
    assert "rmas" in inspect(db.engine).get_table_names()


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_the_requests_migration_keeps_rmas_and_what_refers_to_them(app, client, api, make_unit):
    """0019 re-creates rmas on SQLite (NOT NULL off received_on, due_on) while events, shipments
    and the rest point at it: down and up again with rows in place keeps every row and key."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    make_unit("MIG0019A")
    made = api.post("/rmas", json={"serial": "MIG0019A", "fault_description": "no power"})
    assert made.status_code == 201, made.get_json()

    def counts():
        with db.engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                    for t in ("rmas", "rma_events", "units")}

    before = counts()
    assert before["rmas"] == 1 and before["rma_events"] >= 1
    db.session.remove()
    downgrade(revision="1e8a4c6b2d18")
    upgrade()
    assert counts() == before
    got = api.get(f"/rmas/{made.get_json()['number']}")
    assert got.status_code == 200 and got.get_json()["serial"] == "MIG0019A"
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as conn:  # the pool's connections keep their foreign keys on
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
