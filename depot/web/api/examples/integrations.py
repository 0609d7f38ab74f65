"""Examples of webhooks (admin), the customer's request before shipping and cartons."""
from __future__ import annotations

from typing import Any

from depot.web.api.examples.common import CN, TW, Depot

_WEBHOOK_CN = {"id": 1, "url": "https://erp.example.cn/hooks/depot",
               "events": ["rma.status_changed", "shipment.created"], "active": True,
               "created_at": "2026-03-01T02:00:00Z", "updated_at": "2026-03-01T02:00:00Z"}
_WEBHOOK_TW = {"id": 2, "url": "http://10.0.8.21:8080/depot-events",
               "events": ["rma.created", "complaint.created"], "active": True,
               "created_at": "2026-03-01T02:00:00Z", "updated_at": "2026-03-01T02:00:00Z"}


def _request(d: Depot) -> dict[str, Any]:
    return {"serial": d.serial, "model": "X200", "fault_description": d.fault,
            "purchase_date": "2025-09-18",
            "customer": {"name": d.customer, "phone": d.phone, "email": d.email,
                         "address": d.address, "language": d.lang}}


def _requested(d: Depot) -> dict[str, Any]:
    return {"number": d.number, "status": "requested",
            "status_url": f"https://depot.example.{'cn' if d is CN else 'tw'}/s/eyJyIjoiUk1B"
                          f"LTIwMjYtMDAwMTIzIn0.Z8Qk2A.4mXo",
            "known_unit": True, "warranty": "in_warranty", "warranty_ends_on": "2026-09-17"}


_BRIEF_CN = {"number": "RMA-2026-000123", "status": "received", "serial": "SN-A7K2-0093125",
             "model": "X200", "customer": "张伟", "received_on": "2026-03-02"}
_BRIEF_TW = {"number": "RMA-2026-000456", "status": "received", "serial": "SN-B3T9-0041877",
             "model": "X200", "customer": "陳志明", "received_on": "2026-03-02"}

EXAMPLES: dict[str, dict[str, dict[str, Any]]] = {
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
    "POST /public/requests": {
        "request": {"zh_CN": _request(CN), "zh_TW": _request(TW)},
        "response": {"zh_CN": _requested(CN), "zh_TW": _requested(TW)},
    },
    "POST /webhooks": {
        "request": {
            "zh_CN": {"url": "https://erp.example.cn/hooks/depot",
                      "events": ["rma.status_changed", "shipment.created"],
                      "secret": "c2Vuc2l0aXZlLXNoYXJlZC1zZWNyZXQ"},
            "zh_TW": {"url": "http://10.0.8.21:8080/depot-events",
                      "events": ["rma.created", "complaint.created"],
                      "secret": "a-long-random-string-shared-with-the-receiver"},
        },
        "response": {"zh_CN": _WEBHOOK_CN, "zh_TW": _WEBHOOK_TW},
    },
    "GET /webhooks": {
        "response": {"zh_CN": {"webhooks": [_WEBHOOK_CN]}, "zh_TW": {"webhooks": [_WEBHOOK_TW]}},
    },
    "PATCH /webhooks/<int:webhook_id>": {
        "request": {"zh_CN": {"active": False},
                    "zh_TW": {"url": "https://erp.example.tw/depot-events"}},
        "response": {"zh_CN": {**_WEBHOOK_CN, "active": False},
                     "zh_TW": {**_WEBHOOK_TW, "url": "https://erp.example.tw/depot-events"}},
    },
    "GET /webhooks/<int:webhook_id>/deliveries": {
        "response": {
            "zh_CN": {"webhook": _WEBHOOK_CN, "deliveries": [
                {"id": "8d0f3c52-6a41-4b7e-9a55-2f1c0e7d9b13", "event": "rma.status_changed",
                 "rma": "RMA-2026-000123", "complaint": None, "status": "delivered",
                 "attempts": 1, "next_attempt_at": None, "response_status": 200,
                 "response": "ok", "created_at": "2026-03-02T01:15:00Z",
                 "delivered_at": "2026-03-02T01:15:01Z",
                 "last_attempt_at": "2026-03-02T01:15:01Z"}]},
            "zh_TW": {"webhook": _WEBHOOK_TW, "deliveries": [
                {"id": "1b7e2c90-4f3a-4c55-8d21-77a0e6f3c2d4", "event": "rma.created",
                 "rma": "RMA-2026-000456", "complaint": None, "status": "pending",
                 "attempts": 3, "next_attempt_at": "2026-03-02T01:16:10Z",
                 "response_status": 503, "response": "服務暫停，請稍後再試",
                 "created_at": "2026-03-02T01:15:00Z", "delivered_at": None,
                 "last_attempt_at": "2026-03-02T01:15:40Z"}]},
        },
    },
}
