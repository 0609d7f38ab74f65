"""flask commands: users, imports, the first admin, calendar overrides, the outbox worker,
backups."""
from __future__ import annotations

import os
import secrets
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.engine import make_url

from depot.domain.roles import ROLES
from depot.errors import DepotError
from depot.extensions import db
from depot.i18n import translate
from depot.job_runner import JobLoop
from depot.services import (
    backups,
    calendars,
    outbox,
    quote_mail,
    report_mail,
    requests,
    shipping,
    surveys,
    unit_import,
    users,
)
from depot.services import doctor as depot_doctor
from depot.services import settings as depot_settings
from depot.services.health import describe, explains
from depot.services.workflow import JOB
from depot.worker import POLL_SECONDS, DeliveryLoop

users_cli = AppGroup("users", help="Create users, change their role, password or API token, "
                                    "and switch accounts off or on. NAME is the user name.")
depot_cli = AppGroup("depot", help="Depot housekeeping: the first admin, imports, mail, "
                                    "reminders, jobs, the calendar and backups.")


def _now() -> datetime:
    return datetime.now(UTC)  # the CLI's clock, handed to services like the web's


def _fail(error: DepotError) -> None:
    raise click.ClickException(error.message)


@users_cli.command("create", short_help="Create a user and print its API token.")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES),
              help="What the user may do: clerk, technician, supervisor, logistics or admin.")
@click.option("--password", default=None,
              help="A password for page logins: at least 10 characters, not the user name. "
                   "Without one (and without -p) the user has only the API token.")
@click.option("-p", "prompt_password", is_flag=True,
              help="Ask for the password on the terminal (typed twice, not shown).")
def create_user(name: str, role: str, password: str | None, prompt_password: bool) -> None:
    """Create the user NAME with a role; its new API token is printed alone on the last line
    (shown once: Depot keeps only a hash)."""
    if prompt_password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user, token = users.create_user(db.session, name, role, password=password, now=_now())
    except DepotError as exc:
        _fail(exc)
    click.echo(f"created {role} {user.username}; API token:")
    click.echo(token)


@users_cli.command("set-password", short_help="Set a user's password; ends its sessions.")
@click.argument("name")
@click.password_option(help="The new password (at least 10 characters, not the user name); "
                            "asked for on the terminal when not given.")
def set_password(name: str, password: str) -> None:
    """Give the user NAME a new password for page logins; every session of the user ends."""
    try:
        users.set_password(db.session, name, password)
    except DepotError as exc:
        _fail(exc)
    click.echo(f"password of {name} changed")


@users_cli.command("update", short_help="Change a user's role, or switch it off or on.")
@click.argument("name")
@click.option("--role", default=None, type=click.Choice(ROLES),
              help="A new role: clerk, technician, supervisor, logistics or admin.")
@click.option("--active/--inactive", default=None,
              help="Switch the account on, or off (it can no longer log in and its API token "
                   "stops working).")
@click.option("--email", default=None, help="Where reports go (supervisors); '' removes it.")
def update_user(name: str, role: str | None, active: bool | None, email: str | None) -> None:
    """Change the role of the user NAME, switch the account off or on, or set the address the
    reports are mailed to; a new role or switch ends the user's sessions at once. The last
    active admin can be neither switched off nor given another role."""
    try:
        user = users.update_user(db.session, name, role=role, active=active, email=email)
    except DepotError as exc:
        _fail(exc)
    click.echo(f"{user.username}: {user.role}, {'active' if user.active else 'inactive'}")


@users_cli.command("token",
                   short_help="Give a user a new API token; the old one stops working.")
@click.argument("name")
def new_token(name: str) -> None:
    """Give the user NAME a new API token, printed once; the old one stops working at once."""
    try:
        token = users.new_token(db.session, name)
    except DepotError as exc:
        _fail(exc)
    click.echo(token)


