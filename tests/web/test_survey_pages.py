"""The survey (回访) through HTTP and real mail: send-surveys, the page, answers, bad input, the
rate limit; and the complaint_resolved mail on the in-process SMTP server."""
from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest

from depot.models import Complaint, Survey, db
from tests.web.test_api_shipping import BOX, ready
from tests.web.test_payments_policy_and_times import signed_in

LINK = re.compile(r"http://depot\.test/survey/(\S+)")


def _mail(raw: bytes):
    return message_from_bytes(raw, policy=policy.default)


@pytest.fixture
def surveyed(app, api, tokens, make_unit, mail_app, deliver_outbox):
    """An RMA shipped today and its survey emailed (DEPOT_SURVEY_AFTER_DAYS=0, so due today):
    (RMA number, token)."""
    number = ready(api, tokens, make_unit, "SURVEY01", accessories=())
    shipped = api.as_(tokens["logistics"]).post(f"/rmas/{number}/shipment",
                                                {**BOX, "scanned": ["SURVEY01"]})
    assert shipped.status_code == 200, shipped.get_json()
    app.config["DEPOT_SURVEY_AFTER_DAYS"] = 0
    runner = app.test_cli_runner()
    first = runner.invoke(args=["depot", "send-surveys"])
    assert first.exit_code == 0 and f"surveys queued 1: {number}" in first.output
    second = runner.invoke(args=["depot", "send-surveys"])
    assert "surveys queued 0: -" in second.output
    deliver_outbox()
    surveys = [m for m in map(_mail, (raw for _, _, raw in mail_app[1]))
               if "survey" in m.get_body().get_content()]
    assert len(surveys) == 1 and surveys[0]["To"] == "zs@example.com"
    token = LINK.search(surveys[0].get_body().get_content()).group(1)
    return number, token


def test_not_before_the_days_have_passed(app, api, tokens, make_unit):
    number = ready(api, tokens, make_unit, "SURVEY02", accessories=())
    api.as_(tokens["logistics"]).post(f"/rmas/{number}/shipment",
                                      {**BOX, "scanned": ["SURVEY02"]})
    result = app.test_cli_runner().invoke(args=["depot", "send-surveys"])  # default: 3 days
    assert "surveys queued 0" in result.output
    assert db.session.query(Survey).count() == 0


def test_the_page_is_a_phone_sized_chinese_form(client, surveyed):
    number, token = surveyed
    page = client.get(f"/survey/{token}")
    assert page.status_code == 200
    text = page.text
    assert 'name="viewport" content="width=device-width' in text and 'lang="zh-CN"' in text
    assert "您对本次维修满意吗？" in text and number in text
    assert len(re.findall(r'<input type="radio" name="score" value="[1-5]"', text)) == 5
    assert 'for="score-5"' in text and "包装或运输" in text
    assert page.headers["Cache-Control"] == "no-store"
    assert client.get(f"/survey/{token}?lang=en").text.count("How was your repair?") >= 1


def test_a_json_answer_shows_on_the_rma(client, api, surveyed):
    number, token = surveyed
    answered = client.post(f"/survey/{token}", json={"score": 4, "comment": "<b>快</b>"})
    assert answered.status_code == 200 and answered.get_json()["complaint"] is None
    survey = api.get(f"/rmas/{number}").get_json()["survey"]
    assert survey["score"] == 4 and survey["comment"] == "<b>快</b>"
    assert survey["sent_at"] and survey["answered_at"]
    again = client.post(f"/survey/{token}", json={"score": 5})
    assert again.status_code == 409 and again.get_json()["error"] == "survey_answered"
    assert api.get(f"/rmas/{number}").get_json()["survey"]["score"] == 4
    assert "此回访已评价过" in client.get(f"/survey/{token}").text
    staff = signed_in(client.application, "sun.ba", "clerk").get(f"/rmas/{number}").text
    assert 'id="survey" data-score="4"' in staff and "&lt;b&gt;快&lt;/b&gt;" in staff


def test_a_low_score_by_form_registers_a_complaint(client, api, surveyed):
    number, token = surveyed
    done = client.post(f"/survey/{token}", data={"score": "1", "issue": "staff_conduct",
                                                 "comment": "态度很差"})
    assert done.status_code == 200 and 'id="survey-complaint"' in done.text
    (made,) = api.get("/complaints?kind=staff_conduct").get_json()["complaints"]
    assert (made["channel"], made["rma"], made["team"]) == ("survey", number,
                                                            "customer_service")
    assert made["number"] in done.text


@pytest.mark.parametrize("sent", [{"score": 0}, {"score": 6}, {"score": "4"}, {"score": 4.5},
                                  {"score": None}, {}, {"score": 3, "comment": "好" * 10_000},
                                  {"score": 3, "issue": "refund"}, {"score": 1e30},
                                  {"score": 3, "comment": "\ud800"}])
def test_bad_answers_are_422_and_change_nothing(client, surveyed, sent):
    _, token = surveyed
    refused = client.post(f"/survey/{token}", json=sent)
    assert refused.status_code == 422
    assert set(refused.get_json()) == {"error", "message", "details"}
    assert db.session.query(Survey).one().answered_at is None
    assert db.session.query(Complaint).count() == 0


def test_a_bad_form_answer_is_shown_again(client, surveyed):
    _, token = surveyed
    page = client.post(f"/survey/{token}", data={"score": "9"})
    assert page.status_code == 422 and 'id="survey-form"' in page.text
    assert 'id="refusal"' in page.text


def test_a_tampered_link_is_404_in_the_contracts_body(client, surveyed):
    _, token = surveyed
    bad = token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")
    answer = client.post(f"/survey/{bad}", json={"score": 5})
    assert answer.status_code == 404 and answer.get_json()["error"] == "invalid_link"
    page = client.get(f"/survey/{bad}")
    assert page.status_code == 404 and "此链接无效。" in page.text
    assert 'id="survey-form"' not in page.text
    assert db.session.query(Survey).one().answered_at is None


def test_eleven_bad_links_and_the_address_waits(client, surveyed):
    _, token = surveyed
    for _ in range(10):
        assert client.get("/survey/forged-token").status_code == 404
    refused = client.get("/survey/forged-token")
    assert refused.status_code == 429
    assert client.get(f"/survey/{token}").status_code == 429  # the good one too, for now
    other = client.get(f"/survey/{token}", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert other.status_code == 200


def test_the_customer_is_emailed_when_a_complaint_is_resolved(api, tokens, make_unit, mail_app,
                                                              deliver_outbox):
    make_unit("RESOLVE1")
    number = api.as_(tokens["clerk"]).post("/rmas", {"serial": "RESOLVE1"}).get_json()["number"]
    assert deliver_outbox().sent == 1  # the receipt mail of the intake, out of the way
    mail_app[1].clear()
    made = api.post("/complaints", {"kind": "product_quality", "description": "又坏了",
                                    "channel": "phone", "rma": number}).get_json()
    done = api.as_(tokens["technician"]).post(f"/complaints/{made['number']}/actions", {
        "action": "resolve", "note": "已更换主板，免费"})
    assert done.status_code == 200
    assert mail_app[1] == []  # queued with the change, sent by the worker
    assert deliver_outbox().sent == 1
    (message,) = [_mail(raw) for _, _, raw in mail_app[1]]
    assert message["To"] == "zs@example.com"
    assert f"您的投诉 {made['number']} 已处理" in message["Subject"]
    assert "已更换主板，免费" in message.get_body().get_content()
