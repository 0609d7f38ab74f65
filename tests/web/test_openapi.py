"""GET /api/v1/openapi.json: a valid OpenAPI 3.1 document of every /api/v1 route, written from
the schemas that validate the requests, saying who may call what."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from openapi_spec_validator import validate

from depot.domain.roles import ROLES, may
from depot.web import schemas
from depot.web.api.openapi import document
from tests.contract import ContractError, check_request

ROOT = Path(__file__).resolve().parents[2]
HTTP_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def doc(client):
    response = client.get("/api/v1/openapi.json")  # no token
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_the_document_is_valid_openapi_3_1(doc):
    validate(doc)  # raises on any error
    assert doc["openapi"].startswith("3.1")
    assert doc["components"]["securitySchemes"]["bearer"] == {"type": "http",
                                                              "scheme": "bearer"}


def test_every_api_route_is_in_the_document_with_its_methods(app, doc):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")]
    assert len(rules) > 30
    for rule in rules:
        path = rule.rule
        for converter in ("path:", "int:"):
            path = path.replace("<" + converter, "<")
        path = path.replace("<", "{").replace(">", "}")
        assert path in doc["paths"], rule.rule
        assert {m.lower() for m in rule.methods & HTTP_METHODS} <= set(doc["paths"][path])
    assert all(p.startswith("/api/v1/") for p in doc["paths"])
    listed = sum(len(ops) for ops in doc["paths"].values())
    assert listed == sum(len(r.methods & HTTP_METHODS) for r in rules)


def test_a_route_not_declared_through_the_registry_breaks_the_document(app):
    app.add_url_rule("/api/v1/sneaky", "sneaky", lambda: "x")
    with pytest.raises(LookupError, match="sneaky"):
        document(app)


def test_each_operation_says_who_may_call_it(doc):
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            permissions = op["x-permissions"]
            expected = [r for r in ROLES if any(may(r, p) for p in permissions)]
            assert op["x-roles"] == expected, (method, path)
            if permissions:
                assert "Roles: " + ", ".join(expected) in op["description"]
                assert "security" not in op  # the document's bearer default applies
                assert op["responses"]["401"] == {"$ref": "#/components/responses/Error"}
            else:
                assert op["security"] == []
    assert doc["paths"]["/api/v1/models"]["post"]["x-roles"] == ["admin"]
    assert doc["paths"]["/api/v1/rmas/{number}/shipment"]["post"]["x-roles"] == [
        "supervisor", "logistics", "admin"]
    actions = doc["paths"]["/api/v1/rmas/{number}/actions"]["post"]
    assert set(actions["x-roles"]) == set(ROLES) - {"clerk"}
    assert "cancel: supervisor, admin" in actions["description"]
    assert doc["paths"]["/api/v1/openapi.json"]["get"]["x-roles"] == []


def test_request_schemas_come_from_the_columns(doc):
    components = doc["components"]["schemas"]
    unit = components["UnitIn"]
    assert unit["required"] == ["serial", "model", "purchase_date"]
    assert unit["properties"]["serial"]["maxLength"] == 80  # String(80)
    customer = components["CustomerIn"]["properties"]
    assert customer["email"]["anyOf"][0]["maxLength"] == 254
    assert customer["address"]["anyOf"][0]["maxLength"] == 1000  # a Text column, capped
    price = components["LineIn"]["properties"]["unit_price"]["anyOf"]
    assert price[0]["pattern"] == r"^-?[0-9]{1,10}(\.[0-9]{1,2})?$"  # Numeric(12, 2)
    assert price[1]["exclusiveMaximum"] == 10**10
    assert components["ModelIn"]["properties"]["warranty_months"] == {
        "type": "integer", "minimum": 0, "maximum": 240, "title": "Warranty Months"}
    body = doc["paths"]["/api/v1/units"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/UnitIn"}
    ids = doc["paths"]["/api/v1/attachments/{attachment_id}"]["get"]["parameters"][0]
    assert ids["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}  # Integer


def test_errors_share_one_schema(doc):
    error = doc["components"]["schemas"]["Error"]
    assert error["required"] == ["error", "message", "details"]
    for operations in doc["paths"].values():
        for op in operations.values():
            for status, response in op["responses"].items():
                if status.startswith("4"):
                    assert response == {"$ref": "#/components/responses/Error"}


def test_the_contract_check_catches_a_body_the_document_refuses(app, doc):
    good = {"serial": "F18A0012345", "model": "ZK-F18", "purchase_date": None}
    check_request(app, "POST", "/api/v1/units", good, 201)
    with pytest.raises(ContractError, match="refuses"):
        check_request(app, "POST", "/api/v1/units", {**good, "serial": 12345}, 201)
    check_request(app, "POST", "/api/v1/units", {**good, "serial": 12345}, 422)  # refused: fine
    with pytest.raises(ContractError, match="does not declare"):
        check_request(app, "POST", "/api/v1/rmas/RMA-2026-000001/photos", {}, 201)


def test_every_validation_sentence_is_in_every_catalogue():
    for language in ("zh_Hans_CN", "zh_Hant_TW", "en"):
        path = ROOT / "depot" / "translations" / language / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            catalogue = read_po(handle)
        missing = [s for s in schemas.SENTENCES
                   if catalogue.get(s) is None or not catalogue.get(s).string]
        assert missing == [], language
        for sentence in schemas.SENTENCES:
            names = {part.split(")s")[0] for part in sentence.split("%(")[1:]}
            assert all(f"%({n})s" in catalogue.get(sentence).string for n in names), sentence


def _status_literals(source: str, name: str) -> list[str]:
    """Integer literals 200-599 used as a status: the second item of a returned tuple, a
    `status`/`status_code` value, or abort()'s argument."""
    found = []

    def status_like(node: ast.AST) -> bool:
        return isinstance(node, ast.Constant) and type(node.value) is int \
            and 200 <= node.value <= 599

    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) \
                and len(node.value.elts) >= 2 and status_like(node.value.elts[1]):
            found.append(f"{name}:{node.lineno}")
        if isinstance(node, ast.keyword) and node.arg in ("status", "status_code") \
                and status_like(node.value):
            found.append(f"{name}:{node.value.lineno}")
        if isinstance(node, ast.Assign) and status_like(node.value) and any(
                isinstance(t, ast.Attribute) and t.attr == "status_code" for t in node.targets):
            found.append(f"{name}:{node.lineno}")
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "abort" \
                and node.args and status_like(node.args[0]):
            found.append(f"{name}:{node.lineno}")
    return found


def test_only_web_errors_knows_status_codes():
    web = ROOT / "depot" / "web"
    offenders = [hit for path in sorted(web.rglob("*.py")) if path.name != "errors.py"
                 for hit in _status_literals(path.read_text(), path.name)]
    assert offenders == []
    sample = ("def v():\n    r.status_code = 503\n    abort(404)\n"
              "    x = Response(status=201)\n    return body, 422\n")
    assert sorted(_status_literals(sample, "v")) == ["v:2", "v:3", "v:4", "v:5"]
