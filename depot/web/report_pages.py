"""The reports page (/reports): a week, a month or a chosen period, each figure drawn as an
SVG chart with its table beside it. Thin: parse the period, call the reports service, draw."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from depot.errors import DepotError
from depot.extensions import db
from depot.i18n import N_
from depot.services import findings, reports
from depot.web import charts, schemas
from depot.web.auth import page_requires
from depot.web.common import lang, settings, today
from depot.web.errors import page
from depot.web.schemas.report_query import ReportQuery

bp = Blueprint("reports", __name__)


def presets() -> list[tuple[str, reports.Period]]:
    day = today()
    return [(N_("Last week"), reports.last_full_period("week", day)),
            (N_("This week"), reports.current_period("week", day)),
            (N_("Last month"), reports.last_full_period("month", day)),
            (N_("This month"), reports.current_period("month", day))]


# The complaint kinds, shown by their code (DESIGN.md 4b); translated on the page.
KIND_WORDS = (N_("product_quality"), N_("packaging_transport"), N_("staff_conduct"),
              N_("damage_verdict"), N_("other"))


@bp.get("/reports")
@page_requires("reports")
def report_page():
    error: DepotError | None = None
    try:
        query = schemas.parse(ReportQuery, request.args.to_dict(), form=True)
        span = reports.resolve_period(query.first, query.last, query.period, today())
    except DepotError as refused:
        error, span = refused, reports.last_full_period("week", today())
    report = reports.summary(db.session, span, tz=settings().tz,
                             repeat_days=int(current_app.config.get("DEPOT_REPEAT_DAYS", 90)))
    labels = {code: f.label(lang()) for code, f in findings.catalogue(db.session).items()}
    return page(render_template(
        "reports.html", report=report, span=span, presets=presets(), labels=labels,
        charts=charts, error=error, pct=percent, dash=dash,
        ratios=[(m["model"], m["ratio"] or 0) for m in report["man_made_by_model"]],
        finished=[(p["technician"], p["finished"]) for p in report["technicians"]]), error)


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.1f}%"


def dash(value: object) -> object:
    return "–" if value is None else value
