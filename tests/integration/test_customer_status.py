"""The customer's side on a real session (DESIGN.md §4b): the status a link or a lookup shows,
expected_back_on by region, and the milestone mails with their records."""
from __future__ import annotations

import email
import io
from datetime import timedelta
from email import policy

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from depot.domain.workflow import Action
from depot.errors import InvalidInputError, NotFoundError
from depot.models import Notification, OutboxMessage, db
from depot.services import customer_status, intake, notifications, repair, shipping
from depot.services.common import get_rma
from depot.services.customer_status import by_number, by_token, status_url
from depot.services.links import quote_token
from depot.services.units import CustomerInput
from tests.conftest import NOW
from tests.integration.conftest import NO_MAIL, ZHANG

TODAY = NOW.date()  # 2026-11-20 in Shanghai too (11:00)


def token_of(url: str) -> str:
    return url.rsplit("/s/", 1)[1]


def mails(kind: str | None = None) -> list[email.message.EmailMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return [email.message_from_bytes(row.raw, policy=policy.default)
            for row in db.session.scalars(query)]


def received(flow, serial, customer=ZHANG):
    """Received as the intake API does it: with the settings, so the customer is mailed."""
    flow.make_unit(serial, customer=customer)
    rma, _ = intake.receive_unit(db.session, serial, "no power", ["power_adapter"],
                                 actor=flow.staff.clerk, now=NOW, settings=flow.settings)
    return rma.number


def test_a_status_link_shows_its_own_rma(flow, settings):
    number = received(flow, "ST0001")
    other = received(flow, "ST0002", CustomerInput("李四", "13700001111", "ls@example.com",
                                                   "四川省绵阳市"))
    seen = by_token(db.session, settings, token_of(status_url(settings, number)), today=TODAY)
    assert (seen.number, seen.status, seen.serial) == (number, "received", "ST0001")
    rma = get_rma(db.session, number)
    assert (seen.received_on, seen.due_on) == (rma.received_on, rma.due_on)
    # Shanghai, and the depot in Sichuan: 5 days from the due date.
    assert seen.transit_days == 5 and seen.expected_back_on == rma.due_on + timedelta(days=5)
    assert seen.carrier is None and seen.quote_url is None
    near = by_token(db.session, settings, token_of(status_url(settings, other)), today=TODAY)
    assert near.number == other and near.transit_days == 2  # same province as the depot


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # the signature altered
    lambda t: "x" + t,
    lambda t: "",
    lambda t: "not-a-token",
])
def test_an_altered_link_is_not_found(flow, settings, mangle):
    number = received(flow, "ST0003")
    with pytest.raises(NotFoundError) as info:
        by_token(db.session, settings, mangle(token_of(status_url(settings, number))),
                 today=TODAY)
    assert info.value.code == "invalid_link"


def test_a_quote_link_is_not_a_status_link(flow, settings):
    number, quote_number = flow.sent("ST0004")
    quote = get_rma(db.session, number).quotes[-1]
    with pytest.raises(NotFoundError) as info:
        by_token(db.session, settings, quote_token(settings.secret, quote_number,
                                                   quote.token_nonce), today=TODAY)
    assert info.value.code == "invalid_link"


def test_another_depots_link_is_not_found(flow, settings):
    number = received(flow, "ST0005")
    foreign = customer_status.status_token("another-depot-secret", number)
    with pytest.raises(NotFoundError):
        by_token(db.session, settings, foreign, today=TODAY)


def test_the_link_lives_until_90_days_after_the_rma_closes(flow, settings):
    number = flow.ready("ST0006")
    shipping.ship(db.session, number, carrier="SF", tracking_number="SF1234567890",
                  scanned=["ST0006"], packed=[], missing=[], settings=settings,
                  actor=flow.staff.logistics, now=NOW)
    repair.apply_action(db.session, number, Action.CLOSE, actor=flow.staff.logistics, now=NOW)
    token = token_of(status_url(settings, number))
    assert by_token(db.session, settings, token, today=TODAY + timedelta(days=90)).status \
        == "closed"
    with pytest.raises(NotFoundError) as info:
        by_token(db.session, settings, token, today=TODAY + timedelta(days=91))
    assert info.value.code == "link_expired"


