"""Examples of intake: product models, units, the CSV import and its job, scans, RMAs, photos,
the RMA list, the customer's status lookup and the OpenAPI document itself."""
from __future__ import annotations

from typing import Any

from depot.web.api.examples.common import (
    Depot,
    brief,
    example,
    inspected,
    photo,
    rma,
    unit,
)


def _model(d: Depot, **changes: Any) -> dict[str, Any]:
    return {"code": "X200", "name": d.model_name, "warranty_months": 12,
            "serial_pattern": r"^SN-[A-Z0-9]{4}-\d{7}$", "retired": False, **changes}


def _rma_in(d: Depot) -> dict[str, Any]:
    return {"serial": d.serial, "fault_description": d.fault,
            "accessories": ["power_adapter"], "reported_on": "2026-03-01"}


def _unit_in(d: Depot) -> dict[str, Any]:
    return {"serial": d.serial, "model": "X200", "purchase_date": "2025-09-18",
            "customer": {"name": d.customer, "phone": d.phone, "email": d.email,
                         "address": d.address, "language": d.lang}}


def _csv(d: Depot) -> str:
    """The CSV body of an import (text/csv): a header line, then one unit a line."""
    rows = [(d.serial2, "X200", "2025-11-03", d.customer, d.phone, d.email, d.address),
            (d.serial3, "X200", "2025-08-21", d.texts["import_name"],
             "13900001111" if d.lang == "zh_CN" else "0933210456", "",
             d.texts["import_address"]),
            (d.replacement, "X200", "", "", "", "", ""),
            (d.serial[:-4] + "9001", "X300", "2026-01-09", "", "", "", "")]
    return "serial,model,purchase_date,customer_name,customer_phone,customer_email," \
        "customer_address\n" + "".join(",".join(row) + "\n" for row in rows)


def _listed(d: Depot) -> dict[str, Any]:
    return {"number": d.number, "serial": d.serial, "model": "X200", "status": "inspected",
            "customer_name": d.customer, "received_on": "2026-03-02", "due_on": "2026-03-09",
            "overdue": False, "due_today": False, "technician": d.technician,
            "key_account": False}


def _job(d: Depot) -> dict[str, Any]:
    return {"job": "b7LGZWxPeLr_EYbDAdb2ew", "kind": "import_units", "status": "done",
            "done": 12480, "total": 12480, "created_at": "2026-03-02T01:02:11.480211+00:00",
            "started_at": "2026-03-02T01:02:12.003114+00:00",
            "finished_at": "2026-03-02T01:03:40.771905+00:00", "created": 12471,
            "updated": 8, "errors": [{
                "line": 318, "code": "model_not_found",
                "message": ("没有代码为 X300 的产品型号" if d.lang == "zh_CN"
                            else "沒有代碼為 X300 的產品型號"),
                "details": {"model": "X300"}}], "error_count": 1}


def _status(d: Depot) -> dict[str, Any]:
    return {"number": d.number, "status": "shipped", "received_on": "2026-03-02",
            "due_on": "2026-03-09", "expected_back_on": "2026-03-07", "carrier": d.carrier,
            "tracking_number": d.tracking, "tracking_url": d.tracking_url,
            "shipped_on": "2026-03-05", "quote_url": None,
            "status_text": d.texts["status_shipped"]}


def _with_photos(d: Depot) -> dict[str, Any]:
    return rma(d, photos=[photo(1201, "front.jpg"), photo(1202, "back.jpg")])


EXAMPLES: dict[str, dict[str, dict[str, Any]]] = {
    "POST /models": example(_model, lambda d: {
        "code": "X200", "name": d.model_name, "warranty_months": 12,
        "serial_pattern": r"^SN-[A-Z0-9]{4}-\d{7}$"}),
    "GET /models": example(lambda d: {"models": [
        _model(d), _model(d, code="X100", name=d.model_name.replace("X200", "X100"),
                          warranty_months=6, serial_pattern=None, retired=True)]}),
    "PATCH /models/<model>": example(lambda d: _model(d, warranty_months=18),
                                     lambda d: {"warranty_months": 18}),
    "POST /units": example(lambda d: {**unit(d), "similar_serials": [], "warnings": []},
                           _unit_in),
    "POST /units/import": example(lambda d: {
        "created": 3, "updated": 1, "errors": [{
            "line": 5, "code": "model_not_found",
            "message": ("没有代码为 X300 的产品型号" if d.lang == "zh_CN"
                        else "沒有代碼為 X300 的產品型號"),
            "details": {"model": "X300"}}],
        "error_count": 1}, _csv),
    "GET /jobs/<job_id>": example(_job),
    "GET /units/<path:serial>": example(lambda d: unit(d, rmas=[
        brief(d.number, "inspected")])),
    "POST /scans": example(lambda d: {
        "codes": [{"text": d.serial, "symbology": "text"}], "matched": d.serial,
        "unit": unit(d, rmas=[brief(d.number, "received")]), "rma": rma(d)},
        lambda d: {"text": d.texts["scan"]}),
    "POST /rmas": example(rma, _rma_in),
    "GET /rmas/<number>": example(lambda d: inspected(d, technician=d.technician)),
    "POST /rmas/<number>/photos": example(_with_photos, lambda d: {"kind": "intake"}),
    "GET /rmas": example(lambda d: {"rmas": [_listed(d)],
                                    "next_cursor": "eyJyIjoiMjAyNi0wMy0wMiIsIm4iOiJSTUEt"
                                                   "MjAyNi0wMDAxMjMifQ.kF3x9Q"}),
    "POST /public/status": example(_status, lambda d: {"number": d.number,
                                                       "phone_last4": d.phone[-4:]}),
    "GET /openapi.json": example(lambda d: {
        "openapi": "3.1.0", "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {"title": "Depot API", "version": "1.1"}, "paths": {}, "webhooks": {},
        "components": {}, "security": [{"bearer": []}]}),
}
