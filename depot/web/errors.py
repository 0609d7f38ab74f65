"""The one place that knows HTTP status codes: DepotError kinds -> JSON (API) or a page."""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import gettext
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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
from depot.i18n import translate
from depot.services import health
from depot.web.common import lang
from depot.web.ratelimit import minutes_left

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
              415: "unsupported_media_type", 422: "invalid_input", 429: "too_many_requests"}


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
    return render_template("error.html", status=status, code=code, message=message), status


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
        return error_response(400, "csrf_failed", "The form expired or was not sent by Depot: "
                                                  "reload the page and try again.")

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
        return error_response(status, HTTP_CODES.get(status, "http_error"),
                              error.description or error.name)

    for kind in health.UNREACHABLE:
        app.register_error_handler(kind, database_unavailable)


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
    """The error's sentence in the reader's language (the catalogues), values filled in."""
    return translate(lang(), error.template, **error.details)


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