def test_a_lookup_needs_the_right_pair_and_says_the_same_otherwise(flow, settings):
    number = received(flow, "ST0007", CustomerInput("张三", "+86 138-0000-1234", "zs@example.com",
                                                    "上海市"))
    assert by_number(db.session, settings, number.lower(), "1234", today=TODAY).number == number
    refusals = []
    for asked, last4 in ((number, "4321"), ("RMA-2026-999999", "1234"), ("", "1234"),
                         ("nonsense", "0000")):
        with pytest.raises(NotFoundError) as info:
            by_number(db.session, settings, asked, last4, today=TODAY)
        refusals.append((info.value.code, info.value.template, info.value.details))
    assert len(set(map(repr, refusals))) == 1 and refusals[0][0] == "not_found"


def test_no_phone_never_matches(flow, settings):
    number = received(flow, "ST0008", CustomerInput("赵六", "", "zl@example.com", ""))
    with pytest.raises(NotFoundError):
        by_number(db.session, settings, number, "0000", today=TODAY)


def test_the_open_quote_is_shown_while_it_is_open(flow, settings):
    number, quote_number = flow.sent("ST0009")
    seen = customer_status.view(db.session, get_rma(db.session, number), settings, today=TODAY)
    assert seen.quote_number == quote_number and "/q/" in seen.quote_url
    flow.answer(quote_number)
    seen = customer_status.view(db.session, get_rma(db.session, number), settings, today=TODAY)
    assert seen.quote_url is None and seen.status == "approved"


def test_after_shipping_the_carrier_and_the_ship_date_count(flow, settings):
    number = flow.ready("ST0010")
    shipping.ship(db.session, number, carrier="JD", tracking_number="JD0001234567",
                  scanned=["ST0010"], packed=[], missing=[], settings=settings,
                  actor=flow.staff.logistics, now=NOW)
    seen = customer_status.view(db.session, get_rma(db.session, number), settings, today=TODAY)
    assert (seen.carrier, seen.tracking_number, seen.shipped_on) == ("JD", "JD0001234567", TODAY)
    assert seen.expected_back_on == TODAY + timedelta(days=5)
    assert seen.tracking_url.endswith("JD0001234567")
    assert seen.json()["expected_back_on"] == (TODAY + timedelta(days=5)).isoformat()


def test_the_admins_transit_days_move_expected_back_on(flow, settings):
    number = received(flow, "ST0011")
    customer_status.save_transit_days(db.session, {"CN-SH": "3"}, actor="admin", now=NOW)
    seen = customer_status.view(db.session, get_rma(db.session, number), settings, today=TODAY)
    assert seen.transit_days == 3
    for bad in ("-1", "61", "3.5", "٣", "1e3"):
        with pytest.raises(InvalidInputError) as info:
            customer_status.save_transit_days(db.session, {"CN-BJ": bad}, actor="admin",
                                              now=NOW)
        assert info.value.details["field"] == "CN-BJ"
    assert customer_status.transit_overrides(db.session) == {"CN-SH": 3}
    customer_status.save_transit_days(db.session, {"CN-SH": ""}, actor="admin", now=NOW)
    assert customer_status.transit_overrides(db.session) == {}


# -- notifications ----------------------------------------------------------------------------

def test_received_mails_the_receipt_with_the_status_link(flow, settings):
    number = received(flow, "ST0020")
    row = db.session.scalars(select(Notification)).one()
    assert (row.kind, row.recipient, row.message.status) == ("received", "zs@example.com",
                                                             "pending")
    message = mails("received")[0]
    link = status_url(settings, number)
    body = message.get_body(("plain",)).get_content()
    assert link in body and number in message["Subject"]
    assert "我们已收到您的设备" in message["Subject"] and "We have received" in message["Subject"]
    receipt = next(p for p in message.iter_attachments()
                   if p.get_content_type() == "application/pdf")
    assert receipt.get_filename() == f"收据-{number}.pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.get_content())).pages)
    assert number in text and "/s/" in text.replace("\n", "")


