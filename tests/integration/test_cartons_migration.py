"""Migration 0020 (cartons): rmas gains carton_id by a plain ADD COLUMN, never a re-creation of
the table, and down and up again with rows in place keeps every RMA."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from depot.models import db

BEFORE_CARTONS = "2f9b5d7c3e19"  # 0019_requests


def rma_rows() -> list[tuple]:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT id, number, status FROM rmas ORDER BY id")).fetchall()


def rmas_rootpage() -> int | None:
    """Where SQLite keeps the rmas table: a re-created table lands elsewhere."""
    if db.engine.dialect.name != "sqlite":
        return None
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT rootpage FROM sqlite_master "
                                 "WHERE type = 'table' AND name = 'rmas'")).scalar_one()


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_down_and_up_again_keeps_the_rmas_and_adds_the_key_in_place(app, api, make_unit):
    from flask_migrate import downgrade, upgrade

    make_unit("MIG0020A")
    carton = api.post("/cartons", {"tracking_number": "SF1402938847561"}).get_json()["number"]
    assert api.post("/rmas", {"serial": "MIG0020A", "carton": carton}).status_code == 201
    rows, page = rma_rows(), rmas_rootpage()
    db.session.remove()

    downgrade(revision=BEFORE_CARTONS)
    inspector = inspect(db.engine)
    assert "cartons" not in inspector.get_table_names()
    assert "carton_id" not in {c["name"] for c in inspector.get_columns("rmas")}
    assert rma_rows() == rows and rmas_rootpage() == page

    upgrade()
    inspector = inspect(db.engine)
    assert rma_rows() == rows and rmas_rootpage() == page  # not re-created
    keys = [k for k in inspector.get_foreign_keys("rmas") if k["constrained_columns"] == [
        "carton_id"]]
    assert [(k["referred_table"], k["referred_columns"]) for k in keys] == [("cartons", ["id"])]
    assert "ix_rmas_carton_id" in {i["name"] for i in inspector.get_indexes("rmas")}
    # the key holds: an RMA cannot name a carton that is not there
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        with pytest.raises(IntegrityError, match="(?i)foreign key"):
            conn.execute(text("UPDATE rmas SET carton_id = 999999"))
    number = api.post("/cartons", {}).get_json()["number"]
    assert number.endswith("000001")  # the counter went with the table
    got = api.get(f"/rmas/{rows[0][1]}").get_json()
    assert got["carton"] is None
