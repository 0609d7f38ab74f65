"""Backups: `flask depot backup` and `flask depot restore` round trips on the database the
tests run on (SQLite, or PostgreSQL with pg_dump / pg_restore), compared row by row."""
from __future__ import annotations

import io
import random
import sqlite3
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from depot import config as depot_config
from depot import create_app
from depot.domain.pricing import make_line
from depot.domain.workflow import Action
from depot.errors import InvalidInputError, UnavailableError
from depot.models import CalendarOverride, db
from depot.services import (
    backups,
    cartons,
    complaints,
    customer_status,
    exchange,
    inspection,
    intake,
    jobs,
    notifications,
    parts,
    payments,
    printing,
    quote_mail,
    quoting,
    repair,
    shipping,
    surveys,
    users,
    webhooks,
)
from depot.domain.webhooks import EVENTS
from depot.services import settings as depot_settings
from depot.services.settings import DepotSettings
from depot.services.units import CustomerInput
from depot.services.workflow import Origin
from tests.conftest import NOW, PG_URL, IsolatedClient
from tests.web.test_pages import csrf_from

WEB = Origin("192.0.2.10", "web")
LINK = Origin("198.51.100.7", "link")


def photo_bytes(seed: int, size=(640, 480)) -> bytes:
    """A JPEG of noise: it does not compress away, like a real photo."""
    noise = random.Random(seed).randbytes(size[0] * size[1] * 3)
    image = Image.frombytes("RGB", size, noise)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def photos(*seeds: int) -> list[intake.Photo]:
    return intake.prepare_photos([(f"photo{s}.jpg", photo_bytes(s)) for s in seeds],
                                 max_bytes=15 << 20, max_pixels=50_000_000)


