"""What reaches customers: no staff names in override reasons (page, PDF, email), and uploads
kept as they came are only ever downloaded, sandboxed."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from depot.domain.text import Reason
from depot.i18n import reason_text
from depot.models import Quote, db
from depot.services import users
from tests.conftest import NOW
from tests.web.test_quote_journey import (
    draft,
    pdf_of,
    qr_link_from_mail,
    received_mail,
    send,
)


@pytest.fixture
def inspected(api, tokens, make_unit, mail_app):
    """An RMA inspected as man-made damage: it needs a quote."""
    make_unit("QUOTE0001")
    number = api.as_(tokens["clerk"]).post("/rmas", {"serial": "QUOTE0001"}).get_json()["number"]
    api.as_(tokens["technician"]).post(f"/rmas/{number}/inspection",
                                       {"findings": ["shell_damage"]})
    return number

REASON = "客户承认设备曾摔落"


def test_the_customer_reads_the_override_without_the_supervisors_name(api, tokens, make_unit,
                                                                       mail_app, client,
                                                                       deliver_outbox):
    _, boss_token = users.create_user(db.session, "wang.boss", "supervisor", now=NOW)
    make_unit("OVR0001")  # bought 2026-06-01: in warranty
    number = api.as_(tokens["clerk"]).post("/rmas", {"serial": "OVR0001"}).get_json()["number"]
    api.as_(tokens["technician"]).post(f"/rmas/{number}/inspection", {"findings": ["no_power"]})
    overridden = api.as_(boss_token).post(f"/rmas/{number}/override",
                                          {"covered": False, "reason": REASON})
    assert overridden.status_code == 200, overridden.get_json()
    staff_view = api.get(f"/rmas/{number}").get_json()
    assert any("wang.boss" in r and REASON in r for r in staff_view["coverage_reasons"])

    quote = draft(api, tokens, number)
    send(api, tokens, number, quote["number"])
    deliver_outbox()
    _, message = received_mail(mail_app[1])
    assert "wang.boss" not in message.get_body(("plain",)).get_content()
    _, pdf = pdf_of(message)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert REASON in text and "主管改判" in text and "wang.boss" not in text

    link = qr_link_from_mail(mail_app[1])
    for language, says in (("zh-CN", f"主管改判：{REASON}"),
                           ("en", f"Overridden by a supervisor: {REASON}")):
        page = client.get(link, headers={"Accept-Language": language})
        assert page.status_code == 200 and says in page.text and "wang.boss" not in page.text
        assert page.headers["Cache-Control"] == "no-store"
        assert page.headers["Referrer-Policy"] == "no-referrer"
    on_the_link = client.get(link + "/quote.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(on_the_link.data)).pages)
    assert REASON in text and "wang.boss" not in text


def test_the_stored_reason_keeps_the_actor_for_staff():
    note = Reason("override", {"actor": "wang.boss", "reason": "x"})
    assert reason_text(note, "en") == "Overridden by supervisor wang.boss: x"
    assert reason_text(note, "en", customer=True) == "Overridden by a supervisor: x"
    assert reason_text(note, "zh_TW", customer=True) == "主管改判：x"
    other = Reason("no_fault_found")
    assert reason_text(other, "en", customer=True) == reason_text(other, "en")


def signed_copy_answer(api, tokens, number, data: bytes, name: str):
    quote = draft(api, tokens, number)
    send(api, tokens, number, quote["number"])
    form = {"decision": "approve", "via": "paper", "signed_copy": (io.BytesIO(data), name)}
    response = api.as_(tokens["clerk"]).post(
        f"/rmas/{number}/quotes/{quote['number']}/answer", data=form,
        content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    return db.session.query(Quote).one().answer_attachment_id


def test_a_signed_pdf_is_downloaded_in_a_sandbox(api, tokens, inspected, mail_app):
    pdf = b"%PDF-1.4\n<script>alert(1)</script>\n%%EOF\n"
    attachment = signed_copy_answer(api, tokens, inspected, pdf, "回签.pdf")
    response = api.as_(tokens["clerk"]).get(f"/attachments/{attachment}")
    assert response.status_code == 200 and response.data == pdf
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''%E5%9B%9E%E7%AD%BE.pdf" \
        in disposition
    assert response.headers["Content-Security-Policy"] == "sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_photo_we_re_encoded_is_shown_inline(api, tokens, inspected, mail_app):
    from PIL import Image

    raw = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(raw, format="PNG")
    attachment = signed_copy_answer(api, tokens, inspected, raw.getvalue(), "signed.png")
    response = api.as_(tokens["clerk"]).get(f"/attachments/{attachment}")
    assert response.headers["Content-Type"] == "image/jpeg"
    assert "Content-Disposition" not in response.headers
    assert "sandbox" not in response.headers["Content-Security-Policy"]
