"""Intake API: product models, units, CSV import, scans, RMAs, intake photos and documents."""
from __future__ import annotations

from flask import current_app, request, url_for

from depot.domain.roles import may
from depot.errors import InvalidInputError, PermissionDeniedError
from depot.extensions import db
from depot.i18n import translate
from depot.models import Job
from depot.scanning import codes_from_text, decode_image
from depot.services import (
    attachments,
    catalog,
    customer_status,
    documents,
    intake,
    requests,
    scans,
    unit_import,
    units,
)
from depot.services.common import get_rma, get_unit
from depot.services.units import CustomerInput
from depot.web import serialize
from depot.web.api.jobs import import_report_json
from depot.web.api.registry import JSON, MULTIPART, Area
from depot.web.api.shapes import rma_json, unit_json
from depot.web.auth import current_actor
from depot.web.common import (
    attachment_response,
    lang,
    now,
    origin,
    pdf_response,
    settings,
    tz,
)
from depot.web.errors import accepted, created, created_or_found
from depot.web.schemas import bodies, fields, file_name

area = Area("intake")
bp = area.bp
PDF = "application/pdf"


@area.post("/models", "Register a product model", permissions=("models",),
           body=bodies.ModelIn, answers=("created",))
def post_model(body: bodies.ModelIn):
    model = catalog.create_model(db.session, body.code, body.name, body.warranty_months,
                                 serial_pattern=body.serial_pattern or None, now=now())
    return created(serialize.model(model))


@area.get("/models", "List the product models", permissions=("units", "rmas.read"),
          description="Retired models too (`retired` true): their units keep them.")
def get_models():
    return {"models": [serialize.model(m) for m in catalog.list_models(db.session)]}


@area.patch("/models/<model>", "Edit or retire a product model", permissions=("models",),
            body=bodies.ModelPatch,
            description="Only the fields given change; the code never does. A blank name is "
                        "refused; a serial pattern is checked before it is saved (a slow one "
                        "is refused). A retired model is no longer offered when a unit is "
                        "registered at intake; the units that have it keep it.")
def patch_model(model: str, body: bodies.ModelPatch):
    changed = catalog.update_model(db.session, model, name=body.name,
                                   warranty_months=body.warranty_months,
                                   serial_pattern=body.serial_pattern, retired=body.retired)
    return serialize.model(changed)


@area.post("/units", "Register a unit and its customer", permissions=("units",),
           body=bodies.UnitIn, answers=("created",),
           description="The serial is compared in any case, surrounding whitespace ignored: "
                       "the same serial is 409 `unit_exists`, one that differs only in case "
                       "409 `duplicate_serial`. The answer's `similar_serials` lists registered "
                       "serials that differ only in characters easily misread for one another "
                       "(O and 0, I, l and 1), with a sentence for each in `warnings`.")
def post_unit(body: bodies.UnitIn):
    customer = CustomerInput(**body.customer.model_dump()) if body.customer else None
    unit = units.register_unit(db.session, body.serial, body.model, body.purchase_date,
                               customer, extended_months=body.extended_months, now=now())
    similar = units.similar_serials(db.session, unit)
    return created({**unit_json(unit), "similar_serials": similar, "warnings": [
        translate(lang(), units.LOOKS_LIKE, serial=unit.serial, similar=other)
        for other in similar]})


@area.post("/units/import", "Import units from CSV", permissions=("import",),
           content=("text/csv", MULTIPART), files=("file",), answers=("ok", "accepted"),
           upload_limit="DEPOT_MAX_IMPORT_BYTES",
           description="The CSV as the body (text/csv) or as the form field `file`; header "
                       "serial,model,purchase_date,customer_name,customer_phone,customer_email,"
                       "customer_address. Good rows land, bad rows are reported by line. A file "
                       "of up to DEPOT_IMPORT_SYNC_ROWS (10,000) data rows answers 200 with the "
                       "report {created, updated, errors: [{line, code, message, details}], "
                       "error_count}; a bigger one answers 202 {job, status_url, status, done, "
                       "total}: GET the status_url until its status is done (or failed).")
def post_units_import():
    def upload():
        if request.mimetype != MULTIPART:
            return request.stream  # read as it arrives, never whole into memory
        if not request.files.get("file"):
            raise InvalidInputError("send the CSV as the body (text/csv) or as the form field "
                                    "'file'", code="empty_file")
        return request.files["file"].stream

    config = current_app.config
    result = unit_import.import_or_queue(
        db.session, upload, sync_rows=config["DEPOT_IMPORT_SYNC_ROWS"], actor=current_actor(),
        now=now(), tz=tz(),
        options=unit_import.ImportOptions(chunk_rows=config["DEPOT_IMPORT_CHUNK_ROWS"]))
    if isinstance(result, Job):
        url = url_for("api.jobs.get_job_view", job_id=result.id, _external=True)
        return accepted({"job": result.id, "status_url": url, "status": result.status,
                         "done": result.done, "total": result.total}, location=url)
    return import_report_json(result)


@area.get("/units/<path:serial>", "A unit, its warranty as of today and its RMAs",
          permissions=("units", "rmas.read"))
def get_unit_view(serial: str):
    return unit_json(get_unit(db.session, serial))


@area.post("/scans", "Resolve a scan (wedge text or a photo) to a unit and RMA",
           permissions=("scans",), body=bodies.ScanIn, content=(JSON, MULTIPART),
           files=("image",))
