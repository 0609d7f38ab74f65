"""Admin pages: product models, the finding catalogue, parts and stock, label printers, and
calendar overrides. Each is a table and a form on one generic template; a refused form comes
back with what was typed and why."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from depot.errors import DepotError, InvalidInputError
from depot.extensions import csrf, db
from depot.models import CalendarOverride
from depot.services import catalog, findings, parts, printing
from depot.web import schemas
from depot.web.auth import page_requires
from depot.web.common import now

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Headers and labels below are msgids, translated in the template (scripts/messages.py lists
# them for the translators).
CLASS_OPTIONS = [("man_made", "Man-made damage"), ("quality", "Quality faults")]
# Cell values that are words to translate rather than data.
TRANSLATED_CELLS = frozenset({"retired", "in use", "working day", "holiday", "Man-made damage",
                              "Quality faults"})
SIZE_OPTIONS = [("4x6", "4×6 in"), ("100x150", "100×150 mm"), ("100x180", "100×180 mm")]


def _whole(form: MultiDict, name: str, low: int, high: int) -> int:
    return schemas.integer({name: _int_or_none(form.get(name))}, name, minimum=low, maximum=high)


def _int_or_none(value: str | None) -> int | str | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return value


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
    return render_template("admin_table.html", title=title, headers=headers, rows=rows,
                           fields=fields, error=error, form=request.form, row_actions=actions,
                           translated=TRANSLATED_CELLS), 422 if error else 200


@bp.route("/models", methods=["GET", "POST"])
@page_requires("models")
def models():
    def create(form: MultiDict) -> None:
        catalog.create_model(db.session, form.get("code", "").strip(),
                             form.get("name", "").strip(),
                             _whole(form, "warranty_months", 0, 240),
                             serial_pattern=form.get("serial_pattern", "").strip() or None,
                             now=now())

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
        findings.create_finding(db.session, form.get("code", "").strip(),
                                form.get("damage_class", ""), form.get("label_zh", "").strip(),
                                form.get("label_en", "").strip(),
                                form.get("label_zh_tw", "").strip())

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
    findings.update_finding(db.session, code, retired=request.args.get("retired") == "1")
    return redirect(url_for("admin.finding_codes"))


@bp.route("/parts", methods=["GET", "POST"])
@page_requires("admin")
def part_list():
    def create(form: MultiDict) -> None:
        models_fit = [m.strip() for m in form.get("models", "").split(",") if m.strip()]
        parts.create_part(db.session, form.get("part_number", "").strip(),
                          form.get("name_zh", "").strip(),
                          schemas.money(form.to_dict(), "cost_price"),
                          name_en=form.get("name_en", "").strip(),
                          stock=_whole(form, "stock", 0, 1_000_000), model_codes=models_fit,
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
        parts.receive_stock(db.session, part, _whole(request.form, "quantity", 1, 1_000_000))
    except DepotError:
        db.session.rollback()
    return redirect(url_for("admin.part_list"))


@bp.route("/printers", methods=["GET", "POST"])
@page_requires("admin")
def printers():
    def create(form: MultiDict) -> None:
        printing.add_printer(db.session, form.get("name", "").strip(),
                             form.get("host", "").strip(), _whole(form, "port", 1, 65535),
                             form.get("label_size", "4x6"))

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
        day = schemas.optional_date(form.to_dict(), "day")
        if day is None:
            raise InvalidInputError("day is required", code="missing_field", field="day")
        row = db.session.get(CalendarOverride, day) or CalendarOverride(day=day)
        row.is_working = form.get("is_working") == "1"
        row.note = form.get("note", "").strip()[:200]
        db.session.add(row)
        db.session.commit()

    overrides = db.session.scalars(select(CalendarOverride).where(
        CalendarOverride.day >= date(now().year - 1, 1, 1)).order_by(CalendarOverride.day))
    rows = [[o.day.isoformat(), "working day" if o.is_working else "holiday", o.note]
            for o in overrides]
    return _page("Working-day calendar", "admin.calendar", ["Day", "Kind", "Note"], rows,
                 [{"name": "day", "label": "Day", "required": True, "type": "date"},
                  {"name": "is_working", "label": "Kind",
                   "options": [("1", "working day"), ("0", "holiday")]},
                  {"name": "note", "label": "Note", "placeholder": "春节调休"}], create)


