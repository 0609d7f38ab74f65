"""Bench API: findings, inspection, overrides, actions, technicians, the queue, parts."""
from __future__ import annotations

from depot.domain.roles import may
from depot.domain.workflow import ACTION_PERMISSIONS, Action, parse_action
from depot.errors import PermissionDeniedError
from depot.extensions import db
from depot.i18n import reason_text
from depot.labels.findings import render_finding_sheet
from depot.services import exchange, findings, inspection, parts, repair
from depot.web import serialize
from depot.web.api.registry import Area, roles_holding
from depot.web.api.shapes import rma_json
from depot.web.auth import current_actor
from depot.web.common import lang, now, origin, pdf_response, settings, today, tz
from depot.web.errors import created, created_or_found
from depot.web.schemas import bodies

area = Area("bench")
bp = area.bp


@area.get("/findings", "The finding catalogue", permissions=("rmas.read",))
def get_findings():
    return {"findings": [serialize.finding(f) for f in findings.catalogue(db.session).values()]}


@area.post("/findings", "Add a finding code", permissions=("admin",), body=bodies.FindingIn,
           answers=("created",))
def post_finding(body: bodies.FindingIn):
    finding = findings.create_finding(db.session, body.code, body.damage_class, body.label_zh,
                                      body.label_en, body.label_zh_tw)
    return created(serialize.finding(finding))


@area.patch("/findings/<code>", "Relabel or retire a finding code", permissions=("admin",),
            body=bodies.FindingPatch, description="Blank labels stay as they are.")
def patch_finding(code: str, body: bodies.FindingPatch):
    finding = findings.update_finding(
        db.session, code, label_zh=body.label_zh or None, label_en=body.label_en or None,
        label_zh_tw=body.label_zh_tw or None, retired=body.retired)
    return serialize.finding(finding)


@area.get("/findings/sheet.pdf", "The finding codes as a printable sheet of barcodes",
          permissions=("rmas.read",), produces="application/pdf")
def get_finding_sheet():
    active = [f for f in findings.catalogue(db.session).values() if not f.retired]
    return pdf_response(render_finding_sheet(active), "findings.pdf")


@area.post("/rmas/<number>/inspection", "Record the inspection: findings and notes",
           permissions=("inspection",), body=bodies.InspectionIn)
def post_inspection(number: str, body: bodies.InspectionIn):
    result = inspection.record_inspection(db.session, number, body.findings, body.notes,
                                          actor=current_actor(), now=now(), tz=tz(),
                                          origin=origin(), doa_days=settings().doa_days)
    return {"damage_class": result.damage_class.value, "covered": result.covered,
            "reasons": [reason_text(r, lang()) for r in result.reasons], "rma": rma_json(result.rma)}


@area.post("/rmas/<number>/override", "Override warranty or coverage, with a reason",
           permissions=("overrides",), body=bodies.OverrideIn)
def post_override(number: str, body: bodies.OverrideIn):
    rma = inspection.override(db.session, number, reason=body.reason, warranty=body.warranty,
                              covered=body.covered, actor=current_actor(), now=now(),
                              origin=origin())
    return rma_json(rma)


@area.post("/rmas/<number>/actions", "Move the RMA along its workflow",
           permissions=("actions.bench", "actions.close", "actions.cancel"),
           body=bodies.ActionIn,
           description="Who may take each action: " + "; ".join(
               f"{a.value}: {', '.join(roles_holding(p))}" for a, p in ACTION_PERMISSIONS.items())
           + ". An action the current status does not allow is a conflict, naming those it "
             "does. With DEPOT_QA_BY_OTHER on, the user who finished the repair may not "
             "pass_qa it (409 qa_by_other). exchange (换货) sends `replacement_serial` back "
             "instead of the unit (from inspected, approved, in_repair, awaiting_parts to "
             "ready_to_ship): covered, or the quote approved (409 quote_required); the "
             "replacement is registered now if unknown, of `replacement_model` or the "
             "original's model, and takes over the customer; one of another customer, under "
             "repair or already promised is 409, the original's own serial 422.")
def post_action(number: str, body: bodies.ActionIn):
    action = parse_action(body.action)
    actor = current_actor()
    needed = ACTION_PERMISSIONS.get(action)
    if needed and not may(actor.role, needed):
        raise PermissionDeniedError("a %(role)s may not %(action)s", code="forbidden",
                                    role=actor.role, action=action.value)
    if action is Action.EXCHANGE:
        rma = exchange.exchange_unit(db.session, number, body.replacement_serial,
                                     reason=body.reason,
                                     replacement_model=body.replacement_model or None,
                                     actor=actor, now=now(), tz=tz(), origin=origin(),
                                     pay_before=settings().pay_before, settings=settings())
        return rma_json(rma)
    rma = repair.apply_action(db.session, number, action, reason=body.reason, actor=actor,
                              now=now(), tz=tz(), origin=origin(),
                              pay_before=settings().pay_before,
                              qa_by_other=settings().qa_by_other, settings=settings())
    return rma_json(rma)


@area.post("/rmas/<number>/assign", "Assign the RMA to a technician (blank: unassign)",
           permissions=("actions.bench", "overrides"), body=bodies.AssignIn)
def post_assign(number: str, body: bodies.AssignIn):
    rma = repair.assign(db.session, number, body.technician or None, actor=current_actor(),
                        now=now(), origin=origin())
    return rma_json(rma)


@area.get("/queue", "The bench queue: key accounts first, then due date",
          permissions=("actions.bench",), query=bodies.QueueQuery)
def get_queue(query: bodies.QueueQuery):
    entries = repair.bench_queue(db.session, today(), technician=query.technician or None)
    return {"today": today().isoformat(), "rmas": [
        {**serialize.rma_brief(e.rma), "serial": e.rma.unit.serial, "model": e.rma.unit.model.code,
         "customer": e.rma.unit.customer.name if e.rma.unit.customer else None,
         "key_account": e.key_account, "overdue": e.overdue, "due_today": e.due_today,
         "technician": e.rma.technician.username if e.rma.technician else None}
        for e in entries]}


@area.get("/parts", "Spare parts (those fitting `model`, if given)",
          permissions=("rmas.read",), query=bodies.PartsQuery)
def get_parts(query: bodies.PartsQuery):
    return {"parts": [serialize.part(p) for p in
                      parts.list_parts(db.session, query.model or None)]}


@area.post("/parts", "Add a spare part", permissions=("admin",), body=bodies.PartIn,
           answers=("created",))
def post_part(body: bodies.PartIn):
    part = parts.create_part(db.session, body.part_number, body.name_zh, body.cost_price,
                             name_en=body.name_en, stock=body.stock, model_codes=body.models,
                             now=now())
    return created(serialize.part(part))


@area.post("/parts/<part_number>/stock", "Receive stock of a part",
           permissions=("admin", "overrides"), body=bodies.StockIn)
def post_stock(part_number: str, body: bodies.StockIn):
    return serialize.part(parts.receive_stock(db.session, part_number, body.quantity))


@area.post("/rmas/<number>/parts", "Use a part on the RMA (not enough: awaiting parts)",
           permissions=("actions.bench",), body=bodies.PartUseIn, answers=("created", "ok"))
def post_part_use(number: str, body: bodies.PartUseIn):
    result = parts.use_part(db.session, number, body.part_number, body.quantity,
                            actor=current_actor(), now=now(), tz=tz(), origin=origin())
    return created_or_found({"used": result.use is not None, "shortage": result.shortage,
                             "rma": rma_json(result.rma)}, result.use is not None)