def post_scan(body: bodies.ScanIn):
    image = request.files.get("image")
    if image is not None:
        codes = decode_image(
            image.read(), max_bytes=current_app.config["DEPOT_MAX_IMAGE_BYTES"],
            max_pixels=current_app.config["DEPOT_MAX_IMAGE_PIXELS"])
    elif body.text:
        codes = codes_from_text(body.text)
    else:
        raise InvalidInputError(fields.REQUIRED, code="missing_field", field="text")
    result = scans.resolve_codes(db.session, codes)
    return {
        "codes": [{"text": c.text, "symbology": c.symbology} for c in result.codes],
        "matched": result.matched.text if result.matched else None,
        "unit": unit_json(result.unit) if result.unit else None,
        "rma": rma_json(result.rma) if result.rma else None,
    }


@area.post("/rmas", "Receive a unit: open its RMA", permissions=("rmas.create",),
           body=bodies.RmaIn, headers=bodies.RmaHeaders, answers=("created", "ok"),
           content=(JSON, MULTIPART), files=("photo",),
           description="A repeated Idempotency-Key answers with the first RMA (not created "
                       "again: the `ok` status) and creates nothing. As multipart/form-data "
                       "(accessories comma-separated) the intake photos come with it in the "
                       "file field `photo` (repeatable): the RMA and its photos are stored "
                       "together or not at all, so a photo that cannot be read refuses the "
                       "whole request (422) and leaves no RMA behind. `carton` puts the RMA "
                       "in that carton (POST /cartons); an unknown carton is 404 "
                       "carton_not_found (details: field carton) and nothing is created.")
def post_rma(body: bodies.RmaIn, headers: bodies.RmaHeaders):
    uploads = request.files.getlist("photo") if request.mimetype == MULTIPART else []
    photos = intake.prepare_photos(
        [(file_name(f, "photo", "photo"), f.read()) for f in uploads],
        max_bytes=current_app.config["DEPOT_MAX_IMAGE_BYTES"],
        max_pixels=current_app.config["DEPOT_MAX_IMAGE_PIXELS"]) if uploads else []
    rma, is_new = intake.receive_unit(
        db.session, body.serial, body.fault_description, body.accessories,
        reported_on=body.reported_on, idempotency_key=headers.idempotency_key or None,
        photos=photos, actor=current_actor(), now=now(), tz=tz(), origin=origin(),
        settings=settings(), carton=body.carton)
    return created_or_found(rma_json(rma), is_new)


@area.get("/rmas/<number>", "An RMA with its warranty, damage class and events",
          permissions=("rmas.read",))
def get_rma_view(number: str):
    return rma_json(get_rma(db.session, number))


@area.post("/rmas/<number>/photos", "Add intake or evidence photos",
           permissions=("rmas.create", "inspection"), body=bodies.PhotosForm,
           content=(MULTIPART,), files=("photo",), answers=("created",),
           description="`kind` intake needs a clerk's permission, evidence a technician's.")
def post_rma_photos(number: str, body: bodies.PhotosForm):
    kind = {"intake": "intake_photo", "evidence": "evidence_photo"}[body.kind]
    needed = "rmas.create" if kind == "intake_photo" else "inspection"
    if not may(current_actor().role, needed):
        raise PermissionDeniedError("a %(role)s may not add these photos", code="forbidden",
                                    role=current_actor().role)
    files = request.files.getlist("photo") or request.files.getlist("photos")
    if not files:
        raise InvalidInputError("send one or more images in the form field 'photo'",
                                code="missing_field", field="photo")
    rma = intake.add_photos(
        db.session, number, [(file_name(f, "photo", "photo"), f.read()) for f in files],
        kind=kind,
        max_bytes=current_app.config["DEPOT_MAX_IMAGE_BYTES"],
        max_pixels=current_app.config["DEPOT_MAX_IMAGE_PIXELS"], actor=current_actor(),
        now=now())
    return created(rma_json(rma))


@area.get("/rmas/<number>/tag.pdf", "The intake tag", permissions=("rmas.read",),
          produces=PDF)
def get_tag(number: str):
    pdf = documents.intake_tag(db.session, number)
    return pdf_response(pdf, f"{number}-tag.pdf")


@area.get("/rmas/<number>/receipt.pdf", "The customer's receipt", permissions=("rmas.read",),
          produces=PDF)
def get_receipt(number: str):
    config = settings()
    pdf = documents.receipt(db.session, number, depot=config.depot, lang=lang(),
                            status_url=customer_status.status_url(config, number.strip().upper()))
    return pdf_response(pdf, f"{number}-receipt.pdf")


@area.get("/rmas/<number>/slip.pdf", "The packing slip of a request", permissions=("rmas.read",),
          produces=PDF, description="The slip the customer was mailed with a request before "
                                    "shipping (any RMA has one: its number as Code128 and QR).")
def get_slip(number: str):
    pdf = requests.slip_pdf(db.session, number, settings(), lang=lang())
    return pdf_response(pdf, f"{number}-slip.pdf")


@area.get("/attachments/<int:attachment_id>", "A stored photo or document",
          permissions=("rmas.read",), produces="application/octet-stream")
def get_attachment(attachment_id: int):
    item = attachments.get_attachment(db.session, attachment_id)
    return attachment_response(item.data, item.content_type, item.filename)
