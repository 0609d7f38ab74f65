"""GET /api/v1/openapi.json: the OpenAPI 3.1 document of every /api/v1 route.

Written from the app's own URL map: each rule's view carries the Operation it was declared with
(depot.web.api.registry), and the request schemas are the pydantic models that validate the
requests (their JSON Schema is draft 2020-12, OpenAPI 3.1's own dialect). A route that was not
declared through the registry makes the document fail, so it cannot silently fall out.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app
from pydantic.json_schema import models_json_schema
from werkzeug.routing import Rule

from depot.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from depot.web.api.examples import examples_for, webhooks
from depot.web.api.registry import JSON, MULTIPART, Area, Operation, roles_holding
from depot.web.errors import HTTP_STATUS, SUCCESS
from depot.web.schemas import path_type

PREFIX = "/api/v1"
REF = "#/components/schemas/{model}"
_PARAM = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\([^)]*\))?:)?(?P<name>\w+)>")

area = Area("docs")
bp = area.bp


@area.get("/openapi.json", "This document", permissions=())
def get_openapi():
    app = current_app._get_current_object()
    if "depot.openapi" not in app.extensions:
        app.extensions["depot.openapi"] = document(app)
    return app.extensions["depot.openapi"]


def document(app: Flask) -> dict[str, Any]:
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith(PREFIX + "/")]
    declared = [(rule, _operation(app, rule)) for rule in sorted(rules, key=lambda r: r.rule)]
    models = sorted({m for _, op in declared for m in (op.body, op.query, op.headers) if m},
                    key=lambda m: m.__name__)
    refs, defs = models_json_schema([(m, "validation") for m in models], ref_template=REF)
    schemas = {**defs.get("$defs", {}), "Error": ERROR_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for rule, op in declared:
        path = _PARAM.sub(lambda m: "{" + m["name"] + "}", rule.rule)
        paths.setdefault(path, {})[op.method.lower()] = _describe(rule, op, refs)
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {"title": "Depot API", "version": "1.1",
                 "description": "Repair-depot (RMA) API. JSON in and out, dates YYYY-MM-DD, "
                                "money as decimal strings. Every error is 4xx with "
                                "{error, message, details}."},
        "paths": paths,
        "webhooks": webhooks(),
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {"Error": {"description": "refused; `error` says why",
                                    "content": {JSON: {"schema": {"$ref": REF.format(
                                        model="Error")}}}}},
        },
        "security": [{"bearer": []}],
    }


ERROR_SCHEMA = {
    "type": "object", "required": ["error", "message", "details"],
    "properties": {"error": {"type": "string", "description": "a snake_case code"},
                   "message": {"type": "string", "description": "a sentence for a person"},
                   "details": {"type": "object"}},
}


def _operation(app: Flask, rule: Rule) -> Operation:
    op = getattr(app.view_functions[rule.endpoint], "operation", None)
    if op is None:
        raise LookupError(f"{rule.rule} is not declared through depot.web.api.registry")
    return op


def _describe(rule: Rule, op: Operation, refs: dict) -> dict[str, Any]:
    roles = roles_holding(*op.permissions)
    who = f"Roles: {', '.join(roles)}." if op.permissions else "No token needed."
    out: dict[str, Any] = {
        "operationId": rule.endpoint.removeprefix("api."),
        "summary": op.summary, "tags": [op.area],
        "description": " ".join(part for part in (op.description, who) if part),
        "x-roles": roles, "x-permissions": list(op.permissions),
        "parameters": _parameters(rule, op, refs),
        "responses": _responses(rule, op),
    }
    if not op.permissions:
        out["security"] = []
    body = _request_body(op, refs)
    for part, holder in (("request", body), ("response", out["responses"])):
        found = examples_for(op.method, op.path, part)
        if found and holder:
            media = holder["content"] if part == "request" else None
            if part == "response":
                first = next(iter(holder.values()))
                media = first.get("content", {})
            for content in media.values():
                content["examples"] = found
    if body:
        out["requestBody"] = body
    return out


def _parameters(rule: Rule, op: Operation, refs: dict) -> list[dict[str, Any]]:
    out = []
    for match in _PARAM.finditer(rule.rule):
        name = match["name"]
        out.append({"name": name, "in": "path", "required": True,
                    "schema": path_type(name).json_schema()})
    for model, where in ((op.query, "query"), (op.headers, "header")):
        if model is None:
            continue
        schema = model.model_json_schema()
        for name, prop in schema.get("properties", {}).items():
            out.append({"name": name, "in": where, "required": name in schema.get("required", ()),
                        "schema": prop})
    return out


def _request_body(op: Operation, refs: dict) -> dict[str, Any] | None:
    content: dict[str, Any] = {}
    if op.body is not None:
        ref = refs[op.body, "validation"]
        for media in op.content:
            if media == MULTIPART:
                files = {name: {"type": "string", "format": "binary"} for name in op.files}
                content[media] = {"schema": {"allOf": [ref, {"type": "object",
                                                              "properties": files}]}}
            else:
                content[media] = {"schema": ref}
    else:
        for media in op.content if op.content != (JSON,) else ():
            files = {name: {"type": "string", "format": "binary"} for name in op.files}
            content[media] = {"schema": {"type": "object", "properties": files}
                              if media == MULTIPART else {"type": "string"}}
    if not content:
        return None
    return {"required": not op.body_optional, "content": content}


def _responses(rule: Rule, op: Operation) -> dict[str, Any]:
    success = {"description": "done", "content": {op.produces: {"schema": (
        {"type": "object"} if op.produces == JSON else {"type": "string", "format": "binary"})}}}
    out: dict[str, Any] = {str(SUCCESS[name]): success for name in op.answers}
    refused = [InvalidInputError]
    if op.permissions:
        refused += [AuthenticationError, PermissionDeniedError]
    if rule.arguments:
        refused.append(NotFoundError)
    if op.method != "GET":
        refused.append(ConflictError)
    error = {"$ref": "#/components/responses/Error"}
    for kind in refused:
        out[str(HTTP_STATUS[kind])] = error
    return out

