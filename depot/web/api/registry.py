"""Every /api/v1 route is declared once, here: method, path, who may call it, what it reads.

The one declaration registers the Flask route, checks the caller's role (auth.requires), parses
the query, headers and body with their schemas and hands the view typed models, and is what the
OpenAPI document is written from (depot.web.api.openapi), so the two cannot drift apart.

    area = Area("intake")

    @area.post("/models", "Register a product model", permissions=("models",),
               body=bodies.ModelIn, answers=("created",))
    def post_model(body: bodies.ModelIn):
        ...
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial, wraps
from typing import Any

from flask import Blueprint, current_app, request
from pydantic import BaseModel

from depot.domain.roles import ROLES, may
from depot.web import schemas
from depot.web.auth import requires

JSON = "application/json"
MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # as the blueprint's rule, without /api/v1
    summary: str
    permissions: tuple[str, ...]  # the caller needs any one; () is a public operation
    area: str
    description: str = ""
    body: type[BaseModel] | None = None
    body_optional: bool = False  # no body at all means {}
    content: tuple[str, ...] = (JSON,)  # media types the body may come as
    files: tuple[str, ...] = ()  # file fields of a multipart body
    query: type[BaseModel] | None = None
    headers: type[BaseModel] | None = None
    answers: tuple[str, ...] = ("ok",)  # names of errors.SUCCESS
    produces: str = JSON
    # The config key of a larger request body limit than MAX_CONTENT_LENGTH (the CSV import).
    upload_limit: str | None = None


def roles_holding(*permissions: str) -> list[str]:
    """The roles that hold any one of `permissions` (depot.domain.roles)."""
    return [role for role in ROLES if any(may(role, p) for p in permissions)]


class Area:
    """A blueprint whose routes are declared operations."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.bp = Blueprint(name, __name__)
        self.get = partial(self.route, "GET")
        self.post = partial(self.route, "POST")
        self.put = partial(self.route, "PUT")
        self.patch = partial(self.route, "PATCH")

    def route(self, method: str, path: str, summary: str, *, permissions: tuple[str, ...],
              **options: Any) -> Callable:
        op = Operation(method, path, summary, tuple(permissions), self.name, **options)

        def decorate(view: Callable) -> Callable:
            @wraps(view)
            def parsed(**path_values: Any) -> Any:
                return view(**path_values, **read(op))

            endpoint = requires(*op.permissions)(parsed) if op.permissions else parsed
            if op.upload_limit:
                endpoint = _larger_uploads(endpoint, op.upload_limit)
            endpoint.operation = op
            self.bp.add_url_rule(path, view.__name__, endpoint, methods=[method])
            return endpoint

        return decorate


def _larger_uploads(endpoint: Callable, config_key: str) -> Callable:
    """Take request bodies up to app.config[config_key] bytes: set before the role check, as a
    page's cookie call reads the form for its CSRF token, and before the body is read."""

    @wraps(endpoint)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        request.max_content_length = current_app.config[config_key]
        return endpoint(*args, **kwargs)

    return wrapped


def query_values(model: type[BaseModel]) -> dict[str, Any]:
    """The query string as a dict: one value per name, all of them (a list) for the names the
    model declares `repeatable` (status=a&status=b)."""
    repeatable = getattr(model, "repeatable", ())
    return {name: request.args.getlist(name) if name in repeatable else request.args[name]
            for name in request.args}


def read(op: Operation) -> dict[str, Any]:
    """The models the view of `op` takes: query=, headers=, body= (and form=True/False)."""
    out: dict[str, Any] = {}
    if op.query is not None:
        out["query"] = schemas.parse(op.query, query_values(op.query), form=True)
    if op.headers is not None:
        names = op.headers.model_fields.values()
        given = {f.alias: request.headers.get(f.alias) for f in names if f.alias}
        out["headers"] = schemas.parse(op.headers, {k: v for k, v in given.items()
                                                    if v is not None}, form=True)
    if op.body is not None:
        data, form = schemas.read_body(form=MULTIPART in op.content,
                                       optional=op.body_optional)
        out["body"] = schemas.parse(op.body, data, form=form)
    return out
