"""A man-made-damage unit: quote drafted and sent, received by a real SMTP server, approved from
the QR code on its PDF, paid, and the bench can go on. Every refusal case too."""
from __future__ import annotations

import email
import io
import subprocess
from datetime import UTC, datetime, timedelta
from email import policy
from urllib.parse import urlsplit

import pytest
from PIL import Image
from pypdf import PdfReader
from pyzbar import pyzbar

from depot.models import Quote, db


@pytest.fixture
def inspected(api, tokens, make_unit, mail_app, deliver_outbox):
    make_unit("QUOTE0001")
    number = api.as_(tokens["clerk"]).post("/rmas", {"serial": "QUOTE0001"}).get_json()["number"]
    api.as_(tokens["technician"]).post(f"/rmas/{number}/inspection",
                                       {"findings": ["shell_damage", "no_power"]})
    # The mail of the unit's receipt went out at intake (tests/web/test_customer_status.py);
    # these tests are about the quote's mails.
    assert deliver_outbox().sent == 1
    mail_app[1].clear()
    return number


LINES = {"lines": [
    {"kind": "part", "description": "外壳 Housing", "quantity": 1, "unit_price": "120.00"},
    {"kind": "labor", "description": "维修工时 Labour", "quantity": "1.5", "unit_price": "80.00"},
    {"kind": "shipping", "description": "回寄运费 Return shipping", "quantity": 1,
     "unit_price": "18.50"}]}


