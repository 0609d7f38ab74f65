"""Examples for the OpenAPI document, keyed by "METHOD /path" (the path as the registry declares
it, without /api/v1), each with a zh_CN and a zh_TW depot's example; and the webhooks' payloads.

    EXAMPLES["POST /rmas"] = {"request": {"zh_CN": {...}, "zh_TW": {...}},
                              "response": {"zh_CN": {...}, "zh_TW": {...}}}

One module per area (intake, bench, quotes and shipping, admin), their people and shapes in
common; tests/web/test_api_examples_match.py holds the responses to the server's real answers.
"""
from __future__ import annotations

from typing import Any

from depot.web.api.examples import admin, bench, intake, integrations, quotes
from depot.web.api.examples.webhooks import (
    PAYLOAD_SCHEMA,
    SIGNATURE_SNIPPET,
    WEBHOOK_DESCRIPTION,
    WEBHOOK_EVENTS,
    webhooks,
)

EXAMPLES: dict[str, dict[str, dict[str, Any]]] = {
    **intake.EXAMPLES, **bench.EXAMPLES, **quotes.EXAMPLES, **admin.EXAMPLES,
    **integrations.EXAMPLES}

__all__ = ["EXAMPLES", "PAYLOAD_SCHEMA", "SIGNATURE_SNIPPET", "WEBHOOK_DESCRIPTION",
           "WEBHOOK_EVENTS", "examples_for", "webhooks"]


def examples_for(method: str, path: str, part: str) -> dict[str, Any] | None:
    """The `examples` map of one operation's request or response, or None."""
    found = EXAMPLES.get(f"{method} {path}", {}).get(part)
    if not found:
        return None
    return {lang: {"summary": lang, "value": value} for lang, value in found.items()}
