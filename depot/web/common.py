"""What every view needs, written once: the clock, the depot's zone and today, the reader's
language, the settings, and file responses. (The JSON body: depot.web.schemas.read_json.)"""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Response, current_app, request, session
from flask_login import current_user

from depot.domain.text import LANGUAGES, best_language
from depot.services.common import local_date
from depot.services.settings import DepotSettings


def now() -> datetime:
    """The one clock of the web layer: services are handed this, never read a clock."""
    return datetime.now(UTC)


def settings() -> DepotSettings:
    return DepotSettings.from_config(current_app.config)


def tz() -> ZoneInfo:
    return settings().tz


def today() -> date:
    return local_date(now(), tz())


def select_locale() -> str:
    """The language asked for (?lang=), else the one picked on the pages, else the account's,
    else the browser's; Chinese first."""
    chosen = request.args.get("lang")
    if chosen:
        return best_language(chosen)
    picked = session.get("lang")
    if picked in LANGUAGES:
        return picked
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale:
        return current_user.locale
    best = request.accept_languages.best_match(["zh_CN", "zh", "zh_TW", "zh_Hant", "en"])
    return best_language(best) if best else "zh_CN"


lang = select_locale


def pdf_response(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


def zpl_response(text: str, filename: str) -> Response:
    return Response(text.encode(), mimetype="application/x-zpl",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})
