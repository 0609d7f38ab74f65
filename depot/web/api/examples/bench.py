"""Examples of the bench: findings, inspection, overrides, actions, assignment, the queue,
spare parts."""
from __future__ import annotations

from typing import Any

from depot.web.api.examples.common import (
    Depot,
    at,
    event,
    example,
    inspected,
    inspected_events,
    quoted,
)


def _finding(d: Depot, **changes: Any) -> dict[str, Any]:
    return {"code": "screen_burn", "damage_class": "quality", "label_zh": d.texts["finding_zh"],
            "label_zh_tw": d.texts["finding_tw"], "label_en": d.texts["finding_en"],
            "retired": False, **changes}


def _part(d: Depot, stock: int = 6) -> dict[str, Any]:
    return {"part_number": d.part, "name_zh": d.part_name, "name_en": d.part_name_en,
            "cost_price": "85.00", "currency": "CNY", "stock": stock, "models": ["X200"]}


def _in_repair(d: Depot, **changes: Any) -> dict[str, Any]:
    return inspected(d, **{
        "status": "in_repair", "technician": d.technician,
        "allowed_actions": ["wait_parts", "finish_repair", "exchange", "cancel"],
        "events": [*inspected_events(d),
                   event("assign", d.supervisor, at("2026-03-02", "15:02"), "inspected",
                         "inspected", d.technician),
                   event("start_repair", d.technician, at("2026-03-03", "09:30"), "inspected",
                         "in_repair")], **changes})


def _with_part(d: Depot) -> dict[str, Any]:
    before = _in_repair(d)
    return {**before, "parts": [{"part_number": d.part, "name": d.part_name, "quantity": 1,
                                 "unit_cost": "85.00", "currency": "CNY"}],
            "events": [*before["events"],
                       event("use_part", d.technician, at("2026-03-03", "10:12"), "in_repair",
                             "in_repair", f"{d.part} × 1")]}


def _overridden(d: Depot) -> dict[str, Any]:
    before = quoted(d)
    reason = d.texts["override"]
    return {**before, "covered": True,
            "coverage_reason_codes": [*before["coverage_reason_codes"], "override"],
            "coverage_reasons": [*before["coverage_reasons"],
                                 f"主管{d.supervisor}改判：{reason}"],
            "freight": "prepaid",
            "allowed_actions": ["inspect", "start_repair", "send_quote", "return_unrepaired",
                                "exchange", "cancel"],
            "events": [*before["events"],
                       event("override", d.supervisor, at("2026-03-02", "16:05"), "inspected",
                             "inspected", f"covered False -> True: {reason}")]}


def _queue_entry(d: Depot, number: str, serial: str, status: str, key_account: bool,
                 overdue: bool, technician: str | None) -> dict[str, Any]:
    return {"number": number, "status": status, "received_on": "2026-03-02",
            "due_on": "2026-03-09" if not overdue else "2026-03-02", "serial": serial,
            "model": "X200", "customer": d.customer, "key_account": key_account,
            "overdue": overdue, "due_today": False, "technician": technician}


EXAMPLES: dict[str, dict[str, dict[str, Any]]] = {
    "GET /findings": example(lambda d: {"findings": [
        {"code": "shell_damage", "damage_class": "man_made", "label_zh": "外壳破裂",
         "label_zh_tw": "外殼破裂", "label_en": "shell cracked", "retired": False},
        {"code": "display_fault", "damage_class": "quality", "label_zh": "显示故障",
         "label_zh_tw": "顯示故障", "label_en": "display fault", "retired": False},
        {"code": "battery_fault", "damage_class": "quality", "label_zh": "电池故障",
         "label_zh_tw": "電池故障", "label_en": "battery fault", "retired": False}]}),
    "POST /findings": example(_finding, lambda d: {
        "code": "screen_burn", "damage_class": "quality", "label_zh": d.texts["finding_zh"],
        "label_en": d.texts["finding_en"], "label_zh_tw": d.texts["finding_tw"]}),
    "PATCH /findings/<code>": example(lambda d: _finding(d, retired=True),
                                      lambda d: {"retired": True}),
    "POST /rmas/<number>/inspection": example(lambda d: {
        "damage_class": "quality", "covered": True,
        "reasons": [*d.damage_reasons, *d.coverage_reasons], "rma": inspected(d)},
        lambda d: {"findings": [d.finding], "notes": d.notes}),
    "POST /rmas/<number>/override": example(_overridden, lambda d: {
        "reason": d.texts["override"], "covered": True}),
    "POST /rmas/<number>/actions": example(_in_repair, lambda d: {"action": "start_repair"}),
    "POST /rmas/<number>/assign": example(
        lambda d: inspected(d, technician=d.technician, events=[
            *inspected_events(d), event("assign", d.supervisor, at("2026-03-02", "15:02"),
                                        "inspected", "inspected", d.technician)]),
        lambda d: {"technician": d.technician}),
    "GET /queue": example(lambda d: {"today": "2026-03-03", "rmas": [
        _queue_entry(d, d.number2, d.serial2, "approved", True, True, d.technician),
        _queue_entry(d, d.number, d.serial, "in_repair", False, False, d.technician)]}),
    "GET /parts": example(lambda d: {"parts": [_part(d)]}),
    "POST /parts": example(lambda d: _part(d, stock=1), lambda d: {
        "part_number": d.part, "name_zh": d.part_name, "name_en": d.part_name_en,
        "cost_price": "85.00", "stock": 1, "models": ["X200"]}),
    "POST /parts/<part_number>/stock": example(_part, lambda d: {"quantity": 5}),
    "POST /rmas/<number>/parts": example(lambda d: {
        "used": True, "shortage": 0, "rma": _with_part(d)},
        lambda d: {"part_number": d.part, "quantity": 1}),
}
