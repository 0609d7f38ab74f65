"""GET /api/docs: the OpenAPI document for people (Swagger UI, served from depot/static/vendor).

No login needed, like /api/v1/openapi.json. The page runs no inline script: Swagger UI is started
by static/js/api-docs.js, which reads the document's URL from a data attribute.
"""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("api_docs", __name__)


@bp.get("/api/docs")
def api_docs():
    return render_template("api_docs.html")
