"""Admin pages: product models, the finding catalogue, parts and stock, label printers,
calendar overrides (each a table and a form on one generic template; a refused form comes back
with what was typed and why), and the depot's settings."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from pydantic import BaseModel
from werkzeug.datastructures import MultiDict

from depot.errors import DepotError
from depot.extensions import csrf, db
from depot.i18n import N_
from depot.services import calendars, catalog, findings, parts, printing
from depot.services import settings as depot_settings
from depot.web import schemas
from depot.web.auth import current_actor, page_requires
from depot.web.common import now
from depot.web.errors import page
from depot.web.schemas import bodies

bp = Blueprint("admin", __name__, url_prefix="/admin")
M = TypeVar("M", bound=BaseModel)

# Headers and labels below are msgids, translated in the template (scripts/messages.py lists
# them for the translators).
CLASS_OPTIONS = [("man_made", "Man-made damage"), ("quality", "Quality faults")]
# Cell values that are words to translate rather than data.
TRANSLATED_CELLS = frozenset({"retired", "in use", "working day", "holiday", "Man-made damage",
                              "Quality faults"})
SIZE_OPTIONS = [("4x6", "4×6 in"), ("100x150", "100×150 mm"), ("100x180", "100×180 mm")]


def _parse(model: type[M], form: MultiDict) -> M:
    return schemas.parse(model, form.to_dict(), form=True)


def _page(title: str, endpoint: str, headers: list[str], rows: list[list[Any]],
          fields: list[dict[str, Any]], action: Callable[[MultiDict], None],
          row_actions: Callable[[Any], list[dict[str, Any]]] | None = None,
          items: list[Any] | None = None):
    """GET shows the table and the form; POST runs `action` with the form and comes back."""
    error = None
    if request.method == "POST":
        csrf.protect()
        try:
            action(request.form)
        except DepotError as exc:
            db.session.rollback()
            error = exc
        else:
            return redirect(url_for(endpoint))
    actions = [row_actions(item) for item in items] if row_actions and items else []
    return page(render_template("admin_table.html", title=title, headers=headers, rows=rows,
                                fields=fields, error=error, form=request.form,
                                row_actions=actions, translated=TRANSLATED_CELLS), error)


@bp.route("/models", methods=["GET", "POST"])
@page_requires("models")
def models():
    def create(form: MultiDict) -> None:
        body = _parse(bodies.ModelIn, form)
        catalog.create_model(db.session, body.code, body.name, body.warranty_months,
                             serial_pattern=body.serial_pattern or None, now=now())

    rows = [[m.code, m.name, m.warranty_months, m.serial_pattern or ""]
            for m in catalog.list_models(db.session)]
    return _page("Product models", "admin.models",
                 ["Code", "Name", "Warranty (months)", "Serial pattern"], rows,
                 [{"name": "code", "label": "Code", "required": True},
                  {"name": "name", "label": "Name", "required": True},
                  {"name": "warranty_months", "label": "Warranty (months)", "required": True,
                   "value": "12"},
                  {"name": "serial_pattern", "label": "Serial pattern",
                   "placeholder": "F18[A-Z][0-9]{7}"}], create)


@bp.route("/findings", methods=["GET", "POST"])
@page_requires("admin")
def finding_codes():
    def create(form: MultiDict) -> None:
        body = _parse(bodies.FindingIn, form)
        findings.create_finding(db.session, body.code, body.damage_class, body.label_zh,
                                body.label_en, body.label_zh_tw)

    items = list(findings.catalogue(db.session).values())
    rows = [[f.code, dict(CLASS_OPTIONS)[f.damage_class.value], f.label_zh, f.label_zh_tw,
             f.label_en,
             "retired" if f.retired else "in use"] for f in items]
    return _page("Finding catalogue", "admin.finding_codes",
                 ["Code", "Class", "Chinese (simplified)", "Chinese (traditional)", "English",
                  "Status"], rows,
                 [{"name": "code", "label": "Code", "required": True, "placeholder": "rust"},
                  {"name": "damage_class", "label": "Class", "options": CLASS_OPTIONS},
                  {"name": "label_zh", "label": "Chinese (simplified)", "required": True},
                  {"name": "label_zh_tw", "label": "Chinese (traditional)"},
                  {"name": "label_en", "label": "English", "required": True}], create,
                 row_actions=lambda f: [{
                     "label": "Put back in use" if f.retired else "Retire",
                     "url": url_for("admin.retire_finding", code=f.code,
                                    retired="0" if f.retired else "1")}],
                 items=items)


@bp.post("/findings/<code>/retire")
@page_requires("admin")
def retire_finding(code: str):
    csrf.protect()
    query = _parse(bodies.RetireQuery, request.args)
    findings.update_finding(db.session, code, retired=query.retired)
    return redirect(url_for("admin.finding_codes"))


@bp.route("/parts", methods=["GET", "POST"])
@page_requires("admin")
def part_list():
    def create(form: MultiDict) -> None:
        body = _parse(bodies.PartIn, form)
        parts.create_part(db.session, body.part_number, body.name_zh, body.cost_price,
                          name_en=body.name_en, stock=body.stock, model_codes=body.models,
                          now=now())

    items = parts.list_parts(db.session)
    rows = [[p.part_number, p.name_zh, p.name_en, f"{p.cost_price:.2f}", p.stock,
             ", ".join(p.model_codes or []) or "*"] for p in items]
    return _page("Parts", "admin.part_list",
                 ["Part number", "Name", "English", "Cost price (CNY)", "Stock", "Models"], rows,
                 [{"name": "part_number", "label": "Part number", "required": True},
                  {"name": "name_zh", "label": "Name", "required": True},
                  {"name": "name_en", "label": "English"},
                  {"name": "cost_price", "label": "Cost price (CNY)", "required": True,
                   "placeholder": "35.50"},
                  {"name": "stock", "label": "Stock", "value": "0"},
                  {"name": "models", "label": "Models", "placeholder": "ZK-F18, POS-X"}],
                 create,
                 row_actions=lambda p: [{"label": "Receive stock", "input": "quantity",
                                         "url": url_for("admin.receive", part=p.part_number)}],
                 items=items)


@bp.post("/parts/<part>/stock")
@page_requires("admin")
def receive(part: str):
    csrf.protect()
    try:
        parts.receive_stock(db.session, part, _parse(bodies.StockIn, request.form).quantity)
    except DepotError:
        db.session.rollback()
    return redirect(url_for("admin.part_list"))


@bp.route("/printers", methods=["GET", "POST"])
@page_requires("admin")
def printers():
    def create(form: MultiDict) -> None:
        body = _parse(bodies.PrinterIn, form)
        printing.add_printer(db.session, body.name, body.host, body.port, body.label_size)

    rows = [[p.name, p.host, p.port, p.label_size] for p in printing.list_printers(db.session)]
    return _page("Label printers", "admin.printers",
                 ["Name", "Host", "Port", "Label size"], rows,
                 [{"name": "name", "label": "Name", "required": True, "placeholder": "pack-1"},
                  {"name": "host", "label": "Host", "required": True,
                   "placeholder": "printer-1.local"},
                  {"name": "port", "label": "Port", "value": "9100"},
                  {"name": "label_size", "label": "Label size", "options": SIZE_OPTIONS}],
                 create)


@bp.route("/calendar", methods=["GET", "POST"])
@page_requires("admin")
def calendar():
    def create(form: MultiDict) -> None:
        body = _parse(bodies.CalendarIn, form)
        calendars.set_override(db.session, body.day, working=body.is_working, note=body.note)

    overrides = calendars.list_overrides(db.session, date(now().year - 1, 1, 1))
    rows = [[o.day.isoformat(), "working day" if o.is_working else "holiday", o.note]
            for o in overrides]
    return _page("Working-day calendar", "admin.calendar", ["Day", "Kind", "Note"], rows,
                 [{"name": "day", "label": "Day", "required": True, "type": "date"},
                  {"name": "is_working", "label": "Kind",
                   "options": [("1", "working day"), ("0", "holiday")]},
                  {"name": "note", "label": "Note", "placeholder": "春节调休"}], create)




# The settings page: each field's label (a msgid, translated in the template) and whether it
# is several lines. The values are the environment's unless an admin saved others here.
SETTING_FIELDS = [
    ("public_url", N_("Public URL (customer links and QR codes)"), False),
    ("mail_from", N_("Mail sender"), False),
    ("name", N_("Depot name"), False),
    ("phone", N_("Depot phone"), False),
    ("address", N_("Depot address"), False),
    ("payment_instructions", N_("Payment instructions"), True),
]


@bp.route("/settings", methods=["GET", "POST"])
@page_requires("admin")
def depot_settings_page():
    """What customers see of the depot (links, mail sender, phone, address, payment text):
    stored in the database over the environment's values; the unconfigured ones are named."""
    error, saved = None, request.args.get("saved") == "1"
    if request.method == "POST":
        csrf.protect()
        try:
            depot_settings.save(db.session, current_app.config, request.form.to_dict(),
                                actor=current_actor().username, now=now())
        except DepotError as exc:
            db.session.rollback()
            error = exc
        else:
            return redirect(url_for("admin.depot_settings_page", saved=1))
    stored = depot_settings.stored(db.session)
    values = depot_settings.effective(current_app.config, stored)
    shown = {**values, **request.form.to_dict()} if error else values
    return page(render_template(
        "admin_settings.html", fields=SETTING_FIELDS, values=shown, stored=stored,
        variables=depot_settings.EDITABLE, notices=depot_settings.unconfigured(values),
        error=error, saved=saved), error)
