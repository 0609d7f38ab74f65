"""The OpenAPI document as a check on the requests the test-suite sends.

`tests.conftest.Api` hands every JSON request it sends, with the answer, to `check_request`:
a request the server accepted (2xx) must be valid by the document's requestBody schema
(jsonschema's Draft 2020-12 validator, the document's own dialect). So every test that talks to
the API through `Api` also shows that the document describes what the server takes.
"""
from __future__ import annotations

import re
from functools import cache
from typing import Any

from flask import Flask
from jsonschema import Draft202012Validator
from werkzeug.exceptions import HTTPException

from depot.web.api.openapi import PREFIX, document

CHECKED: list[str] = []  # "METHOD /path" of each request body checked, for the report
# schemathesis runs: (cases, operations, answers by status)
FUZZ_STATS: list[tuple[int, int, dict[int, int]]] = []


class ContractError(AssertionError):
    pass


_DOCS: dict[frozenset[str], dict[str, Any]] = {}


def openapi_of(app: Flask) -> dict[str, Any]:
    """The app's document, built once per set of routes (every test app has the same)."""
    key = frozenset(f"{r.rule} {sorted(r.methods or ())}" for r in app.url_map.iter_rules())
    if key not in _DOCS:
        _DOCS[key] = document(app)
    return _DOCS[key]


@cache
def _validator(doc_id: int, path: str, method: str) -> Draft202012Validator | None:
    doc = next(d for d in _DOCS.values() if id(d) == doc_id)
    body = doc["paths"][path][method].get("requestBody")
    schema = body and body["content"].get("application/json", {}).get("schema")
    if not schema:
        return None
    root = {**schema, "components": doc["components"]}
    return Draft202012Validator(root)


def operation_path(app: Flask, method: str, path: str) -> str | None:
    """The document's path for a request path (`/api/v1/rmas/{number}`), or None."""
    adapter = app.url_map.bind("localhost")
    try:
        rule, _ = adapter.match(path.split("?", 1)[0], method=method, return_rule=True)
    except HTTPException:
        return None
    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", rule.rule)


def check_request(app: Flask, method: str, path: str, body: Any, status: int) -> None:
    """Raise ContractError when the server accepted a JSON body the document refuses."""
    if body is None or not 200 <= status < 300 or not path.startswith(PREFIX):
        return
    doc = openapi_of(app)
    template = operation_path(app, method, path)
    assert template in doc["paths"], f"{method} {path} is not in the OpenAPI document"
    validator = _validator(id(doc), template, method.lower())
    if validator is None:
        raise ContractError(f"{method} {template} took a JSON body the document does not declare")
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    if errors:
        raise ContractError(f"{method} {template} answered {status} to a body the document "
                            f"refuses: {errors[0].message} at {list(errors[0].path)}")
    CHECKED.append(f"{method} {template}")