@depot_cli.command("ensure-admin")
def ensure_admin() -> None:
    """Create the first admin (user 'admin', random password) when there is none; warn about
    the settings customers would see at their defaults."""
    if users.count_admins(db.session):
        click.echo("an admin exists already; log in with your account")
    else:
        password = secrets.token_urlsafe(12)
        users.create_user(db.session, "admin", "admin", password=password, now=_now())
        click.echo(f"first admin created: user 'admin', password '{password}' (change it: "
                   "flask users set-password admin)")
    _warn_unconfigured()


def _warn_unconfigured() -> None:
    """Say which settings customers would see at their defaults (for `make run`)."""
    values = depot_settings.effective(current_app.config, depot_settings.stored(db.session))
    db.session.rollback()
    notices = depot_settings.unconfigured(values)
    for notice in notices:
        click.echo(f"warning: {translate('en', notice.template, **notice.details)}", err=True)
    if notices:
        click.echo("set them on /admin/settings (as admin) or in the environment; "
                   "`flask depot doctor` checks everything", err=True)


@depot_cli.command("doctor")
@click.option("--dev", is_flag=True,
              help="A machine for trying Depot: links to 127.0.0.1 are a warning, not a failure.")
def doctor(dev: bool) -> None:
    """Check what Depot needs: the PDF font, ZBar, the database and its migrations, the mail
    relay (when DEPOT_SMTP_URL is set) and the settings customers see; say what to fix. Exit
    status 1 when a check fails."""
    production = not (dev or current_app.debug)
    checks = depot_doctor.run(db.session, current_app.config, production=production)
    width = max(len(check.name) for check in checks)
    for check in checks:
        click.echo(f"{check.status:<4}  {check.name:<{width}}  {check.message}")
    failed = [check for check in checks if check.status == depot_doctor.FAIL]
    warned = [check for check in checks if check.status == depot_doctor.WARN]
    click.echo(f"{len(failed)} failed, {len(warned)} warnings, "
               f"{len(checks) - len(failed) - len(warned)} ok")
    if failed:
        raise SystemExit(1)


@depot_cli.command("import-units")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--chunk-rows", type=click.IntRange(1), default=None,
              help="Rows per transaction (default DEPOT_IMPORT_CHUNK_ROWS).")
