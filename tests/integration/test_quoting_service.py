"""Quotes on a real session: drafts, sending (with the email and its PDF in the outbox), the
customer's answer and every refusal, expiry and reminders, answers recorded by staff."""
from __future__ import annotations

import email
import hashlib
import io
import re
from datetime import date, timedelta
from decimal import Decimal
from email import policy

import pytest
from PIL import Image
from sqlalchemy import select

from depot.domain.pricing import PricingPolicy, make_line
from depot.domain.workflow import Status
from depot.errors import ConflictError, InvalidInputError, InvalidTransitionError, NotFoundError
from depot.models import Attachment, OutboxMessage, Part, PartUse, Quote, db
from depot.services import quote_mail, quoting
from depot.services.common import get_rma
from depot.services.links import quote_token
from tests.conftest import NOW
from tests.integration.conftest import LINES, LINES_TOTAL, NO_MAIL, event_count, outbox_count

TODAY = date(2026, 11, 20)  # NOW in Shanghai


def quote_events(quote: Quote) -> list[tuple[str, str | None, str]]:
    db.session.refresh(quote)
    return [(e.action, e.from_status, e.to_status) for e in quote.events]


def stored(quote_number: str) -> Quote:
    db.session.expire_all()
    return db.session.scalar(select(Quote).where(Quote.number == quote_number))


def test_proposed_draft_takes_parts_at_cost_labour_fee_and_shipping(flow, session):
    number = flow.inspected("QUOTE001")
    rma = get_rma(session, number)
    part = Part(part_number="SHELL-1", name_zh="外壳", cost_price=Decimal("35.50"), stock=0,
                model_codes=[], created_at=NOW)
    # Parts used on an earlier bench session of this RMA, at that day's cost price.
    session.add(PartUse(rma=rma, part=part, quantity=2, unit_cost=Decimal("35.50"), at=NOW))
    session.commit()
    policy = PricingPolicy(labor_price=Decimal("80.00"), inspection_fee=Decimal("30.00"),
                           return_shipping=Decimal("20.00"), tax_rate=Decimal("0.13"),
                           valid_days=10)

    quote = quoting.create_quote(session, number, None, tax_rate=None, policy=policy,
                                 actor=flow.staff.clerk, now=NOW)

    assert [(line.kind, line.description, line.quantity, line.unit_price, line.amount)
            for line in quote.lines] == [
        ("part", "外壳 SHELL-1", 2, Decimal("35.50"), Decimal("71.00")),
        ("labor", "维修工时 Labour", 1, Decimal("80.00"), Decimal("80.00")),
        ("fee", "检测费 Inspection fee", 1, Decimal("30.00"), Decimal("30.00")),
        ("shipping", "回寄运费 Return shipping", 1, Decimal("20.00"), Decimal("20.00"))]
    assert (quote.subtotal, quote.tax_rate, quote.tax, quote.total) == (
        Decimal("201.00"), Decimal("0.13"), Decimal("26.13"), Decimal("227.13"))
    assert (quote.number, quote.version, quote.status) == (f"{number}-Q1", 1, "draft")
    assert quote.valid_until == TODAY + timedelta(days=10)
    assert quote_events(quote) == [("create", None, "draft")]
    rma = get_rma(session, number)
    assert rma.status == Status.INSPECTED  # drafting moves nothing
    assert (rma.events[-1].action, rma.events[-1].reason) == ("create_quote", f"{number}-Q1")


def test_explicit_tax_rate_wins_over_the_policy(flow, session):
    number = flow.inspected("QUOTE002")
    quote = quoting.create_quote(session, number, LINES, tax_rate=Decimal("0.06"),
                                 policy=PricingPolicy(tax_rate=Decimal("0.13")), actor=None,
                                 now=NOW)
    assert (quote.subtotal, quote.tax, quote.total) == (
        LINES_TOTAL, Decimal("15.51"), Decimal("274.01"))


def test_one_draft_at_a_time(flow, session):
    number = flow.inspected("QUOTE003")
    first = flow.draft(number)
    events = event_count()
    with pytest.raises(ConflictError) as info:
        flow.draft(number)
    assert info.value.code == "draft_exists" and info.value.details["quote"] == first.number
    session.rollback()
    assert [q.number for q in get_rma(session, number).quotes] == [first.number]
    assert event_count() == events


