"""The one place that knows HTTP status codes: DepotError kinds -> JSON (API) or a page."""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request, session
from flask_babel import force_locale, gettext
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from depot.errors import (
    AuthenticationError,
    ConflictError,
    DepotError,
    InvalidInputError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    UnavailableError,
)
from depot.extensions import db, login_manager
from depot.i18n import N_, best_language, translate
from depot.services import health
from depot.web.common import lang
from depot.web.ratelimit import minutes_left
from depot.words import sentence

HTTP_STATUS: dict[type[DepotError], int] = {
    InvalidInputError: 422,
    NotFoundError: 404,
    ConflictError: 409,
    InvalidTransitionError: 409,
    PermissionDeniedError: 403,
    AuthenticationError: 401,
    UnavailableError: 503,
}

# Answers that are not errors, by name: views and the OpenAPI document use the names.
SUCCESS = {"ok": 200, "created": 201, "accepted": 202}

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "upload_too_large",
              415: "unsupported_media_type", 422: "invalid_input", 429: "too_many_requests",
              500: "internal_error", 503: "unavailable"}

# Our own sentence for each status Werkzeug or Flask answers by itself (an unknown address, a
# wrong method, an upload over the limit, a crash), never Werkzeug's English page.
HTTP_SENTENCES = {
    400: N_("The request could not be read: go back and try again."),
    401: N_("Log in first, then try again."),
    403: N_("You may not open this page."),
    404: N_("Nothing is found at this address: check it, or go back to the start page."),
    405: N_("This address does not take this kind of request."),
    409: N_("This cannot be done now: reload the page to see what changed."),
    413: N_("What was sent is larger than Depot takes (at most %(limit)s MB)."),
    415: N_("Depot cannot read what was sent in this form."),
    422: N_("What was sent could not be used: check it and try again."),
    500: N_("Something went wrong in Depot. The error was logged: try again, or tell your "
            "administrator."),
    503: N_("Depot is not available just now: try again in a moment."),
}
OTHER_HTTP = N_("The request could not be done (error %(status)s).")
CSRF_EXPIRED = N_("The form expired or was not sent by Depot: reload the page and try again.")
# The heading of the error page, by status.
TITLES = {
    400: N_("The request could not be read"), 401: N_("Please log in"),
    403: N_("Not allowed"), 404: N_("Not found"), 405: N_("Not possible here"),
    409: N_("Not possible now"), 413: N_("Too large"), 415: N_("Unreadable"),
    422: N_("Please check what was entered"), 429: N_("Too many tries"),
    500: N_("Something went wrong"), 503: N_("Not available"),
}
OTHER_TITLE = N_("Error")


def status_of(error: DepotError) -> int:
    for kind in type(error).__mro__:
        if kind in HTTP_STATUS:
            return HTTP_STATUS[kind]
    return 400


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz" or (
        request.accept_mimetypes.best == "application/json")


def error_response(status: int, code: str, message: str, details: dict | None = None, *,
                   as_json: bool = False):
    if as_json or wants_json():
        response = jsonify({"error": code, "message": message, "details": details or {}})
        response.status_code = status
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="depot"'
        return response
    return render_template("error.html", status=status, code=code, message=message,
                           title=TITLES.get(status, OTHER_TITLE)), status


def created(body: Any) -> tuple[Response, int]:
    """201 with `body` as JSON: something new was made."""
    return jsonify(body), SUCCESS["created"]


def accepted(body: Any, *, location: str) -> tuple[Response, int, dict[str, str]]:
    """202 with `body` as JSON: the work was queued; `location` is where to follow it."""
    return jsonify(body), SUCCESS["accepted"], {"Location": location}


def created_or_found(body: Any, is_new: bool) -> tuple[Response, int]:
    """201 when `is_new`, else 200 (a repeated request that made nothing)."""
    return jsonify(body), SUCCESS["created" if is_new else "ok"]


def page(html: str, error: DepotError | None = None) -> tuple[str, int]:
    """A rendered page: 200, or the status of the `error` it shows (a refused form)."""
    return html, status_of(error) if error else SUCCESS["ok"]