def import_units(path: Path, chunk_rows: int | None) -> None:
    """Import units from the CSV file PATH (the API's column names), of any size: read as it
    goes, written a chunk at a time, with progress on stderr and the summary at the end. Exits
    with status 1 when some rows were refused (they are listed on stderr), 0 when all landed."""
    config = current_app.config
    options = unit_import.ImportOptions(
        chunk_rows=chunk_rows or config["DEPOT_IMPORT_CHUNK_ROWS"])
    with path.open("rb") as file:
        try:
            encoding, total = unit_import.check_file(file)
            with _progress(total) as advance:
                report = unit_import.import_units(
                    db.session, file, now=_now(), tz=ZoneInfo(config["DEPOT_TIMEZONE"]),
                    options=options, encoding=encoding,
                    on_chunk=lambda _session, so_far: advance(so_far.done))
        except DepotError as exc:
            _fail(exc)
    click.echo(f"created {report.created}, updated {report.updated}, "
               f"errors {report.error_count}")
    for error in report.errors:
        click.echo(f"line {error['line']}: {error['message']}", err=True)
    if report.error_count > len(report.errors):
        click.echo(f"... and {report.error_count - len(report.errors)} more errors", err=True)
    if report.error_count:
        # Cron and scripts read the exit status: some rows did not land.
        rows = "row was" if report.error_count == 1 else "rows were"
        click.echo(f"{report.error_count} {rows} not imported; the good rows were", err=True)
        raise SystemExit(1)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal; elsewhere (cron, a pipe) a line every 5 % or so."""
    if sys.stderr.isatty():
        with click.progressbar(length=total, label="importing", file=sys.stderr) as bar:
            shown = 0

            def advance_bar(done: int) -> None:
                nonlocal shown
                bar.update(done - shown)
                shown = done

            yield advance_bar
        return
    step, next_at = max(total // 20, 1), 0

    def advance_lines(done: int) -> None:
        nonlocal next_at
        if done >= next_at or done == total:
            click.echo(f"imported {done} of {total} rows", err=True)
            next_at = done + step

    yield advance_lines


@depot_cli.command("run-jobs")
@click.option("--once", is_flag=True, help="Run what is queued, then stop.")
def run_jobs(once: bool) -> None:
    """Run queued background jobs (big CSV imports) in this process, as the app's own thread
    does unless DEPOT_JOBS_WORKER=off."""
    loop = JobLoop(current_app._get_current_object())  # type: ignore[attr-defined]
    ran = loop.run(once=once)
    click.echo(f"jobs run {ran}, failed {loop.failed}")


@depot_cli.command("calendar-override")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--working/--holiday", required=True,
              help="Whether DAY is a working day (a make-up workday) or a holiday.")
@click.option("--note", default="", help="Why, as shown on the calendar page (春节调休).")
def calendar_override(day: datetime, working: bool, note: str) -> None:
    """Declare DAY (YYYY-MM-DD) a working day or a holiday, for years the holidays package
    does not know yet."""
    the_day: date = day.date()
    calendars.set_override(db.session, the_day, working=working, note=note)
    click.echo(f"{the_day}: {'working day' if working else 'holiday'}")


@depot_cli.command("send-mail")
@click.option("--retry-failed", is_flag=True,
              help="First queue again the messages given up on after every attempt.")
def send_mail(retry_failed: bool) -> None:
    """Deliver the mail that is due, once (for cron): SMTP, or .eml files in instance/outbox/.
    A failure waits its backoff and is tried again later."""
    settings = depot_settings.load(db.session, current_app.config)
    if retry_failed:
        click.echo(f"queued again {outbox.retry_failed(db.session, now=_now())}")
    done = outbox.deliver_pending(db.session, settings.mail, clock=_now, limit=1000)
    click.echo(f"sent {done.sent}, failed {done.failed}")
    if done.failed:
        raise SystemExit(1)


@depot_cli.command("worker")
@click.option("--poll", default=POLL_SECONDS, show_default=True, type=click.FloatRange(0.1),
              help="Seconds between looks at the outbox.")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
@click.option("--max-seconds", type=click.FloatRange(0), default=None,
              help="Stop after this long (default: run until SIGTERM or Ctrl+C).")
def run_worker(poll: float, once: bool, max_seconds: float | None) -> None:
    """Deliver the outbox in this process, as the app's background thread does (use it with
    DEPOT_OUTBOX_WORKER=off, or beside the threads: claims send each message once)."""
    loop = DeliveryLoop(current_app._get_current_object(), poll=poll)  # type: ignore[attr-defined]
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGTERM, signal.SIGINT):
            previous[number] = signal.signal(number, lambda *_: loop.stop())
    try:
        totals = loop.run(once=once, max_seconds=max_seconds)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    click.echo(f"sent {totals.sent}, failed {totals.failed}, database errors {totals.errors}")


@depot_cli.command("remind")
def remind() -> None:
    """Mark lapsed quotes expired and queue reminders for quotes unanswered after
    DEPOT_REMIND_AFTER_DAYS; cancel requests whose unit did not arrive within
    DEPOT_REQUEST_EXPIRE_DAYS. The outbox worker sends them (or `flask depot send-mail`)."""
    settings = depot_settings.load(db.session, current_app.config)
    lapsed = requests.expire(db.session, settings, now=_now(), origin=JOB)
    click.echo(f"requests cancelled {len(lapsed)}: {' '.join(lapsed) or '-'}")
    expired, reminded = quote_mail.remind(db.session, settings, now=_now(), origin=JOB)
    click.echo(f"expired {len(expired)}: {' '.join(expired) or '-'}")
    click.echo(f"reminded {len(reminded)}: {' '.join(reminded) or '-'}")
    click.echo("reminders are queued in the outbox: the outbox worker sends them "
               "(or run flask depot send-mail)")


@depot_cli.command("close-delivered")
def close_delivered() -> None:
    """Close RMAs shipped DEPOT_CLOSE_AFTER_DAYS ago or more."""
    settings = depot_settings.load(db.session, current_app.config)
    closed = shipping.close_delivered(db.session, settings, now=_now(), origin=JOB)
    click.echo(f"closed {len(closed)}: {' '.join(closed) or '-'}")


@depot_cli.command("send-surveys")
def send_surveys() -> None:
    """Queue the survey (回访) email of every RMA shipped DEPOT_SURVEY_AFTER_DAYS (default 3)
    days ago or more, once per RMA (run it daily from cron)."""
    settings = depot_settings.load(db.session, current_app.config)
    sent = surveys.send_surveys(db.session, settings, after_days=settings.survey_after_days,
                                now=_now())
    click.echo(f"surveys queued {len(sent)}: {' '.join(sent) or '-'}")
    click.echo("the outbox worker sends them (or run flask depot send-mail)")


@depot_cli.command("send-report")
@click.option("--period", "kind", required=True, type=click.Choice(report_mail.PERIODS),
              help="week: the last full week, Monday to Sunday; month: the last full month.")
def send_report(kind: str) -> None:
    """Email the last full week's (周报) or month's (月报) report to every supervisor with an
    email address, the CSV attached; queued in the outbox like all mail."""
    settings = depot_settings.load(db.session, current_app.config)
    now = _now()
    span, recipients = report_mail.send_report(
        db.session, settings, kind, today=now.astimezone(settings.tz).date(), now=now,
        repeat_days=int(current_app.config.get("DEPOT_REPEAT_DAYS", 90)))
    click.echo(f"{kind} report {span.first.isoformat()} to {span.last.isoformat()} queued for "
               f"{len(recipients)}: {' '.join(recipients) or '-'}")
    click.echo("the outbox worker sends it (or run flask depot send-mail)")


def _database_url() -> str:
    return current_app.config["SQLALCHEMY_DATABASE_URI"]


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@depot_cli.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path) -> None:
    """Write a consistent backup of the database to FILE while the app runs (SQLite: the
    online backup API; PostgreSQL: pg_dump --format=custom). Photos and documents are in it."""
    started = time.monotonic()
    try:
        report = backups.backup(_database_url(), file)
    except DepotError as exc:
        _fail(exc)
    click.echo(f"backed up {_shown(_database_url())} to {report.path} ({report.size} bytes, "
               f"schema {report.revision}, {time.monotonic() - started:.1f} s)")


@depot_cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that holds data.")
def restore(file: Path, force: bool) -> None:
    """Put the backup FILE in place of the database (DEPOT_DATABASE_URL). Refused when the
    database holds data, unless --force."""
    started = time.monotonic()
    db.session.remove()  # hold no connection, and no lock, on the tables being replaced
    db.engine.dispose()
    try:
        report = backups.restore(_database_url(), file, force=force)
    except DepotError as exc:
        _fail(exc)
    click.echo(f"restored {report.path} (schema {report.revision}) into "
               f"{_shown(_database_url())} in {time.monotonic() - started:.1f} s; "
               "run `flask db upgrade` if this Depot is newer than the backup")


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(depot_cli)
    if os.environ.get("FLASK_RUN_FROM_CLI") == "true":  # the `flask` command, not a server
        _explain_database_errors(app)


def _explain_database_errors(app: Flask) -> None:
    """`flask …` against a database that is down or not migrated ends with one line saying
    what failed and how to fix it, and exit status 1, instead of a traceback: for every
    command, Flask-Migrate's `flask db …` included (Click lets other errors through, so
    Python's last word, sys.excepthook, is where they all pass)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    previous = sys.excepthook

    def explain(kind, error, trace):  # noqa: ANN001 - sys.excepthook's signature
        if explains(error):
            click.echo(f"Error: {describe(error, url)}", err=True)
        else:
            previous(kind, error, trace)

    sys.excepthook = explain
