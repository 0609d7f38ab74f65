"""The JSON API, /api/v1: one blueprint per area, nested under `api`. Thin views: parse, call
one service, serialise."""
from __future__ import annotations

from flask import Blueprint

from depot.web.api import (
    bench,
    cartons,
    complaints,
    intake,
    jobs,
    openapi,
    public,
    quotes,
    reports,
    returned_stock,
    search,
    shipping,
    users,
    webhooks,
)

AREAS = (intake.bp, search.bp, bench.bp, quotes.bp, shipping.bp, jobs.bp, reports.bp, users.bp,
         public.bp, complaints.bp, returned_stock.bp, webhooks.bp, openapi.bp,
         cartons.bp)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
for _area in AREAS:
    bp.register_blueprint(_area)
