#!/usr/bin/env python3
"""List messages that a language's catalogue lacks (used by tests and translators).

Messages come from the templates (`_()`), the mail templates, and the Python code: the
DepotError kinds' sentences, `N_()`, `translate()`/`both()`/`pair()` calls with a literal
sentence, guards, the machines' refusals, and the wording tables (reasons, the quote answer
refusals, quote and receipt words, the words for codes in depot/words.py).

    python scripts/messages.py            # every language
    python scripts/messages.py zh_Hans_CN # one
"""
from __future__ import annotations

import sys
from fnmatch import fnmatch
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
# Translated at run time: role names, and the admin pages' headers and labels
# (depot/web/admin_pages.py passes them to depot/templates/admin_table.html).
EXTRA = ("clerk", "technician", "supervisor", "logistics", "admin",
         "Product models", "Code", "Finding code", "Name", "Warranty (months)", "Serial pattern",
         "Finding catalogue", "Class", "Chinese (simplified)", "Chinese (traditional)", "English",
         "Status", "retired", "in use", "Put back in use", "Retire", "Man-made damage",
         "Quality faults", "Parts", "Part number", "Cost price (CNY)", "Stock", "Models",
         "Receive stock", "Label printers", "Host", "Port", "Label size", "Working-day calendar",
         "Day", "Kind", "Note", "working day", "holiday", "Edit",
         "Public URL (customer links and QR codes)", "Mail sender", "Depot name", "Depot phone",
         "Depot address", "Payment instructions")
ERRORS = ("DepotError", "InvalidInputError", "NotFoundError", "ConflictError",
          "InvalidTransitionError", "PermissionDeniedError", "AuthenticationError",
          "UnavailableError")
PY_KEYWORDS = {**{name: None for name in ERRORS}, "N_": None, "Guard": (2,),
               "translate": (2, (3, "c")), "both": (1, (2, "c"))}

Message = tuple[str, str | None]  # (msgid, context)


def _extract(folder: Path, method: str, keywords: dict, exclude: tuple[str, ...] = ()
             ) -> list[Message]:
    """Messages of the files under `folder`, leaving out those matching a glob of `exclude`
    (paths relative to `folder`, e.g. "web/api/*.py")."""
    found: dict[Message, None] = {}
    if not folder.exists():
        return []
    for file, _line, message, _comments, context in extract_from_dir(
            folder, method_map=[(f"**.{'py' if method == 'python' else '*'}", method)],
            keywords=keywords, comment_tags=(), strip_comment_tags=True):
        if any(fnmatch(Path(file).as_posix(), pattern) for pattern in exclude):
            continue
        if isinstance(message, tuple):
            message = message[0]
        if isinstance(message, str) and message:
            found[(message, context)] = None
    return list(found)


def template_messages() -> list[str]:
    return [m for m, _c in dict.fromkeys(
        _extract(ROOT / "depot" / "templates", "jinja2", {"_": None}) + [(m, None) for m in EXTRA])]


def python_messages(exclude: tuple[str, ...] = ()) -> list[Message]:
    """Sentences a person may read that the Python code carries, with their context; files of
    depot/ that match a glob of `exclude` are left out."""
    from depot.domain.machine import Machine
    from depot.domain.quotes import QUOTE, REFUSALS
    from depot.domain.text import REASONS
    from depot.domain.workflow import RMA
    from depot.labels.receipt import RECEIPT_TEXT
    from depot.labels.slip import SLIP_TEXT
    from depot.quotes.text import QUOTE_TEXT
    from depot.words import WORDS

    found = _extract(ROOT / "depot", "python", PY_KEYWORDS, exclude)
    found += [(m, None) for m in REASONS.values()]
    found += [(m, None) for _code, m in REFUSALS.values()]
    found += [(m.refused, None) for m in (RMA, QUOTE)]
    found += [(Machine.__dataclass_fields__["refused"].default, None)]
    found += [(m, "quote") for m in QUOTE_TEXT.values()]
    found += [(m, "receipt") for m in RECEIPT_TEXT.values()]
    found += [(m, "slip") for m in SLIP_TEXT.values()]
    found += [(m, context) for context, table in WORDS.values() for m in table.values()]
    return [(m, c) for m, c in dict.fromkeys(found) if m.strip()]


def read_catalogue(language: str) -> Catalog:
    path = ROOT / "depot" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle)


def missing(language: str, *, python: bool = False, exclude: tuple[str, ...] = ()
            ) -> list[Message] | list[str]:
    catalog = read_catalogue(language)
    if python:
        return [(m, c) for m, c in python_messages(exclude)
                if catalog.get(m, context=c) is None or not catalog.get(m, context=c).string]
    return [m for m in template_messages()
            if catalog.get(m) is None or not catalog.get(m).string]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    languages = sys.argv[1:] or ["zh_Hans_CN", "zh_Hant_TW", "en"]
    status = 0
    for language in languages:
        for message in missing(language):
            print(f"{language}: {message!r}")
            status = 1
        for message, context in missing(language, python=True):
            print(f"{language}: {message!r}" + (f" [{context}]" if context else ""))
            status = 1
    sys.exit(status)