def test_a_draft_can_be_changed_until_it_is_sent(flow, session):
    number = flow.inspected("QUOTE004")
    quote = flow.draft(number)
    cheaper = [make_line("labor", "维修工时 Labour", Decimal("1"), Decimal("60.00"))]
    changed = quoting.update_draft(session, number, quote.number, cheaper, tax_rate=None,
                                   actor=flow.staff.clerk, now=NOW)
    assert [line.description for line in changed.lines] == ["维修工时 Labour"]
    assert changed.total == Decimal("60.00") and changed.tax_rate == Decimal("0")
    with pytest.raises(InvalidInputError) as info:
        quoting.update_draft(session, number, quote.number, [], tax_rate=None, now=NOW)
    assert info.value.code == "invalid_line"
    session.rollback()
    assert stored(quote.number).total == Decimal("60.00")

    flow.send(number, quote.number)
    with pytest.raises(InvalidTransitionError) as info:
        quoting.update_draft(session, number, quote.number, LINES, tax_rate=None, now=NOW)
    assert info.value.code == "quote_not_draft" and info.value.details["status"] == "sent"
    session.rollback()
    assert stored(quote.number).total == Decimal("60.00")
    assert quote_events(stored(quote.number)) == [
        ("create", None, "draft"), ("edit", "draft", "draft"), ("send", "draft", "sent")]


def test_no_quote_before_inspection(flow, session):
    number = flow.received("QUOTE005")
    events = event_count()
    with pytest.raises(InvalidTransitionError) as info:
        flow.draft(number)
    assert info.value.code == "invalid_transition"
    assert "inspect" in info.value.details["allowed"]
    session.rollback()
    assert get_rma(session, number).quotes == []
    assert event_count() == events


def test_sending_waits_for_the_customer_and_a_new_version_supersedes_the_old(flow, session):
    number = flow.inspected("QUOTE006")
    first = flow.draft(number)
    sent, emailed = flow.send(number, first.number)
    assert emailed is True
    assert (sent.status, sent.sent_at, sent.valid_until) == ("sent", NOW, TODAY + timedelta(15))
    rma = get_rma(session, number)
    assert (rma.status, rma.paused_since) == (Status.AWAITING_APPROVAL, TODAY)
    assert rma.events[-1].action == "send_quote"
    assert rma.events[-1].reason == f"{first.number} {LINES_TOTAL} CNY"

    later = NOW + timedelta(days=2)
    second = flow.draft(number, LINES[:1], now=later)
    assert second.version == 2
    flow.send(number, second.number, now=later)

    assert quote_events(stored(first.number)) == [
        ("create", None, "draft"), ("send", "draft", "sent"),
        ("supersede", "sent", "superseded")]
    assert stored(first.number).events[-1].reason == second.number
    assert quote_events(stored(second.number)) == [
        ("create", None, "draft"), ("send", "draft", "sent")]
    rma = get_rma(session, number)
    assert rma.status == Status.AWAITING_APPROVAL
    assert rma.paused_since == TODAY  # the clock stopped at the first send and stays stopped
    assert [(e.action, e.from_status, e.to_status) for e in rma.events[-2:]] == [
        ("create_quote", "awaiting_approval", "awaiting_approval"),
        ("send_quote", "awaiting_approval", "awaiting_approval")]
    assert outbox_count() == 2


def test_a_sent_quote_cannot_be_sent_again(flow, session):
    number, quote_number = flow.sent("QUOTE007")
    with pytest.raises(InvalidTransitionError) as info:
        flow.send(number, quote_number)
    assert info.value.code == "quote_not_draft"
    session.rollback()
    assert outbox_count() == 1


