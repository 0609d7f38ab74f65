"""Backup and restore figures on a depot of some size: fill it through the services, back it
up, restore into an empty database, compare every row, print sizes and times.

Run from the repository root:
    .venv/bin/python bench/backup_bench.py [--rmas 300]                      # SQLite in a temp dir
    .venv/bin/python bench/backup_bench.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres

With --pg two throwaway databases are created on that server and dropped afterwards. This is a
script, not a test: it prints figures and asserts nothing beyond the comparison.
"""
from __future__ import annotations

import argparse
import io
import random
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from PIL import Image
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from depot import create_app
from depot.config import TestConfig
from depot.domain.pricing import make_line
from depot.models import db
from depot.services import backups, catalog, inspection, intake, quote_mail, quoting, units, users
from depot.services.settings import DepotSettings
from depot.services.units import CustomerInput
from depot.services.workflow import Origin

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
WEB = Origin("192.0.2.10", "web")


def photo(seed: int) -> intake.Photo:
    noise = random.Random(seed).randbytes(640 * 480 * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (640, 480), noise).save(out, "JPEG", quality=85)
    return intake.prepare_photos([("photo.jpg", out.getvalue())], max_bytes=15 << 20,
                                 max_pixels=50_000_000)[0]


def fill(url: str, instance: Path, count: int) -> None:
    from flask_migrate import upgrade

    app = create_app(TestConfig(url, instance))
    with app.app_context():
        upgrade()
        settings = DepotSettings.from_config(app.config)
        clerk, _ = users.create_user(db.session, "li.na", "clerk", now=NOW)
        catalog.create_model(db.session, "AT-100", "考勤机 AT-100", 12, now=NOW)
        photos = [photo(i) for i in range(8)]
        for i in range(count):
            serial = f"BENCH{i:06d}"
            units.register_unit(db.session, serial, "AT-100", date(2026, 6, 1),
                                CustomerInput(f"客户{i}", "13800000000", f"c{i}@example.com",
                                              "上海市浦东新区世纪大道100号"), now=NOW)
            rma, _ = intake.receive_unit(db.session, serial, "不开机", ["power_adapter"],
                                         photos=[photos[i % len(photos)]], actor=clerk, now=NOW,
                                         origin=WEB)
            damaged = i % 3 == 0
            inspection.record_inspection(db.session, rma.number,
                                         ["shell_damage" if damaged else "no_power"],
                                         actor=clerk, now=NOW, origin=WEB)
            if damaged:
                quote = quoting.create_quote(
                    db.session, rma.number,
                    [make_line("part", "外壳", Decimal("1"), Decimal("150.00")),
                     make_line("labor", "工时", Decimal("1"), Decimal("80.00"))],
                    tax_rate=None, policy=settings.pricing, actor=clerk, now=NOW, origin=WEB)
                quote_mail.send_quote(db.session, rma.number, quote.number, settings,
                                      actor=clerk, now=NOW, origin=WEB)
        db.session.remove()
        db.engine.dispose()


def snapshot(url: str) -> dict[str, list]:
    tables = [*db.metadata.sorted_tables, sa.table("alembic_version", sa.column("version_num"))]
    engine = sa.create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        out = {t.name: list(conn.execute(sa.select(t).order_by(
            *(list(getattr(t, "primary_key", None) or t.columns))))) for t in tables}
    engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rmas", type=int, default=300)
    parser.add_argument("--pg", help="admin URL of a PostgreSQL server to make databases on")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="depot-backup-bench-"))
    admin = None
    if args.pg:
        admin = sa.create_engine(args.pg, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        names = [f"depot_bench_{uuid.uuid4().hex[:8]}" for _ in range(2)]
        with admin.connect() as conn:
            for name in names:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        source, target = (make_url(args.pg).set(database=n).render_as_string(hide_password=False)
                          for n in names)
    else:
        source, target = f"sqlite:///{work / 'source.sqlite3'}", f"sqlite:///{work / 'x.sqlite3'}"
    try:
        started = time.perf_counter()
        fill(source, work / "instance", args.rmas)
        filled = time.perf_counter() - started
        file = work / "depot.backup"
        started = time.perf_counter()
        report = backups.backup(source, file)
        backed_up = time.perf_counter() - started
        started = time.perf_counter()
        backups.restore(target, file)
        restored = time.perf_counter() - started
        started = time.perf_counter()
        before, after = snapshot(source), snapshot(target)
        differing = [name for name in before if before[name] != after[name]]
        compared = time.perf_counter() - started
        rows = sum(len(r) for r in before.values())
        photos = sum(row.size for row in before["attachments"])
        print(f"{report.backend}: {args.rmas} RMAs filled in {filled:.1f} s; "
              f"{len(before)} tables, {rows} rows ({len(before['rma_events'])} RMA events, "
              f"{len(before['attachments'])} photos, {photos / 1e6:.1f} MB of them)")
        print(f"backup {report.size / 1e6:.1f} MB in {backed_up:.2f} s; restore into an empty "
              f"database in {restored:.2f} s; compared row by row in {compared:.2f} s: "
              f"{'identical' if not differing else 'DIFFERENT: ' + ', '.join(differing)}")
    finally:
        if admin is not None:
            with admin.connect() as conn:
                for name in names:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()


if __name__ == "__main__":
    main()
