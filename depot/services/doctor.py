"""`flask depot doctor`: is everything Depot needs on this machine there, and is the depot set
up for customers? Each check says what it found and, when something is wrong, what to do."""
from __future__ import annotations

import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from depot.config import PACKAGE
from depot.errors import DepotError
from depot.i18n import translate
from depot.services import health
from depot.services import settings as depot_settings

MIGRATIONS = PACKAGE / "migrations"
OK, WARN, FAIL = "ok", "warn", "FAIL"


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # OK, WARN or FAIL
    message: str  # what was found; for WARN and FAIL, what to do about it


def _english(error: DepotError) -> str:
    return translate("en", error.template, **error.details)


def check_font() -> Check:
    from depot.labels.fonts import font_path, font_problem

    problem = font_problem()
    if problem is not None:
        return Check("font", FAIL, _english(problem))
    return Check("font", OK, f"PDFs and labels print with {font_path()}")


def check_zbar() -> Check:
    from depot.scanning import zbar_problem

    problem = zbar_problem()
    if problem is not None:
        return Check("zbar", FAIL, _english(problem))
    return Check("zbar", OK, "the ZBar library reads barcodes from photos")


def check_database(session: Session, url: str) -> list[Check]:
    """Reachable, and its schema at the newest migration of this Depot."""
    try:
        connection = session.connection()
        current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as exc:
        session.rollback()
        return [Check("database", FAIL, health.describe(exc, url)),
                Check("migrations", FAIL, "not checked: the database is not reachable")]
    finally:
        session.rollback()
    heads = set(ScriptDirectory(str(MIGRATIONS)).get_heads())
    shown = health.shown_url(url)
    checks = [Check("database", OK, f"{shown} answers")]
    if current == heads:
        checks.append(Check("migrations", OK, f"the schema is at the newest migration "
                                              f"({', '.join(sorted(heads))})"))
    elif not current:
        checks.append(Check("migrations", FAIL, f"the database {shown} has no Depot tables yet: "
                                                "run `flask --app depot db upgrade`"))
    else:
        checks.append(Check("migrations", FAIL, (
            f"the schema is at {', '.join(sorted(current))}, this Depot needs "
            f"{', '.join(sorted(heads))}: run `flask --app depot db upgrade` (after a backup: "
            "`flask --app depot depot backup FILE`)")))
    return checks


def check_smtp(smtp_url: str | None, timeout: float) -> Check:
    """When DEPOT_SMTP_URL is set: the relay answers (and takes the login, if one is given)."""
    if not smtp_url:
        return Check("smtp", OK, "DEPOT_SMTP_URL is not set: mail is written as .eml files "
                                 "under instance/outbox/ (set it to send mail)")
    parts = urlsplit(smtp_url)
    host, where = parts.hostname or "localhost", _shown_smtp(smtp_url)
    try:
        if parts.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, timeout=timeout)
        elif parts.scheme in ("smtp", "smtp+starttls"):
            client = smtplib.SMTP(host, parts.port or 25, timeout=timeout)
        else:
            return Check("smtp", FAIL, f"DEPOT_SMTP_URL {where} has the unknown scheme "
                                       f"{parts.scheme!r}: use smtp://, smtps:// or "
                                       "smtp+starttls://")
        with client:
            client.ehlo()
            if parts.scheme == "smtp+starttls":
                client.starttls()
            if parts.username:
                client.login(parts.username, parts.password or "")
            client.noop()
    except (OSError, smtplib.SMTPException) as exc:
        why = " ".join(str(exc).split()) or type(exc).__name__
        return Check("smtp", FAIL, f"the mail relay {where} does not answer ({why}): start it, "
                                   "or fix DEPOT_SMTP_URL (host, port, user, password)")
    return Check("smtp", OK, f"the mail relay {where} answers")


def _shown_smtp(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def check_settings(session: Session, config: Mapping[str, Any], *,
                   production: bool) -> list[Check]:
    """The settings customers see (the settings page over the environment): a loopback public
    URL fails in production, the other unconfigured defaults are warnings."""
    try:
        saved = depot_settings.stored(session)
    except SQLAlchemyError:
        saved = {}  # the database check says why
    finally:
        session.rollback()
    values = depot_settings.effective(config, saved)
    notices = depot_settings.unconfigured(values)
    checks = []
    for notice in notices:
        status = FAIL if notice.setting == "public_url" and production else WARN
        where = depot_settings.EDITABLE[notice.setting]
        checks.append(Check(f"setting {notice.setting}", status,
                            f"{translate('en', notice.template, **notice.details)} "
                            f"(on /admin/settings, or {where})"))
    if not notices:
        checks.append(Check("settings", OK, "public URL, mail sender, phone, address and "
                                            "payment text are set"))
    elif "public_url" not in {n.setting for n in notices}:
        checks.insert(0, Check("setting public_url", OK, f"links point at {values['public_url']}"))
    return checks


def run(session: Session, config: Mapping[str, Any], *, production: bool) -> list[Check]:
    """Every check, in the order a person fixes them."""
    url = config["SQLALCHEMY_DATABASE_URI"]
    return [check_font(), check_zbar(), *check_database(session, url),
            check_smtp(config.get("DEPOT_SMTP_URL"), float(config.get("DEPOT_SMTP_TIMEOUT", 10))),
            *check_settings(session, config, production=production)]
