"""Admin pages of the customer's side: the milestone mails' texts per language (with a
preview) and the days in transit per region, which make `expected_back_on`."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for

from depot.domain import regions
from depot.domain.tracking import KINDS
from depot.errors import DepotError, NotFoundError
from depot.extensions import csrf, db
from depot.i18n import LANGUAGES
from depot.services import customer_status, notifications
from depot.web import schemas
from depot.web.admin_pages import bp
from depot.web.auth import current_actor, page_requires
from depot.web.common import now, settings
from depot.web.errors import page
from depot.web.schemas import bodies


@bp.get("/notifications")
@page_requires("admin")
def notification_templates():
    return render_template("admin_notifications.html", templates=notifications.templates(
        db.session), kinds=KINDS, languages=LANGUAGES)


@bp.route("/notifications/<kind>/<lang>", methods=["GET", "POST"])
@page_requires("admin")
def notification_template(kind: str, lang: str):
    """Edit one text; `preview` shows it filled with made-up values and saves nothing,
    `reset` goes back to the catalogues' text."""
    if kind not in notifications.DEFAULTS or lang not in LANGUAGES:
        raise NotFoundError("there is no mail %(kind)s in %(language)s", code="not_found",
                            kind=kind[:40], language=lang[:10])
    error, shown, saved = None, None, request.args.get("saved") == "1"
    current = notifications.template(db.session, kind, lang)
    subject, body = current.subject, current.body
    if request.method == "POST":
        csrf.protect()
        action = request.form.get("do", "preview")
        try:
            form = schemas.parse(bodies.NotificationTemplateForm, request.form.to_dict(),
                                 form=True)
            subject, body = form.subject, form.body
            if action == "reset":
                notifications.reset_template(db.session, kind, lang)
            elif action == "save":
                notifications.save_template(db.session, kind, lang, subject, body,
                                            actor=current_actor().username, now=now())
            else:
                shown = notifications.preview(kind, lang, subject, body, settings())
        except DepotError as exc:
            db.session.rollback()
            error = exc
        else:
            if action in ("save", "reset"):
                return redirect(url_for("admin.notification_template", kind=kind, lang=lang,
                                        saved=1))
    return page(render_template(
        "admin_notification.html", kind=kind, lang=lang, subject=subject, body=body,
        custom=current.custom, placeholders=notifications.PLACEHOLDERS[kind], preview=shown,
        error=error, saved=saved), error)


@bp.route("/transit", methods=["GET", "POST"])
@page_requires("admin")
def transit_days():
    """Days in transit per province (and abroad, unknown): blank is the default, which
    depends on the depot's own province, read from its address."""
    error, saved = None, request.args.get("saved") == "1"
    config = settings()
    if request.method == "POST":
        csrf.protect()
        try:
            customer_status.save_transit_days(db.session, request.form.to_dict(),
                                              actor=current_actor().username, now=now())
        except DepotError as exc:
            db.session.rollback()
            error = exc
        else:
            return redirect(url_for("admin.transit_days", saved=1))
    home = regions.province_of(config.depot.address)
    overrides = customer_status.transit_overrides(db.session)
    shown = request.form.to_dict() if error else {k: str(v) for k, v in overrides.items()}
    rows = [(region, regions.default_days(region, home), shown.get(region, ""))
            for region in regions.REGIONS]
    return page(render_template("admin_transit.html", rows=rows, home=home,
                                address=config.depot.address, error=error, saved=saved), error)