def test_the_email_carries_the_pdf_and_the_link(flow, session, settings):
    number, quote_number = flow.sent("QUOTE008")
    row = session.scalars(select(OutboxMessage)).one()
    assert (row.kind, row.rma_id, row.status, row.attempts) == (
        "quote_sent", get_rma(session, number).id, "pending", 0)
    assert row.recipient == "zs@example.com"

    message = email.message_from_bytes(row.raw, policy=policy.default)
    assert message["To"] == "zs@example.com"
    assert message["Subject"] == (f"非保修产品维修报价单 {quote_number} / Repair quote {quote_number}")
    assert row.subject == message["Subject"]
    body = message.get_body(("plain",)).get_content()
    [token] = set(re.findall(r"http://depot\.test/q/(\S+)", body))  # once per language
    assert "258.50 CNY" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"维修报价单-{quote_number}.pdf"
    assert attachment.get_content().startswith(b"%PDF")
    assert quoting.quote_by_token(session, settings.secret, token).number == quote_number


def test_a_customer_without_email_gets_a_quote_to_print(flow, session):
    number = flow.inspected("QUOTE009", customer=NO_MAIL)
    quote = flow.draft(number)
    sent, emailed = flow.send(number, quote.number)
    assert emailed is False and sent.status == "sent"
    assert get_rma(session, number).status == Status.AWAITING_APPROVAL
    assert outbox_count() == 0


def test_approval_keeps_time_ip_and_comment_and_a_second_answer_is_refused(flow, session):
    number, quote_number = flow.sent("QUOTE010")
    later = NOW + timedelta(days=3)
    quote = flow.answer(quote_number, now=later, comment="  请尽快修好  ", ip="203.0.113.7",
                        user_agent="Mozilla/5.0")
    assert (quote.status, quote.answered_at, quote.answer_via) == ("approved", later, "link")
    assert (quote.answer_ip, quote.answer_comment, quote.answer_user_agent) == (
        "203.0.113.7", "请尽快修好", "Mozilla/5.0")
    assert quote_events(quote)[-1] == ("approve", "sent", "approved")
    rma = get_rma(session, number)
    assert rma.status == Status.APPROVED and rma.paused_since is None
    last = rma.events[-1]
    assert (last.action, last.from_status, last.to_status) == (
        "approve", "awaiting_approval", "approved")
    assert last.reason == f"{quote_number} via link by customer from 203.0.113.7: 请尽快修好"

    events = event_count()
    with pytest.raises(InvalidTransitionError) as info:
        flow.answer(quote_number, approve=False, now=later)
    assert info.value.code == "quote_answered"
    session.rollback()
    assert stored(quote_number).status == "approved"
    assert stored(quote_number).answer_comment == "请尽快修好"
    assert event_count() == events


def test_decline_sends_the_unit_back_unrepaired(flow, session):
    number, quote_number = flow.sent("QUOTE011")
    quote = flow.answer(quote_number, approve=False, comment="太贵了")
    assert (quote.status, quote.answer_comment) == ("declined", "太贵了")
    assert quote_events(quote)[-1] == ("decline", "sent", "declined")
    assert get_rma(session, number).status == Status.DECLINED
    with pytest.raises(InvalidTransitionError) as info:
        flow.answer(quote_number)
    assert info.value.code == "quote_answered"


def test_the_last_valid_day_counts_the_next_day_is_expired(flow, session):
    _, in_time = flow.sent("QUOTE012")
    number, too_late = flow.sent("QUOTE013")
    valid_until = stored(too_late).valid_until
    assert valid_until == TODAY + timedelta(days=15)

    # 23:30 in Shanghai on the last valid day is still in time (15:30 UTC).
    last_evening = NOW.replace(hour=15, minute=30) + timedelta(days=15)
    assert flow.answer(in_time, now=last_evening).status == "approved"

    next_morning = NOW + timedelta(days=16)
    with pytest.raises(InvalidTransitionError) as info:
        flow.answer(too_late, now=next_morning)
    assert info.value.code == "quote_expired"
    assert info.value.details["valid_until"] == valid_until.isoformat()
    quote = stored(too_late)
    assert quote.status == "expired" and quote.answered_at is None
    assert quote_events(quote)[-1] == ("expire", "sent", "expired")
    assert get_rma(session, number).status == Status.AWAITING_APPROVAL
    with pytest.raises(InvalidTransitionError) as info:  # and stays refused
        flow.answer(too_late, now=NOW)
    assert info.value.code == "quote_expired"


