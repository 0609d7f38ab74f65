"""Disputes of the damage verdict (异议) through HTTP: the quote page's form and photos, the
dispute call, the supervisor's outcomes, discount lines by role, the goodwill quote's mail."""
from __future__ import annotations

import email
import io
import re
from email import policy
from urllib.parse import urlsplit

import pytest
from PIL import Image

from depot.models import Complaint, Quote, db
from depot.services.links import quote_token
from tests.web.test_payments_policy_and_times import signed_in

LINES = {"lines": [
    {"kind": "part", "description": "外壳 Housing", "quantity": 1, "unit_price": "120.00"},
    {"kind": "labor", "description": "维修工时 Labour", "quantity": "1.5", "unit_price": "80.00"},
    {"kind": "shipping", "description": "回寄运费 Return shipping", "quantity": 1,
     "unit_price": "18.50"}]}
DISCOUNT = {"kind": "discount", "description": "优惠 Goodwill discount", "quantity": 1,
            "unit_price": "30.00"}
ZH = {"Accept-Language": "zh-CN"}


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "gray").save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def quoted(app, api, tokens, make_unit):
    """An RMA inspected as man-made, with an evidence photo, its quote sent:
    (RMA number, quote number, the quote link's path)."""
    make_unit("DISPUTE1")
    clerk, tech = api.as_(tokens["clerk"]), api.as_(tokens["technician"])
    number = clerk.post("/rmas", {"serial": "DISPUTE1"}).get_json()["number"]
    tech.post(f"/rmas/{number}/inspection", {"findings": ["shell_damage"]})
    assert tech.post(f"/rmas/{number}/photos", data={
        "photo": (io.BytesIO(jpeg()), "crack.jpg"), "kind": "evidence"},
        content_type="multipart/form-data").status_code == 201
    quote = clerk.post(f"/rmas/{number}/quotes", LINES).get_json()["number"]
    assert clerk.post(f"/rmas/{number}/quotes/{quote}/send").status_code == 200
    return number, quote, path_of(app, quote)


def path_of(app, quote_number: str) -> str:
    row = db.session.query(Quote).filter_by(number=quote_number).one()
    path = "/q/" + quote_token(app.config["SECRET_KEY"], row.number, row.token_nonce)
    db.session.close()
    return path


def tampered(path: str) -> str:
    return path[:-3] + ("abc" if not path.endswith("abc") else "xyz")


def test_the_quote_page_offers_the_dispute_and_shows_the_evidence(client, quoted):
    _, _, path = quoted
    page = client.get(path, headers=ZH)
    assert page.status_code == 200
    assert "对检测结论有异议" in page.text and 'id="dispute-form"' in page.text
    assert f'action="{path}/dispute"' in page.text
    assert "外壳" in page.text  # the damage reasons
    assert f'src="{path}/photos/1"' in page.text
    photo = client.get(f"{path}/photos/1")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    Image.open(io.BytesIO(photo.data)).verify()
    assert client.get(f"{path}/photos/2").status_code == 404
    assert client.get(f"{tampered(path)}/photos/1").status_code == 404
    tw = client.get(path, headers={"Accept-Language": "zh-TW"}).text
    en = client.get(path, headers={"Accept-Language": "en"}).text
    assert "對檢測結論有異議" in tw and "I disagree with the inspection result" in en


def test_a_dispute_registers_the_complaint_and_the_page_says_it_is_reviewed(api, client,
                                                                          quoted):
    number, quote, path = quoted
    before = api.get(f"/rmas/{number}").get_json()
    made = client.post(f"{path}/dispute", json={"comment": "外壳裂纹是快递摔的"})
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["kind"], body["status"], body["rma"], body["rma_status"]) == (
        "damage_verdict", "open", number, "awaiting_approval")
    complaint = api.get(f"/complaints/{body['complaint']}").get_json()
    assert (complaint["channel"], complaint["team"], complaint["rma"]) == (
        "web", "supervisor", number)
    rma = api.get(f"/rmas/{number}").get_json()
    assert rma["status"] == "awaiting_approval"
    assert (rma["clock_paused_since"], rma["due_on"]) == (before["clock_paused_since"],
                                                         before["due_on"])
    assert rma["clock_paused_since"] is not None
    assert rma["events"][-1]["action"] == "dispute" and body["complaint"] in (
        rma["events"][-1]["reason"])
    assert [c["number"] for c in rma["complaints"]] == [body["complaint"]]
    page = client.get(path, headers=ZH).text
    assert "正在复核" in page and 'id="dispute-form"' not in page
    assert 'id="approve"' in page  # the customer may still answer
    again = client.post(f"{path}/dispute", json={"comment": "再次申诉"})
    assert again.status_code == 409 and again.get_json()["error"] == "dispute_open"
    assert db.session.query(Complaint).count() == 1