def test_no_address_is_recorded_as_no_email(flow, settings):
    received(flow, "ST0021", NO_MAIL)
    row = db.session.scalars(select(Notification)).one()
    assert (row.kind, row.recipient, row.message) == ("received", "", None)
    assert mails() == []


def test_every_milestone_is_mailed_and_recorded(flow, settings):
    flow.make_unit("ST0022")
    number = intake.receive_unit(db.session, "ST0022", "no power", [], actor=flow.staff.clerk,
                                 now=NOW, settings=settings)[0].number
    from depot.services import inspection

    inspection.record_inspection(db.session, number, ["no_power"], actor=flow.staff.technician,
                                 now=NOW)
    for action in (Action.START_REPAIR, Action.FINISH_REPAIR, Action.PASS_QA):
        repair.apply_action(db.session, number, action, actor=flow.staff.technician, now=NOW,
                            settings=settings)
    shipping.ship(db.session, number, carrier="SF", tracking_number="SF1234567890",
                  scanned=["ST0022"], packed=[], missing=[], settings=settings,
                  actor=flow.staff.logistics, now=NOW)
    rma = get_rma(db.session, number)
    assert [n.kind for n in rma.notifications] == ["received", "ready_to_ship", "shipped"]
    link = status_url(settings, number)
    for message in mails():
        assert link in message.get_body(("plain",)).get_content()
    shipped = mails("shipped")[0].get_body(("plain",)).get_content()
    assert "https://www.sf-express.com/" in shipped and "SF1234567890" in shipped


def test_the_quote_mail_is_a_notification_with_both_links(flow, settings):
    number, quote_number = flow.sent("ST0023")
    rma = get_rma(db.session, number)
    assert [n.kind for n in rma.notifications] == ["quote_sent"]
    message = mails("quote_sent")[0]
    body = message.get_body(("plain",)).get_content()
    assert status_url(settings, number) in body and "/q/" in body
    assert quote_number in message["Subject"]


def test_the_customers_language_is_the_mails(flow, settings):
    received(flow, "ST0024", CustomerInput("Ann Lee", "+852 9123 4567", "ann@example.com",
                                           "Hong Kong", language="en"))
    received(flow, "ST0025", CustomerInput("陳大文", "0912345678", "chan@example.com",
                                           "臺灣台北市", language="zh_TW"))
    english, traditional = mails()
    assert english["Subject"].startswith("We have received your unit") and "我们" not in \
        english.get_body(("plain",)).get_content()
    assert traditional["Subject"].startswith("我們已收到您的設備")
    assert "We have" not in traditional.get_body(("plain",)).get_content()


def test_an_admins_text_is_used_checked_and_previewed(flow, settings):
    for subject, body, code in (
            ("ok", "%(nobody)s %(status_url)s", "unknown_placeholder"),
            ("ok", "no link here", "status_link_required"),
            ("ok", "100% sure %(status_url)s", "invalid_placeholder"),
            ("", "%(status_url)s", "field_required"),
            ("ok", "x" * 5001 + "%(status_url)s", "text_too_long")):
        with pytest.raises(InvalidInputError) as info:
            notifications.save_template(db.session, "received", "zh_CN", subject, body,
                                        actor="admin", now=NOW)
        assert info.value.code == code
    notifications.save_template(db.session, "received", "zh_CN", "收到了 %(rma)s",
                                "%(name)s 您好，100%% 收到。<b>%(serial)s</b>\n%(status_url)s",
                                actor="admin", now=NOW)
    subject, body = notifications.preview("received", "zh_CN", "收到了 %(rma)s",
                                          "%(name)s：%(status_url)s", settings)
    assert subject == "收到了 RMA-2026-000123" and body.startswith("张三：http://depot.test/s/")
    number = received(flow, "ST0026")
    message = mails("received")[0]
    assert message["Subject"].startswith(f"收到了 {number} / We have received")
    text = message.get_body(("plain",)).get_content()
    assert "张三 您好，100% 收到。<b>ST0026</b>" in text and status_url(settings, number) in text
    notifications.reset_template(db.session, "received", "zh_CN")
    assert not notifications.template(db.session, "received", "zh_CN").custom
