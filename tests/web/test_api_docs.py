"""/api/docs and the examples and webhooks of the OpenAPI document."""
from __future__ import annotations

import re

import pytest

from depot.web import schemas
from depot.web.api.examples import EXAMPLES, WEBHOOK_EVENTS
from depot.web.api.openapi import PREFIX

def _operations(app):
    """(METHOD, registry path, Operation) of every declared /api/v1 route."""
    out = []
    for rule in app.url_map.iter_rules():
        op = getattr(app.view_functions[rule.endpoint], "operation", None)
        if rule.rule.startswith(PREFIX + "/") and op is not None:
            out.append((op.method, op.path, op))
    return out


def test_the_page_is_public_and_its_assets_are_local(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html), "an external URL"
    assert "/api/v1/openapi.json" in html
    for path, kind in (("/static/vendor/swagger-ui/swagger-ui-bundle.js", "javascript"),
                       ("/static/vendor/swagger-ui/swagger-ui.css", "text/css"),
                       ("/static/js/api-docs.js", "javascript")):
        assert path in html
        asset = client.get(path)
        assert asset.status_code == 200 and kind in asset.content_type
        asset.close()
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy
    assert "<script>" not in html  # no inline script: every <script> has a src


@pytest.mark.parametrize("lang, title", [("zh_CN", "Depot 接口文档"), ("zh_TW", "Depot 介面文件"),
                                         ("en", "Depot API")])
def test_the_title_comes_from_the_catalogues(client, lang, title):
    assert f"<h1>{title}</h1>" in client.get(f"/api/docs?lang={lang}").get_data(as_text=True)


def test_every_operation_has_examples(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    missing = []
    for method, path, op in _operations(app):
        key = f"{method} {path}"
        described = doc["paths"][PREFIX + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)][
            method.lower()]
        body = described.get("requestBody", {}).get("content", {})
        answers = [r.get("content", {}) for r in described["responses"].values()]
        has_request = not body or all("examples" in c for c in body.values())
        has_response = op.produces != "application/json" or any("examples" in c for content in answers for c in content.values())
        if not (has_request and has_response):
            missing.append(key)
    assert not missing, "operations without examples in depot/web/api/examples/: " + \
        ", ".join(sorted(missing))


def test_the_request_examples_are_valid_bodies(app):
    ops = {f"{m} {p}": op for m, p, op in _operations(app)}
    for key, parts in EXAMPLES.items():
        assert key in ops, f"{key} is no operation"
        for lang in ("zh_CN", "zh_TW"):
            assert lang in parts["response"], f"{key} has no {lang} response example"
            if ops[key].body is not None:
                schemas.parse(ops[key].body, parts["request"][lang])
            elif "text/csv" in ops[key].content:  # the CSV import: the file's text
                assert parts["request"][lang].startswith("serial,model,purchase_date,")
            else:
                assert "request" not in parts, f"{key} takes no body"


def test_the_rma_examples_are_accepted_by_the_app(api, tokens, make_unit):
    for lang in ("zh_CN", "zh_TW"):
        example = EXAMPLES["POST /rmas"]["request"][lang]
        make_unit(serial=example["serial"], model_code="X200")
        answer = api.as_(tokens["clerk"]).post("/rmas", json=example)
        assert answer.status_code == 201, answer.get_json()


def test_the_webhooks_are_described(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert set(doc["webhooks"]) == set(WEBHOOK_EVENTS)
    for event, item in doc["webhooks"].items():
        post = item["post"]
        assert "X-Depot-Signature" in [p["name"] for p in post["parameters"]]
        assert "hmac.new(" in post["description"] and "at least once" in post["description"]
        content = post["requestBody"]["content"]["application/json"]
        assert set(content["schema"]["required"]) == {"id", "event", "at", "rma", "complaint",
                                                      "data"}
        for lang in ("zh_CN", "zh_TW"):
            assert content["examples"][lang]["value"]["event"] == event
