"""Requests before shipping through the test client: POST /api/v1/public/requests, its refusals,
the rate limit and the honeypot; the slip (Code128 and QR decoded); the /request page; intake by
POST /rmas answering 200 with the same number; the staff's queue."""
from __future__ import annotations

import io
import subprocess
from datetime import date

import pytest
from PIL import Image
from pypdf import PdfReader
from pyzbar import pyzbar

from depot.models import Rma, Unit, db
from tests.integration.conftest import count
from tests.web.test_pages import clerk, csrf_from, login  # noqa: F401 - the fixture

CUSTOMER = {"name": "陈静", "phone": "13912345678", "email": "cj@example.com",
            "address": "浙江省杭州市西湖区文三路90号"}


@pytest.fixture
def depot(app, make_unit):
    app.config.update(DEPOT_PUBLIC_URL="http://depot.test", DEPOT_NAME="测试维修中心",
                      DEPOT_ADDRESS="四川省成都市高新区天府大道1号", DEPOT_PHONE="028-88888888")
    make_unit("REQWEB01", date(2026, 6, 1))
    return app


def ask(api, serial="REQWEB01", **extra):
    body = {"serial": serial, "fault_description": "开机无显示", "customer": CUSTOMER, **extra}
    return api.as_(None).post("/public/requests", body)


def test_a_request_answers_201_with_its_number_and_status_link(api, depot):
    made = ask(api)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["status"] == "requested" and body["number"].startswith("RMA-")
    assert body["status_url"].startswith("http://depot.test/s/")
    assert body["known_unit"] is True and body["warranty"] in ("in_warranty", "out_of_warranty")
    shown = api.get(f"/rmas/{body['number']}").get_json()
    assert shown["received_on"] is None and shown["due_on"] is None
    assert shown["status"] == "requested" and shown["overdue"] is False


def test_a_serial_with_an_open_rma_answers_its_status_link_and_creates_nothing(api, depot):
    first = ask(api).get_json()
    again = ask(api)
    assert again.status_code == 409
    body = again.get_json()
    assert body["error"] == "open_rma_exists"
    assert body["details"]["status_url"] == first["status_url"]
    assert count(Rma) == 1


@pytest.mark.parametrize("change", [
    {"serial": "A\x00B"}, {"serial": "\ud800"}, {"fault_description": {"nested": [1]}},
    {"purchase_date": "9999-12-31"}, {"purchase_date": 1e30}, {"customer": "张三"},
    {"customer": {**CUSTOMER, "email": ""}}, {"customer": {**CUSTOMER, "phone": ""}},
    {"serial": "x" * 5000}, {"website": "http://spam.example"},
])
def test_bad_requests_are_422_and_leave_nothing(api, depot, change):
    before = (count(Rma), count(Unit))
    body = {"serial": "NEW-SERIAL-1", "fault_description": "坏了", "customer": CUSTOMER,
            "model": "AT-100", **change}
    refused = api.as_(None).post("/public/requests", body)
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["message"]
    assert (count(Rma), count(Unit)) == before


def test_a_bot_is_stopped_by_the_request_limit(api, depot, app):
    app.config["DEPOT_REQUEST_LIMIT"] = "3 per hour"
    answers = [ask(api, f"BOT-{i:04d}", model="AT-100").status_code for i in range(5)]
    assert answers[:3] == [201, 201, 201] and answers[3:] == [429, 429]
    assert count(Rma) == 3


def test_the_slip_carries_the_number_as_code128_and_qr(api, depot, tmp_path):
    number = ask(api).get_json()["number"]
    slip = api.get(f"/rmas/{number}/slip.pdf", headers={"Accept-Language": "zh-CN"})
    assert slip.status_code == 200 and slip.mimetype == "application/pdf"
    path = tmp_path / "slip.pdf"
    path.write_bytes(slip.data)
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png")))
    found = {(c.type, c.data.decode()) for c in pyzbar.decode(image)}
    assert {("CODE128", number), ("QRCODE", number)} <= found
    text = PdfReader(io.BytesIO(slip.data)).pages[0].extract_text()
    assert "四川省成都市高新区天府大道1号" in text and "REQWEB01" in text
    assert "Do not send adapters" in text  # the English line after the Chinese


def test_intake_of_the_serial_answers_200_with_the_same_number(api, tokens, depot):
    number = ask(api).get_json()["number"]
    received = api.as_(tokens["clerk"]).post("/rmas", {"serial": "REQWEB01",
                                                       "accessories": ["power_adapter"]})
    assert received.status_code == 200, received.get_json()
    body = received.get_json()
    assert body["number"] == number and body["status"] == "received"
    assert body["received_on"] and body["due_on"]
    tag = api.get(f"/rmas/{number}/tag.pdf")
    assert tag.status_code == 200


def test_scanning_the_slip_finds_the_request(api, tokens, depot):
    number = ask(api).get_json()["number"]
    found = api.as_(tokens["clerk"]).post("/scans", {"text": number}).get_json()
    assert found["rma"]["number"] == number and found["rma"]["status"] == "requested"
    assert found["unit"]["serial"] == "REQWEB01"


def test_the_request_page_takes_a_request_from_a_phone(client, depot):
    page = client.get("/request", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200 and "申请寄修" in page.text
    assert 'name="website"' in page.text  # the honeypot, hidden from people
    done = client.post("/request", headers={"Accept-Language": "zh-CN"}, data={
        "csrf_token": csrf_from(page.text), "serial": "REQWEB01",
        "fault_description": "屏幕闪烁", "name": "陈静", "phone": "13912345678",
        "email": "cj@example.com", "address": "浙江省杭州市西湖区文三路90号",
        "website": ""})
    assert done.status_code == 200 and "申请已收到" in done.text
    rma = db.session.query(Rma).one()
    assert rma.number in done.text and rma.status == "requested"
    slip_path = done.text.split('id="slip-link" href="')[1].split('"')[0]
    slip = client.get(slip_path)
    assert slip.status_code == 200 and slip.data[:5] == b"%PDF-"


def test_the_request_page_says_what_is_wrong_and_keeps_what_was_typed(client, depot):
    page = client.get("/request", headers={"Accept-Language": "zh-CN"})
    refused = client.post("/request", headers={"Accept-Language": "zh-CN"}, data={
        "csrf_token": csrf_from(page.text), "serial": "NEVER-SEEN-9",
        "fault_description": "屏幕闪烁", "name": "陈静", "phone": "13912345678",
        "email": "cj@example.com", "address": "浙江省杭州市西湖区文三路90号"})
    assert refused.status_code == 422
    assert "请选择型号" in refused.text and "NEVER-SEEN-9" in refused.text
    assert count(Rma) == 0


def test_the_staff_queue_lists_the_request(client, clerk, depot, api):  # noqa: F811
    number = ask(api).get_json()["number"]
    login(client)
    queue = client.get("/requests", headers={"Accept-Language": "zh-CN"})
    assert queue.status_code == 200 and number in queue.text
    assert "等待设备寄到的申请" in queue.text
