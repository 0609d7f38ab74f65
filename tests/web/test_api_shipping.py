"""Shipping through the API: labels, scan-to-verify, accessories, payment, the customer's mail."""
from __future__ import annotations

import email
import io
import re
import socket
import subprocess
import threading
from email import policy

import pytest
from PIL import Image
from pypdf import PdfReader
from pyzbar import pyzbar


def ready(api, tokens, make_unit, serial, findings=("no_power",), accessories=("power_adapter",),
          purchase=None):
    from datetime import date

    make_unit(serial, purchase or date.today().replace(day=1))
    number = api.as_(tokens["clerk"]).post("/rmas", {
        "serial": serial, "accessories": list(accessories)}).get_json()["number"]
    tech = api.as_(tokens["technician"])
    result = tech.post(f"/rmas/{number}/inspection", {"findings": list(findings)}).get_json()
    if result["covered"]:
        for action in ("start_repair", "finish_repair", "pass_qa"):
            assert tech.post(f"/rmas/{number}/actions", {"action": action}).status_code == 200
    return number


BOX = {"carrier": "SF", "tracking_number": "SF1234567890123"}


@pytest.fixture
def logistics(api, tokens):
    return api.as_(tokens["logistics"])


def test_verified_box_ships_and_the_customer_is_told(api, tokens, make_unit, logistics,
                                                     mail_app, tmp_path, deliver_outbox):
    number = ready(api, tokens, make_unit, "SHIP0001", accessories=("power_adapter",
                                                                   "data_cable"))
    assert deliver_outbox().sent == 2  # received, ready to ship (tests/web/test_customer_status.py)
    mail_app[1].clear()
    response = logistics.post(f"/rmas/{number}/shipment", {
        **BOX, "scanned": ["SHIP0001", number], "accessories": ["power_adapter"],
        "missing": [{"code": "data_cable", "reason": "客户未寄来 / not in the parcel"}]})
    assert response.status_code == 200, response.get_json()
    rma = response.get_json()
    assert rma["status"] == "shipped" and rma["shipped_on"]
    assert rma["shipment"]["tracking_number"] == "SF1234567890123"
    assert rma["shipment"]["freight"] == "prepaid"  # covered: the depot pays
    assert rma["events"][-1]["action"] == "ship"
    assert mail_app[1] == []  # queued with the shipment; the outbox worker sends it
    assert deliver_outbox().sent == 1
    _, recipients, raw = mail_app[1][-1]
    message = email.message_from_bytes(raw, policy=policy.default)
    assert recipients == ["zs@example.com"] and "SF1234567890123" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "SF1234567890123" in body and "数据线" in body
    label = logistics.get(f"/rmas/{number}/label.pdf")
    codes = decode_pages(label.data, tmp_path)[0]
    assert {number, "SF1234567890123"} <= codes  # the tracking number once known
    assert "数据线" not in PdfReader(io.BytesIO(label.data)).pages[0].extract_text()
    closing = logistics.post(f"/rmas/{number}/actions", {"action": "close"})
    assert closing.status_code == 200 and closing.get_json()["status"] == "closed"


def test_a_code_of_another_unit_refuses_the_box_and_changes_nothing(api, tokens, make_unit,
                                                                    logistics):
    number = ready(api, tokens, make_unit, "SHIP0002")
    other = ready(api, tokens, make_unit, "SHIP0003")
    for wrong in ("SHIP0003", other):
        response = logistics.post(f"/rmas/{number}/shipment", {
            **BOX, "scanned": ["SHIP0002", wrong], "accessories": ["power_adapter"]})
        assert response.status_code == 409
        error = response.get_json()
        assert error["error"] == "wrong_unit" and error["details"]["other_rma"] == other
        assert other in error["message"]
    assert api.get(f"/rmas/{number}").get_json()["status"] == "ready_to_ship"
    assert api.get(f"/rmas/{number}").get_json()["shipment"] is None


