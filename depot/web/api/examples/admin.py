"""Examples of complaints (投诉), returned stock (换货), users and the reports."""
from __future__ import annotations

from typing import Any

from depot.web.api.examples.common import Depot, at, complaint, complaint_event, example

REGISTERED = at("2026-03-05", "10:30")
STARTED = at("2026-03-05", "11:02")


def _started(d: Depot) -> dict[str, Any]:
    return complaint(d, "in_progress", holder=d.clerk, updated_at=STARTED, events=[
        complaint_event(d, "register", None, "open", REGISTERED),
        complaint_event(d, "start", "open", "in_progress", STARTED)])


def _returned(d: Depot, outcome: str = "scrapped") -> dict[str, Any]:
    exchanged = at("2026-03-04", "14:25")
    done = outcome != "in_stock"
    return {"serial": d.serial3, "model": "X200", "model_name": d.model_name,
            "rma": d.number3, "replacement_serial": d.replacement, "reason": d.texts["exchange"],
            "exchanged_at": exchanged, "local_exchanged_at": "2026-03-04 14:25",
            "outcome": outcome, "note": d.texts["outcome_note"] if done else "",
            "outcome_by": d.supervisor if done else None,
            "outcome_at": at("2026-03-06", "09:40") if done else None}


def _user(d: Depot, role: str = "clerk") -> dict[str, Any]:
    return {"username": d.clerk, "display_name": d.texts["display_name"], "role": role,
            "active": True, "has_password": True, "created_at": "2026-01-05T01:30:00Z"}


def _report(d: Depot) -> dict[str, Any]:
    return {
        "from": "2026-02-01", "to": "2026-02-28", "received": 412, "shipped": 398,
        "turnaround": {"shipped": 398, "on_time": 371, "on_time_share": 0.9322,
                       "median_working_days": 3, "p90_working_days": 6},
        "warranty": {"in_warranty": 301, "out_of_warranty": 96, "unknown": 15},
        "damage": {"man_made": 88, "quality": 287, "no_fault_found": 29},
        "man_made_by_model": [{"model": "X200", "inspected": 264, "man_made": 51,
                               "ratio": 0.1932}],
        "top_findings": [{"code": d.finding, "count": 97}, {"code": d.finding2, "count": 40}],
        "quotes": {"sent": 92, "approved": 71, "declined": 14, "approval_rate": 0.8353},
        "revenue": {"amount": "18466.50", "currency": "CNY"}, "repeat_repairs": 9,
        "complaints": {"product_quality": 3, "packaging_transport": 2, "staff_conduct": 0,
                       "damage_verdict": 1, "other": 1},
        "survey": {"answered": 156, "mean_score": 4.62},
        "by_day": [{"day": "2026-02-02", "received": 21, "shipped": 18},
                   {"day": "2026-02-03", "received": 19, "shipped": 22}],
        "technicians": [{"technician": d.technician, "finished": 143,
                         "median_bench_hours": 2.5, "qa_failures": 2}],
    }


def _brief_complaint(d: Depot) -> dict[str, Any]:
    out = _started(d)
    del out["events"]
    return out


EXAMPLES: dict[str, dict[str, dict[str, Any]]] = {
    "POST /complaints": example(lambda d: complaint(d), lambda d: {
        "kind": "packaging_transport", "channel": "phone", "rma": d.number,
        "description": d.texts["complaint"]}),
    "GET /complaints": example(lambda d: {"complaints": [_brief_complaint(d)]}),
    "GET /complaints/<number>": example(_started),
    "POST /complaints/<number>/actions": example(_started, lambda d: {"action": "start"}),
    "GET /returned-stock": example(lambda d: {"units": [
        _returned(d), {**_returned(d, "in_stock"), "serial": d.serial3[:-4] + "7310",
                       "rma": d.number3[:-3] + "131"}]}),
    "POST /returned-stock/<serial>": example(_returned, lambda d: {
        "outcome": "scrapped", "note": d.texts["outcome_note"]}),
    "GET /users": example(lambda d: {"users": [_user(d), {
        "username": d.technician, "display_name": d.technician, "role": "technician",
        "active": True, "has_password": True, "created_at": "2026-01-05T01:32:00Z"}]}),
    "POST /users": example(lambda d: {**_user(d), "token": "8q3TSuJZC3UkbAqEgwGoWOwBOlQO2mBTG"
                                                           "onZcSMIfTk"},
                           lambda d: {"username": d.clerk, "role": "clerk",
                                      "password": "Depot-2026-rma!",
                                      "display_name": d.texts["display_name"]}),
    "PATCH /users/<username>": example(lambda d: _user(d, "logistics"),
                                       lambda d: {"role": "logistics"}),
    "POST /users/<username>/token": example(lambda d: {
        "username": d.clerk, "token": "pL03uqNicFlg26fXU2zxoSADQDIix2HtpWwsSkfulDU"}),
    "GET /reports/summary": example(_report),
}
