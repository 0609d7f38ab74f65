"""Disputes of the damage verdict (异议) on a real session: the customer's dispute through the
quote link, and the goodwill outcome drafting a discounted quote version."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from depot.errors import (
    ConflictError,
    InvalidInputError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
)
from depot.models import Complaint, OutboxMessage, Quote, RmaEvent, db
from depot.services import complaints, disputes, quoting
from depot.services.links import quote_token
from depot.domain.pricing import make_line
from tests.conftest import NOW
from tests.integration.conftest import LINES, LINES_TOTAL, count

D = Decimal


def token_of(quote_number: str, settings) -> str:
    quote = db.session.scalar(select(Quote).where(Quote.number == quote_number))
    return quote_token(settings.secret, quote.number, quote.token_nonce)


def dispute(settings, token, comment="外壳裂纹是运输造成的，不是人为损坏", **kw):
    return disputes.dispute_quote(db.session, settings, token, comment, ip="203.0.113.9",
                                  now=kw.pop("now", NOW), **kw)


def resolve(number, actor, settings, outcome, discount=None, note="按商誉给予优惠"):
    return complaints.apply_action(db.session, number, "resolve", note=note, outcome=outcome,
                                   settings=settings, actor=actor, now=NOW, discount=discount)


def test_a_dispute_registers_a_damage_verdict_complaint_and_the_rma_keeps_waiting(
        flow, settings):
    number, quote_number = flow.sent("DSP0001")
    paused = flow_rma(number)
    before = (paused.status, paused.paused_since, paused.due_on)
    made = dispute(settings, token_of(quote_number, settings))
    assert (made.kind, made.team, made.channel, made.status) == (
        "damage_verdict", "supervisor", "web", "open")
    assert made.rma.number == number and made.created_by_id is None
    assert made.description == "外壳裂纹是运输造成的，不是人为损坏"
    rma = flow_rma(number)
    assert (rma.status, rma.paused_since, rma.due_on) == before
    assert before[0] == "awaiting_approval" and before[1] is not None
    last = rma.events[-1]
    assert (last.action, last.from_status, last.to_status, last.actor_id) == (
        "dispute", "awaiting_approval", "awaiting_approval", None)
    assert made.number in last.reason and quote_number in last.reason
    assert disputes.open_dispute(db.session, rma).number == made.number


def flow_rma(number):
    from depot.services.common import get_rma

    db.session.expire_all()
    return get_rma(db.session, number)


def test_a_second_dispute_while_one_is_open_is_refused(flow, settings, staff):
    number, quote_number = flow.sent("DSP0002")
    token = token_of(quote_number, settings)
    first = dispute(settings, token)
    events = count(RmaEvent)
    with pytest.raises(ConflictError) as again:
        dispute(settings, token, "再说一次")
    assert again.value.code == "dispute_open"
    assert again.value.details["complaint"] == first.number
    assert (count(Complaint), count(RmaEvent)) == (1, events)
    resolve(first.number, staff.supervisor, settings, "upheld", note="复检维持人为损坏")
    assert dispute(settings, token, "仍不同意").number != first.number  # settled: may again


def test_a_dispute_on_a_quote_that_is_not_open_is_refused(flow, settings):
    number, quote_number = flow.sent("DSP0003")
    flow.answer(quote_number, approve=False)
    with pytest.raises(InvalidTransitionError) as refused:
        dispute(settings, token_of(quote_number, settings))
    assert refused.value.code == "quote_answered"
    assert count(Complaint) == 0


@pytest.mark.parametrize("comment", ["", "   ", "x" * 2001, "长" * 10_000])
def test_an_empty_or_overlong_comment_is_refused(flow, settings, comment):
    _, quote_number = flow.sent("DSP0004")
    with pytest.raises(InvalidInputError):
        dispute(settings, token_of(quote_number, settings), comment)
    assert count(Complaint) == 0


def test_a_tampered_link_finds_nothing(flow, settings):
    _, quote_number = flow.sent("DSP0005")
    token = token_of(quote_number, settings)
    with pytest.raises(NotFoundError):
        dispute(settings, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert count(Complaint) == 0


def test_goodwill_drafts_the_next_version_with_a_discount_line(flow, settings, staff):
    number, quote_number = flow.sent("DSP0006")
    made = dispute(settings, token_of(quote_number, settings))
    done = resolve(made.number, staff.supervisor, settings, "goodwill", discount=D("30.00"))
    assert (done.status, done.outcome) == ("resolved", "goodwill")
    rma = flow_rma(number)
    assert rma.status == "awaiting_approval"
    old, new = rma.quotes
    assert (old.status, new.status, new.version) == ("sent", "draft", 2)
    assert [(r.kind, r.description, r.unit_price) for r in new.lines[:-1]] == [
        (r.kind, r.description, r.unit_price) for r in old.lines]
    discount = new.lines[-1]
    assert (discount.kind, discount.quantity, discount.unit_price, discount.amount) == (
        "discount", D("1"), D("-30.00"), D("-30.00"))
    assert new.total == LINES_TOTAL - D("30.00")
    sent, _ = flow.send(number, new.number)
    assert sent.status == "sent" and flow_rma(number).quotes[0].status == "superseded"


def test_goodwill_without_an_amount_drafts_a_zero_discount(flow, settings, staff):
    number, quote_number = flow.sent("DSP0007")
    made = dispute(settings, token_of(quote_number, settings))
    resolve(made.number, staff.supervisor, settings, "goodwill")
    draft = flow_rma(number).quotes[-1]
    assert (draft.lines[-1].kind, draft.lines[-1].amount) == ("discount", D("0.00"))
    assert f"{draft.lines[-1].amount:.2f}" == "0.00" and draft.total == LINES_TOTAL


def test_goodwill_above_the_charges_is_refused_and_changes_nothing(flow, settings, staff):
    number, quote_number = flow.sent("DSP0008")
    made = dispute(settings, token_of(quote_number, settings))
    with pytest.raises(InvalidInputError) as refused:
        resolve(made.number, staff.supervisor, settings, "goodwill", discount=D("258.51"))
    assert refused.value.code == "negative_total"
    assert len(flow_rma(number).quotes) == 1
    assert complaints.get_complaint(db.session, made.number).status == "open"
    resolve(made.number, staff.supervisor, settings, "goodwill", discount=D("-258.50"))
    assert flow_rma(number).quotes[-1].total == D("0.00")


def test_goodwill_needs_a_quote_waiting_for_the_answer(flow, settings, staff):
    number = flow.inspected("DSP0009")
    made = complaints.register_complaint(db.session, kind="damage_verdict", description="x",
                                         channel="phone", rma=number, actor=staff.clerk,
                                         now=NOW)
    with pytest.raises(InvalidTransitionError) as refused:
        resolve(made.number, staff.supervisor, settings, "goodwill", discount=D("10"))
    assert refused.value.code == "no_open_quote"
    assert count(Quote) == 0


def test_only_a_supervisor_or_an_admin_puts_a_discount_on_a_quote(flow, settings, staff):
    number = flow.inspected("DSP0010")
    with_discount = [*LINES, make_line("discount", "优惠 Goodwill discount", D("1"), D("20"))]
    for who in (staff.technician, staff.clerk):
        with pytest.raises(PermissionDeniedError):
            quoting.create_quote(db.session, number, with_discount, tax_rate=None,
                                 policy=settings.pricing, actor=who, now=NOW)
    assert count(Quote) == 0
    quote = quoting.create_quote(db.session, number, with_discount, tax_rate=None,
                                 policy=settings.pricing, actor=staff.supervisor, now=NOW)
    assert quote.total == LINES_TOTAL - D("20.00")
    # a clerk may change the other lines of the draft and keep the discount as it is ...
    edited = [LINES[0], with_discount[-1]]
    assert quoting.update_draft(db.session, number, quote.number, edited, tax_rate=None,
                                actor=staff.clerk, now=NOW).total == D("100.00")
    # ... but not the discount itself
    with pytest.raises(PermissionDeniedError):
        quoting.update_draft(db.session, number, quote.number, [LINES[0]], tax_rate=None,
                             actor=staff.clerk, now=NOW)


def test_the_goodwill_quote_is_mailed_when_sent(flow, settings, staff):
    number, quote_number = flow.sent("DSP0011")
    made = dispute(settings, token_of(quote_number, settings))
    resolve(made.number, staff.supervisor, settings, "goodwill", discount=D("50"))
    queued = count(OutboxMessage)
    draft = flow_rma(number).quotes[-1]
    _, emailed = flow.send(number, draft.number)
    assert emailed is True and count(OutboxMessage) == queued + 1
