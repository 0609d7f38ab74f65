"""Examples for the OpenAPI document, keyed by "METHOD /path" (the path as the registry declares
it, without /api/v1), each with a zh_CN and a zh_TW depot's example; and the webhooks' payloads.

    EXAMPLES["POST /rmas"] = {"request": {"zh_CN": {...}, "zh_TW": {...}},
                              "response": {"zh_CN": {...}, "zh_TW": {...}}}
"""
from __future__ import annotations

from typing import Any

_BRIEF_CN = {"number": "RMA-2026-000123", "status": "received", "serial": "SN-A7K2-0093125",
             "model": "X200", "customer": "张伟", "received_on": "2026-03-02"}
_BRIEF_TW = {"number": "RMA-2026-000456", "status": "received", "serial": "SN-B3T9-0041877",
             "model": "X200", "customer": "陳志明", "received_on": "2026-03-02"}

EXAMPLES: dict[str, dict[str, dict[str, Any]]] = {
    "POST /rmas": {
        "request": {
            "zh_CN": {"serial": "SN-A7K2-0093125",
                      "fault_description": "开机后屏幕闪烁，约十分钟后自动关机",
                      "accessories": ["power_adapter", "data_cable"], "reported_on": "2026-03-01"},
            "zh_TW": {"serial": "SN-B3T9-0041877",
                      "fault_description": "充電時機身過熱，電池無法充滿",
                      "accessories": ["power_adapter"], "reported_on": "2026-03-01"},
        },
        "response": {"zh_CN": _BRIEF_CN, "zh_TW": _BRIEF_TW},
    },
    "POST /cartons": {
        "request": {
            "zh_CN": {"carrier": "SF", "tracking_number": "SF1402938847561",
                      "customer": {"name": "深圳市星河科技有限公司", "phone": "0755-86668888",
                                   "address": "广东省深圳市南山区科技园南区"}},
            "zh_TW": {"carrier": "黑貓宅急便", "tracking_number": "9041-2210-3385",
                      "customer": {"name": "陳志明", "phone": "0912-345-678",
                                   "address": "台北市信義區松仁路100號"}},
        },
        "response": {
            "zh_CN": {"number": "CTN-2026-000012", "carrier": "SF",
                      "tracking_number": "SF1402938847561", "unit_count": 0, "rmas": []},
            "zh_TW": {"number": "CTN-2026-000034", "carrier": "黑貓宅急便",
                      "tracking_number": "9041-2210-3385", "unit_count": 0, "rmas": []},
        },
    },
    "GET /cartons/<number>": {
        "response": {
            "zh_CN": {"number": "CTN-2026-000012", "carrier": "SF",
                      "tracking_number": "SF1402938847561", "unit_count": 1,
                      "rmas": [{**_BRIEF_CN, "fault_description": "开机后屏幕闪烁",
                                "accessories": ["power_adapter"],
                                "warranty_status": "in_warranty"}]},
            "zh_TW": {"number": "CTN-2026-000034", "carrier": "黑貓宅急便",
                      "tracking_number": "9041-2210-3385", "unit_count": 1,
                      "rmas": [{**_BRIEF_TW, "fault_description": "充電時機身過熱",
                                "accessories": ["power_adapter"],
                                "warranty_status": "in_warranty"}]},
        },
    },
    "GET /openapi.json": {
        "response": {"zh_CN": {"openapi": "3.1.0", "info": {"title": "Depot API"}},
                     "zh_TW": {"openapi": "3.1.0", "info": {"title": "Depot API"}}},
    },
}

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


def examples_for(method: str, path: str, part: str) -> dict[str, Any] | None:
    """The `examples` map of one operation's request or response, or None."""
    found = EXAMPLES.get(f"{method} {path}", {}).get(part)
    if not found:
        return None
    return {lang: {"summary": lang, "value": value} for lang, value in found.items()}
