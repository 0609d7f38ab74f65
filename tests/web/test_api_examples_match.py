"""The examples of /api/docs have the shape the server really answers: a small real journey
through the API (model, unit, RMA, inspection, repair, QA, shipment; a quote sent, answered
and paid; an exchange; a complaint; users, parts, printers, findings) and, for each operation
it calls, the example response of both depots has the same top-level keys as the real answer.
So an example cannot drift from the server: a key added to or taken from an answer fails here.
And the request examples of both depots, sent as they are, are accepted by the app.
"""
from __future__ import annotations

import io
import socket
import threading

import pytest
from PIL import Image

from depot.web.api.examples import EXAMPLES

HEADER = "serial,model,purchase_date,customer_name,customer_phone,customer_email," \
         "customer_address\n"


def _ok(response, *statuses: int) -> dict:
    assert response.status_code in (statuses or (200,)), (response.status_code,
                                                          response.get_json())
    return response.get_json()


def _printer_listener() -> tuple[socket.socket, threading.Thread]:
    """A label printer on a loopback port: it takes one job and keeps nothing."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve():
        connection, _ = listener.accept()
        with connection:
            while connection.recv(65536):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return listener, thread


def journey(api, tokens, app) -> dict[str, dict]:
    """The real answers, keyed as EXAMPLES is ("METHOD /path" as the registry declares it)."""
    clerk, tech = api.as_(tokens["clerk"]), api.as_(tokens["technician"])
    supervisor, logistics = api.as_(tokens["supervisor"]), api.as_(tokens["logistics"])
    got: dict[str, dict] = {}

    got["POST /models"] = _ok(api.post("/models", {"code": "X200", "name": "考勤机 X200",
                                                   "warranty_months": 12}), 201)
    got["PATCH /models/<model>"] = _ok(api.patch("/models/X200", {"warranty_months": 18}))
    got["GET /models"] = _ok(api.get("/models"))
    got["POST /units"] = _ok(api.post("/units", {
        "serial": "SN-A7K2-0093125", "model": "X200", "purchase_date": "2026-05-12",
        "customer": {"name": "张伟", "phone": "13812345678", "email": "zhangwei@example.cn",
                     "address": "上海市浦东新区世纪大道100号"}}), 201)
    got["POST /units/import"] = _ok(api.post(
        "/units/import", headers={"Content-Type": "text/csv"},
        data=(HEADER + "SN-A7K2-0093126,X200,2026-04-01,李娜,13900001111,,北京市朝阳区\n"
              "SN-A7K2-0093127,X200,2026-04-02,王芳,13700002222,,杭州市西湖区\n"
              "SN-A7K2-0093128,X200,2026-04-03,刘洋,13600003333,,广州市天河区\n"
              ).encode()))
    got["GET /units/<path:serial>"] = _ok(api.get("/units/SN-A7K2-0093125"))

    # A covered repair: in warranty, a quality fault; through the bench to the customer.
    rma = _ok(clerk.post("/rmas", {"serial": "SN-A7K2-0093125",
                                   "fault_description": "开机后屏幕闪烁",
                                   "accessories": ["power_adapter"]}), 201)
    number = rma["number"]
    got["POST /rmas"] = rma
    got["GET /rmas/<number>"] = _ok(api.get(f"/rmas/{number}"))
    got["GET /rmas"] = _ok(api.get("/rmas?limit=1"))
    got["POST /scans"] = _ok(clerk.post("/scans", {"text": "SN-A7K2-0093125\n"}))
    photo = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 90, 160)).save(photo, format="JPEG")
    got["POST /rmas/<number>/photos"] = _ok(clerk.post(
        f"/rmas/{number}/photos", data={"kind": "intake",
                                        "photo": (io.BytesIO(photo.getvalue()), "front.jpg")},
        content_type="multipart/form-data"), 201)
    got["POST /rmas/<number>/inspection"] = _ok(tech.post(
        f"/rmas/{number}/inspection", {"findings": ["display_fault"], "notes": "屏线松动"}))
    got["POST /rmas/<number>/assign"] = _ok(supervisor.post(f"/rmas/{number}/assign",
                                                            {"technician": "technician"}))
    got["GET /queue"] = _ok(tech.get("/queue"))
    got["POST /parts"] = _ok(api.post("/parts", {"part_number": "LCD-X200", "name_zh": "液晶屏",
                                                 "cost_price": "85.00", "stock": 1,
                                                 "models": ["X200"]}), 201)
    got["POST /parts/<part_number>/stock"] = _ok(api.post("/parts/LCD-X200/stock",
                                                          {"quantity": 5}))
    got["GET /parts"] = _ok(api.get("/parts"))
    got["POST /rmas/<number>/actions"] = _ok(tech.post(f"/rmas/{number}/actions",
                                                       {"action": "start_repair"}))
    got["POST /rmas/<number>/parts"] = _ok(tech.post(f"/rmas/{number}/parts",
                                                     {"part_number": "LCD-X200"}), 201)
    _ok(tech.post(f"/rmas/{number}/actions", {"action": "finish_repair"}))
    _ok(supervisor.post(f"/rmas/{number}/actions", {"action": "pass_qa"}))
    got["GET /shipping/queue"] = _ok(logistics.get("/shipping/queue"))
    listener, thread = _printer_listener()
    got["POST /printers"] = _ok(api.post("/printers", {
        "name": "pack-1", "host": "127.0.0.1", "port": listener.getsockname()[1]}), 201)
    got["GET /printers"] = _ok(logistics.get("/printers"))
    got["POST /labels/print"] = _ok(logistics.post("/labels/print", {"rmas": [number],
                                                                     "printer": "pack-1"}))
    thread.join(5)
    listener.close()
    got["POST /rmas/<number>/shipment"] = _ok(logistics.post(f"/rmas/{number}/shipment", {
        "carrier": "SF", "tracking_number": "SF1402938847561",
        "scanned": ["SN-A7K2-0093125"], "accessories": ["power_adapter"]}))
    got["POST /public/status"] = _ok(api.as_(None).post(
        "/public/status", {"number": number, "phone_last4": "5678"}))

    # A man-made damage: out of coverage, so a quote, answered by phone, paid, a payment voided.
    other = _ok(clerk.post("/rmas", {"serial": "SN-A7K2-0093126",
                                     "fault_description": "摔落后外壳破裂"}), 201)["number"]
    _ok(tech.post(f"/rmas/{other}/inspection", {"findings": ["shell_damage"]}))
    got["POST /rmas/<number>/override"] = _ok(supervisor.post(
        f"/rmas/{other}/override", {"reason": "客户提供购买发票", "warranty": "in_warranty"}))
    lines = [{"kind": "part", "description": "外壳", "quantity": 1, "unit_price": "120.00"},
             {"kind": "labor", "description": "维修工时", "quantity": "1.5",
              "unit_price": "80.00"}]
    quote = _ok(clerk.post(f"/rmas/{other}/quotes", {"lines": lines}), 201)
    got["POST /rmas/<number>/quotes"] = quote
    got["PUT /rmas/<number>/quotes/<quote>"] = _ok(clerk.put(
        f"/rmas/{other}/quotes/{quote['number']}", {"lines": lines[:1], "tax_rate": "0.06"}))
    got["GET /rmas/<number>/quotes/<quote>"] = _ok(api.get(
        f"/rmas/{other}/quotes/{quote['number']}"))
    got["POST /rmas/<number>/quotes/<quote>/send"] = _ok(clerk.post(
        f"/rmas/{other}/quotes/{quote['number']}/send"))
    got["POST /rmas/<number>/quotes/<quote>/answer"] = _ok(clerk.post(
        f"/rmas/{other}/quotes/{quote['number']}/answer",
        {"decision": "approve", "via": "phone", "comment": "客户电话确认"}))
    paid = _ok(clerk.post(f"/rmas/{other}/payments", {"amount": "127.20", "method": "alipay",
                                                      "reference": "2026030222001"}), 201)
    got["POST /rmas/<number>/payments"] = paid
    got["POST /rmas/<number>/payments/<int:payment_id>/void"] = _ok(supervisor.post(
        f"/rmas/{other}/payments/{paid['id']}/void", {"reason": "重复登记"}))

    # An exchange (换货), and what became of the unit taken back.
    third = _ok(clerk.post("/rmas", {"serial": "SN-A7K2-0093127"}), 201)["number"]
    _ok(tech.post(f"/rmas/{third}/inspection", {"findings": ["no_power"]}))
    _ok(tech.post(f"/rmas/{third}/actions", {"action": "exchange", "reason": "主板损坏",
                                             "replacement_serial": "SN-A7K2-0099001"}))
    got["POST /returned-stock/<serial>"] = _ok(supervisor.post(
        "/returned-stock/SN-A7K2-0093127", {"outcome": "scrapped", "note": "主板报废"}))
    got["GET /returned-stock"] = _ok(supervisor.get("/returned-stock"))

    complaint = _ok(clerk.post("/complaints", {
        "kind": "packaging_transport", "channel": "phone", "rma": number,
        "description": "收到时包装破损"}), 201)
    got["POST /complaints"] = complaint
    got["POST /complaints/<number>/actions"] = _ok(clerk.post(
        f"/complaints/{complaint['number']}/actions", {"action": "start"}))
    got["GET /complaints/<number>"] = _ok(clerk.get(f"/complaints/{complaint['number']}"))
    got["GET /complaints"] = _ok(clerk.get("/complaints"))

    got["GET /findings"] = _ok(api.get("/findings"))
    got["POST /findings"] = _ok(api.post("/findings", {
        "code": "screen_burn", "damage_class": "quality", "label_zh": "屏幕烧屏",
        "label_en": "screen burn-in", "label_zh_tw": "螢幕烙印"}), 201)
    got["PATCH /findings/<code>"] = _ok(api.patch("/findings/screen_burn", {"retired": True}))
    got["POST /users"] = _ok(api.post("/users", {"username": "wangfang", "role": "clerk",
                                                 "display_name": "王芳"}), 201)
    got["PATCH /users/<username>"] = _ok(api.patch("/users/wangfang", {"role": "logistics"}))
    got["POST /users/<username>/token"] = _ok(api.post("/users/wangfang/token"))
    got["GET /users"] = _ok(api.get("/users"))
    got["GET /reports/summary"] = _ok(supervisor.get("/reports/summary?period=month"))

    app.config["DEPOT_IMPORT_SYNC_ROWS"] = 1
    queued = _ok(api.post("/units/import", headers={"Content-Type": "text/csv"},
                          data=(HEADER + "SN-A7K2-0093130,X200,,,,,\n"
                                "SN-A7K2-0093131,X200,,,,,\n").encode()), 202)
    ran = app.test_cli_runner().invoke(args=["depot", "run-jobs", "--once"])
    assert ran.exit_code == 0, ran.output
    got["GET /jobs/<job_id>"] = _ok(api.get(f"/jobs/{queued['job']}"))
    assert got["GET /jobs/<job_id>"]["status"] == "done"
    return got


def _shape_differences(example, real, where: str, depth: int = 3) -> list[str]:
    """Where `example` has other keys than `real`: at the top, and `depth` levels down (dicts,
    and the first item of lists both have)."""
    if isinstance(example, dict) and isinstance(real, dict):
        out = [f"{where}: lacks {sorted(set(real) - set(example))}, has extra "
               f"{sorted(set(example) - set(real))}"] if set(example) != set(real) else []
        if depth:
            out += [d for k in set(example) & set(real)
                    for d in _shape_differences(example[k], real[k], f"{where}.{k}", depth - 1)]
        return out
    if isinstance(example, list) and isinstance(real, list) and example and real and depth:
        return _shape_differences(example[0], real[0], f"{where}[0]", depth - 1)
    return []


def test_the_example_responses_have_the_keys_of_the_real_answers(api, tokens, app):
    real = journey(api, tokens, app)
    assert len(real) >= 10 and {k.split()[0] for k in real} >= {"GET", "POST", "PUT", "PATCH"}
    wrong = [difference for key, answer in real.items() for lang in ("zh_CN", "zh_TW")
             for difference in _shape_differences(EXAMPLES[key]["response"][lang], answer,
                                                  f"{key} {lang}")]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("lang", ["zh_CN", "zh_TW"])
def test_the_request_examples_are_accepted_by_the_app(api, tokens, lang):
    """Each depot's request examples, sent as they are (RMA numbers aside: the depot numbers
    its own), make a repair from the model to the part used, a complaint and a user."""
    def body(key: str) -> dict:
        return EXAMPLES[key]["request"][lang]

    clerk, tech = api.as_(tokens["clerk"]), api.as_(tokens["technician"])
    _ok(api.post("/models", body("POST /models")), 201)
    _ok(api.patch("/models/X200", body("PATCH /models/<model>")))
    unit = _ok(api.post("/units", body("POST /units")), 201)
    assert unit["customer"]["name"] == EXAMPLES["POST /units"]["response"][lang]["customer"][
        "name"]
    imported = _ok(api.post("/units/import", headers={"Content-Type": "text/csv"},
                            data=EXAMPLES["POST /units/import"]["request"][lang].encode()))
    assert {k: imported[k] for k in ("created", "error_count")} == {
        k: EXAMPLES["POST /units/import"]["response"][lang][k] for k in ("created",
                                                                         "error_count")}
    assert imported["errors"][0]["line"] == 5
    number = _ok(clerk.post("/rmas", body("POST /rmas")), 201)["number"]
    scanned = _ok(clerk.post("/scans", body("POST /scans")))
    assert scanned["rma"]["number"] == number
    inspected = _ok(tech.post(f"/rmas/{number}/inspection",
                              body("POST /rmas/<number>/inspection")))
    assert inspected["covered"] is True and inspected["damage_class"] == "quality"
    _ok(api.post("/parts", body("POST /parts")), 201)
    _ok(api.post(f"/parts/{body('POST /parts')['part_number']}/stock",
                 body("POST /parts/<part_number>/stock")))
    _ok(tech.post(f"/rmas/{number}/actions", body("POST /rmas/<number>/actions")))
    used = _ok(tech.post(f"/rmas/{number}/parts", body("POST /rmas/<number>/parts")), 201)
    assert used["used"] is True
    _ok(clerk.post("/complaints", {**body("POST /complaints"), "rma": number}), 201)
    _ok(api.post("/findings", body("POST /findings")), 201)
    _ok(api.patch("/findings/screen_burn", body("PATCH /findings/<code>")))
    user = body("POST /users")
    _ok(api.post("/users", user), 201)
    _ok(api.patch(f"/users/{user['username']}", body("PATCH /users/<username>")))
    status = body("POST /public/status")
    assert status["phone_last4"] == unit["customer"]["phone"][-4:]
    found = _ok(api.as_(None).post("/public/status", {**status, "number": number}))
    assert found["status"] == "in_repair"