@pytest.fixture
def filled(app, make_unit, client) -> dict:
    """A depot with something in every table, filled through the services: units and
    customers, RMAs with events and photos, a quote with lines sent, answered by the link and
    paid with a slip, parts used, a shipment, mail in the outbox, a printer, a calendar day,
    an import job waiting with its file, an exchange, a setting saved on the settings page;
    and a mistyped password on the login page, which the login throttle counts."""
    settings = DepotSettings.from_config(app.config)
    tech, tech_token = users.create_user(db.session, "wang.tech", "technician",
                                         display_name="王师傅", now=NOW)
    clerk, _ = users.create_user(db.session, "li.na", "clerk", password="clerk-password-1",
                                 now=NOW)
    make_unit("BACKUP001", date(2026, 6, 1))
    make_unit("BACKUP002", date(2026, 6, 1), model_code="POS-9", months=24)
    make_unit("BACKUP004", date(2026, 6, 1), model_code="POS-9", months=24)
    parts.create_part(db.session, "LCD-7", "7寸屏", Decimal("88.00"), name_en="7in LCD",
                      stock=5, now=NOW)
    printing.add_printer(db.session, "pack-1", "192.0.2.50")
    db.session.add(CalendarOverride(day=date(2027, 2, 6), is_working=True, note="春节调休"))
    db.session.commit()
    depot_settings.save(db.session, app.config, {"phone": "028-66668888"}, actor="admin",
                        now=NOW)
    notifications.save_template(db.session, "received", "en", "Got %(rma)s",
                                "Hello %(name)s: %(status_url)s", actor="admin", now=NOW)
    customer_status.save_transit_days(db.session, {"CN-SH": "3"}, actor="admin", now=NOW)
    # a webhook for every event: each change below queues its delivery (webhook_deliveries)
    webhooks.create_webhook(db.session, "http://127.0.0.1:9/depot-events", list(EVENTS),
                            "backup-test-secret-1", actor=None, now=NOW)

    first, _ = intake.receive_unit(db.session, "BACKUP001", "外壳破裂 cracked", ["power_adapter"],
                                   photos=photos(1, 2), actor=clerk, now=NOW, tz=settings.tz,
                                   origin=WEB)
    number = first.number
    inspection.record_inspection(db.session, number, ["shell_damage"], "corner cracked",
                                 actor=tech, now=NOW, tz=settings.tz, origin=WEB)
    intake.add_photos(db.session, number, [("evidence.jpg", photo_bytes(3))],
                      kind="evidence_photo", max_bytes=15 << 20, max_pixels=50_000_000,
                      actor=tech, now=NOW)
    lines = [make_line("part", "外壳 Housing", Decimal("1"), Decimal("150.00")),
             make_line("labor", "工时 Labour", Decimal("2"), Decimal("60.00"))]
    quote = quoting.create_quote(db.session, number, lines, tax_rate=Decimal("0.13"),
                                 policy=settings.pricing, actor=clerk, now=NOW, tz=settings.tz,
                                 origin=WEB)
    quote_mail.send_quote(db.session, number, quote.number, settings, actor=clerk, now=NOW,
                          origin=WEB)
    quoting.answer_quote(db.session, quote.id,
                         quoting.Answer(True, "请尽快", ip=LINK.ip, user_agent="Phone/1.0"),
                         actor=None, now=NOW, tz=settings.tz, origin=LINK)
    payments.record_payment(db.session, number, quote.total, "bank_transfer", "ICBC 0001",
                            slip=photos(4)[0], actor=clerk, now=NOW, origin=WEB)
    later = NOW + timedelta(hours=2)
    repair.apply_action(db.session, number, Action.START_REPAIR, actor=tech, now=later,
                        tz=settings.tz, origin=WEB)
    parts.use_part(db.session, number, "LCD-7", 1, actor=tech, now=later, tz=settings.tz,
                   origin=WEB)
    for action in (Action.FINISH_REPAIR, Action.PASS_QA):
        repair.apply_action(db.session, number, action, actor=tech, now=later, tz=settings.tz,
                            origin=WEB)
    shipping.ship(db.session, number, carrier="SF", tracking_number="SF1234567890",
                  scanned=["BACKUP001", number], packed=["power_adapter"], missing=[],
                  settings=settings, actor=clerk, now=later, origin=WEB)
    complaint = complaints.register_complaint(  # complaints, their counter and events
        db.session, kind="packaging_transport", description="箱子压坏了", channel="phone",
        rma=number, actor=clerk, now=later, tz=settings.tz, origin=WEB)
    complaints.apply_action(db.session, complaint.number, "start", settings=settings,
                            actor=clerk, now=later, origin=WEB)
    assert surveys.send_surveys(db.session, settings, now=later + timedelta(days=4)) == [number]
    second, _ = intake.receive_unit(db.session, "BACKUP002", "no power", [], actor=clerk,
                                    now=NOW, tz=settings.tz, origin=WEB)
    dead, _ = intake.receive_unit(db.session, "BACKUP004", "dead on arrival", [], actor=clerk,
                                  now=NOW, tz=settings.tz, origin=WEB)
    inspection.record_inspection(db.session, dead.number, [], "no power at all",
                                 actor=tech, now=NOW, tz=settings.tz, origin=WEB)
    exchange.exchange_unit(db.session, dead.number, "BACKUP003", reason="dead on arrival",
                           actor=tech, now=NOW, tz=settings.tz, origin=WEB)  # exchanges
    make_unit("BACKUP005", date(2026, 6, 1))
    box = cartons.open_carton(  # cartons and their counter; the RMA in it
        db.session, carrier="SF", tracking_number="SF9876543210",
        customer=CustomerInput("深圳星河科技", "0755-86668888"), actor=clerk, now=NOW,
        tz=settings.tz)
    intake.receive_unit(db.session, "BACKUP005", "屏幕不亮", ["battery"], actor=clerk, now=NOW,
                        tz=settings.tz, origin=WEB, carton=box.number)
    jobs.queue_job(db.session, "import_units", io.BytesIO(b"serial,model_code\nB3,T8\n"),
                   total=1, created_by=clerk.id, now=NOW)  # jobs and job_payloads
    db.session.commit()
    numbers = [number, second.number]
    mistyped = client.post("/login", data={"username": "li.na", "password": "mistyped-1",
                                           "csrf_token": csrf_from(client.get("/login").text)})
    assert mistyped.status_code == 401  # counted by the login throttle, in rate_limits
    return {"numbers": numbers, "token": tech_token}


