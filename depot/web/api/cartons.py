"""Cartons API (整箱收货): open a carton, read it with its RMAs, its one receipt for the box."""
from __future__ import annotations

from depot.extensions import db
from depot.services import cartons, documents
from depot.services.units import CustomerInput
from depot.web import serialize
from depot.web.api.registry import Area
from depot.web.auth import current_actor
from depot.web.common import lang, now, pdf_response, settings, today, tz
from depot.web.errors import created
from depot.web.schemas.cartons import CartonIn

area = Area("cartons")
bp = area.bp
PDF = "application/pdf"


@area.post("/cartons", "Open a carton: one box, many units", permissions=("cartons",),
           body=CartonIn, answers=("created",),
           description="Answers 201 {number: CTN-YYYY-NNNNNN (gap-free per year), carrier, "
                       "tracking_number, customer, created_by, created_at, unit_count: 0, "
                       "rmas: []}. Each unit in the box is then received with POST /rmas and "
                       "`carton`: the number. A waybill already opened as a carton is 409 "
                       "carton_exists (details: carton, that carton's number).")
def post_carton(body: CartonIn):
    c = body.customer
    customer = CustomerInput(**c.model_dump()) if c and c.name else None
    carton = cartons.open_carton(db.session, carrier=body.carrier,
                                 tracking_number=body.tracking_number, customer=customer,
                                 actor=current_actor(), now=now(), tz=tz())
    return created(serialize.carton(carton, today()))


@area.get("/cartons/<number>", "A carton with its RMAs", permissions=("cartons",),
          description="rmas: [{number, serial, model, model_name, status, customer_name, "
                      "received_on, due_on, overdue, fault_description, accessories, "
                      "warranty_status}], in the order they were received.")
def get_carton(number: str):
    return serialize.carton(cartons.get_carton(db.session, number), today())


@area.get("/cartons/<number>/receipt.pdf", "The customer's receipt for the whole carton",
          permissions=("cartons",), produces=PDF,
          description="One receipt (A4, bilingual in the caller's language and English or "
                      "Chinese) listing every unit of the carton: RMA number, serial, model, "
                      "fault, accessories and warranty in words; as many pages as it needs.")
def get_carton_receipt(number: str):
    pdf = documents.carton_receipt(db.session, number, depot=settings().depot, lang=lang(),
                                   tz=tz())
    return pdf_response(pdf, f"{number.strip().upper()}-receipt.pdf")
