"""Reports on a big depot: a deterministic generator and the figures' timings, with plans.

Run from the repository root:

    .venv/bin/python bench/reports_bench.py                         # SQLite, 1,000,000 RMAs
    .venv/bin/python bench/reports_bench.py --rmas 100000           # a smaller depot
    scripts/with-postgres.sh .venv/bin/python bench/reports_bench.py --postgres   # and PG
    DEPOT_BENCH_PG_URL=postgresql+psycopg://… .venv/bin/python bench/reports_bench.py --postgres

The generator writes N RMAs received over five years (2022-01-01 … 2026-11-30, in number
order), on about 0.75·N units of 20 models owned by about N/4 customers, with every event of
their life (receive, inspect, quote sent and answered, start, finish, a failed QA now and then,
pass, ship, close), the quotes, the payments, 30 technicians; the same rows for the same N and
seed. Open statuses are kept for the last weeks. Inserts go through the driver: executemany
on SQLite (journal off while loading), COPY on PostgreSQL; ANALYZE at the end.

Then it times (best and median of 5, after one warm-up) the summary of a month and of a year
(services.reports.summary, everything the API answers, technicians included), each figure of
the year on its own, and the dashboard (services.dashboard.floor: every figure of `/`), and
prints the query plan (EXPLAIN QUERY PLAN / EXPLAIN) of every statement the
summary runs. A script, not a test: it prints figures and asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHANGHAI = ZoneInfo("Asia/Shanghai")
START, END = date(2022, 1, 1), date(2026, 11, 30)
TECHNICIANS = 30
MAN_MADE = ("shell_damage", "self_repair", "seal_broken", "liquid_damage", "impact_damage")
QUALITY = ("no_power", "no_boot", "display_fault", "keypad_fault", "sensor_fault",
           "network_fault", "printer_fault", "reader_fault", "battery_fault", "firmware_fault")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def make_app(url: str, instance: Path):
    from flask_migrate import upgrade

    from depot import create_app
    from depot.config import TestConfig

    app = create_app(TestConfig(url, instance))
    with app.app_context():
        upgrade()
    return app


# -- the generator ---------------------------------------------------------------------------

class Loader:
    """Rows to the database through the driver: executemany (SQLite) or COPY (PostgreSQL)."""

    def __init__(self, raw, postgres: bool) -> None:
        self.raw, self.postgres = raw, postgres
        self.cursor = raw.cursor()

    def ts(self, moment: datetime):
        if self.postgres:
            return moment
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def day(self, value: date | None):
        if value is None or self.postgres:
            return value
        return value.isoformat()

    def put(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        if self.postgres:
            with self.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            self.cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


RMA_COLUMNS = ("id", "number", "year", "seq", "unit_id", "status", "fault_description",
               "accessories", "received_on", "reported_on", "due_on", "warranty_status",
               "damage_class", "covered", "findings", "inspection_notes", "damage_reasons",
               "coverage_reasons", "warranty_reasons", "technician_id", "paused_since",
               "paused_working_days", "shipped_on", "created_at", "updated_at")
EVENT_COLUMNS = ("id", "rma_id", "action", "from_status", "to_status", "actor_id", "at",
                 "reason", "ip", "via")
QUOTE_COLUMNS = ("id", "rma_id", "number", "version", "status", "currency", "tax_rate",
                 "subtotal", "tax", "total", "valid_until", "token_nonce", "created_at",
                 "sent_at", "answered_at", "answer_via", "reminders")
PAYMENT_COLUMNS = ("id", "rma_id", "amount", "currency", "method", "reference", "received_at")


def generate(app, n: int, seed: int = 20261202, chunk: int = 50_000) -> dict[str, int]:
    from depot.extensions import db
    from depot.services import report_facts
    from depot.services.calendars import china_calendar

    rnd = random.Random(seed)
    with app.app_context():
        calendar = china_calendar(db.session, range(START.year - 1, END.year + 2))
        db.session.remove()
        engine = db.engine
        raw = engine.raw_connection()
        postgres = engine.dialect.name == "postgresql"
        load = Loader(raw.driver_connection, postgres)
        if not postgres:
            raw.driver_connection.execute("PRAGMA journal_mode=OFF")
            raw.driver_connection.execute("PRAGMA synchronous=OFF")
            # the indexes of six million events do not fit SQLite's default 2 MB page cache:
            # each insert would then read its index pages from the disk again
            raw.driver_connection.execute("PRAGMA cache_size=-1000000")
            # and an index built once at the end (a sort) costs far less than one kept up
            # to date row by row: drop the secondary indexes now, make them again after
            indexes = raw.driver_connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND tbl_name IN ('rmas', 'rma_events', 'quotes', 'payments', 'units', "
                "'customers')").fetchall()
            for name, _sql in indexes:
                raw.driver_connection.execute(f"DROP INDEX {name}")
        created = datetime(2021, 12, 1, tzinfo=UTC)
        cts = load.ts(created)
        load.put("users", ("id", "username", "display_name", "role", "active", "created_at",
                           "session_version"),
                 [(i, f"tech{i:02d}", f"技术员{i}", "technician", True if postgres else 1, cts, 0)
                  for i in range(1, TECHNICIANS + 1)])
        load.put("product_models", ("id", "code", "name", "warranty_months", "created_at"),
                 [(m, f"M-{m:02d}", f"型号 {m}", 12 if m % 3 else 24, cts) for m in range(1, 21)])
        customers, units = max(n // 4, 1), max(n * 3 // 4, 1)
        for first in range(0, customers, chunk):
            load.put("customers", ("id", "name", "phone", "email", "address", "key_account",
                                   "created_at"),
                     [(c + 1, f"{SURNAMES[c % 20]}氏{c}号商贸有限公司", f"1{3 + c % 7}{c:09d}",
                       f"c{c}@example.cn", f"上海市浦东新区世纪大道{c % 977 + 1}号",
                       (c % 50 == 0) if postgres else int(c % 50 == 0), cts)
                      for c in range(first, min(first + chunk, customers))])
        for first in range(0, units, chunk):
            load.put("units", ("id", "serial", "model_id", "customer_id", "purchase_date",
                               "extended_months", "created_at", "updated_at"),
                     [(u + 1, f"SN{u:09d}", u % 20 + 1, u % customers + 1,
                       load.day(START - timedelta(days=u % 1500)), 0, cts, cts)
                      for u in range(first, min(first + chunk, units))])
        due_cache: dict[tuple[date, int], date] = {}

        def due(received: date, paused: int) -> date:
            key = (received, paused)
            if key not in due_cache:
                due_cache[key] = calendar.add_working_days(received, 5 + paused)
            return due_cache[key]

        days = (END - START).days + 1
        counts = {"rmas": 0, "events": 0, "quotes": 0, "payments": 0}
        event_id = quote_id = payment_id = 0
        seqs: dict[int, int] = {}
        for first in range(0, n, chunk):
            rmas, events, quotes, payments = [], [], [], []
            for i in range(first, min(first + chunk, n)):
                rid = i + 1
                received = START + timedelta(days=i * days // n)
                year = received.year
                seqs[year] = seqs.get(year, 0) + 1
                at0 = datetime(received.year, received.month, received.day, 9, tzinfo=SHANGHAI
                               ) + timedelta(minutes=rnd.randrange(540))
                warranty = rnd.choices(("in_warranty", "out_of_warranty", "unknown"),
                                       (50, 35, 15))[0]
                damage = rnd.choices(("man_made", "quality", "no_fault_found"), (30, 60, 10))[0]
                if damage == "man_made":
                    found = rnd.sample(MAN_MADE, rnd.choice((1, 1, 2)))
                elif damage == "quality":
                    found = rnd.sample(QUALITY, rnd.choice((1, 1, 2)))
                else:
                    found = []
                covered = warranty == "in_warranty" and damage == "quality"
                tech = rnd.randrange(1, TECHNICIANS + 1)
                age = (END - received).days
                # how far the RMA got: older ones are done; the last weeks hold open ones
                stage = 9 if age > 30 else rnd.randrange(1, 10) if age > 3 else rnd.randrange(1, 4)
                paused = rnd.choice((0, 1, 1, 2, 3)) if not covered else 0
                lag = rnd.randrange(0, 4)
                status, moment = "received", at0
                evs = [("receive", None, "received", None, at0)]

                def step(action, to, hours, actor=None):
                    nonlocal status, moment
                    moment = moment + timedelta(hours=hours)
                    evs.append((action, status, to, actor, moment))
                    status = to

                shipped_on = None
                if stage >= 2:
                    step("inspect", "inspected", rnd.randrange(2, 30), tech)
                if stage >= 3 and not covered:
                    step("send_quote", "awaiting_approval", rnd.randrange(1, 8))
                    qid_sent = moment
                    answer = rnd.choices(("approved", "declined", "sent"), (70, 20, 10))[0]
                    total = rnd.randrange(80, 1200)
                    answered = None
                    if stage >= 4 and answer != "sent":
                        step("approve" if answer == "approved" else "decline", answer,
                             24 * (paused or 1) + rnd.randrange(0, 6))
                        answered = moment
                    quote_id += 1
                    quotes.append((quote_id, rid, f"Q-{rid}-1", 1,
                                   answer if answered else "sent", "CNY", 0, total, 0, total,
                                   load.day(received + timedelta(days=15)), "n",
                                   load.ts(qid_sent), load.ts(qid_sent),
                                   load.ts(answered) if answered else None,
                                   "link" if answered else None, 0))
                    if answered and answer == "approved":
                        payment_id += 1
                        payments.append((payment_id, rid, total, "CNY", "bank_transfer", "",
                                         load.ts(moment + timedelta(hours=rnd.randrange(1, 30)))))
                    if answer == "declined" and answered:
                        if stage >= 7:
                            step("return_unrepaired", "ready_to_ship", 2)
                        stage = min(stage, 8) if stage >= 7 else 2
                    elif not answered:
                        stage = 2
                if stage >= 5 and status in ("inspected", "approved"):
                    step("start_repair", "in_repair", rnd.randrange(1, 20), tech)
                    if stage >= 6:
                        step("finish_repair", "repaired", rnd.randrange(1, 40), tech)
                        if rnd.random() < 0.08:
                            step("fail_qa", "in_repair", 2, rnd.randrange(1, TECHNICIANS + 1))
                            step("finish_repair", "repaired", rnd.randrange(1, 8), tech)
                    if stage >= 7:
                        step("pass_qa", "ready_to_ship", rnd.randrange(1, 6))
                if stage >= 8 and status == "ready_to_ship":
                    step("ship", "shipped", rnd.randrange(1, 24 * (lag + 1)))
                    shipped_on = max(moment.astimezone(SHANGHAI).date(), received)
                if stage >= 9 and status == "shipped":
                    step("close", "closed", 24 * 14)
                for action, before, to, actor, when in evs:
                    event_id += 1
                    events.append((event_id, rid, action, before, to, actor, load.ts(when),
                                   None, None, "job"))
                rmas.append((
                    rid, f"RMA-{year}-{seqs[year]:06d}", year, seqs[year], rnd.randrange(units) + 1,
                    status, "不开机", "[]", load.day(received), None,
                    load.day(due(received, paused if shipped_on else 0)), warranty,
                    damage if stage >= 2 else None,
                    (covered if postgres else int(covered)) if stage >= 2 else None,
                    json.dumps(found if stage >= 2 else []), "", "[]", "[]", "[]", tech, None,
                    paused if shipped_on else 0, load.day(shipped_on), load.ts(at0),
                    load.ts(moment)))
            load.put("rmas", RMA_COLUMNS, rmas)
            load.put("rma_events", EVENT_COLUMNS, events)
            load.put("quotes", QUOTE_COLUMNS, quotes)
            load.put("payments", PAYMENT_COLUMNS, payments)
            raw.commit()
            counts["rmas"] += len(rmas)
            counts["events"] += len(events)
            counts["quotes"] += len(quotes)
            counts["payments"] += len(payments)
            print(f"  {counts['rmas']:>9,} RMAs, {counts['events']:>10,} events", flush=True)
        cursor = raw.driver_connection.cursor()
        if postgres:
            for table, column in (("rmas", "id"), ("rma_events", "id"), ("quotes", "id"),
                                  ("payments", "id"), ("units", "id"), ("customers", "id"),
                                  ("users", "id"), ("product_models", "id")):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                               f"(SELECT max({column}) FROM {table}))")
            for year, last in seqs.items():
                cursor.execute("INSERT INTO rma_counters (year, last) VALUES (%s, %s)",
                               (year, last))
        else:
            cursor.executemany("INSERT INTO rma_counters (year, last) VALUES (?, ?)",
                               list(seqs.items()))
        raw.commit()
        if not postgres:
            for _name, sql in indexes:
                raw.driver_connection.execute(sql)
            raw.commit()
        raw.close()
        # what change_status keeps for the reports, as the migration works it out
        began = time.perf_counter()
        filled = report_facts.fill(db.session, SHANGHAI)
        print(f"  report facts worked out in {time.perf_counter() - began:.1f} s: "
              + ", ".join(f"{v:,} {k}" for k, v in filled.items()), flush=True)
        db.session.remove()
        raw = engine.raw_connection()
        if postgres:
            raw.driver_connection.autocommit = True
            raw.driver_connection.execute("VACUUM ANALYZE")
        else:
            raw.driver_connection.execute("ANALYZE")
            raw.commit()
        raw.close()
        counts["units"], counts["customers"] = units, customers
        return counts


# -- the measurements ------------------------------------------------------------------------

def timed(fn, runs: int = 5) -> tuple[float, float]:
    fn()  # warm the cache and the calendar
    spent = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        spent.append(time.perf_counter() - began)
    return min(spent), statistics.median(spent)


def parts(session, span) -> dict:
    """Each figure of the summary on its own: where the time goes."""
    from depot.models import Rma
    from depot.services import reports as r

    start, end = r._utc_bounds(span, SHANGHAI)
    inspected = r._inspected(span)
    return {
        "received": lambda: r._count_by(session, Rma.warranty_status, Rma.received_on, span),
        "shipped and turnaround": lambda: r._shipped(session, span),
        "damage by model": lambda: r._damage(session, inspected),
        "top findings": lambda: r._top_findings(session, inspected),
        "quotes": lambda: r._quotes(session, start, end),
        "revenue": lambda: r._revenue(session, start, end, "CNY"),
        "repeat repairs": lambda: r._repeat_repairs(session, span, 90),
        "by day": lambda: r._by_day(session, span),
        "technicians": lambda: r.technician_productivity(session, span, tz=SHANGHAI),
    }


def explain(session, statements: list[tuple[str, object]]) -> list[str]:
    postgres = session.get_bind().dialect.name == "postgresql"
    conn = session.connection()
    out = []
    for sql, params in statements:
        head = " ".join(sql.split())[:160]
        out.append(f"-- {head}{' …' if len(head) == 160 else ''}")
        prefix = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " if postgres else "EXPLAIN QUERY PLAN "
        rows = conn.exec_driver_sql(prefix + sql, params).all()
        for row in rows:
            out.append("   " + (str(row[0]) if postgres else f"{row[1]:>3} {row[3]}"))
    return out


def measure(app, label: str, plans: bool) -> None:
    from sqlalchemy import event

    from depot.extensions import db
    from depot.services import dashboard, reports

    with app.app_context():
        session = db.session
        month = reports.period(date(2026, 10, 1), date(2026, 10, 31))
        year = reports.period(date(2025, 12, 1), date(2026, 11, 30))
        for name, span in (("month", month), ("year", year)):
            best, middle = timed(lambda span=span: reports.summary(session, span, tz=SHANGHAI))
            report = reports.summary(session, span, tz=SHANGHAI)
            print(f"{label}: summary of a {name} ({span.first} … {span.last}): best {best:.3f} s, "
                  f"median {middle:.3f} s; received {report['received']:,}, shipped "
                  f"{report['shipped']:,}, median turnaround "
                  f"{report['turnaround']['median_working_days']} working days, "
                  f"{len(report['technicians'])} technicians", flush=True)
        for name, fn in parts(session, year).items():
            best, middle = timed(fn, runs=3)
            print(f"{label}:   the year's {name}: best {best * 1000:.1f} ms, "
                  f"median {middle * 1000:.1f} ms", flush=True)
        today = date(2026, 11, 30)
        best, middle = timed(lambda: dashboard.floor(session, today))
        floor = dashboard.floor(session, today)
        print(f"{label}: dashboard (services.dashboard.floor, every figure of /): best "
              f"{best * 1000:.1f} ms, median {middle * 1000:.1f} ms; open "
              f"{floor.open_total:,}, overdue {floor.overdue:,}, due today {floor.due_today:,}, "
              f"waiting on the customer {floor.waiting_customer:,}, "
              f"{len(floor.technicians)} technicians, {len(floor.key_accounts)} key accounts",
              flush=True)
        if plans:
            seen: list[tuple[str, object]] = []

            def keep(conn, cursor, statement, parameters, context, executemany):
                seen.append((statement, parameters))

            event.listen(db.engine, "before_cursor_execute", keep)
            reports.summary(session, month, tz=SHANGHAI)
            event.remove(db.engine, "before_cursor_execute", keep)
            wanted = [s for s in seen if "calendar_overrides" not in s[0]
                      and not s[0].startswith("SET ")]
            print(f"{label}: query plans of the month's summary:")
            for line in explain(session, wanted):
                print(line)
        session.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rmas", type=int, default=1_000_000)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL too "
                        "(DEPOT_BENCH_PG_URL or DEPOT_TEST_DATABASE_URL)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--sqlite-path", default=None, help="keep the SQLite file here; an "
                        "existing one is measured as it is, not generated again")
    parser.add_argument("--no-generate", action="store_true",
                        help="measure the PostgreSQL database as it is (generated before)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="depot-reports-bench-"))
    targets = []
    if not args.no_sqlite:
        path = Path(args.sqlite_path) if args.sqlite_path else work / "bench.sqlite3"
        targets.append(("SQLite", f"sqlite:///{path}", path.exists()))
    if args.postgres:
        url = os.environ.get("DEPOT_BENCH_PG_URL") or os.environ.get("DEPOT_TEST_DATABASE_URL")
        if not url:
            sys.exit("--postgres needs DEPOT_BENCH_PG_URL or scripts/with-postgres.sh")
        targets.append(("PostgreSQL", url, args.no_generate))
    for label, url, exists in targets:
        app = make_app(url, work / f"instance-{label}")
        if not exists:
            print(f"{label}: generating {args.rmas:,} RMAs …", flush=True)
            began = time.perf_counter()
            counts = generate(app, args.rmas)
            print(f"{label}: generated in {time.perf_counter() - began:.1f} s: "
                  + ", ".join(f"{v:,} {k}" for k, v in counts.items()), flush=True)
        measure(app, f"{label} {args.rmas:,}", plans=True)
        with app.app_context():
            from depot.extensions import db

            db.engine.dispose()


if __name__ == "__main__":
    main()
