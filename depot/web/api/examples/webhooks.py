"""The webhooks of the OpenAPI document: one per event, with a zh_CN and a zh_TW depot's
payload."""
from __future__ import annotations

from typing import Any

_BRIEF_CN = {"number": "RMA-2026-000123", "status": "received", "serial": "SN-A7K2-0093125",
             "model": "X200", "customer": "张伟", "received_on": "2026-03-02"}
_BRIEF_TW = {"number": "RMA-2026-000456", "status": "received", "serial": "SN-B3T9-0041877",
             "model": "X200", "customer": "陳志明", "received_on": "2026-03-02"}

WEBHOOK_EVENTS = ("rma.status_changed", "rma.created", "quote.answered", "shipment.created",
                  "complaint.created")

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

_COMPLAINT = {"number": "C-2026-000031", "kind": "repair_quality", "status": "open"}


def _payload(event: str, language: str) -> dict[str, Any]:
    brief = _BRIEF_CN if language == "zh_CN" else _BRIEF_TW
    data: dict[str, Any] = {
        "rma.status_changed": {"from": "received", "to": "diagnosing"},
        "rma.created": {},
        "quote.answered": {"answer": "approved", "total": "380.00", "currency": "CNY"
                           if language == "zh_CN" else "TWD"},
        "shipment.created": {"carrier": "SF" if language == "zh_CN" else "黑貓宅急便",
                             "tracking_number": "SF1402938847561"
                             if language == "zh_CN" else "9041-2210-3385"},
        "complaint.created": {},
    }[event]
    return {"id": "8d0f3c52-6a41-4b7e-9a55-2f1c0e7d9b13", "event": event,
            "at": "2026-03-02T09:15:00+08:00", "rma": brief,
            "complaint": _COMPLAINT if event == "complaint.created" else None, "data": data}


PAYLOAD_SCHEMA = {
    "type": "object", "required": ["id", "event", "at", "rma", "complaint", "data"],
    "properties": {
        "id": {"type": "string", "description": "the delivery's id: the same on a retry"},
        "event": {"type": "string", "enum": list(WEBHOOK_EVENTS)},
        "at": {"type": "string", "format": "date-time"},
        "rma": {"type": ["object", "null"], "description": "the RMA's brief"},
        "complaint": {"type": ["object", "null"]},
        "data": {"type": "object"},
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

