"""The weekly and monthly report by email (周报, 月报): the last full period's figures as an
HTML mail (tables: mail readers draw no SVG) with the CSV attached, to every active supervisor
with an email address, queued through the outbox like every other mail."""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from urllib.parse import urlsplit

import jinja2
from sqlalchemy import select
from sqlalchemy.orm import Session

from depot.i18n import catalogue, translate
from depot.mail import MAIL_TEMPLATES, MailAttachment, compose, render_mail
from depot.models import User
from depot.services import findings, outbox, reports
from depot.services.settings import DepotSettings

PERIODS = reports.PERIODS
READER_LANGUAGES = ("zh_CN", "zh_TW", "en")


@lru_cache(maxsize=4)
def _html(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(MAIL_TEMPLATES)),
                             extensions=["jinja2.ext.i18n"], autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.install_gettext_translations(catalogue(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def supervisors(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(
        User.role == "supervisor", User.active.is_(True), User.email.is_not(None),
        User.email != "").order_by(User.username)))


def send_report(session: Session, settings: DepotSettings, kind: str, *, today: date,
                now: datetime, repeat_days: int = 90) -> tuple[reports.Period, list[str]]:
    """Queue the last full `kind` (week or month) report for every supervisor with an email;
    return the period and the addresses."""
    span = reports.last_full_period(kind, today)
    report = reports.summary(session, span, tz=settings.tz, repeat_days=repeat_days)
    data = reports.to_csv(report)
    labels = findings.catalogue(session)
    subject, text = render_mail("report", ("zh_CN", "en"), kind=kind, report=report,
                                signature=settings.depot.name)
    domain = urlsplit(settings.depot.public_url).hostname or "depot.local"
    sent = []
    for user in supervisors(session):
        lang = user.locale if user.locale in READER_LANGUAGES else "zh_CN"
        html = _html(lang).get_template("report.html").render(
            kind=kind, report=report, depot=settings.depot.name,
            finding=lambda code: labels[code].label(lang) if code in labels else code)
        filename = translate(lang, "report-%(first)s-%(last)s.csv", "file name",
                             first=span.first.isoformat(), last=span.last.isoformat())
        message = compose(sender=settings.mail.sender, to=user.email or "", subject=subject,
                          text=text, html=html, domain=domain, attachments=(
                              MailAttachment(filename, "text/csv", data),))
        outbox.enqueue(session, message, kind=f"report_{kind}", rma=None, now=now)
        sent.append(user.email or "")
    session.commit()
    return span, sent
