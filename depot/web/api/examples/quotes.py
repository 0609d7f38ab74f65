"""Examples of quotes and payments: draft, edit, send, the offline answer, a payment and its
void; and of shipping: printers, labels, the shipping queue, the shipment."""
from __future__ import annotations

from typing import Any

from depot.web.api.examples.common import (
    Depot,
    at,
    event,
    example,
    inspected,
    notification,
    quote,
    quote_brief,
    quoted,
    request_lines,
)

SENT = at("2026-03-02", "16:30")
ANSWERED = at("2026-03-03", "10:10")
PAID = at("2026-03-03", "11:45")
VOIDED = at("2026-03-03", "11:52")


def _quote_events(d: Depot) -> list[dict[str, Any]]:
    return [*quoted(d)["events"],
            event("create_quote", d.clerk, at("2026-03-02", "16:12"), "inspected", "inspected",
                  f"{d.number2}-Q1"),
            event("send_quote", d.clerk, SENT, "inspected", "awaiting_approval",
                  f"{d.number2}-Q1 {d.total} CNY")]


def _awaiting(d: Depot) -> dict[str, Any]:
    return quoted(d, status="awaiting_approval", waiting_for="customer_approval",
                  quotes=[quote_brief(d, "sent", SENT)], events=_quote_events(d),
                  allowed_actions=["send_quote", "approve", "decline", "overturn", "cancel"])


def _approved(d: Depot) -> dict[str, Any]:
    answer = event("approve", d.clerk, ANSWERED, "awaiting_approval", "approved",
                   f"{d.number2}-Q1 via phone by {d.clerk} from 10.8.0.23: {d.texts['answer']}")
    return quoted(d, status="approved", waiting_for="payment",
                  quotes=[quote_brief(d, "approved", SENT, ANSWERED)], amount_due=d.total,
                  outstanding=d.total, events=[*_quote_events(d), answer],
                  freight="prepaid" if any(line["kind"] == "shipping" for line in d.lines)
                  else "collect",  # the return freight charged on the quote is prepaid
                  allowed_actions=["start_repair", "exchange", "cancel"])


def _payment(d: Depot, voided: bool = False) -> dict[str, Any]:
    return {"id": 87, "amount": d.total, "currency": "CNY",
            "method": "alipay" if d.lang == "zh_CN" else "bank_transfer",
            "reference": d.texts["reference"], "received_at": PAID, "credit": "0.00",
            "voided_at": VOIDED if voided else None,
            "void_reason": d.texts["void"] if voided else None, "slip": "/api/v1/attachments/1388"}


def _paid(d: Depot, voided: bool = False) -> dict[str, Any]:
    before = _approved(d)
    pay = _payment(d, voided)
    events = [*before["events"],
              event("payment", d.clerk, PAID, "approved", "approved",
                    f"{d.total} CNY {pay['method']} {d.texts['reference']}")]
    if voided:
        events.append(event("void_payment", d.supervisor, VOIDED, "approved", "approved",
                            d.texts["void"]))
    return {**before, "payments": [pay], "paid": "0.00" if voided else d.total,
            "outstanding": d.total if voided else "0.00",
            "waiting_for": "payment" if voided else None, "events": events}


def _printer(d: Depot) -> dict[str, Any]:
    return {"name": "pack-1", "host": "192.168.10.41" if d.lang == "zh_CN" else "10.20.1.35",
            "port": 9100, "label_size": "4x6"}


def _ready(d: Depot) -> dict[str, Any]:
    return inspected(d, status="ready_to_ship", technician=d.technician,
                     allowed_actions=["ship", "cancel"])


SHIPPED = at("2026-03-05", "16:20")


def _shipped(d: Depot) -> dict[str, Any]:
    before = _ready(d)
    return {**before, "status": "shipped", "shipped_on": "2026-03-05",
            "allowed_actions": ["close"],
            "shipment": {"carrier": d.carrier, "tracking_number": d.tracking,
                         "freight": "prepaid", "scanned": [d.serial],
                         "accessories": ["power_adapter"], "missing": [],
                         "shipped_at": SHIPPED},
            "events": [*before["events"],
                       event("ship", d.logistics, SHIPPED, "ready_to_ship", "shipped",
                             f"{d.carrier} {d.tracking}")],
            "notifications": [*before["notifications"],
                              notification(d, "shipped", SHIPPED, "queued")]}


EXAMPLES: dict[str, dict[str, dict[str, Any]]] = {
    "POST /rmas/<number>/quotes": example(lambda d: quote(d), lambda d: {
        "lines": request_lines(d), "tax_rate": d.tax_rate}),
    "GET /rmas/<number>/quotes/<quote>": example(lambda d: quote(d, "sent", SENT)),
    "PUT /rmas/<number>/quotes/<quote>": example(lambda d: quote(d), lambda d: {
        "lines": request_lines(d), "tax_rate": d.tax_rate}),
    "POST /rmas/<number>/quotes/<quote>/send": example(
        lambda d: {**quote(d, "sent", SENT), "emailed": True, "rma": _awaiting(d)},
        lambda d: {"total": d.total}),
    "POST /rmas/<number>/quotes/<quote>/answer": example(
        lambda d: {**quote(d, "approved", SENT, ANSWERED, "phone", d.texts["answer"]),
                   "rma": _approved(d)},
        lambda d: {"decision": "approve", "via": "phone", "comment": d.texts["answer"]}),
    "POST /rmas/<number>/payments": example(
        lambda d: {**_payment(d), "warnings": [], "rma": _paid(d)},
        lambda d: {"amount": d.total, "method": _payment(d)["method"],
                   "reference": d.texts["reference"]}),
    "POST /rmas/<number>/payments/<int:payment_id>/void": example(
        lambda d: {**_payment(d, voided=True), "rma": _paid(d, voided=True)},
        lambda d: {"reason": d.texts["void"]}),
    "GET /printers": example(lambda d: {"printers": [_printer(d)]}),
    "POST /printers": example(_printer, lambda d: {
        k: v for k, v in _printer(d).items()}),
    "POST /labels/print": example(lambda d: {"printer": "pack-1", "bytes": 11648, "labels": 2},
                                  lambda d: {"rmas": [d.number, d.number3],
                                             "printer": "pack-1"}),
    "GET /shipping/queue": example(lambda d: {"rmas": [{
        "number": d.number, "status": "ready_to_ship", "received_on": "2026-03-02",
        "due_on": "2026-03-09", "serial": d.serial, "model": "X200", "customer": d.customer,
        "accessories": ["power_adapter"], "covered": True, "freight": "prepaid",
        "outstanding": "0.00"}]}),
    "POST /rmas/<number>/shipment": example(_shipped, lambda d: {
        "carrier": d.carrier, "tracking_number": d.tracking, "scanned": [d.serial],
        "accessories": ["power_adapter"], "missing": []}),
}
