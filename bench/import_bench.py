"""CSV unit import benchmark: rows/s, total time, peak memory, and the SQLite write lock.

Run from the repository root:

    .venv/bin/python bench/import_bench.py                      # SQLite, 100,000 and 1,000,000
    scripts/with-postgres.sh .venv/bin/python bench/import_bench.py   # and PostgreSQL too
    DEPOT_BENCH_PG_URL=postgresql+psycopg://… .venv/bin/python bench/import_bench.py

Inputs: deterministic CSVs of N units with customers (a customer owns about three units;
Chinese names and addresses, some quoted with commas; three models; purchase dates 2015-2026),
written to a temp dir. Each measurement runs in a fresh process on a fresh, migrated database,
so the peak RSS is the import's own: the service path the CLI takes (check the whole file,
then stream it in chunks), the same rows inserted with a bare DBAPI executemany into another
fresh database of the same kind (and COPY on PostgreSQL) for a ratio, a re-import of the same
file (every row an update), and the API path (POST, 202, the app's worker thread, GET until
done). While the import runs, a thread runs the /healthz check every 100 ms; its longest
wait shows how long the write lock keeps others out on SQLite. A script, not a test: it
prints figures and asserts nothing.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = ["serial", "model", "purchase_date", "customer_name", "customer_phone",
          "customer_email", "customer_address"]
MODELS = (("AT-100", "考勤机 AT-100"), ("POS-X", "POS 终端 X"), ("ACP-7", "门禁控制器 ACP-7"))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
PLACES = ("上海市浦东新区世纪大道", "北京市朝阳区建国路", "四川省成都市高新区天府大道",
          "广东省深圳市南山区科技园", "浙江省杭州市西湖区文三路")


def generate(path: Path, rows: int, seed: int = 20261202) -> None:
    """N units, about N/3 customers, the same bytes for the same N and seed."""
    rnd = random.Random(seed)
    first = date(2015, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\r\n")
        out.writerow(HEADER)
        for i in range(rows):
            c = rnd.randrange(max(rows // 3, 1))
            name = f"{SURNAMES[c % len(SURNAMES)]}氏{c}号商贸有限公司"
            email = f"c{c}@example.cn" if c % 2 else ""
            address = f"{PLACES[c % len(PLACES)]}{c % 977 + 1}号, {c % 30 + 1}楼"
            bought = first + timedelta(days=rnd.randrange(4000))
            out.writerow([f"SN{i:09d}", MODELS[i % 3][0], bought.isoformat(), name,
                          f"1{3 + c % 7}{c:09d}", email, address])


# -- the measured child processes -----------------------------------------------------------

def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def make_app(url: str, instance: Path, **config):
    from flask_migrate import upgrade

    from depot import create_app
    from depot.config import TestConfig
    from depot.models import db
    from depot.services import catalog

    app = create_app(TestConfig(url, instance))
    app.config.update(config)
    with app.app_context():
        upgrade()
        for code, name in MODELS:
            catalog.create_model(db.session, code, name, 12, now=datetime.now(UTC))
        db.session.remove()
    return app


class HealthProbe(threading.Thread):
    """The /healthz query every 100 ms in its own app context: the longest it waited."""

    def __init__(self, app) -> None:
        super().__init__(daemon=True)
        self.app, self.longest, self.count = app, 0.0, 0
        self.stopping = threading.Event()

    def run(self) -> None:
        from depot.models import db
        from depot.services.health import check_database

        while not self.stopping.wait(0.1):
            with self.app.app_context():
                started = time.perf_counter()
                check_database(db.session)
                self.longest = max(self.longest, time.perf_counter() - started)
                self.count += 1
                db.session.remove()


def child_import(url: str, file: Path, instance: Path, reimport: bool) -> dict:
    from depot.models import Unit, db
    from depot.services.unit_import import check_file, import_units

    app = make_app(url, instance)
    out: dict = {}
    with app.app_context():
        baseline = rss_mb()
        probe = HealthProbe(app)
        probe.start()
        started = time.perf_counter()
        with file.open("rb") as handle:
            encoding, total = check_file(handle)
            checked = time.perf_counter() - started
            report = import_units(db.session, handle, now=datetime.now(UTC), encoding=encoding)
        seconds = time.perf_counter() - started
        probe.stopping.set()
        probe.join()
        units = db.session.query(Unit).count()
        out.update(rows=total, seconds=seconds, check_seconds=checked, created=report.created,
                   updated=report.updated, errors=report.error_count, units=units,
                   rss_before_mb=baseline, peak_rss_mb=peak_rss_mb(),
                   healthz_longest_s=probe.longest, healthz_checks=probe.count)
        if reimport:
            started = time.perf_counter()
            with file.open("rb") as handle:
                again = import_units(db.session, handle, now=datetime.now(UTC))
            out.update(reimport_seconds=time.perf_counter() - started,
                       reimport_updated=again.updated)
        db.session.remove()
        db.engine.dispose()
    return out


def child_bare(url: str, file: Path, instance: Path, chunk: int) -> dict:
    """The same customers and units, prepared in memory first (not timed), inserted with the
    driver's executemany, `chunk` rows a transaction (and with COPY on PostgreSQL)."""
    from depot.models import db

    app = make_app(url, instance)
    with app.app_context():
        model_ids = dict(db.session.execute(db.text("SELECT code, id FROM product_models")).all())
        db.session.remove()
        postgres = db.engine.dialect.name == "postgresql"
        now = datetime.now(UTC)
        stamp = now if postgres else now.replace(tzinfo=None).isoformat(" ")
        customers: dict[tuple[str, str], int] = {}
        customer_rows, unit_rows = [], []
        with file.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            for serial, model, bought, name, phone, email, address in reader:
                key = (name, phone)
                if key not in customers:
                    customers[key] = len(customers) + 1  # a fresh table counts from 1
                    customer_rows.append((name, phone, email, address, False, stamp))
                unit_rows.append((serial, model_ids[model], customers[key],
                                  date.fromisoformat(bought) if postgres else bought, 0,
                                  stamp, stamp))
        mark = "%s" if postgres else "?"
        statements = (
            ("customers", customer_rows, "INSERT INTO customers (name, phone, email, address, "
             f"key_account, created_at) VALUES ({', '.join([mark] * 6)})"),
            ("units", unit_rows, "INSERT INTO units (serial, model_id, customer_id, "
             "purchase_date, extended_months, created_at, updated_at) VALUES "
             f"({', '.join([mark] * 7)})"))
        raw = db.engine.raw_connection()
        started = time.perf_counter()
        cursor = raw.cursor()
        for _table, rows, statement in statements:
            for at in range(0, len(rows), chunk):
                if not postgres:  # Depot's SQLite connections begin their own transactions
                    cursor.execute("BEGIN IMMEDIATE")
                cursor.executemany(statement, rows[at:at + chunk])
                raw.commit()
        seconds = time.perf_counter() - started
        out = {"rows": len(unit_rows), "customers": len(customer_rows), "seconds": seconds}
        if postgres:
            cursor.execute("TRUNCATE units, customers RESTART IDENTITY CASCADE")
            raw.commit()
            started = time.perf_counter()
            for table, rows, statement in statements:
                columns = statement.split("(", 1)[1].split(")", 1)[0]
                for at in range(0, len(rows), chunk):
                    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in rows[at:at + chunk]:
                            copy.write_row(row)
                    raw.commit()
            out["copy_seconds"] = time.perf_counter() - started
        raw.close()
        db.engine.dispose()
    return out


