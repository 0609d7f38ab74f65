"""Pages that show the depot rather than one RMA: the list with its filters and scan field,
its CSV (the API's: depot.web.api.search.csv_response), a unit's history, and the supervisors' dashboard. Thin: parse, one service, render."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from depot.domain.workflow import Status
from depot.errors import DepotError
from depot.extensions import db
from depot.scanning import codes_from_text
from depot.services import dashboard, findings, history, repair, scans, search
from depot.web.api.registry import query_values
from depot.web.api.search import csv_response, rma_filter
from depot.web.auth import page_requires
from depot.web.common import lang, settings, today
from depot.web.errors import page
from depot.web.schemas import bodies, parse
from depot.web.schemas.fields import Choice

bp = Blueprint("lists", __name__)

SORT_KEYS = tuple(search.SORTS)


class RmaListQuery(bodies.RmaSearchQuery):
    """The page's filters: those of GET /api/v1/rmas, a scanned code, and a sort."""

    scan: bodies.Text(cap=200, required=False) = ""
    sort: Choice(SORT_KEYS, required=False) = None
    dir: Choice(("asc", "desc"), required=False) = None


def _query() -> RmaListQuery:
    return parse(RmaListQuery, query_values(RmaListQuery), form=True)


def _sort(query: RmaListQuery) -> search.Sort:
    key = query.sort or "received_on"
    return search.Sort(key, (query.dir or ("desc" if key in ("received_on", "due_on")
                                           else "asc")) == "desc")


def _link(**changes: object) -> str:
    """This list's address with `changes` to its query (None drops a name); a new filter or
    sort starts again at the first page."""
    args = MultiDict(request.args)
    args.pop("cursor", None)
    args.pop("scan", None)
    for name, value in changes.items():
        args.pop(name, None)
        if value is None:
            continue
        for item in value if isinstance(value, list | tuple) else [value]:
            args.add(name, item)
    return url_for("lists.rma_list", **args.to_dict(flat=False))


@bp.get("/rmas")
@page_requires("rmas.read")
def rma_list():
    wanted = request.args.get("number", "").strip()
    if wanted:  # the old lookup by number
        return redirect(url_for("rmas.rma_page", number=wanted.upper()))
    error, found, query = None, None, None
    try:
        query = _query()
        if query.scan:
            target = _scanned(query.scan)
            if target:
                return redirect(target)
        wanted_filter = rma_filter_of(query)
        if query.format == "csv":  # the API's format=csv works here too: /rmas.csv
            return csv_response(wanted_filter, _sort(query))
        found = search.search_rmas(db.session, wanted_filter, today=today(),
                                   secret=settings().secret, limit=query.limit,
                                   cursor=query.cursor or None, sort=_sort(query),
                                   with_counts=True)
    except DepotError as refused:
        db.session.rollback()
        error = refused
    sort = _sort(query) if query else search.NEWEST_FIRST
    return page(render_template(
        "rmas.html", found=found, query=query, error=error, sort=sort, link=_link,
        statuses=[s.value for s in Status], sort_keys=SORT_KEYS, args=request.args,
        technicians=repair.technicians(db.session),
        csv_url=url_for("lists.rma_csv", **{k: v for k, v in request.args.to_dict(flat=False)
                                            .items() if k not in ("cursor", "scan")})), error)


def rma_filter_of(query: RmaListQuery) -> search.RmaFilter:
    """The filter of the page's query; the scanned text, when it names nothing, is searched."""
    f = rma_filter(query)
    if query.scan and not query.q:
        f = search.RmaFilter(**{**f.__dict__, "q": query.scan})
    return f


def _scanned(text: str) -> str | None:
    """Where a scan leads: the RMA it names, or the open RMA of the serial it names, or that
    unit's history; None when it names nothing (then it is searched for)."""
    result = scans.resolve_codes(db.session, codes_from_text(text))
    if result.rma is not None:
        return url_for("rmas.rma_page", number=result.rma.number)
    if result.unit is not None:
        return url_for("lists.unit_page", serial=result.unit.serial)
    return None


@bp.get("/rmas.csv")
@page_requires("rmas.read")
def rma_csv():
    query = _query()
    return csv_response(rma_filter_of(query), _sort(query))


@bp.get("/units/<path:serial>")
@page_requires("rmas.read")
def unit_page(serial: str):
    config = settings()
    unit, visits = history.unit_history(db.session, serial, repeat_days=config.repeat_days)
    labels = {code: f.label(lang()) for code, f in findings.catalogue(db.session).items()}
    return render_template("unit.html", unit=unit, visits=visits, finding_labels=labels,
                           repeat_days=config.repeat_days, tz=config.tz)


def dashboard_page():
    """GET / for supervisors and admins (pages.home sends them here)."""
    day = today()
    return render_template("dashboard.html", floor=dashboard.floor(db.session, day),
                           today=day.isoformat(), load_statuses=dashboard.LOAD_STATUSES)
