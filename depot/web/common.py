"""What every view needs, written once: the clock, the depot's zone and today, the reader's
language, the settings, where the request comes from, and file responses. (The JSON body:
depot.web.schemas.read_json.)"""
from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Response, current_app, g, request, send_file, session
from flask_login import current_user

from depot.extensions import db
from depot.i18n import DEFAULT_LANGUAGE, LANGUAGES, best_language
from depot.services import settings as depot_settings
from depot.services.common import local_date
from depot.services.settings import DepotSettings
from depot.services.workflow import Origin
from depot.words import list_separator
from depot.words import listed as listed_in
from depot.words import word as word_in
from depot.words import words as words_in


def now() -> datetime:
    """The one clock of the web layer: services are handed this, never read a clock."""
    return datetime.now(UTC)


def settings() -> DepotSettings:
    """The depot's settings for this request: the environment's, with what the admin saved on
    /admin/settings on top (read once per request)."""
    loaded = g.get("depot_settings")
    if loaded is None:
        loaded = g.depot_settings = depot_settings.load(db.session, current_app.config)
    return loaded


def tz() -> ZoneInfo:
    """The depot's zone (an environment setting, not one of the page's: no database read)."""
    return DepotSettings.from_config(current_app.config).tz


def today() -> date:
    return local_date(now(), tz())


def origin() -> Origin:
    """Where this request comes from, for the events it writes: the client's address and the
    way in: `link` on the customers' signed-link pages, `api` with a bearer token (an
    integration or a script), `web` for a person signed in on the staff pages (whose screens
    call the API with their session cookie)."""
    if request.blueprint == "public":
        via = "link"
    elif request.headers.get("Authorization"):
        via = "api"
    else:
        via = "web"
    return Origin(request.remote_addr, via)


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
    # The reader's first Chinese or English tag, read by best_language: werkzeug's best_match
    # would take 'zh-Hant-TW' or 'zh-HK' for plain 'zh', that is Simplified Chinese.
    for tag, quality in request.accept_languages:  # most wanted first
        if quality > 0 and tag.lower().startswith(("zh", "en")):
            return best_language(tag)
    return DEFAULT_LANGUAGE


lang = select_locale


def word(kind: str, code: object) -> str:
    """A code's word in the reader's language (depot.words): the pages' `word(kind, code)`."""
    return word_in(lang(), kind, code)


def listed(items: object) -> str:
    """Items as one text in the reader's language: 甲、乙 in Chinese, "a, b" in English (the
    pages' `listed([...])`)."""
    return listed_in(lang(), list(items))  # type: ignore[call-overload]


def list_sep() -> str:
    """What stands between a list's items in the reader's language: 、 or ", " (the pages'
    `list_sep()`, for lists written item by item)."""
    return list_separator(lang())


def words(kind: str) -> dict[str, str]:
    """A whole table of words in the reader's language, {code: word}: `words(kind)` in the
    pages, and what they hand their scripts."""
    return words_in(lang(), kind)


def pdf_response(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


def zpl_response(text: str, filename: str) -> Response:
    return Response(text.encode(), mimetype="application/x-zpl",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


# What depot.photos writes: every photo and slip is re-encoded to this before it is stored.
REENCODED_IMAGES = frozenset({"image/jpeg"})


def attachment_response(data: bytes, content_type: str, filename: str) -> Response:
    """A stored upload. Our re-encoded photos are shown in the page; anything kept as it came
    (a signed copy's PDF) is only downloaded, and sandboxed should a browser render it anyway:
    a PDF or HTML file from a customer must not run in our origin."""
    if content_type in REENCODED_IMAGES:
        return Response(data, mimetype=content_type)
    response = send_file(io.BytesIO(data), mimetype=content_type or "application/octet-stream",
                         as_attachment=True, download_name=filename or "attachment")
    response.headers["Content-Security-Policy"] = "sandbox"
    return response