def child_api(url: str, file: Path, instance: Path) -> dict:
    from depot import job_runner
    from depot.models import db
    from depot.services import users

    app = make_app(url, instance, DEPOT_JOBS_WORKER=True)
    with app.app_context():
        _user, token = users.create_user(db.session, "bench", "admin", now=datetime.now(UTC))
        db.session.remove()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    started = time.perf_counter()
    with file.open("rb") as handle:
        answer = client.post("/api/v1/units/import", input_stream=handle,
                             content_length=file.stat().st_size, content_type="text/csv",
                             headers=headers)
    accepted = time.perf_counter() - started
    body = answer.get_json()
    if answer.status_code == 202:
        path = body["status_url"].split("://", 1)[1].split("/", 1)[1]
        while body.get("status") not in ("done", "failed"):
            time.sleep(0.2)
            body = client.get("/" + path, headers=headers).get_json()
    seconds = time.perf_counter() - started
    job_runner.stop_background(app)
    with app.app_context():
        db.engine.dispose()
    return {"status": answer.status_code, "seconds": seconds, "answered_s": accepted,
            "created": body.get("created"), "errors": body.get("error_count"),
            "job_status": body.get("status"), "peak_rss_mb": peak_rss_mb()}


# -- the parent: databases, files, figures -------------------------------------------------

