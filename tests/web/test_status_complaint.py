"""A complaint from the customer's status page (DESIGN.md §4b, issue 12 item 4): the form and
the JSON call through the signed link, routed by kind to its team, linked to the link's RMA and
customer; bad input refused with nothing registered; a forged link counts as a failed try."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from depot.models import Complaint, db
from tests.web.test_customer_status import depot, link_of, received  # noqa: F401 (fixtures)


def complaints_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Complaint))


def test_the_form_registers_a_complaint_routed_by_kind(client, received, depot):  # noqa: F811
    link = link_of(depot, received)
    page = client.get(link, headers={"Accept-Language": "zh-CN"})
    assert 'id="complaint-form"' in page.text and "遇到问题？请告诉我们" in page.text
    assert "包装或运输" in page.text  # the kinds in words, not codes
    sent = client.post(link + "/complaint", data={
        "kind": "packaging_transport", "description": "箱子压坏了 <script>x</script>"},
        headers={"Accept-Language": "zh-CN"})
    assert sent.status_code == 200
    assert 'id="complaint-registered"' in sent.text and "已登记" in sent.text
    complaint = db.session.scalar(select(Complaint))
    assert (complaint.kind, complaint.team, complaint.channel) == (
        "packaging_transport", "logistics", "web")
    assert complaint.rma.number == received and complaint.customer_name == "张三"
    assert complaint.description == "箱子压坏了 <script>x</script>"  # kept as typed


def test_the_json_call_answers_201_with_the_number(client, received, depot):  # noqa: F811
    made = client.post(link_of(depot, received) + "/complaint",
                       json={"kind": "staff_conduct", "description": "电话里态度不好"})
    assert made.status_code == 201
    body = made.get_json()
    assert body["kind"] == "staff_conduct" and body["rma"] == received
    assert body["complaint"].startswith("CMP-")
    assert db.session.scalar(select(Complaint.team)) == "customer_service"


@pytest.mark.parametrize("data", [
    {"kind": "other", "description": ""},
    {"kind": "nonsense", "description": "x"},
    {"kind": "other", "description": "长" * 10_000},
    {"kind": "other", "description": "a\x00b"},
    {"kind": "other"},
])
def test_bad_input_is_refused_and_registers_nothing(client, received, depot, data):  # noqa: F811
    link = link_of(depot, received)
    answer = client.post(link + "/complaint", json=data)
    assert answer.status_code == 422 and answer.get_json()["error"]
    form = client.post(link + "/complaint", data=data, headers={"Accept-Language": "en"})
    assert form.status_code == 422 and 'id="complaint-error"' in form.text
    assert complaints_count() == 0


def test_a_forged_link_is_not_found_and_registers_nothing(client, received, depot):  # noqa: F811
    answer = client.post(link_of(depot, received) + "x/complaint",
                         json={"kind": "other", "description": "x"})
    assert answer.status_code == 404 and answer.get_json()["error"] == "invalid_link"
    assert complaints_count() == 0


@pytest.mark.parametrize("body", [
    {"kind": {"nested": ["other"]}, "description": "x"},
    {"kind": "other", "description": {"text": "x"}},
    {"kind": 1e30, "description": "x"},
    {"kind": "other", "description": "\ud800 a lone surrogate"},
    ["other", "x"],
])
def test_json_of_any_shape_is_a_422_and_registers_nothing(client, received, depot,  # noqa: F811
                                                          body):
    answer = client.post(link_of(depot, received) + "/complaint", json=body)
    assert answer.status_code == 422 and answer.get_json()["error"]
    assert complaints_count() == 0
