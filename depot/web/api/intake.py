"""Intake API: product models, units, CSV import, scans, RMAs, intake photos and documents."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from depot.domain.roles import may
from depot.errors import InvalidInputError, PermissionDeniedError
from depot.extensions import db
from depot.scanning import codes_from_text, decode_image
from depot.services import attachments, catalog, documents, intake, scans, units
from depot.services.common import get_rma, get_unit
from depot.web import schemas, serialize
from depot.web.api.shapes import rma_json, unit_json
from depot.web.auth import current_actor, requires
from depot.web.common import attachment_response, json_body, lang, now, pdf_response, settings, tz

bp = Blueprint("intake", __name__)


@bp.post("/models")
@requires("models")
def post_model():
    code, name, months = schemas.parse_model(json_body())
    model = catalog.create_model(db.session, code, name, months, now=now())
    return jsonify(serialize.model(model)), 201


@bp.get("/models")
@requires("units", "rmas.read")
def get_models():
    return jsonify({"models": [serialize.model(m) for m in catalog.list_models(db.session)]})


@bp.post("/units")
@requires("units")
def post_unit():
    fields = schemas.parse_unit(json_body())
    unit = units.register_unit(db.session, fields.pop("serial"), fields.pop("model_code"),
                               fields.pop("purchase_date"), fields.pop("customer"), now=now(),
                               **fields)
    return jsonify(unit_json(unit)), 201


@bp.post("/units/import")
@requires("import")
def post_units_import():
    if request.files.get("file"):
        data = request.files["file"].read()
    else:
        data = request.get_data()
    if not data:
        raise InvalidInputError("send the CSV as the body (text/csv) or as the form field 'file'",
                                code="empty_file")
    report = units.import_units(db.session, data, now=now())
    return jsonify({"created": report.created, "updated": report.updated,
                    "errors": report.errors})


@bp.get("/units/<path:serial>")
@requires("units", "rmas.read")
def get_unit_view(serial: str):
    return jsonify(unit_json(get_unit(db.session, serial)))


@bp.post("/scans")
@requires("scans")
def post_scan():
    image = request.files.get("image")
    if image is not None:
        codes = decode_image(
            image.read(), max_bytes=current_app.config["DEPOT_MAX_IMAGE_BYTES"],
            max_pixels=current_app.config["DEPOT_MAX_IMAGE_PIXELS"])
    else:
        body = schemas.body_object(json_body())
        codes = codes_from_text(schemas.text(body, "text", max_len=500))
    result = scans.resolve_codes(db.session, codes)
    return jsonify({
        "codes": [{"text": c.text, "symbology": c.symbology} for c in result.codes],
        "matched": result.matched.text if result.matched else None,
        "unit": unit_json(result.unit) if result.unit else None,
        "rma": rma_json(result.rma) if result.rma else None,
    })


@bp.post("/rmas")
@requires("rmas.create")
def post_rma():
    fields = schemas.parse_rma(json_body())
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key and len(key) > 200:
        raise InvalidInputError("Idempotency-Key is longer than 200 characters",
                                code="invalid_idempotency_key")
    rma, created = intake.receive_unit(
        db.session, fields["serial"], fields["fault_description"], fields["accessories"],
        reported_on=fields["reported_on"], idempotency_key=key, actor=current_actor(),
        now=now(), tz=tz())
    return jsonify(rma_json(rma)), 201 if created else 200


@bp.get("/rmas/<number>")
@requires("rmas.read")
def get_rma_view(number: str):
    return jsonify(rma_json(get_rma(db.session, number)))


@bp.post("/rmas/<number>/photos")
@requires("rmas.create", "inspection")
def post_rma_photos(number: str):
    """Form field `photo` (one or more); `kind` = intake (a clerk's) or evidence (a technician's)."""
    kind = {"intake": "intake_photo", "evidence": "evidence_photo"}.get(
        request.form.get("kind", "intake"), "")
    needed = "rmas.create" if kind == "intake_photo" else "inspection"
    if kind and not may(current_actor().role, needed):
        raise PermissionDeniedError(f"a {current_actor().role} may not add these photos",
                                    code="forbidden")
    files = request.files.getlist("photo") or request.files.getlist("photos")
    if not files:
        raise InvalidInputError("send one or more images in the form field 'photo'",
                                code="missing_field", field="photo")
    rma = intake.add_photos(
        db.session, number, [(f.filename or "photo", f.read()) for f in files], kind=kind,
        max_bytes=current_app.config["DEPOT_MAX_IMAGE_BYTES"],
        max_pixels=current_app.config["DEPOT_MAX_IMAGE_PIXELS"], actor=current_actor(),
        now=now())
    return jsonify(rma_json(rma)), 201


@bp.get("/rmas/<number>/tag.pdf")
@requires("rmas.read")
def get_tag(number: str):
    pdf = documents.intake_tag(db.session, number)
    return pdf_response(pdf, f"{number}-tag.pdf")


@bp.get("/rmas/<number>/receipt.pdf")
@requires("rmas.read")
def get_receipt(number: str):
    pdf = documents.receipt(db.session, number, depot=settings().depot, lang=lang())
    return pdf_response(pdf, f"{number}-receipt.pdf")


@bp.get("/attachments/<int:attachment_id>")
@requires("rmas.read")
def get_attachment(attachment_id: int):
    item = attachments.get_attachment(db.session, attachment_id)
    return attachment_response(item.data, item.content_type, item.filename)
