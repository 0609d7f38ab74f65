"""`flask depot send-report`: the last full period's report to every supervisor with an email,
as HTML with the CSV attached, through the outbox and a real SMTP server."""
from __future__ import annotations

import email
from datetime import UTC, date, datetime
from email.policy import default

from depot.services import report_mail, users
from depot.services.settings import DepotSettings
from tests import report_data
from tests.conftest import NOW


def _people(session):
    for name, role, address in (("wang", "supervisor", "wang@example.com"),
                                ("chen", "supervisor", None), ("liu", "clerk", "liu@example.com"),
                                ("zhou", "supervisor", "zhou@example.com")):
        users.create_user(session, name, role, now=NOW)
        if address:
            users.update_user(session, name, email=address)
    users.update_user(session, "zhou", active=False)


def _messages(received):
    return [email.message_from_bytes(raw, policy=default) for _f, _to, raw in received]


def test_the_weekly_report_goes_to_active_supervisors_with_the_figures(mail_app, session,
                                                                       deliver_outbox):
    app, received = mail_app
    report_data.load(session)
    _people(session)
    settings = DepotSettings.from_config(app.config)
    # the last full week before Thu 2026-10-15 is Mon 10-05 … Sun 10-11: received R2 R3 R7,
    # shipped R1 R3 (both 10-09), paid 300.00 CNY on 10-09 (the USD payment is not counted)
    span, sent = report_mail.send_report(session, settings, "week", today=date(2026, 10, 15),
                                         now=datetime.now(UTC))
    assert (span.first, span.last) == (date(2026, 10, 5), date(2026, 10, 11))
    assert sent == ["wang@example.com"]
    deliver_outbox()
    (message,) = _messages(received)
    assert message["To"] == "wang@example.com"
    assert "周报 2026-10-05 至 2026-10-11" in message["Subject"]
    html = message.get_body(("html",)).get_content()
    assert "<h2>每日收货与寄出</h2>" in html
    assert "<th align=\"left\">已收货</th><td align=\"right\">3</td>" in html
    assert "300.00 CNY" in html
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/csv"
    assert attachment.get_filename() == "报表-2026-10-05-2026-10-11.csv"
    data = attachment.get_payload(decode=True)
    assert data.startswith("\ufeff".encode())
    assert "2026-10-05,2026-10-11,3,2," in data.decode("utf-8-sig")


def test_the_command_queues_the_last_full_month(app, session):
    _people(session)
    result = app.test_cli_runner().invoke(args=["depot", "send-report", "--period", "month"])
    assert result.exit_code == 0, result.output
    assert "month report" in result.output and "queued for 1: wang@example.com" in result.output
    from depot.models import OutboxMessage

    rows = session.query(OutboxMessage).all()
    assert [(r.kind, r.recipient) for r in rows] == [("report_month", "wang@example.com")]


def test_the_command_refuses_an_unknown_period(app):
    result = app.test_cli_runner().invoke(args=["depot", "send-report", "--period", "year"])
    assert result.exit_code != 0