def test_the_serial_must_be_scanned(api, tokens, make_unit, logistics):
    number = ready(api, tokens, make_unit, "SHIP0004")
    response = logistics.post(f"/rmas/{number}/shipment", {
        **BOX, "scanned": [number], "accessories": ["power_adapter"]})
    assert response.status_code == 409 and response.get_json()["error"] == "unit_not_scanned"


def test_every_accessory_received_is_packed_or_missing_with_a_reason(api, tokens, make_unit,
                                                                      logistics):
    number = ready(api, tokens, make_unit, "SHIP0005", accessories=("power_adapter", "battery"))
    forgotten = logistics.post(f"/rmas/{number}/shipment", {
        **BOX, "scanned": ["SHIP0005"], "accessories": ["power_adapter"]})
    assert forgotten.status_code == 409
    assert forgotten.get_json()["details"] == {"accessory": "battery"}
    no_reason = logistics.post(f"/rmas/{number}/shipment", {
        **BOX, "scanned": ["SHIP0005"], "accessories": ["power_adapter"],
        "missing": [{"code": "battery", "reason": " "}]})
    assert no_reason.status_code == 422
    ok = logistics.post(f"/rmas/{number}/shipment", {
        **BOX, "scanned": ["SHIP0005"], "accessories": ["power_adapter", "battery"]})
    assert ok.status_code == 200


def test_a_non_covered_unit_ships_only_when_paid(api, tokens, make_unit, logistics, mail_app):
    number = ready(api, tokens, make_unit, "SHIP0006", findings=("liquid_damage",))
    clerk = api.as_(tokens["clerk"])
    quote = clerk.post(f"/rmas/{number}/quotes", {"lines": [
        {"kind": "labor", "description": "清洗 Cleaning", "quantity": 1,
         "unit_price": "150.00"}]}).get_json()
    clerk.post(f"/rmas/{number}/quotes/{quote['number']}/send")
    clerk.post(f"/rmas/{number}/quotes/{quote['number']}/answer",
               json={"decision": "approve", "via": "phone"})
    tech = api.as_(tokens["technician"])
    for action in ("start_repair", "finish_repair", "pass_qa"):
        assert tech.post(f"/rmas/{number}/actions", {"action": action}).status_code == 200
    box = {**BOX, "scanned": ["SHIP0006", number], "accessories": ["power_adapter"]}
    unpaid = logistics.post(f"/rmas/{number}/shipment", box)
    assert unpaid.status_code == 409 and unpaid.get_json()["error"] == "payment_required"
    assert unpaid.get_json()["details"]["outstanding"] == "150.00"
    clerk.post(f"/rmas/{number}/payments", {"amount": "100.00", "method": "cash"})
    assert logistics.post(f"/rmas/{number}/shipment", box).status_code == 409
    clerk.post(f"/rmas/{number}/payments", {"amount": "50.00", "method": "cash"})
    shipped = logistics.post(f"/rmas/{number}/shipment", box)
    assert shipped.status_code == 200
    assert shipped.get_json()["shipment"]["freight"] == "collect"  # the customer pays


def test_shipment_bad_input_and_roles(api, tokens, make_unit, logistics):
    number = ready(api, tokens, make_unit, "SHIP0007")
    box = {**BOX, "scanned": ["SHIP0007"], "accessories": ["power_adapter"]}
    assert logistics.post(f"/rmas/{number}/shipment", {**box, "carrier": "Pigeon"}
                          ).status_code == 422
    assert logistics.post(f"/rmas/{number}/shipment", {**box, "tracking_number": "x"}
                          ).status_code == 422
    assert logistics.post(f"/rmas/{number}/shipment", {**box, "missing": "battery"}
                          ).status_code == 422
    assert api.as_(tokens["clerk"]).post(f"/rmas/{number}/shipment", box).status_code == 403
    assert api.as_(tokens["technician"]).post(f"/rmas/{number}/shipment", box
                                              ).status_code == 403
    fresh_serial = "SHIP0008"
    make_unit(fresh_serial)
    fresh = api.post("/rmas", {"serial": fresh_serial}).get_json()["number"]
    not_ready = logistics.post(f"/rmas/{fresh}/shipment", {**box, "scanned": [fresh_serial]})
    assert not_ready.status_code == 409 and not_ready.get_json()["error"] == "invalid_transition"