def draft(api, tokens, number, body=LINES):
    response = api.as_(tokens["clerk"]).post(f"/rmas/{number}/quotes", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def send(api, tokens, number, quote):
    response = api.as_(tokens["clerk"]).post(f"/rmas/{number}/quotes/{quote}/send")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def received_mail(messages, index=-1):
    _, recipients, raw = messages[index]
    return recipients, email.message_from_bytes(raw, policy=policy.default)


def pdf_of(message) -> tuple[str, bytes]:
    part = next(p for p in message.iter_attachments() if p.get_content_type() == "application/pdf")
    return part.get_filename(), part.get_content()


def qr_link(pdf: bytes, tmp_path) -> str:
    (tmp_path / "quote.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1",
                    str(tmp_path / "quote.pdf"), str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png")))
    codes = [c.data.decode() for c in pyzbar.decode(image) if c.type == "QRCODE"]
    assert len(codes) == 1
    return codes[0]


def test_quote_by_email_approved_from_the_qr_code_then_paid(api, tokens, inspected, mail_app,
                                                            tmp_path, client, deliver_outbox):
    number = inspected
    quote = draft(api, tokens, number)
    assert (quote["status"], quote["version"], quote["total"], quote["currency"]) == (
        "draft", 1, "258.50", "CNY")
    assert quote["number"] == f"{number}-Q1"
    _, messages = mail_app
    assert messages == []  # a draft is never sent by surprise
    sent = send(api, tokens, number, quote["number"])
    assert sent["status"] == "sent" and sent["rma"]["status"] == "awaiting_approval"
    assert sent["rma"]["waiting_for"] == "customer_approval"
    assert messages == []  # queued with the change; the outbox worker sends it, not the request
    assert deliver_outbox().sent == 1

    recipients, message = received_mail(messages)
    assert recipients == ["zs@example.com"]
    assert "非保修产品维修报价单" in message["Subject"] and number in message["Subject"]
    filename, pdf = pdf_of(message)
    assert filename == f"维修报价单-{quote['number']}.pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in ("非保修产品维修报价单", "Non-warranty repair quote", quote["number"],
                     "QUOTE0001", "258.50", "外壳破裂"):
        assert expected in text, expected

    link = qr_link(pdf, tmp_path)
    assert link.startswith("http://depot.test/q/") and link in message.get_body(
        ("plain",)).get_content()
    path = urlsplit(link).path
    page = client.get(path, headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200 and "258.50" in page.text and "确认报价" in page.text

    answer = client.post(path + "/approve", data={"comment": "请尽快维修"},
                         headers={"User-Agent": "PhoneBrowser/1.0"})
    assert answer.status_code == 200 and "谢谢" in answer.text
    rma = api.get(f"/rmas/{number}").get_json()
    assert rma["status"] == "approved"
    event = rma["events"][-1]
    assert (event["action"], event["actor"]) == ("approve", None)
    assert "请尽快维修" in event["reason"] and "127.0.0.1" in event["reason"]
    stored = db.session.query(Quote).one()
    assert stored.answer_user_agent == "PhoneBrowser/1.0" and stored.answer_ip == "127.0.0.1"

    again = client.post(path + "/decline", json={})
    assert again.status_code == 409 and again.get_json()["error"] == "quote_answered"
    assert api.get(f"/rmas/{number}").get_json()["status"] == "approved"

    assert rma["waiting_for"] == "payment" and rma["outstanding"] == "258.50"
    paid = api.as_(tokens["clerk"]).post(f"/rmas/{number}/payments", {
        "amount": "258.50", "method": "bank_transfer", "reference": "ICBC 20261120-001"})
    assert paid.status_code == 201
    assert paid.get_json()["rma"]["outstanding"] == "0.00"
    started = api.as_(tokens["technician"]).post(f"/rmas/{number}/actions",
                                                 {"action": "start_repair"})
    assert started.status_code == 200 and started.get_json()["status"] == "in_repair"


def test_json_answers_and_decline(api, tokens, inspected, mail_app, client, deliver_outbox):
    quote = draft(api, tokens, inspected)
    send(api, tokens, inspected, quote["number"])
    deliver_outbox()
    _, message = received_mail(mail_app[1])
    link = next(line for line in message.get_body(("plain",)).get_content().splitlines()
                if "/q/" in line)
    response = client.post(urlsplit(link).path + "/decline", json={"comment": "太贵了"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "declined"
    rma = api.get(f"/rmas/{inspected}").get_json()
    assert rma["status"] == "declined" and rma["quotes"][0]["status"] == "declined"
    back = api.as_(tokens["technician"]).post(f"/rmas/{inspected}/actions",
                                              {"action": "return_unrepaired"})
    assert back.get_json()["status"] == "ready_to_ship"


def test_a_new_version_kills_the_old_link(api, tokens, inspected, mail_app, client,
                                          deliver_outbox):
    first = draft(api, tokens, inspected)
    send(api, tokens, inspected, first["number"])
    deliver_outbox()
    old_link = qr_link_from_mail(mail_app[1])
    second = draft(api, tokens, inspected, {"lines": [
        {"kind": "labor", "description": "工时", "quantity": 1, "unit_price": "60.00"}]})
    assert second["version"] == 2
    send(api, tokens, inspected, second["number"])
    deliver_outbox()
    new_link = qr_link_from_mail(mail_app[1])
    refused = client.post(old_link + "/approve", json={})
    assert refused.status_code == 409 and refused.get_json()["error"] == "quote_superseded"
    page = client.get(old_link)
    assert 'data-code="quote_superseded"' in page.text and 'id="approve"' not in page.text
    assert client.post(new_link + "/approve", json={}).status_code == 200
    quotes = api.get(f"/rmas/{inspected}").get_json()["quotes"]
    assert [(q["version"], q["status"]) for q in quotes] == [(1, "superseded"), (2, "approved")]


def qr_link_from_mail(messages) -> str:
    _, message = received_mail(messages)
    body = message.get_body(("plain",)).get_content()
    return urlsplit(next(line for line in body.splitlines() if "/q/" in line)).path


def test_an_expired_sent_quote_cannot_be_approved(api, tokens, inspected, mail_app, client,
                                                  deliver_outbox):
    quote = draft(api, tokens, inspected)
    send(api, tokens, inspected, quote["number"])
    deliver_outbox()
    link = qr_link_from_mail(mail_app[1])
    stored = db.session.query(Quote).one()
    stored.valid_until = datetime.now(UTC).date() - timedelta(days=2)  # status still "sent"
    db.session.commit()
    refused = client.post(link + "/approve", json={})
    assert refused.status_code == 409 and refused.get_json()["error"] == "quote_expired"
    assert api.get(f"/rmas/{inspected}").get_json()["status"] == "awaiting_approval"
    assert api.get(f"/rmas/{inspected}").get_json()["waiting_for"] == "new_quote"


def test_forged_and_tampered_links_are_not_found(api, tokens, inspected, mail_app, client,
                                                 deliver_outbox):
    quote = draft(api, tokens, inspected)
    send(api, tokens, inspected, quote["number"])
    deliver_outbox()
    link = qr_link_from_mail(mail_app[1])
    assert client.get(link[:-3] + "abc").status_code == 404
    assert client.post("/q/not-a-token/approve", json={}).status_code == 404
    from depot.services.links import quote_token

    forged = quote_token("another-secret", quote["number"], "x")
    assert client.post(f"/q/{forged}/approve", json={}).status_code == 404


def test_refusals_before_sending(api, tokens, make_unit, inspected, mail_app, deliver_outbox):
    make_unit("QUOTE0002")
    fresh = api.post("/rmas", {"serial": "QUOTE0002"}).get_json()["number"]
    not_inspected = api.as_(tokens["clerk"]).post(f"/rmas/{fresh}/quotes", LINES)
    assert not_inspected.status_code == 409
    bad = api.as_(tokens["clerk"]).post(f"/rmas/{inspected}/quotes", {"lines": [
        {"kind": "gift", "description": "x", "quantity": 1, "unit_price": "1.00"}]})
    assert bad.status_code == 422 and bad.get_json()["details"]["index"] == 0
    quote = draft(api, tokens, inspected)
    again = api.as_(tokens["clerk"]).post(f"/rmas/{inspected}/quotes", LINES)
    assert again.status_code == 409 and again.get_json()["error"] == "draft_exists"
    edited = api.as_(tokens["clerk"]).put(f"/rmas/{inspected}/quotes/{quote['number']}", {
        "lines": [{"kind": "fee", "description": "检测费", "quantity": 1,
                   "unit_price": "30.00"}], "tax_rate": "0.13"})
    assert edited.get_json()["total"] == "33.90" and edited.get_json()["tax"] == "3.90"
    assert api.as_(tokens["technician"]).post(
        f"/rmas/{inspected}/quotes/{quote['number']}/send").status_code == 403
    assert api.as_(tokens["logistics"]).post(f"/rmas/{inspected}/quotes", LINES
                                             ).status_code == 403
    send(api, tokens, inspected, quote["number"])
    twice = api.as_(tokens["clerk"]).post(f"/rmas/{inspected}/quotes/{quote['number']}/send")
    assert twice.status_code == 409
    deliver_outbox()
    assert len(mail_app[1]) == 2  # QUOTE0002's receipt mail, and the one quote


def test_proposed_draft_uses_parts_at_cost(api, tokens, inspected, mail_app):
    quote = draft(api, tokens, inspected, {})
    kinds = [line["kind"] for line in quote["lines"]]
    assert kinds == ["labor", "shipping"]  # no parts used yet: labour and return shipping


def test_offline_answer_with_signed_copy(api, tokens, inspected, mail_app):
    quote = draft(api, tokens, inspected)
    send(api, tokens, inspected, quote["number"])
    raw = io.BytesIO()
    Image.new("RGB", (300, 400), "white").save(raw, format="JPEG")
    form = {"decision": "approve", "via": "fax", "comment": "传真回签",
            "signed_copy": (io.BytesIO(raw.getvalue()), "签字回传.jpg")}
    response = api.as_(tokens["clerk"]).post(
        f"/rmas/{inspected}/quotes/{quote['number']}/answer", data=form,
        content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["answer_via"] == "fax"
    rma = response.get_json()["rma"]
    assert rma["status"] == "approved" and rma["events"][-1]["actor"] == "clerk"
    stored = db.session.query(Quote).one()
    assert stored.answer_attachment_id is not None


def test_mail_failure_is_kept_and_retried_not_lost(api, tokens, inspected, app, smtp_server,
                                                   deliver_outbox):
    app.config["DEPOT_SMTP_URL"] = "smtp://127.0.0.1:9"  # nothing listens there
    quote = draft(api, tokens, inspected)
    send(api, tokens, inspected, quote["number"])
    first = deliver_outbox()
    assert (first.sent, first.failed) == (0, 1)
    assert deliver_outbox().due == 0  # waiting its backoff, not tried again at once
    from depot.models import OutboxMessage

    row = db.session.query(OutboxMessage).filter_by(kind="quote_sent").one()
    assert (row.status, row.attempts) == ("pending", 1) and row.last_error
    assert row.next_attempt_at > datetime.now(UTC)  # tried again in a minute, not at once
    app.config["DEPOT_SMTP_URL"] = smtp_server[0]
    runner = app.test_cli_runner()
    assert "sent 0" in runner.invoke(args=["depot", "send-mail"]).output  # still waiting
    row = db.session.query(OutboxMessage).filter_by(kind="quote_sent").one()
    row.next_attempt_at = datetime.now(UTC) - timedelta(seconds=1)  # the minute has passed
    db.session.commit()
    result = runner.invoke(args=["depot", "send-mail"])
    assert "sent 1" in result.output, result.output
    assert len(smtp_server[1]) == 1
    assert "sent 0" in runner.invoke(args=["depot", "send-mail"]).output  # never twice
    assert len(smtp_server[1]) == 1


def test_without_smtp_mail_lands_in_the_outbox_folder(api, tokens, inspected, app,
                                                      deliver_outbox):
    app.config["DEPOT_SMTP_URL"] = None
    quote = draft(api, tokens, inspected)
    send(api, tokens, inspected, quote["number"])
    assert deliver_outbox().sent == 1
    files = list((app.instance_path and __import__("pathlib").Path(app.instance_path)
                  / "outbox").glob("*.eml"))
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert "非保修产品维修报价单" in message["Subject"]


def test_remind_resends_and_expires(api, tokens, inspected, app, smtp_server, deliver_outbox):
    app.config["DEPOT_SMTP_URL"] = smtp_server[0]
    quote = draft(api, tokens, inspected)
    send(api, tokens, inspected, quote["number"])
    deliver_outbox()
    stored = db.session.query(Quote).one()
    stored.sent_at = datetime.now(UTC) - timedelta(days=4)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["depot", "remind"])
    assert f"reminded 1: {quote['number']}" in result.output, result.output
    assert "queued" in result.output and len(smtp_server[1]) == 1  # remind only queues
    assert deliver_outbox().sent == 1
    assert len(smtp_server[1]) == 2
    assert "提醒" in received_mail(smtp_server[1])[1]["Subject"]
    assert "reminded 0" in app.test_cli_runner().invoke(args=["depot", "remind"]).output
    stored = db.session.query(Quote).one()
    stored.valid_until = datetime.now(UTC).date() - timedelta(days=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["depot", "remind"])
    assert f"expired 1: {quote['number']}" in result.output
    assert db.session.query(Quote).one().status == "expired"


def test_payment_input_and_roles(api, tokens, inspected):
    clerk = api.as_(tokens["clerk"])
    assert clerk.post(f"/rmas/{inspected}/payments", {"amount": "0", "method": "cash"}
                      ).status_code == 422
    assert clerk.post(f"/rmas/{inspected}/payments", {"amount": "10.00", "method": "barter"}
                      ).status_code == 422
    assert clerk.post(f"/rmas/{inspected}/payments", {"amount": "abc", "method": "cash"}
                      ).status_code == 422
    assert api.as_(tokens["technician"]).post(
        f"/rmas/{inspected}/payments", {"amount": "10.00", "method": "cash"}).status_code == 403
    raw = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(raw, format="PNG")
    form = {"amount": "50.00", "method": "bank_transfer", "reference": "汇款底单",
            "slip": (io.BytesIO(raw.getvalue()), "slip.png")}
    response = clerk.post(f"/rmas/{inspected}/payments", data=form,
                          content_type="multipart/form-data")
    assert response.status_code == 201
    assert response.get_json()["slip"].startswith("/api/v1/attachments/")
    assert response.get_json()["rma"]["paid"] == "50.00"


def test_a_customer_without_email_still_gets_a_quote_to_print(api, tokens, make_unit, mail_app,
                                                               deliver_outbox):
    from depot.services.units import CustomerInput

    make_unit("NOMAIL001", customer=CustomerInput("王五", "13900000000", "", "北京市"))
    number = api.post("/rmas", {"serial": "NOMAIL001"}).get_json()["number"]
    api.as_(tokens["technician"]).post(f"/rmas/{number}/inspection",
                                       {"findings": ["seal_broken"]})
    quote = draft(api, tokens, number)
    sent = send(api, tokens, number, quote["number"])
    assert sent["emailed"] is False and sent["rma"]["status"] == "awaiting_approval"
    assert deliver_outbox().due == 0 and mail_app[1] == []
    pdf = api.get(f"/rmas/{number}/quotes/{quote['number']}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
