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

from depot.domain.passwords import MIN_LENGTH as MIN_PASSWORD
from depot.domain.roles import ROLES
from depot.errors import DepotError, InvalidInputError
from depot.extensions import csrf, db
from depot.i18n import N_
from depot.services import calendars, catalog, findings, parts, printing, users
from depot.services import settings as depot_settings
from depot.services.common import get_model
from depot.web import schemas
from depot.web.auth import current_actor, page_requires
from depot.web.common import now
from depot.web.errors import page
from depot.web.schemas import bodies
from depot.web.schemas.fields import REQUIRED

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

    items = catalog.list_models(db.session)
    rows = [[m.code, m.name, m.warranty_months, m.serial_pattern or "",
             "retired" if m.retired else "in use"] for m in items]
    return _page("Product models", "admin.models",
                 ["Code", "Name", "Warranty (months)", "Serial pattern", "Status"], rows,
                 [{"name": "code", "label": "Code", "required": True},
                  {"name": "name", "label": "Name", "required": True},
                  {"name": "warranty_months", "label": "Warranty (months)", "required": True,
                   "value": "12"},
                  {"name": "serial_pattern", "label": "Serial pattern",
                   "placeholder": "F18[A-Z][0-9]{7}"}], create,
                 row_actions=_model_actions, items=items)


def _model_actions(m: Any) -> list[dict[str, Any]]:
    return [{"label": "Edit", "href": url_for("admin.edit_model", model=m.code)},
            {"label": "Put back in use" if m.retired else "Retire",
             "url": url_for("admin.retire_model", model=m.code,
                            retired="0" if m.retired else "1")}]


@bp.route("/models/<model>/edit", methods=["GET", "POST"])
@page_requires("models")
def edit_model(model: str):
    """Name, warranty months and serial pattern of one model; the code stays."""
    item = get_model(db.session, model)
    error = None
    if request.method == "POST":
        csrf.protect()
        try:
            body = _parse(bodies.ModelForm, request.form)
            catalog.update_model(db.session, model, name=body.name,
                                 warranty_months=body.warranty_months,
                                 serial_pattern=body.serial_pattern)
        except DepotError as exc:
            db.session.rollback()
            error = exc
        else:
            return redirect(url_for("admin.models"))
    fields = [{"name": "name", "label": "Name", "required": True, "value": item.name},
              {"name": "warranty_months", "label": "Warranty (months)", "required": True,
               "value": str(item.warranty_months)},
              {"name": "serial_pattern", "label": "Serial pattern",
               "value": item.serial_pattern or "", "placeholder": "F18[A-Z][0-9]{7}"}]
    return page(render_template("admin_edit.html", title="Product models", subject=item.code,
                                fields=fields, error=error,
                                form=request.form if request.method == "POST" else None,
                                back=url_for("admin.models")), error)


@bp.post("/models/<model>/retire")
@page_requires("models")
def retire_model(model: str):
    csrf.protect()
    query = _parse(bodies.RetireQuery, request.args)
    catalog.update_model(db.session, model, retired=query.retired)
    return redirect(url_for("admin.models"))


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
                 ["Finding code", "Class", "Chinese (simplified)", "Chinese (traditional)",
                  "English", "Status"], rows,
                 [{"name": "code", "label": "Finding code", "required": True,
                   "placeholder": "rust"},
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


# -- users ------------------------------------------------------------------------------------
# One table with a form per row (role, on/off, password, token) and the form for a new user.
# A new token or a password Depot made is shown once, in the answer to the post that made it
# (never kept in the session cookie), so these posts render the page instead of redirecting.

def _users_page(*, error: DepotError | None = None, shown: dict[str, str] | None = None,
                form: MultiDict | None = None):
    return page(render_template("admin_users.html", users=users.list_users(db.session),
                                roles=ROLES, min_password=MIN_PASSWORD, error=error,
                                shown=shown, form=form or MultiDict()), error)


def _user_change(change: Callable[[], dict[str, str] | None]):
    """Run `change` (CSRF checked first); show what it returns once, or why it was refused."""
    csrf.protect()
    try:
        shown = change()
    except DepotError as exc:
        db.session.rollback()
        return _users_page(error=exc)
    if shown is None:
        return redirect(url_for("admin.users"))
    return _users_page(shown=shown)


@bp.route("/users", methods=["GET", "POST"], endpoint="users")
@page_requires("users")
def users_list():
    if request.method == "GET":
        return _users_page()
    csrf.protect()
    try:
        body = _parse(bodies.UserIn, request.form)
        password = body.password or users.generated_password()
        user, token = users.create_user(db.session, body.username, body.role, password=password,
                                        display_name=body.display_name, now=now())
    except DepotError as exc:
        db.session.rollback()
        return _users_page(error=exc, form=request.form)
    shown = {"username": user.username, "token": token}
    if not body.password:
        shown["password"] = password
    return _users_page(shown=shown)


@bp.post("/users/<username>/role")
@page_requires("users")
def user_role(username: str):
    def change() -> None:
        users.update_user(db.session, username, role=_parse(bodies.RoleForm, request.form).role)

    return _user_change(change)


@bp.post("/users/<username>/active")
@page_requires("users")
def user_active(username: str):
    def change() -> None:
        active = _parse(bodies.ActiveQuery, request.args).active
        users.update_user(db.session, username, active=active)

    return _user_change(change)


@bp.post("/users/<username>/password")
@page_requires("users")
def user_password(username: str):
    def change() -> dict[str, str] | None:
        body = _parse(bodies.PasswordForm, request.form)
        if not body.generate and not body.password:
            raise InvalidInputError(REQUIRED, code="missing_field", field="password")
        password = users.generated_password() if body.generate else body.password
        users.set_password(db.session, username, password)
        return {"username": username, "password": password} if body.generate else None

    return _user_change(change)


@bp.post("/users/<username>/token")
@page_requires("users")
def user_token(username: str):
    return _user_change(lambda: {"username": username,
                                 "token": users.new_token(db.session, username)})

from depot.web import admin_customer_pages  # noqa: E402, F401 - its pages join this blueprint
from depot.web import admin_webhook_pages  # noqa: E402, F401 - its pages join this blueprint
