"""A depot's day through the API, for the tests that read every page in every language, and the
check those tests make: no English word or raw code left on a Chinese page.

`journey()` leaves RMAs in the stages a person meets: received (with intake photos), quote sent
and waiting for the customer, and shipped (out of warranty, inspected with notes and evidence,
quote approved from the customer's link, paid by WeChat Pay, repaired, shipped by Yunda with an
accessory missing and its reason).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date

from PIL import Image

from depot.models import Quote, db
from depot.services.links import quote_token

# What may stay Latin on a Chinese page: names of things, units, and the depot's own codes a
# person types or scans (RMA and quote numbers, serials, model codes are passed as `data`).
LATIN_OK = {"depot", "pdf", "api", "cny", "qa", "rma", "asia", "shanghai", "taipei", "mb",
            "english", "zpl", "csv", "id", "ip", "url", "smtp", "json", "esc", "enter", "ctrl",
            "tab", "wi", "fi", "sku", "qr", "no", "ok", "jpeg", "png", "webp", "heic", "gif",
            "en"}  # "EN": the language switch
# Codes Depot stores that a person must never read as they are.
RAW_CODES = ("out_of_warranty", "in_warranty", "wechat_pay", "bank_transfer", "send_quote",
             "start_repair", "finish_repair", "pass_qa", "awaiting_approval", "ready_to_ship",
             "power_adapter", "data_cable", "shell_damage", "man_made", "no_fault_found",
             "customer_approval", "YUNDA", "DEPPON")
WORD = re.compile(r"[A-Za-z][A-Za-z_]+")
PHOTO_PIXELS = (64, 48)


def english_left(text: str, data: tuple[str, ...] = ()) -> list[str]:
    """The Latin words of `text` that are neither data (numbers, serials, names typed in) nor
    in LATIN_OK: on a Chinese page, each is an English word or a raw code."""
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    return [w for w in WORD.findall(text) if w.lower() not in LATIN_OK]


def raw_codes(text: str) -> list[str]:
    return [code for code in RAW_CODES if re.search(rf"\b{code}\b", text)]


def jpeg(colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", PHOTO_PIXELS, colour).save(out, "JPEG")
    return out.getvalue()


@dataclass
class Day:
    received: str  # an RMA just received, with an intake photo
    waiting: str  # its quote sent, the customer has not answered
    shipped: str  # the whole way, shipped with an accessory missing
    quote_link: str  # the customer's link (path) of the waiting RMA's quote
    answered_link: str  # the link of the shipped RMA's approved quote
    serials: tuple[str, ...]


def _ok(response, status: int = 200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _link(app, number: str) -> str:
    quote = db.session.query(Quote).filter(Quote.number == number).one()
    link = f"/q/{quote_token(app.config['SECRET_KEY'], quote.number, quote.token_nonce)}"
    db.session.remove()
    return link


def journey(api, tokens, client, app, make_unit) -> Day:
    clerk, tech = api.as_(tokens["clerk"]), api.as_(tokens["technician"])
    logistics = api.as_(tokens["logistics"])
    serials = ("WORD0001", "WORD0002", "WORD0003")
    for serial in serials:
        make_unit(serial, purchase_date=date(2020, 3, 1))  # long out of warranty
    db.session.commit()
    db.session.remove()
    numbers = [_ok(clerk.post("/rmas", {"serial": s, "fault_description": "屏幕不亮，按键无反应",
                                        "accessories": ["power_adapter", "data_cable"]}), 201
                   )["number"] for s in serials]
    received, waiting, shipped = numbers
    for number in numbers:
        _ok(clerk.post(f"/rmas/{number}/photos", data={
            "kind": "intake", "photo": (io.BytesIO(jpeg()), "front.jpg")}), 201)
    for number in (waiting, shipped):
        _ok(tech.post(f"/rmas/{number}/inspection",
                      {"findings": ["shell_damage"], "notes": "外壳右上角有裂纹，屏幕排线松动"}))
        _ok(tech.post(f"/rmas/{number}/photos", data={
            "kind": "evidence", "photo": (io.BytesIO(jpeg("blue")), "crack.jpg")}), 201)
        quote = _ok(clerk.post(f"/rmas/{number}/quotes", {}), 201)["number"]
        _ok(clerk.post(f"/rmas/{number}/quotes/{quote}/send"))
    waiting_quote = _ok(api.get(f"/rmas/{waiting}"))["quotes"][-1]["number"]
    shipped_quote = _ok(api.get(f"/rmas/{shipped}"))["quotes"][-1]["number"]
    answered_link = _link(app, shipped_quote)
    _ok(client.post(answered_link + "/approve", json={}))
    due = _ok(api.get(f"/rmas/{shipped}"))["amount_due"]
    _ok(clerk.post(f"/rmas/{shipped}/payments", {"amount": due, "method": "wechat_pay",
                                                 "reference": "4200001234202611"}), 201)
    for action in ("start_repair", "finish_repair", "pass_qa"):
        _ok(tech.post(f"/rmas/{shipped}/actions", {"action": action}))
    _ok(logistics.post(f"/rmas/{shipped}/shipment", {
        "carrier": "YUNDA", "tracking_number": "YD4300012345678",
        "scanned": [serials[2], shipped], "accessories": ["power_adapter"],
        "missing": [{"code": "data_cable", "reason": "客户说数据线不用寄回"}]}))
    db.session.remove()
    return Day(received, waiting, shipped, _link(app, waiting_quote), answered_link, serials)