def test_a_superseded_version_cannot_be_answered(flow, session):
    number, old = flow.sent("QUOTE014")
    new = flow.draft(number, LINES[:2])
    flow.send(number, new.number)
    with pytest.raises(InvalidTransitionError) as info:
        flow.answer(old)
    assert info.value.code == "quote_superseded"
    session.rollback()
    assert get_rma(session, number).status == Status.AWAITING_APPROVAL
    assert flow.answer(new.number).status == "approved"
    assert stored(old).status == "superseded"


def test_a_draft_cannot_be_answered(flow, session):
    number = flow.inspected("QUOTE015")
    quote = flow.draft(number)
    with pytest.raises(InvalidTransitionError) as info:
        flow.answer(quote.number)
    assert info.value.code == "quote_not_sent"


def test_links_that_were_not_made_for_this_quote_are_not_found(flow, session, settings):
    number, quote_number = flow.sent("QUOTE016")
    nonce = stored(quote_number).token_nonce
    good = quote_token(settings.secret, quote_number, nonce)
    assert quoting.quote_by_token(session, settings.secret, good).number == quote_number

    forged = quote_token("another-secret", quote_number, nonce)
    other_nonce = quote_token(settings.secret, quote_number, "0123456789abcdef")
    no_such_quote = quote_token(settings.secret, f"{number}-Q9", nonce)
    tampered = good[:5] + ("x" if good[5] != "x" else "y") + good[6:]
    for token in (forged, other_nonce, no_such_quote, tampered, "not-a-token"):
        with pytest.raises(NotFoundError) as info:
            quoting.quote_by_token(session, settings.secret, token)
        assert info.value.code == "invalid_link", token


def test_expire_and_remind(flow, session):
    fresh, fresh_q = flow.sent("REMIND01", now=NOW)
    _, waiting_q = flow.sent("REMIND02", now=NOW - timedelta(days=4))
    _, lapsed_q = flow.sent("REMIND03", now=NOW - timedelta(days=20))
    _, answered_q = flow.sent("REMIND04", now=NOW - timedelta(days=5))
    flow.answer(answered_q, now=NOW - timedelta(days=1))

    expired, remind = quoting.expire_and_remind(session, remind_after_days=3, now=NOW)

    assert [q.number for q in expired] == [lapsed_q]
    assert [q.number for q in remind] == [waiting_q]
    assert stored(lapsed_q).status == "expired"
    assert quote_events(stored(lapsed_q))[-1] == ("expire", "sent", "expired")
    assert {stored(q).status for q in (fresh_q, waiting_q)} == {"sent"}
    # Three days after sending the first one is due too; the expired one is not looked at.
    expired, remind = quoting.expire_and_remind(session, remind_after_days=3,
                                                now=NOW + timedelta(days=3))
    assert expired == [] and [q.number for q in remind] == [fresh_q, waiting_q]
    assert get_rma(session, fresh).status == Status.AWAITING_APPROVAL


def test_reminders_are_queued_once_per_period(flow, session, settings):
    _, quote_number = flow.sent("REMIND05", now=NOW - timedelta(days=3))
    _, no_mail_q = flow.sent("REMIND06", now=NOW - timedelta(days=3), customer=NO_MAIL)
    assert outbox_count() == 1

    expired, reminded = quote_mail.remind(session, settings, now=NOW)

    # Both are due; only the customer with an address gets the reminder by mail.
    assert expired == [] and reminded == [quote_number, no_mail_q]
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [r.kind for r in rows] == ["quote_sent", "quote_reminder"]
    assert rows[1].subject.startswith("【提醒】非保修产品维修报价单")
    quote = stored(quote_number)
    assert (quote.reminders, quote.reminded_at) == (1, NOW)
    assert stored(no_mail_q).reminders == 0  # nobody to remind by mail
    assert quote_mail.remind(session, settings, now=NOW + timedelta(days=1))[1] == [no_mail_q]
    assert outbox_count() == 2
    assert quote_mail.remind(session, settings, now=NOW + timedelta(days=3))[1] == [
        quote_number, no_mail_q]
    assert outbox_count() == 3 and stored(quote_number).reminders == 2


