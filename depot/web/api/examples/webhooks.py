"""The webhooks of the OpenAPI document: one per event, with a zh_CN and a zh_TW depot's
payload."""
from __future__ import annotations

from typing import Any

from depot.domain.webhooks import EVENTS

_BRIEF_CN = {"number": "RMA-2026-000123", "status": "received", "serial": "SN-A7K2-0093125",
             "model": "X200", "customer": "张伟", "received_on": "2026-03-02"}
_BRIEF_TW = {"number": "RMA-2026-000456", "status": "received", "serial": "SN-B3T9-0041877",
             "model": "X200", "customer": "陳志明", "received_on": "2026-03-02"}

WEBHOOK_EVENTS = EVENTS  # depot.domain.webhooks

SIGNATURE_SNIPPET = '''```python
import hashlib, hmac

def verified(raw_body: bytes, header: str, secret: str) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)
```'''

WEBHOOK_DESCRIPTION = (
    "POSTed as JSON to each webhook's URL. The header `X-Depot-Signature: sha256=<hex>` is the "
    "HMAC-SHA256 of the raw body with the webhook's secret: check it on the bytes received, "
    "before parsing. Delivery is at least once, with retries, and in order per RMA: the same "
    "`id` may come twice, so keep the ids you have handled.\n\n" + SIGNATURE_SNIPPET)

_COMPLAINT = {
    "zh_CN": {"number": "CMP-2026-000031", "kind": "product_quality", "team": "engineering",
              "status": "open", "channel": "phone", "created_at": "2026-03-02T01:15:00Z"},
    "zh_TW": {"number": "CMP-2026-000032", "kind": "packaging_transport", "team": "logistics",
              "status": "open", "channel": "email", "created_at": "2026-03-02T01:15:00Z"},
}
_UNIT = {"zh_CN": {"serial": "SN-A7K2-0093125", "model": "X200"},
         "zh_TW": {"serial": "SN-B3T9-0041877", "model": "X200"}}
# The status each event leaves the RMA in (the brief is the RMA as it is right after it).
_STATUS_AFTER = {"rma.status_changed": "inspected", "rma.created": "received",
                 "quote.answered": "approved", "shipment.created": "shipped",
                 "complaint.created": "received"}


def _rma_brief(event: str, language: str) -> dict[str, Any]:
    """The RMA's brief in a webhook body: the API's (number, status, received_on, due_on) with
    the unit's serial and model."""
    number = "RMA-2026-000123" if language == "zh_CN" else "RMA-2026-000456"
    return {"number": number, "status": _STATUS_AFTER[event], "received_on": "2026-03-02",
            "due_on": "2026-03-09", **_UNIT[language]}


def _payload(event: str, language: str) -> dict[str, Any]:
    """A body as depot.services.webhooks writes it."""
    brief = _rma_brief(event, language)
    data: dict[str, Any] = {
        "rma.status_changed": {"action": "inspect", "from": "received", "to": "inspected"},
        "rma.created": {"warranty": "in_warranty", "accessories": ["power_adapter"]},
        "quote.answered": {"quote": f"{brief['number']}-Q1", "version": 1,
                           "answer": "approved", "total": "380.00", "currency": "CNY",
                           "via": "link"},
        "shipment.created": {"carrier": "SF" if language == "zh_CN" else "EMS",
                             "tracking_number": "SF1402938847561"
                             if language == "zh_CN" else "EA123456789CN",
                             "freight": "prepaid", "shipped_at": "2026-03-06T07:40:00Z"},
        "complaint.created": {"description": "返修后屏幕仍然闪烁" if language == "zh_CN"
                              else "外箱破損，機身有刮痕"},
    }[event]
    return {"id": "8d0f3c52-6a41-4b7e-9a55-2f1c0e7d9b13", "event": event,
            "at": "2026-03-02T01:15:00Z", "rma": brief,
            "complaint": _COMPLAINT[language] if event == "complaint.created" else None,
            "data": data}


PAYLOAD_SCHEMA = {
    "type": "object", "required": ["id", "event", "at", "rma", "complaint", "data"],
    "properties": {
        "id": {"type": "string", "description": "the delivery's id: the same on a retry"},
        "event": {"type": "string", "enum": list(WEBHOOK_EVENTS)},
        "at": {"type": "string", "format": "date-time"},
        "rma": {"type": ["object", "null"],
                "description": "the RMA's brief: number, status (after the event), "
                               "received_on, due_on, serial, model; null for a complaint "
                               "about no RMA"},
        "complaint": {"type": ["object", "null"],
                      "description": "complaint.created: number, kind, team, status, "
                                     "channel, created_at"},
        "data": {"type": "object",
                 "description": "rma.status_changed: action, from, to (every change of "
                                "status; the creation is rma.created); rma.created: "
                                "warranty, accessories; quote.answered: quote, version, "
                                "answer (approved or declined), total, currency, via; "
                                "shipment.created: carrier, tracking_number, freight, "
                                "shipped_at; complaint.created: description"},
    },
}


def webhooks() -> dict[str, Any]:
    """OpenAPI 3.1's top-level `webhooks`: one per event."""
    return {event: {"post": {
        "summary": event, "description": WEBHOOK_DESCRIPTION, "tags": ["webhooks"],
        "parameters": [{"name": "X-Depot-Signature", "in": "header", "required": True,
                        "schema": {"type": "string", "pattern": "^sha256=[0-9a-f]{64}$"}}],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": PAYLOAD_SCHEMA,
            "examples": {lang: {"value": _payload(event, lang)} for lang in ("zh_CN", "zh_TW")},
        }}},
        "responses": {"2XX": {"description": "received; anything else is retried"}},
        "security": [],
    }} for event in WEBHOOK_EVENTS}

