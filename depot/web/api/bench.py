"""Bench API: findings, inspection, overrides, actions, technicians, the queue, parts."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from depot.domain.roles import may
from depot.domain.workflow import ACTION_PERMISSIONS, parse_action
from depot.errors import PermissionDeniedError
from depot.extensions import db
from depot.i18n import reason_text
from depot.labels.findings import render_finding_sheet
from depot.services import findings, inspection, parts, repair
from depot.web import schemas, serialize
from depot.web.api.shapes import rma_json
from depot.web.auth import current_actor, requires
from depot.web.common import json_body, lang, now, pdf_response, today, tz

bp = Blueprint("bench", __name__)


@bp.get("/findings")
@requires("rmas.read")
def get_findings():
    return jsonify({"findings": [serialize.finding(f) for f in
                                 findings.catalogue(db.session).values()]})


@bp.post("/findings")
@requires("admin")
def post_finding():
    data = schemas.body_object(json_body())
    finding = findings.create_finding(
        db.session, schemas.text(data, "code", max_len=50),
        schemas.text(data, "damage_class", max_len=20),
        schemas.text(data, "label_zh", max_len=200), schemas.text(data, "label_en", max_len=200),
        schemas.text(data, "label_zh_tw", required=False, max_len=200))
    return jsonify(serialize.finding(finding)), 201


@bp.patch("/findings/<code>")
@requires("admin")
def patch_finding(code: str):
    data = schemas.body_object(json_body())
    finding = findings.update_finding(
        db.session, code, label_zh=schemas.text(data, "label_zh", required=False) or None,
        label_en=schemas.text(data, "label_en", required=False) or None,
        label_zh_tw=schemas.text(data, "label_zh_tw", required=False) or None,
        retired=schemas.optional_bool(data, "retired"))
    return jsonify(serialize.finding(finding))


@bp.get("/findings/sheet.pdf")
@requires("rmas.read")
def get_finding_sheet():
    active = [f for f in findings.catalogue(db.session).values() if not f.retired]
    return pdf_response(render_finding_sheet(active), "findings.pdf")


@bp.post("/rmas/<number>/inspection")
@requires("inspection")
def post_inspection(number: str):
    data = schemas.body_object(json_body())
    result = inspection.record_inspection(
        db.session, number, schemas.code_list(data, "findings"),
        schemas.text(data, "notes", required=False, max_len=4000),
        actor=current_actor(), now=now(), tz=tz())
    return jsonify({"damage_class": result.damage_class.value, "covered": result.covered,
                    "reasons": [reason_text(r, lang()) for r in result.reasons],
                    "rma": rma_json(result.rma)})


@bp.post("/rmas/<number>/override")
@requires("overrides")
def post_override(number: str):
    data = schemas.body_object(json_body())
    rma = inspection.override(
        db.session, number, reason=schemas.text(data, "reason", max_len=1000),
        warranty=schemas.text(data, "warranty", required=False) or None,
        covered=schemas.optional_bool(data, "covered"), actor=current_actor(), now=now())
    return jsonify(rma_json(rma))


@bp.post("/rmas/<number>/actions")
@requires("actions.bench", "actions.close", "actions.cancel")
def post_action(number: str):
    data = schemas.body_object(json_body())
    action = parse_action(data.get("action"))
    actor = current_actor()
    needed = ACTION_PERMISSIONS.get(action)
    if needed and not may(actor.role, needed):
        raise PermissionDeniedError(f"a {actor.role} may not {action.value}", code="forbidden",
                                    role=actor.role, action=action.value)
    rma = repair.apply_action(db.session, number, action,
                              reason=schemas.text(data, "reason", required=False, max_len=1000),
                              actor=actor, now=now(), tz=tz())
    return jsonify(rma_json(rma))


@bp.post("/rmas/<number>/assign")
@requires("actions.bench", "overrides")
def post_assign(number: str):
    data = schemas.body_object(json_body())
    rma = repair.assign(db.session, number,
                        schemas.text(data, "technician", required=False, max_len=80) or None,
                        actor=current_actor(), now=now())
    return jsonify(rma_json(rma))


@bp.get("/queue")
@requires("actions.bench")
def get_queue():
    entries = repair.bench_queue(db.session, today(),
                                 technician=request.args.get("technician") or None)
    return jsonify({"today": today().isoformat(), "rmas": [
        {**serialize.rma_brief(e.rma), "serial": e.rma.unit.serial, "model": e.rma.unit.model.code,
         "customer": e.rma.unit.customer.name if e.rma.unit.customer else None,
         "key_account": e.key_account, "overdue": e.overdue, "due_today": e.due_today,
         "technician": e.rma.technician.username if e.rma.technician else None}
        for e in entries]})


@bp.get("/parts")
@requires("rmas.read")
def get_parts():
    return jsonify({"parts": [serialize.part(p) for p in
                              parts.list_parts(db.session, request.args.get("model"))]})


@bp.post("/parts")
@requires("admin")
def post_part():
    data = schemas.body_object(json_body())
    part = parts.create_part(
        db.session, schemas.text(data, "part_number", max_len=80),
        schemas.text(data, "name_zh", max_len=200), schemas.money(data, "cost_price"),
        name_en=schemas.text(data, "name_en", required=False, max_len=200),
        stock=schemas.integer(data, "stock", minimum=0, maximum=1_000_000, default=0),
        model_codes=schemas.code_list(data, "models"), now=now())
    return jsonify(serialize.part(part)), 201


@bp.post("/parts/<part_number>/stock")
@requires("admin", "overrides")
def post_stock(part_number: str):
    data = schemas.body_object(json_body())
    part = parts.receive_stock(db.session, part_number,
                               schemas.integer(data, "quantity", minimum=1, maximum=1_000_000))
    return jsonify(serialize.part(part))


@bp.post("/rmas/<number>/parts")
@requires("actions.bench")
def post_part_use(number: str):
    data = schemas.body_object(json_body())
    result = parts.use_part(db.session, number, schemas.text(data, "part_number", max_len=80),
                            schemas.integer(data, "quantity", minimum=1, maximum=1000, default=1),
                            actor=current_actor(), now=now(), tz=tz())
    body = {"used": result.use is not None, "shortage": result.shortage,
            "rma": rma_json(result.rma)}
    return jsonify(body), 201 if result.use is not None else 200