def offline(flow, number, quote_number, **kw):
    kw.setdefault("approve", True)
    kw.setdefault("via", "fax")
    return quote_mail.record_offline_answer(
        db.session, number, quote_number, max_bytes=5_000_000, max_pixels=20_000_000,
        ip="192.0.2.10", user_agent="depot-test", actor=flow.staff.clerk,
        tz=flow.settings.tz, **kw)


def test_an_offline_answer_keeps_the_signed_pdf_as_it_is(flow, session):
    number, quote_number = flow.sent("OFFLINE1")
    pdf = b"%PDF-1.4\n% signed by the customer\n%%EOF\n"
    quote = offline(flow, number, quote_number, via="paper", comment="签字回传",
                    signed_copy=("回签.pdf", "application/pdf", pdf), now=NOW)
    assert (quote.status, quote.answer_via, quote.answer_comment) == (
        "approved", "paper", "签字回传")
    copy = session.get(Attachment, quote.answer_attachment_id)
    assert (copy.kind, copy.filename, copy.content_type, copy.rma_id) == (
        "signed_quote", "回签.pdf", "application/pdf", get_rma(session, number).id)
    assert copy.data == pdf and copy.sha256 == hashlib.sha256(pdf).hexdigest()
    assert copy.created_by_id == flow.staff.clerk.id
    assert quote.events[-1].actor_id == flow.staff.clerk.id
    rma = get_rma(session, number)
    assert rma.status == Status.APPROVED
    assert rma.events[-1].reason.startswith(f"{quote_number} via paper by clerk.one")


def test_an_offline_answer_with_a_photo_is_made_upright_and_stripped(flow, session):
    number, quote_number = flow.sent("OFFLINE2")
    raw = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # the phone was held sideways: turn 90 degrees to show it upright
    exif[0x010F] = "PhoneMaker"
    Image.new("RGB", (400, 300), "white").save(raw, format="JPEG", exif=exif)
    quote = offline(flow, number, quote_number, approve=False, via="fax",
                    signed_copy=("传真.jpeg", "image/jpeg", raw.getvalue()), now=NOW)
    assert quote.status == "declined"
    copy = session.get(Attachment, quote.answer_attachment_id)
    assert (copy.filename, copy.content_type) == ("传真.jpg", "image/jpeg")
    image = Image.open(io.BytesIO(copy.data))
    assert image.size == (300, 400)
    assert not image.getexif()
    assert get_rma(session, number).status == Status.DECLINED


def test_an_offline_answer_is_checked_like_the_link(flow, session):
    number, quote_number = flow.sent("OFFLINE3")
    pdf = ("copy.pdf", "application/pdf", b"%PDF-1.4 signed")
    with pytest.raises(InvalidInputError) as info:
        offline(flow, number, quote_number, via="pigeon", signed_copy=pdf, now=NOW)
    assert info.value.details["field"] == "via"
    with pytest.raises(InvalidInputError):
        offline(flow, number, quote_number, signed_copy=("x.png", "image/png", b"no image"),
                now=NOW)
    assert stored(quote_number).status == "sent"
    offline(flow, number, quote_number, signed_copy=pdf, now=NOW)
    with pytest.raises(InvalidTransitionError) as info:
        offline(flow, number, quote_number, approve=False, signed_copy=pdf, now=NOW)
    assert info.value.code == "quote_answered"
    assert len(session.scalars(select(Attachment)).all()) == 1  # the refused copy is not kept


def test_an_offline_answer_after_the_validity_date_is_refused_and_keeps_nothing(flow, session):
    number, quote_number = flow.sent("OFFLINE4")
    with pytest.raises(InvalidTransitionError) as info:
        offline(flow, number, quote_number, now=NOW + timedelta(days=16),
                signed_copy=("late.pdf", "application/pdf", b"%PDF-1.4 too late"))
    assert info.value.code == "quote_expired"
    assert stored(quote_number).status == "expired"
    assert stored(quote_number).answer_attachment_id is None
    assert session.scalars(select(Attachment)).all() == []