def snapshot(url: str) -> dict[str, list[sa.Row]]:
    """Every row of every table of the models, and alembic_version, in primary-key order."""
    tables = [*db.metadata.sorted_tables, sa.table("alembic_version", sa.column("version_num"))]
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            out = {}
            for table in tables:
                key = list(getattr(table, "primary_key", None) or table.columns)
                out[table.name] = list(
                    conn.execute(sa.select(table).order_by(*key)))
            return out
    finally:
        engine.dispose()


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it: a new SQLite file, or a new PostgreSQL database."""
    if PG_URL:
        name = f"depot_restore_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
    else:
        yield f"sqlite:///{tmp_path / 'restored' / 'depot.sqlite3'}"
        # the folder is made by the test: a restore does not invent folders


def test_backup_and_restore_into_an_empty_database_keeps_every_row(
        app, filled, database_url, empty_database_url, tmp_path):
    file = tmp_path / "depot.backup"
    db.session.remove()  # the test's own transaction must not be what the backup sees
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["depot", "backup", str(file)])
    backed_up = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert f"to {file}" in result.output and file.stat().st_size > 0
    assert file.stat().st_mode & 0o077 == 0  # customers' data: readable by its owner only

    if not PG_URL:
        (tmp_path / "restored").mkdir()
    restored = create_app(depot_config.TestConfig(empty_database_url, tmp_path / "instance2"))
    restored.test_client_class = IsolatedClient
    started = time.perf_counter()
    with restored.app_context():  # the command runs in the current app's context
        result = restored.test_cli_runner().invoke(args=["depot", "restore", str(file)])
    took = time.perf_counter() - started
    assert result.exit_code == 0, result.output

    before, after = snapshot(database_url), snapshot(empty_database_url)
    assert set(before) == {t.name for t in db.metadata.sorted_tables} | {"alembic_version"}
    empty = [name for name, rows in before.items() if not rows]
    assert empty == []  # the fixture reaches every table, so no comparison is vacuous
    for name in before:
        assert after[name] == before[name], name
    attachments = before["attachments"]
    assert sorted(row.kind for row in attachments) == [
        "evidence_photo", "intake_photo", "intake_photo", "payment_slip"]
    assert all(len(row.data) == row.size > 10_000 for row in attachments)  # photos are inside
    rows = sum(len(r) for r in before.values())
    print(f"\nround trip on {make_url(database_url).get_backend_name()}: {len(before)} tables, "
          f"{rows} rows compared, backup {file.stat().st_size} bytes in {backed_up:.2f} s, "
          f"restore in {took:.2f} s")

    # The restored depot works: the same token reads the RMA, and new rows get new keys.
    number, second = filled["numbers"]
    headers = {"Authorization": f"Bearer {filled['token']}", "Accept-Language": "en"}
    with restored.app_context():
        client = restored.test_client()
        rma = client.get(f"/api/v1/rmas/{number}", headers=headers)
        assert rma.status_code == 200 and rma.get_json()["status"] == "shipped"
        approval = next(e for e in rma.get_json()["events"] if e["action"] == "approve")
        assert (approval["via"], approval["ip"], approval["actor"]) == ("link", LINK.ip, None)
        moved = client.post(f"/api/v1/rmas/{second}/inspection", json={"findings": ["no_power"]},
                            headers=headers)
        assert moved.status_code == 200, moved.get_json()
        events = moved.get_json()["rma"]["events"]
        assert [e["action"] for e in events] == ["receive", "inspect"]
        db.session.remove()
        db.engine.dispose()


def test_restore_refuses_a_database_with_data_unless_forced(app, filled, database_url,
                                                            tmp_path):
    file = tmp_path / "depot.backup"
    db.session.remove()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["depot", "backup", str(file)]).exit_code == 0
    users.create_user(db.session, "after.backup", "clerk", now=NOW)
    db.session.remove()

    refused = runner.invoke(args=["depot", "restore", str(file)])
    assert refused.exit_code != 0
    assert "already holds data" in refused.output and "--force" in refused.output
    assert "after.backup" in [row.username for row in snapshot(database_url)["users"]]

    forced = runner.invoke(args=["depot", "restore", "--force", str(file)])
    assert forced.exit_code == 0, forced.output
    assert "after.backup" not in [row.username for row in snapshot(database_url)["users"]]


def test_a_backup_taken_during_a_write_holds_what_was_committed(app, filled, database_url,
                                                                  tmp_path):
    """The backup neither waits for an open write transaction nor takes its rows."""
    db.session.remove()
    file = tmp_path / "during.backup"
    writer = sa.create_engine(database_url, poolclass=NullPool)
    with writer.connect() as conn:
        transaction = conn.begin()
        conn.execute(sa.text("INSERT INTO users (username, display_name, role, active, "
                             "created_at) VALUES ('mid.write', '', 'clerk', :yes, :at)"),
                     {"yes": True, "at": NOW.replace(tzinfo=None)})
        report = backups.backup(database_url, file)  # the write lock is held meanwhile
        transaction.rollback()
    writer.dispose()
    if report.backend == "sqlite":
        (tmp_path / "check").mkdir()
        url = f"sqlite:///{tmp_path / 'check' / 'depot.sqlite3'}"
        backups.restore(url, file)
        names = [row.username for row in snapshot(url)["users"]]
    else:
        names = _pg_archive_users(file)
    assert "wang.tech" in names and "mid.write" not in names


def _pg_archive_users(file: Path) -> list[str]:
    """The user names inside a pg_dump archive, read back by pg_restore."""
    import subprocess

    script = subprocess.run([backups.pg_tool("pg_restore"), "--data-only", "--table=users",
                             "--file=-", str(file)], capture_output=True, text=True,
                            check=True).stdout
    lines = script.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("COPY public.users "))
    columns = lines[start].split("(", 1)[1].split(")", 1)[0].split(", ")
    names = []
    for line in lines[start + 1:]:
        if line == "\\.":
            break
        names.append(line.split("\t")[columns.index("username")])
    return names


def test_restore_refuses_files_that_are_not_depot_backups(app, database_url, tmp_path):
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all")
    plain = tmp_path / "plain.sqlite3"
    conn = sqlite3.connect(plain)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()
    runner = app.test_cli_runner()
    for file, words in ((junk, "is not a Depot backup"), (tmp_path / "missing", "no file"),
                        (plain, "no alembic_version row")):
        result = runner.invoke(args=["depot", "restore", "--force", str(file)])
        assert result.exit_code != 0 and words in result.output, (file, result.output)


def test_a_backup_says_which_tool_is_missing_and_converts_the_url():
    with pytest.raises(UnavailableError, match="pg_nothing_like_this was not found"):
        backups.pg_tool("pg_nothing_like_this")
    dsn, env = backups.libpq_connection(
        make_url("postgresql+psycopg://depot:s3cr%40t@db.internal:5433/depot?sslmode=require"))
    assert dsn == "postgresql://depot@db.internal:5433/depot?sslmode=require"
    assert env["PGPASSWORD"] == "s3cr@t"
    with pytest.raises(InvalidInputError, match="not mysql"):
        backups.backup("mysql://depot@db/depot", Path("/tmp/x.backup"))


def test_restore_says_when_the_target_cannot_be_used(app, database_url, tmp_path):
    file = tmp_path / "depot.backup"
    db.session.remove()
    backups.backup(database_url, file)
    if PG_URL:
        missing = make_url(database_url).set(database=f"depot_missing_{uuid.uuid4().hex[:6]}")
        with pytest.raises(UnavailableError, match="cannot be reached.*does not exist"):
            backups.restore(missing.render_as_string(hide_password=False), file)
    else:
        with pytest.raises(InvalidInputError, match="folder .*nowhere does not exist"):
            backups.restore(f"sqlite:///{tmp_path / 'nowhere' / 'depot.sqlite3'}", file)
        itself = Path(make_url(database_url).database)
        for attempt in (lambda: backups.backup(database_url, itself),
                        lambda: backups.restore(database_url, itself, force=True)):
            with pytest.raises(InvalidInputError, match="cannot be the database itself"):
                attempt()
        assert snapshot(database_url)["alembic_version"]  # still there, untouched