def error_json(error: DepotError) -> Response:
    """The contract's error body for `error`, as JSON whatever the path."""
    return error_response(status_of(error), error.code, localized(error), _plain(error.details),
                          as_json=True)


def unhealthy(body: dict[str, Any]) -> tuple[Response, int]:
    """/healthz when the database does not answer: load balancers read the status."""
    return jsonify(body), HTTP_STATUS[UnavailableError]


def init_app(app: Flask) -> None:
    @app.errorhandler(DepotError)
    def _depot_error(error: DepotError):
        return error_response(status_of(error), error.code, localized(error),
                              _plain(error.details))

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return error_response(400, "csrf_failed", translate(lang(), CSRF_EXPIRED))

    @app.errorhandler(RateLimitExceeded)
    def _too_many(error: RateLimitExceeded):
        minutes = minutes_left()
        if error.response is not None:  # the refused page drew its own answer (the login page)
            response = error.response
            response.status_code = 429
        else:
            response = error_response(429, "too_many_requests", gettext(
                "Too many tries: wait %(minutes)s minutes and try again.", minutes=minutes),
                {"retry_after_minutes": minutes})
            if isinstance(response, tuple):
                response = app.make_response(response)
        response.headers["Retry-After"] = str(minutes * 60)
        return response

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        status = error.code or 500
        return error_response(status, HTTP_CODES.get(status, "http_error"), http_sentence(status))

    @app.errorhandler(InternalServerError)
    def _crash(error: InternalServerError):
        """Anything unexpected (Flask has logged it): a translated page or JSON error. The
        page is drawn without the database, which may be what failed."""
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the database may be gone; the answer must still go out
            pass
        reader = _reader_lang()
        message = translate(reader, HTTP_SENTENCES[500])
        if wants_json():
            return error_response(500, HTTP_CODES[500], message)
        with force_locale(reader):
            return render_template("error_bare.html", status=500, code=HTTP_CODES[500],
                                   message=message, title=TITLES[500], page_lang=reader), 500

    for kind in health.UNREACHABLE:
        app.register_error_handler(kind, database_unavailable)


def _reader_lang() -> str:
    """The reader's language without the account's choice when that cannot be read (the
    database is what failed)."""
    try:
        return lang()
    except Exception:  # noqa: BLE001
        return best_language(request.args.get("lang") or session.get("lang")
                             or request.accept_languages.best)


def http_sentence(status: int) -> str:
    """Our sentence for an HTTP status, in the reader's language."""
    if status == 413:
        limit = request.max_content_length or current_app.config.get("MAX_CONTENT_LENGTH") or 0
        return translate(lang(), HTTP_SENTENCES[413], limit=f"{limit / 1024 / 1024:.0f}")
    if status in HTTP_SENTENCES:
        return translate(lang(), HTTP_SENTENCES[status])
    return translate(lang(), OTHER_HTTP, status=status)


def database_unavailable(error: Exception):
    """The database is gone (down, unreachable, its file unreadable): a 503 in the reader's
    language, page or JSON, and one line in the log instead of a traceback."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    current_app.logger.error("%s %s: %s", request.method, request.path,
                             health.describe(error, url))
    # The page must not ask the database who is signed in (that is what failed): anonymous.
    login_manager._update_request_context_with_user()
    try:
        db.session.rollback()
    except health.UNREACHABLE:
        pass
    answer = health.unavailable()
    return error_response(status_of(answer), answer.code, localized(answer))


def localized(error: DepotError) -> str:
    """The error's sentence in the reader's language (the catalogues), values filled in and
    the codes among them (a status, an action, an accessory, a field) named in words."""
    return sentence(lang(), error.template, error.details)


def _plain(details: dict) -> dict:
    """Details as JSON-ready values (dates and enums as strings)."""
    out = {}
    for key, value in details.items():
        if isinstance(value, list | tuple):
            out[key] = [v if isinstance(v, int | float | bool | None) else str(v) for v in value]
        elif isinstance(value, int | float | bool | None | dict):
            out[key] = value
        else:
            out[key] = str(value)
    return out
