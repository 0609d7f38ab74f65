"""Shipping API: labels (one or a batch, PDF or ZPL, or straight to a printer), the shipment."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from depot.errors import InvalidInputError
from depot.extensions import db
from depot.services import printing, shipping
from depot.services.workflow import balance
from depot.web import schemas, serialize
from depot.web.api.shapes import rma_json
from depot.web.auth import current_actor, requires
from depot.web.common import json_body, now, pdf_response, settings, zpl_response

bp = Blueprint("shipping", __name__)


def _numbers() -> list[str]:
    raw = request.args.get("rmas", "")
    return [n.strip() for n in raw.split(",") if n.strip()]


@bp.get("/rmas/<number>/label.pdf")
@requires("labels")
def get_labelpdf_response(number: str):
    pdf = printing.labels_pdf(db.session, [number], settings(), request.args.get("size"))
    return pdf_response(pdf, f"{number}-label.pdf")


@bp.get("/rmas/<number>/label.zpl")
@requires("labels")
def get_labelzpl_response(number: str):
    zpl = printing.labels_zpl(db.session, [number], settings(), request.args.get("size"))
    return zpl_response(zpl, f"{number}-label.zpl")


@bp.get("/labels.pdf")
@requires("labels")
def get_labels_pdf():
    return pdf_response(printing.labels_pdf(db.session, _numbers(), settings(),
                                    request.args.get("size")), "labels.pdf")


@bp.get("/labels.zpl")
@requires("labels")
def get_labels_zpl():
    return zpl_response(printing.labels_zpl(db.session, _numbers(), settings(),
                                    request.args.get("size")), "labels.zpl")


@bp.post("/labels/print")
@requires("labels")
def post_labels_print():
    data = schemas.body_object(json_body())
    printer, sent = printing.print_labels(db.session, schemas.code_list(data, "rmas"),
                                          schemas.text(data, "printer", max_len=80), settings())
    return jsonify({"printer": printer.name, "bytes": sent, "labels": len(data["rmas"])})


@bp.get("/printers")
@requires("labels")
def get_printers():
    return jsonify({"printers": [{"name": p.name, "host": p.host, "port": p.port,
                                  "label_size": p.label_size}
                                 for p in printing.list_printers(db.session)]})


@bp.post("/printers")
@requires("admin")
def post_printer():
    data = schemas.body_object(json_body())
    printer = printing.add_printer(
        db.session, schemas.text(data, "name", max_len=80), schemas.text(data, "host",
                                                                         max_len=253),
        schemas.integer(data, "port", minimum=1, maximum=65535, default=9100),
        schemas.text(data, "label_size", required=False, max_len=10) or "4x6")
    return jsonify({"name": printer.name, "host": printer.host, "port": printer.port,
                    "label_size": printer.label_size}), 201


@bp.get("/shipping/queue")
@requires("shipment")
def get_shipping_queue():
    return jsonify({"rmas": [
        {**serialize.rma_brief(r), "serial": r.unit.serial, "model": r.unit.model.code,
         "customer": r.unit.customer.name if r.unit.customer else None,
         "accessories": list(r.accessories or []), "covered": r.covered,
         "freight": shipping.freight_of(r, settings()),
         "outstanding": serialize.money(balance(r).outstanding)}
        for r in shipping.ready_to_ship(db.session)]})


@bp.post("/rmas/<number>/shipment")
@requires("shipment")
def post_shipment(number: str):
    data = schemas.body_object(json_body())
    missing_raw = data.get("missing") or []
    if not isinstance(missing_raw, list) or not all(isinstance(m, dict) for m in missing_raw):
        raise InvalidInputError("missing must be a list of {code, reason}", code="invalid_field",
                                field="missing")
    missing = [shipping.Missing(schemas.text(m, "code", max_len=30),
                                schemas.text(m, "reason", required=False, max_len=500))
               for m in missing_raw]
    rma = shipping.ship(
        db.session, number, carrier=schemas.text(data, "carrier", max_len=50),
        tracking_number=schemas.text(data, "tracking_number", max_len=60),
        scanned=schemas.code_list(data, "scanned"),
        packed=schemas.code_list(data, "accessories"), missing=missing, settings=settings(),
        actor=current_actor(), now=now())
    body = rma_json(rma)
    return jsonify(body)
