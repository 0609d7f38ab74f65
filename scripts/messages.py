#!/usr/bin/env python3
"""List template messages that a language's catalogue lacks (used by tests and translators).

    python scripts/messages.py            # every language
    python scripts/messages.py zh_Hans_CN # one
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

ROOT = Path(__file__).resolve().parent.parent
# Translated at run time: role names, and the admin pages' headers and labels
# (depot/web/admin_pages.py passes them to templates/admin_table.html).
EXTRA = ("clerk", "technician", "supervisor", "logistics", "admin",
         "Product models", "Code", "Name", "Warranty (months)", "Serial pattern",
         "Finding catalogue", "Class", "Chinese (simplified)", "Chinese (traditional)", "English",
         "Status", "retired", "in use", "Put back in use", "Retire", "Man-made damage",
         "Quality faults", "Parts", "Part number", "Cost price (CNY)", "Stock", "Models",
         "Receive stock", "Label printers", "Host", "Port", "Label size", "Working-day calendar",
         "Day", "Kind", "Note", "working day", "holiday")


def template_messages() -> list[str]:
    seen: dict[str, None] = {}
    for path in sorted((ROOT / "templates").rglob("*.html")):
        with path.open("rb") as handle:
            for _line, _func, message, _comments in babel_extract(handle, ["_"], [], {}):
                if isinstance(message, tuple):
                    message = message[0]
                if isinstance(message, str):
                    seen[message] = None
    return list(dict.fromkeys([*seen, *EXTRA]))


def missing(language: str) -> list[str]:
    path = ROOT / "depot" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return [m for m in template_messages()
            if catalog.get(m) is None or not catalog.get(m).string]


if __name__ == "__main__":
    languages = sys.argv[1:] or ["zh_Hans_CN", "zh_Hant_TW", "en"]
    status = 0
    for language in languages:
        for message in missing(language):
            print(f"{language}: {message!r}")
            status = 1
    sys.exit(status)