def test_the_form_post_answers_a_page(client, quoted):
    _, _, path = quoted
    done = client.post(f"{path}/dispute", data={"comment": "不是人为损坏"}, headers=ZH)
    assert done.status_code == 200 and "正在复核" in done.text
    again = client.post(f"{path}/dispute", data={"comment": "不是人为损坏"}, headers=ZH)
    assert again.status_code == 409 and 'data-code="dispute_open"' not in again.text
    assert "正在复核" in again.text


@pytest.mark.parametrize("comment", ["", "   ", "长" * 10_000])
def test_an_empty_or_overlong_comment_is_422(client, quoted, comment):
    _, _, path = quoted
    as_json = client.post(f"{path}/dispute", json={"comment": comment})
    assert as_json.status_code == 422
    assert set(as_json.get_json()) >= {"error", "message", "details"}
    as_form = client.post(f"{path}/dispute", data={"dispute_comment": comment}, headers=ZH)
    assert as_form.status_code == 422 and 'id="dispute-error"' in as_form.text
    assert db.session.query(Complaint).count() == 0


@pytest.mark.parametrize("data", [{}, {"comment": {"nested": ["x"]}}, {"comment": "a\x00b"},
                                  {"comment": 1e30}, {"comment": "\ud800"}])
def test_bad_json_is_422(client, quoted, data):
    _, _, path = quoted
    response = client.post(f"{path}/dispute", json=data)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert db.session.query(Complaint).count() == 0


def test_html_is_kept_and_shown_escaped(app, api, client, quoted):
    _, _, path = quoted
    text = "<script>alert('x')</script> <b>不同意</b>"
    shown = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &lt;b&gt;不同意&lt;/b&gt;"
    refilled = client.post(f"{path}/dispute", data={"dispute_comment": text + "x" * 2000})
    assert refilled.status_code == 422  # too long: the form comes back with the text, escaped
    assert "<script>alert" not in refilled.text and shown in refilled.text
    made = client.post(f"{path}/dispute", json={"comment": text}).get_json()["complaint"]
    assert api.get(f"/complaints/{made}").get_json()["description"] == text
    staff_page = signed_in(app, "zhao.supervisor", "supervisor").get(f"/complaints/{made}").text
    assert shown in staff_page and "<script>alert" not in staff_page


def test_a_tampered_link_is_404_and_registers_nothing(client, quoted):
    _, _, path = quoted
    response = client.post(f"{tampered(path)}/dispute", json={"comment": "不同意"})
    assert response.status_code == 404 and response.get_json()["error"] == "invalid_link"
    assert client.post(f"{tampered(path)}/dispute", data={"comment": "x"}).status_code == 404
    assert db.session.query(Complaint).count() == 0


def test_a_dispute_on_an_answered_quote_is_409(client, quoted):
    _, _, path = quoted
    assert client.post(f"{path}/decline", json={}).status_code == 200
    refused = client.post(f"{path}/dispute", json={"comment": "不同意"})
    assert refused.status_code == 409 and refused.get_json()["error"] == "quote_answered"
    assert 'id="dispute-form"' not in client.get(path).text


def test_dispute_then_overturned_then_the_repair_starts(api, tokens, client, quoted):
    number, _, path = quoted
    made = client.post(f"{path}/dispute", json={"comment": "是质量问题"}).get_json()
    boss = api.as_(tokens["supervisor"])
    done = boss.post(f"/complaints/{made['complaint']}/actions", {
        "action": "resolve", "note": "复检：材料缺陷", "outcome": "overturned"})
    assert done.status_code == 200 and done.get_json()["outcome"] == "overturned"
    started = api.as_(tokens["technician"]).post(f"/rmas/{number}/actions",
                                                 {"action": "start_repair"})
    assert started.status_code == 200 and started.get_json()["status"] == "in_repair"
    assert client.post(f"{path}/approve", json={}).get_json()["error"] == "quote_withdrawn"


@pytest.mark.parametrize("role", ["clerk", "technician", "logistics"])
def test_only_a_supervisor_or_an_admin_resolves_with_goodwill(api, tokens, client, quoted,
                                                              role):
    _, _, path = quoted
    made = client.post(f"{path}/dispute", json={"comment": "不同意"}).get_json()["complaint"]
    refused = api.as_(tokens[role]).post(f"/complaints/{made}/actions", {
        "action": "resolve", "note": "优惠", "outcome": "goodwill", "discount": "30.00"})
    assert refused.status_code == 403
    assert db.session.query(Quote).count() == 1


