"""The README documents the API in the repository itself: its endpoint table is the live
OpenAPI document's (scripts/api_table.py writes it), so the two cannot drift apart."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from api_table import readme_table, table, with_table  # noqa: E402

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_table_is_the_live_documents(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert readme_table(README) == table(doc), (
        "the README's endpoint table is out of date: run "
        "python scripts/api_table.py --write README.md")
    operations = sum(len(methods) for methods in doc["paths"].values())
    assert readme_table(README).count("\n| `") == operations


def test_the_table_names_method_path_summary_and_roles(client):
    rows = readme_table(README).splitlines()
    assert rows[0] == "| method | path | what it does | roles |"
    assert "| `PATCH` | `/api/v1/users/{username}` | Change a user's role, or switch the " \
           "account off or on | admin |" in rows
    assert "| `GET` | `/api/v1/openapi.json` | This document | no token |" in rows
    assert "| `POST` | `/api/v1/rmas` | Receive a unit: open its RMA | clerk, supervisor, " \
           "admin |" in rows


def test_writing_the_table_keeps_the_rest_of_the_readme():
    changed = with_table(README, "| new |\n")
    assert readme_table(changed) == "| new |\n"
    assert changed.split("<!-- api-table")[0] == README.split("<!-- api-table")[0]
    assert changed.split("<!-- /api-table -->")[1] == README.split("<!-- /api-table -->")[1]


def test_the_readme_explains_the_api_without_the_design_document():
    assert "../shared" not in README
    section = README.split("## The API", 1)[1].split("\n## ", 1)[0]
    for needed in ("Authorization: Bearer <token>", "/api/v1/openapi.json",
                   '{"error": "missing_field", "message":', "YYYY-MM-DD", '"120.00"',
                   "Accept-Language", "| `technician` |", "| `logistics` |", "| `admin` |",
                   "409", "422", "401", "403"):
        assert needed in section, needed
