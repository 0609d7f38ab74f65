#!/usr/bin/env python3
"""The API's endpoints as a markdown table (method, path, what it does, roles), read from the
live OpenAPI document (GET /api/v1/openapi.json, written from depot/web/api/registry.py).

    python scripts/api_table.py                 # print the table
    python scripts/api_table.py --write README.md  # put it in the README, between the markers

tests/web/test_readme_api.py fails when the README's table is not the document's, so the two
cannot drift: after adding or changing an endpoint, run this with --write.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from depot.domain.roles import ROLES  # noqa: E402  (after the path: run from anywhere)

START = "<!-- api-table: written by scripts/api_table.py --write README.md; do not edit -->"
END = "<!-- /api-table -->"
METHODS = ("get", "post", "put", "patch", "delete")


def table(doc: dict[str, Any]) -> str:
    """The markdown table of every operation of the OpenAPI document `doc`."""
    lines = ["| method | path | what it does | roles |", "|---|---|---|---|"]
    for path in sorted(doc["paths"]):
        operations = doc["paths"][path]
        for method in sorted(operations, key=METHODS.index):
            op = operations[method]
            roles = op.get("x-roles", [])
            if not op.get("x-permissions"):
                who = "no token"
            elif set(roles) == set(ROLES):
                who = "every role"
            else:
                who = ", ".join(roles)
            summary = op["summary"].replace("|", "\\|")
            lines.append(f"| `{method.upper()}` | `{path}` | {summary} | {who} |")
    return "\n".join(lines) + "\n"


def live_document() -> dict[str, Any]:
    """The OpenAPI document of an app built here (on a throwaway SQLite path it never opens)."""
    from depot import create_app
    from depot.config import TestConfig
    from depot.web.api.openapi import document

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(TestConfig(f"sqlite:///{folder}/unused.sqlite3", Path(folder)))
        with app.app_context():
            return document(app)


def readme_table(text: str) -> str:
    """The table between the markers of a README's text."""
    if START not in text or END not in text:
        raise ValueError(f"the README has no {START} … {END} block")
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def with_table(text: str, new: str) -> str:
    """The README's text with `new` between the markers."""
    before, rest = text.split(START, 1)
    _old, after = rest.split(END, 1)
    return f"{before}{START}\n{new}{END}{after}"


if __name__ == "__main__":
    generated = table(live_document())
    if sys.argv[1:2] == ["--write"]:
        readme = Path(sys.argv[2] if len(sys.argv) > 2 else ROOT / "README.md")
        readme.write_text(with_table(readme.read_text(encoding="utf-8"), generated),
                          encoding="utf-8")
        print(f"{readme}: {generated.count(chr(10)) - 2} endpoints")
    else:
        sys.stdout.write(generated)