def zpl_barcodes(zpl: str) -> list[str]:
    """The texts of the ^BC fields, with ZPL's subset switches (>: >5 >6 …) taken out."""
    fields = re.findall(r"\^BC[^^]*\^FD([^^]*)", zpl)
    return [re.sub(r">[0-9:;56]", "", f).replace("><", ">") for f in fields]


def decode_pages(pdf: bytes, tmp_path) -> list[set[str]]:
    path = tmp_path / "labels.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "203", "-mono", "-png", str(path), str(tmp_path / "p")],
                   check=True)
    return [{s.data.decode() for s in pyzbar.decode(Image.open(p))}
            for p in sorted(tmp_path.glob("p*.png"))]


@pytest.mark.parametrize(("size", "points"), [("4x6", (288, 432)), ("100x150", (283, 425)),
                                              ("100x180", (283, 510))])
def test_label_pdf_sizes_and_barcode(api, tokens, make_unit, logistics, tmp_path, size, points):
    number = ready(api, tokens, make_unit, "SHIP0009")
    response = logistics.get(f"/rmas/{number}/label.pdf?size={size}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    page = PdfReader(io.BytesIO(response.data)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == points
    assert number in decode_pages(response.data, tmp_path)[0]
    assert "张三" in page.extract_text()


def test_batch_labels_one_per_page_and_zpl(api, tokens, make_unit, logistics, tmp_path):
    numbers = [ready(api, tokens, make_unit, f"BATCH00{i}") for i in range(3)]
    pdf = logistics.get("/labels.pdf?rmas=" + ",".join(numbers))
    pages = decode_pages(pdf.data, tmp_path)
    assert [number in codes for number, codes in zip(numbers, pages, strict=True)] == [True] * 3
    zpl = logistics.get("/labels.zpl?rmas=" + ",".join(numbers)).data.decode()
    assert zpl.count("^XA") == 3 and zpl.count("^XZ") == 3
    assert zpl_barcodes(zpl) == numbers
    assert logistics.get("/labels.pdf?rmas=").status_code == 422
    assert logistics.get("/labels.pdf?rmas=RMA-2020-000001").status_code == 404
    assert logistics.get(f"/rmas/{numbers[0]}/label.pdf?size=A4").status_code == 422
    queue = logistics.get("/shipping/queue").get_json()["rmas"]
    assert [r["number"] for r in queue] == numbers


def test_direct_print_to_a_network_printer(api, tokens, make_unit, logistics):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    received = bytearray()

    def serve():
        connection, _ = listener.accept()
        with connection:
            while chunk := connection.recv(65536):
                received.extend(chunk)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    assert logistics.post("/printers", {"name": "pack-1", "host": "127.0.0.1", "port": port}
                          ).status_code == 403
    assert api.post("/printers", {"name": "pack-1", "host": "127.0.0.1", "port": port}
                    ).status_code == 201
    number = ready(api, tokens, make_unit, "PRINT001")
    response = logistics.post("/labels/print", {"rmas": [number], "printer": "pack-1"})
    assert response.status_code == 200, response.get_json()
    thread.join(5)
    listener.close()
    assert received.startswith(b"^XA") and zpl_barcodes(received.decode()) == [number]
    assert response.get_json()["bytes"] == len(received)
    api.post("/printers", {"name": "dead", "host": "127.0.0.1", "port": 9})
    dead = logistics.post("/labels/print", {"rmas": [number], "printer": "dead"})
    assert dead.status_code == 503 and dead.get_json()["error"] == "printer_unavailable"


def test_close_delivered_after_n_days(api, tokens, make_unit, logistics, app):
    number = ready(api, tokens, make_unit, "CLOSE001")
    logistics.post(f"/rmas/{number}/shipment", {**BOX, "scanned": ["CLOSE001"],
                                                "accessories": ["power_adapter"]})
    runner = app.test_cli_runner()
    assert "closed 0" in runner.invoke(args=["depot", "close-delivered"]).output
    app.config["DEPOT_CLOSE_AFTER_DAYS"] = 0
    assert f"closed 1: {number}" in runner.invoke(args=["depot", "close-delivered"]).output
    assert api.get(f"/rmas/{number}").get_json()["status"] == "closed"


def uncovered_and_approved(api, tokens, make_unit, serial, lines=None):
    """An uncovered unit whose quote (proposed by Depot when `lines` is None) was approved,
    repaired and checked: ready to ship once paid. Returns (RMA number, quote total)."""
    number = ready(api, tokens, make_unit, serial, findings=("liquid_damage",))
    clerk = api.as_(tokens["clerk"])
    quote = clerk.post(f"/rmas/{number}/quotes", {} if lines is None else {"lines": lines}
                       ).get_json()
    clerk.post(f"/rmas/{number}/quotes/{quote['number']}/send")
    clerk.post(f"/rmas/{number}/quotes/{quote['number']}/answer",
               json={"decision": "approve", "via": "phone"})
    tech = api.as_(tokens["technician"])
    for action in ("start_repair", "finish_repair", "pass_qa"):
        assert tech.post(f"/rmas/{number}/actions", {"action": action}).status_code == 200
    return number, quote["total"]


def test_return_freight_charged_on_the_quote_ships_prepaid_everywhere(
        api, tokens, make_unit, logistics, mail_app, deliver_outbox):
    """The proposed quote bills 回寄运费 20.00: the label, the packing screen's data, the
    shipment and the customer's mail then say prepaid (寄付), never freight collect (到付)."""
    number, total = uncovered_and_approved(api, tokens, make_unit, "FREIGHT01")
    assert total == "100.00"  # labour 80.00 + return shipping 20.00
    api.as_(tokens["clerk"]).post(f"/rmas/{number}/payments", {"amount": total,
                                                               "method": "alipay"})
    queued = logistics.get("/shipping/queue").get_json()["rmas"]
    assert [r["freight"] for r in queued if r["number"] == number] == ["prepaid"]
    scanned = logistics.post("/scans", {"text": number}).get_json()["rma"]
    assert scanned["freight"] == "prepaid"  # what the packing screen shows
    label = PdfReader(io.BytesIO(logistics.get(f"/rmas/{number}/label.pdf").data))
    text = label.pages[0].extract_text()
    assert "PREPAID" in text and "COLLECT" not in text and "到付" not in text
    assert "寄付" in text
    shipped = logistics.post(f"/rmas/{number}/shipment", {
        **BOX, "scanned": ["FREIGHT01", number], "accessories": ["power_adapter"]})
    assert shipped.status_code == 200, shipped.get_json()
    assert shipped.get_json()["shipment"]["freight"] == "prepaid"
    assert shipped.get_json()["freight"] == "prepaid"
    deliver_outbox()
    mail = email.message_from_bytes(mail_app[1][-1][2], policy=policy.default)
    body = mail.get_body(("plain",)).get_content()
    assert "FREIGHT01" in body and "到付" not in body and "freight collect" not in body


def test_return_freight_not_charged_ships_collect_by_the_policy(api, tokens, make_unit,
                                                               logistics):
    number, total = uncovered_and_approved(api, tokens, make_unit, "FREIGHT02", lines=[
        {"kind": "labor", "description": "清洗 Cleaning", "quantity": 1,
         "unit_price": "150.00"}])
    api.as_(tokens["clerk"]).post(f"/rmas/{number}/payments", {"amount": total,
                                                               "method": "cash"})
    assert logistics.post("/scans", {"text": number}).get_json()["rma"]["freight"] == "collect"
    text = PdfReader(io.BytesIO(logistics.get(f"/rmas/{number}/label.pdf").data)
                     ).pages[0].extract_text()
    assert "COLLECT" in text and "到付" in text
