"""Shipping API: labels (one or a batch, PDF or ZPL, or straight to a printer), the shipment."""
from __future__ import annotations

from depot.extensions import db
from depot.services import printing, shipping
from depot.services.workflow import balance
from depot.web import serialize
from depot.web.api.registry import Area
from depot.web.api.shapes import rma_json
from depot.web.auth import current_actor
from depot.web.common import now, origin, pdf_response, settings, zpl_response
from depot.web.errors import created
from depot.web.schemas import bodies

area = Area("shipping")
bp = area.bp
PDF, ZPL = "application/pdf", "application/x-zpl"


@area.get("/rmas/<number>/label.pdf", "The return shipping label as PDF",
          permissions=("labels",), query=bodies.LabelQuery, produces=PDF)
def get_labelpdf_response(number: str, query: bodies.LabelQuery):
    pdf = printing.labels_pdf(db.session, [number], settings(), query.size or None)
    return pdf_response(pdf, f"{number}-label.pdf")


@area.get("/rmas/<number>/label.zpl", "The return shipping label as ZPL",
          permissions=("labels",), query=bodies.LabelQuery, produces=ZPL)
def get_labelzpl_response(number: str, query: bodies.LabelQuery):
    zpl = printing.labels_zpl(db.session, [number], settings(), query.size or None)
    return zpl_response(zpl, f"{number}-label.zpl")


@area.get("/labels.pdf", "Labels of several RMAs, one PDF", permissions=("labels",),
          query=bodies.LabelsQuery, produces=PDF)
def get_labels_pdf(query: bodies.LabelsQuery):
    return pdf_response(printing.labels_pdf(db.session, query.rmas, settings(),
                                            query.size or None), "labels.pdf")


@area.get("/labels.zpl", "Labels of several RMAs, one ZPL job", permissions=("labels",),
          query=bodies.LabelsQuery, produces=ZPL)
def get_labels_zpl(query: bodies.LabelsQuery):
    return zpl_response(printing.labels_zpl(db.session, query.rmas, settings(),
                                            query.size or None), "labels.zpl")


@area.post("/labels/print", "Send labels to a network printer", permissions=("labels",),
           body=bodies.PrintIn)
def post_labels_print(body: bodies.PrintIn):
    printer, sent = printing.print_labels(db.session, body.rmas, body.printer, settings())
    return {"printer": printer.name, "bytes": sent, "labels": len(body.rmas)}


@area.get("/printers", "The label printers", permissions=("labels",))
def get_printers():
    return {"printers": [_printer(p) for p in printing.list_printers(db.session)]}


@area.post("/printers", "Add a label printer", permissions=("admin",), body=bodies.PrinterIn,
           answers=("created",))
def post_printer(body: bodies.PrinterIn):
    printer = printing.add_printer(db.session, body.name, body.host, body.port,
                                   body.label_size or "4x6")
    return created(_printer(printer))


def _printer(p) -> dict:
    return {"name": p.name, "host": p.host, "port": p.port, "label_size": p.label_size}


@area.get("/shipping/queue", "RMAs ready to ship, with freight and what is still owed",
          permissions=("shipment",))
def get_shipping_queue():
    return {"rmas": [
        {**serialize.rma_brief(r), "serial": r.unit.serial, "model": r.unit.model.code,
         "customer": r.unit.customer.name if r.unit.customer else None,
         "accessories": list(r.accessories or []), "covered": r.covered,
         "freight": shipping.freight_of(r, settings()),
         "outstanding": serialize.money(balance(r).outstanding)}
        for r in shipping.ready_to_ship(db.session)]}


@area.post("/rmas/<number>/shipment", "Ship the unit: the box is checked against the RMA",
           permissions=("shipment",), body=bodies.ShipmentIn,
           description="`scanned` must hold the unit's serial; every accessory received is "
                       "packed or listed in `missing` with a reason. The RMA becomes shipped.")
def post_shipment(number: str, body: bodies.ShipmentIn):
    rma = shipping.ship(
        db.session, number, carrier=body.carrier, tracking_number=body.tracking_number,
        scanned=body.scanned, packed=body.accessories,
        missing=[shipping.Missing(m.code, m.reason) for m in body.missing],
        settings=settings(), actor=current_actor(), now=now(), origin=origin())
    answer = rma_json(rma)
    return answer