@pytest.mark.parametrize("discount", ["abc", "1e30", "NaN", "1.001", {"a": 1}])
def test_a_bad_discount_is_422(api, tokens, client, quoted, discount):
    _, _, path = quoted
    made = client.post(f"{path}/dispute", json={"comment": "不同意"}).get_json()["complaint"]
    refused = api.as_(tokens["supervisor"]).post(f"/complaints/{made}/actions", {
        "action": "resolve", "note": "优惠", "outcome": "goodwill", "discount": discount})
    assert refused.status_code == 422, refused.get_json()
    assert db.session.query(Quote).count() == 1


def test_a_discount_above_the_charges_is_422(api, tokens, client, quoted):
    number, _, path = quoted
    made = client.post(f"{path}/dispute", json={"comment": "不同意"}).get_json()["complaint"]
    refused = api.as_(tokens["supervisor"]).post(f"/complaints/{made}/actions", {
        "action": "resolve", "note": "优惠", "outcome": "goodwill", "discount": "300.00"})
    assert refused.status_code == 422 and refused.get_json()["error"] == "negative_total"
    assert api.get(f"/complaints/{made}").get_json()["status"] == "open"


@pytest.mark.parametrize(("role", "status"), [("technician", 403), ("clerk", 403),
                                              ("supervisor", 201), ("admin", 201)])
def test_discount_lines_by_role(api, tokens, make_unit, role, status):
    make_unit("DISPUTE2")
    number = api.as_(tokens["clerk"]).post("/rmas", {"serial": "DISPUTE2"}).get_json()["number"]
    api.as_(tokens["technician"]).post(f"/rmas/{number}/inspection",
                                       {"findings": ["shell_damage"]})
    made = api.as_(tokens[role]).post(f"/rmas/{number}/quotes",
                                      {"lines": [*LINES["lines"], DISCOUNT]})
    assert made.status_code == status, made.get_json()
    if status == 201:
        body = made.get_json()
        assert body["total"] == "228.50"
        assert body["lines"][-1]["unit_price"] == "-30.00"
        too_much = api.as_(tokens[role]).put(f"/rmas/{number}/quotes/{body['number']}", {
            "lines": [LINES["lines"][0], {**DISCOUNT, "unit_price": "-120.01"}]})
        assert too_much.status_code == 422 and too_much.get_json()["error"] == "negative_total"


def test_the_goodwill_quote_reaches_the_customer_with_its_new_link(api, tokens, client,
                                                                   mail_app, deliver_outbox,
                                                                   quoted):
    number, old_quote, path = quoted
    _, messages = mail_app
    deliver_outbox()
    messages.clear()
    made = client.post(f"{path}/dispute", json={"comment": "不同意"}).get_json()["complaint"]
    boss = api.as_(tokens["supervisor"])
    assert boss.post(f"/complaints/{made}/actions", {
        "action": "resolve", "note": "给予优惠", "outcome": "goodwill",
        "discount": "-30.00"}).status_code == 200
    draft = api.get(f"/rmas/{number}").get_json()["quotes"][-1]
    assert (draft["version"], draft["status"], draft["total"]) == (2, "draft", "228.50")
    deliver_outbox()
    messages.clear()  # the complaint's resolution mail
    assert api.as_(tokens["clerk"]).post(
        f"/rmas/{number}/quotes/{draft['number']}/send").status_code == 200
    deliver_outbox()
    quote_mails = [m for m in messages
                   if draft["number"] in email.message_from_bytes(
                       m[2], policy=policy.default)["Subject"]]
    assert len(quote_mails) == 1
    message = email.message_from_bytes(quote_mails[0][2], policy=policy.default)
    links = re.findall(r"http://depot\.test/q/\S+", message.get_body(("plain",)).get_content())
    assert len(set(links)) == 1  # the same link, in each language of the mail
    new_path = urlsplit(links[0]).path
    page = client.get(new_path, headers=ZH)
    assert page.status_code == 200 and draft["number"] in page.text
    assert "228.50" in page.text and "-30.00" in page.text
    assert client.post(f"{path}/approve", json={}).get_json()["error"] == "quote_superseded"


def test_tampered_disputes_count_against_the_public_limit(client, quoted):
    _, _, path = quoted
    for _ in range(5):
        assert client.post(f"{tampered(path)}/dispute", json={"comment": "x"}).status_code == 404
    for _ in range(5):
        assert client.get(f"{tampered(path)}/photos/1").status_code == 404
    eleventh = client.post(f"{path}/dispute", json={"comment": "不同意"},
                           headers={"Accept": "application/json"})
    assert eleventh.status_code == 429, eleventh.get_data(as_text=True)[:200]
    assert eleventh.get_json()["error"] == "too_many_requests"
    assert db.session.query(Complaint).count() == 0
