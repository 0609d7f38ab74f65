"""The search's query plans and timings on a generated database (not a test; prints figures).

    DEPOT_DATABASE_URL=sqlite:////tmp/s.sqlite3 python bench/search_plans.py --rmas 200000
    scripts/with-postgres.sh sh -c 'DEPOT_DATABASE_URL=$DEPOT_TEST_DATABASE_URL \
        python bench/search_plans.py --rmas 200000'

Loads customers (Chinese names, phones), units and RMAs with plain INSERTs, unless the database
holds RMAs already (bench/reports_bench.py --sqlite-path keeps its million), then runs each kind of search through depot.services.search,
prints the plan the database chose for its page query and the median of a few runs.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from depot import create_app  # noqa: E402
from depot.config import TestConfig  # noqa: E402
from depot.models import db  # noqa: E402
from depot.services import search  # noqa: E402

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许"
            "韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强晓东海燕红梅德华小春"
STATUSES = ["received", "inspected", "awaiting_approval", "in_repair", "awaiting_parts",
            "ready_to_ship", "shipped", "closed", "closed", "closed", "closed", "closed"]


def load(n_rmas: int) -> None:
    rng = random.Random(11)
    now = datetime(2026, 11, 20, tzinfo=UTC)
    n_customers = max(n_rmas // 5, 10)
    conn = db.session.connection()
    conn.execute(sa.text("INSERT INTO product_models (id, code, name, warranty_months, "
                         "created_at) VALUES (1, 'AT-100', 'AT-100', 12, :now)"), {"now": now})
    customers = [{"id": i, "name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=2)),
                  "phone": f"1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}",
                  "email": f"c{i}@example.com", "address": "", "key_account": i % 97 == 0,
                  "created_at": now} for i in range(1, n_customers + 1)]
    conn.execute(sa.text("INSERT INTO customers (id, name, phone, email, address, key_account, "
                         "created_at) VALUES (:id, :name, :phone, :email, :address, "
                         ":key_account, :created_at)"), customers)
    units = [{"id": i, "serial": f"SN{i:08d}", "customer_id": rng.randint(1, n_customers),
              "now": now} for i in range(1, n_rmas + 1)]
    conn.execute(sa.text("INSERT INTO units (id, serial, model_id, customer_id, "
                         "extended_months, created_at, updated_at) VALUES (:id, :serial, 1, "
                         ":customer_id, 0, :now, :now)"), units)
    start = date(2026, 11, 20) - timedelta(days=730)
    rows = []
    for i in range(1, n_rmas + 1):
        received = start + timedelta(days=i * 730 // n_rmas)
        rows.append({"id": i, "number": f"RMA-{received.year}-{i:06d}", "year": received.year,
                     "seq": i, "unit_id": i, "status": rng.choice(STATUSES),
                     "received_on": received, "due_on": received + timedelta(days=7),
                     "now": now})
    conn.execute(sa.text(
        "INSERT INTO rmas (id, number, year, seq, unit_id, status, fault_description, "
        "accessories, received_on, listed_on, due_on, warranty_status, warranty_reasons, "
        "findings, inspection_notes, damage_reasons, coverage_reasons, paused_working_days, "
        "created_at, updated_at) VALUES (:id, :number, :year, :seq, :unit_id, :status, '', "
        "'[]', :received_on, :received_on, :due_on, 'unknown', '[]', '[]', '', '[]', '[]', 0, "
        ":now, :now)"), rows)
    db.session.commit()
    # PostgreSQL: VACUUM also moves the GIN indexes' pending list (rows added since the index
    # was built) into the index; until then the planner prices a trigram scan high and reads
    # the customers table instead. Autovacuum does the same on a live depot.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as auto:
        auto.execute(sa.text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql"
                             else "ANALYZE"))


def plans(explain: str) -> None:
    statements: list[tuple[str, object]] = []

    @sa.event.listens_for(db.engine, "before_cursor_execute")
    def keep(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    today = date(2026, 11, 20)
    # what to look for, taken from an RMA half-way down the table (so the script also runs on
    # a database another generator loaded, bench/reports_bench.py's million RMAs among them)
    serial, number, name, phone = db.session.execute(sa.text(
        "SELECT u.serial, r.number, c.name, c.phone FROM rmas r JOIN units u ON u.id = r.unit_id "
        "JOIN customers c ON c.id = u.customer_id WHERE r.id >= (SELECT max(id) / 2 FROM rmas) "
        "AND c.phone <> '' ORDER BY r.id LIMIT 1")).one()
    db.session.rollback()
    print(f"looking for serial {serial}, {number}, parts of {name} and {phone}")
    cases = {
        "newest first, no filter": search.RmaFilter(),
        "serial": search.RmaFilter(q=serial),
        "serial in lower case": search.RmaFilter(q=serial.lower()),
        "RMA number": search.RmaFilter(q=number),
        "part of a phone (5 digits)": search.RmaFilter(q=phone[3:8]),
        "part of a name (3 characters)": search.RmaFilter(q=name[-3:]),
        "part of a name (2 characters)": search.RmaFilter(q=name[-2:]),
        "overdue": search.RmaFilter(overdue=True),
    }
    for title, f in cases.items():
        times = []
        for _ in range(5):
            statements.clear()
            started = time.perf_counter()
            page = search.search_rmas(db.session, f, today=today, secret="x" * 32, limit=50)
            times.append((time.perf_counter() - started) * 1000)
        statement, parameters = statements[0]
        raw = db.session.connection().connection.driver_connection
        cursor = raw.cursor()
        alone = []
        for _ in range(5):  # the page query on the driver: the database's own time
            started = time.perf_counter()
            cursor.execute(statement, parameters)
            cursor.fetchall()
            alone.append((time.perf_counter() - started) * 1000)
        print(f"\n== {title}: {len(page.rmas)} rows, median {statistics.median(times):.1f} ms "
              f"through the service, page query alone {statistics.median(alone):.1f} ms")
        cursor.execute(explain + statement, parameters)
        for row in cursor.fetchall():
            print("   ", " | ".join(str(c) for c in row))
        db.session.rollback()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rmas", type=int, default=100_000)
    args = parser.parse_args()
    url = os.environ["DEPOT_DATABASE_URL"]
    instance = Path(tempfile.mkdtemp())
    app = create_app(TestConfig(url, instance))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        if not db.session.scalar(sa.text("SELECT count(*) FROM rmas")):  # else: loaded before
            started = time.perf_counter()
            load(args.rmas)
            print(f"loaded {args.rmas} RMAs in {time.perf_counter() - started:.1f} s "
                  f"({db.engine.dialect.name})")
        plans("EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite"
              else "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ")


if __name__ == "__main__":
    main()
