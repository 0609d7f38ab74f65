"""The JSON API, /api/v1. Thin views: parse, call one service, serialise."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, request

from depot.domain.text import best_language
from depot.models import Rma, Unit
from depot.services import units
from depot.services.common import local_date
from depot.web import serialize

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def utcnow() -> datetime:
    return datetime.now(UTC)


def tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["DEPOT_TIMEZONE"])


def today():
    return local_date(utcnow(), tz())


def lang() -> str:
    chosen = request.args.get("lang")
    if chosen:
        return best_language(chosen)
    return best_language(request.accept_languages.best_match(["zh_CN", "zh_TW", "zh", "en"]))


def json_body() -> object:
    return request.get_json(silent=True)


def unit_json(unit: Unit) -> dict:
    return serialize.unit(unit, units.unit_warranty(unit, today()), lang())


def rma_json(rma: Rma) -> dict:
    return serialize.rma(rma, lang(), tz(), today())


from depot.web.api import bench, intake, quotes, shipping  # noqa: E402,F401  (routes register on bp)