class Databases:
    """Fresh databases: SQLite files in the work dir, or PostgreSQL databases made and
    dropped on the server given."""

    def __init__(self, work: Path, pg_url: str | None) -> None:
        self.work, self.pg_url = work, pg_url
        self.made: list[str] = []

    def fresh(self, kind: str, label: str) -> str:
        if kind == "sqlite":
            path = self.work / f"{label}.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            return f"sqlite:///{path}"
        import sqlalchemy as sa

        name = f"depot_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(self.pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        self.made.append(name)
        return sa.engine.make_url(self.pg_url).set(database=name).render_as_string(
            hide_password=False)

    def drop_all(self) -> None:
        if not self.made:
            return
        import sqlalchemy as sa

        admin = sa.create_engine(self.pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in self.made:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def child(mode: str, url: str, file: Path, work: Path, **extra) -> dict:
    command = [sys.executable, __file__, "--child", mode, "--url", url, "--file", str(file),
               "--work", str(work), "--extra", json.dumps(extra)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"{mode} failed:\n{done.stderr[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="100000,1000000",
                        help="comma-separated file sizes (data rows)")
    parser.add_argument("--api-rows", default="100000",
                        help="sizes also run through the API (202, worker thread); '' for none")
    parser.add_argument("--reimport-up-to", type=int, default=100_000,
                        help="re-import (all updates) files up to this size")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child")
    parser.add_argument("--url")
    parser.add_argument("--file")
    parser.add_argument("--work")
    parser.add_argument("--extra", default="{}")
    args = parser.parse_args()
    if args.child:
        extra = json.loads(args.extra)
        file, work = Path(args.file), Path(args.work)
        instance = work / f"instance-{os.getpid()}"
        runs = {"import": lambda: child_import(args.url, file, instance, **extra),
                "bare": lambda: child_bare(args.url, file, instance, **extra),
                "api": lambda: child_api(args.url, file, instance)}
        print(json.dumps(runs[args.child]()))
        return

    from depot.config import Config

    sizes = [int(n) for n in args.rows.split(",") if n]
    api_sizes = {int(n) for n in args.api_rows.split(",") if n}
    chunk = Config({}).DEPOT_IMPORT_CHUNK_ROWS
    pg_url = None if args.no_postgres else (os.environ.get("DEPOT_BENCH_PG_URL")
                                            or os.environ.get("DEPOT_TEST_DATABASE_URL"))
    work = Path(tempfile.mkdtemp(prefix="depot-import-bench-"))
    print(f"work dir {work}; chunk {chunk} rows; cpus {os.cpu_count()}; "
          f"load {os.getloadavg()[0]:.1f}")
    files = {}
    for n in sizes:
        files[n] = work / f"units-{n}.csv"
        started = time.perf_counter()
        generate(files[n], n)
        print(f"generated {n:>9,} rows: {files[n].stat().st_size / 1e6:7.1f} MB "
              f"in {time.perf_counter() - started:.1f} s")
    databases = Databases(work, pg_url)
    kinds = ["sqlite"] + (["postgresql"] if pg_url else [])
    try:
        for kind in kinds:
            print(f"\n== {kind}")
            for n in sizes:
                result = child("import", databases.fresh(kind, f"import-{n}"), files[n], work,
                               reimport=n <= args.reimport_up_to)
                bare = child("bare", databases.fresh(kind, f"bare-{n}"), files[n], work,
                             chunk=chunk)
                rate = result["rows"] / result["seconds"]
                print(f"import {n:>9,} rows: {result['seconds']:6.1f} s  {rate:8,.0f} rows/s  "
                      f"(file check {result['check_seconds']:.1f} s)  created "
                      f"{result['created']:,} errors {result['errors']}  peak RSS "
                      f"{result['peak_rss_mb']:.0f} MB (before the import "
                      f"{result['rss_before_mb']:.0f} MB, +"
                      f"{result['peak_rss_mb'] - result['rss_before_mb']:.0f} MB)")
                print(f"    bare executemany of the same {bare['rows']:,} units and "
                      f"{bare['customers']:,} customers: {bare['seconds']:6.1f} s  "
                      f"{bare['rows'] / bare['seconds']:8,.0f} rows/s  -> import / bare = "
                      f"{result['seconds'] / bare['seconds']:.2f}")
                if "copy_seconds" in bare:
                    print(f"    bare COPY of the same rows: {bare['copy_seconds']:6.1f} s  -> "
                          f"import / COPY = {result['seconds'] / bare['copy_seconds']:.2f}")
                print(f"    /healthz during the import: longest wait "
                      f"{result['healthz_longest_s'] * 1000:.0f} ms over "
                      f"{result['healthz_checks']} checks")
                if "reimport_seconds" in result:
                    print(f"    re-import (every row an update): "
                          f"{result['reimport_seconds']:6.1f} s  "
                          f"{result['reimport_updated'] / result['reimport_seconds']:8,.0f} "
                          "rows/s")
                if n in api_sizes:
                    api = child("api", databases.fresh(kind, f"api-{n}"), files[n], work)
                    print(f"    through the API: {api['status']} in {api['answered_s']:.1f} s, "
                          f"job {api['job_status']} after {api['seconds']:.1f} s  created "
                          f"{api['created']:,}  peak RSS {api['peak_rss_mb']:.0f} MB")
    finally:
        databases.drop_all()
        for n in sizes:
            files[n].unlink(missing_ok=True)
        for stale in work.glob("*.sqlite3*"):
            stale.unlink()


if __name__ == "__main__":
    main()
