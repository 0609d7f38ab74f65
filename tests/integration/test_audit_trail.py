"""The audit trail: RMA and quote events are only ever added, and each says from where."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from depot.domain.pricing import make_line
from depot.models import QuoteEvent, Rma, RmaEvent, db
from depot.services import inspection, intake, quote_mail, quoting, shipping, users
from depot.services.common import get_rma
from depot.services.settings import DepotSettings
from depot.services.workflow import Origin
from tests.conftest import NOW

WEB = Origin("2001:db8::17", "web")


@pytest.fixture
def quoted(app, make_unit) -> str:
    """An RMA with events, and a sent quote with events of its own."""
    settings = DepotSettings.from_config(app.config)
    clerk, _ = users.create_user(db.session, "li.na", "clerk", now=NOW)
    make_unit("AUDIT001", date(2026, 6, 1))
    number = intake.receive_unit(db.session, "AUDIT001", "cracked", [], actor=clerk, now=NOW,
                                 origin=WEB)[0].number
    inspection.record_inspection(db.session, number, ["shell_damage"], actor=clerk, now=NOW,
                                 origin=WEB)
    quote = quoting.create_quote(
        db.session, number, [make_line("labor", "工时", Decimal("1"), Decimal("80.00"))],
        tax_rate=None, policy=settings.pricing, actor=clerk, now=NOW, origin=WEB)
    quote_mail.send_quote(db.session, number, quote.number, settings, actor=clerk, now=NOW,
                          origin=WEB)
    return number


def counts() -> tuple[int, int]:
    return (db.session.scalar(sa.select(sa.func.count()).select_from(RmaEvent)),
            db.session.scalar(sa.select(sa.func.count()).select_from(QuoteEvent)))


@pytest.mark.parametrize("table", ["rma_events", "quote_events"])
@pytest.mark.parametrize("statement", ["UPDATE {table} SET reason = 'rewritten'",
                                       "DELETE FROM {table}"])
def test_the_database_refuses_to_change_or_remove_events(quoted, table, statement):
    before = counts()
    reasons = db.session.scalars(sa.text(f"SELECT reason FROM {table} ORDER BY id")).all()
    with pytest.raises(IntegrityError, match="events are append-only"):
        db.session.execute(sa.text(statement.format(table=table)))
    db.session.rollback()
    assert counts() == before and min(before) > 0
    assert db.session.scalars(sa.text(f"SELECT reason FROM {table} ORDER BY id")).all() == reasons


def test_neither_the_orm_can_rewrite_an_event_or_delete_it_with_its_rma(quoted):
    event = get_rma(db.session, quoted).events[0]
    event.reason = "rewritten"
    with pytest.raises(IntegrityError, match="events are append-only"):
        db.session.commit()
    db.session.rollback()
    rma = get_rma(db.session, quoted)
    db.session.delete(rma)  # no cascade reaches the events: the RMA's key is still theirs
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Rma, rma.id) is not None and counts()[0] == len(rma.events) == 4


def test_every_event_says_from_where_and_jobs_say_job(app, quoted):
    settings = DepotSettings.from_config(app.config)
    rma_events = get_rma(db.session, quoted).events
    assert {(e.via, e.ip) for e in rma_events} == {("web", "2001:db8::17")}
    quote_events = db.session.scalars(sa.select(QuoteEvent)).all()
    assert [(e.action, e.via, e.ip) for e in quote_events] == [
        ("create", "web", "2001:db8::17"), ("send", "web", "2001:db8::17")]

    late = NOW + timedelta(days=settings.pricing.valid_days + 2)
    expired, _ = quote_mail.remind(db.session, settings, now=late)
    assert expired == [f"{quoted}-Q1"]
    last = db.session.scalars(sa.select(QuoteEvent).order_by(QuoteEvent.id.desc())).first()
    assert (last.action, last.via, last.ip, last.actor_id) == ("expire", "job", None, None)


def test_close_delivered_from_the_cli_is_a_job(app, make_unit, api, tokens):
    """Events written with no origin say nothing (via unknown); the scheduled close says job."""
    make_unit("AUDIT002", date(2026, 6, 1))
    rma, _ = intake.receive_unit(db.session, "AUDIT002", "no power", [], actor=None, now=NOW)
    assert (rma.events[0].via, rma.events[0].ip) == (None, None)
    number = rma.number
    technician = api.as_(tokens["technician"])
    technician.post(f"/rmas/{number}/inspection", {"findings": ["no_power"]})
    for action in ("start_repair", "finish_repair", "pass_qa"):
        assert technician.post(f"/rmas/{number}/actions", {"action": action}).status_code == 200
    settings = DepotSettings.from_config(app.config)
    shipping.ship(db.session, number, carrier="SF", tracking_number="SF0000000002",
                  scanned=["AUDIT002"], packed=[], missing=[], settings=settings, actor=None,
                  now=NOW - timedelta(days=settings.close_after_days + 1))
    result = app.test_cli_runner().invoke(args=["depot", "close-delivered"])
    assert result.exit_code == 0 and number in result.output, result.output
    events = get_rma(db.session, number).events
    assert [(e.action, e.via) for e in events][-3:] == [
        ("pass_qa", "api"), ("ship", None), ("close", "job")]
    assert events[-1].ip is None and events[1].ip == "127.0.0.1"
