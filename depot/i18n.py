"""The one source of wording: the Babel catalogues under depot/translations.

Pages read them through Flask-Babel. Everything else a person reads (documents, emails, the
reasons a rule gives, error messages) reads the same compiled catalogues here, with the
standard library's gettext, so it works outside a request (the CLI, the mail worker) and in
whatever language is asked for, not only the request's. A message is an English sentence
(the msgid) with %(name)s placeholders; the same sentence is the key in every catalogue.

`N_` marks a sentence for extraction without translating it (pybabel and
scripts/messages.py find it); the DepotError kinds are extraction keywords too.
"""
from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from depot.domain.text import Reason
from depot.errors import fill

LANGUAGES = ("zh_CN", "zh_TW", "en")
DEFAULT_LANGUAGE = "zh_CN"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
# The catalogue folder of each language (Babel's locale names).
FOLDERS = {"zh_CN": "zh_Hans_CN", "zh_TW": "zh_Hant_TW", "en": "en"}


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    return message


def best_language(tag: str | None) -> str:
    """zh_CN, zh_TW or en from a loose language tag such as 'zh-TW', 'zh_Hant' or 'en_US'."""
    tag = (tag or "").replace("-", "_").lower()
    if tag.startswith(("zh_tw", "zh_hk", "zh_mo", "zh_hant")):
        return "zh_TW"
    if tag.startswith("zh"):
        return "zh_CN"
    if tag.startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


@lru_cache(maxsize=8)
def catalogue(lang: str) -> gettext.NullTranslations:
    """The catalogue of `lang`: the compiled .mo when it is there and current, else the .po
    compiled in memory (a checkout where `make translations` has not run yet)."""
    folder = TRANSLATIONS / FOLDERS.get(lang, FOLDERS[DEFAULT_LANGUAGE]) / "LC_MESSAGES"
    po, mo = folder / "messages.po", folder / "messages.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if not po.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        compiled = io.BytesIO()
        write_mo(compiled, read_po(handle), use_fuzzy=True)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def translate(lang: str, message: str, context: str | None = None, **values: Any) -> str:
    """`message` in `lang`, its %(name)s placeholders filled from `values`."""
    words = catalogue(lang)
    text = words.pgettext(context, message) if context else words.gettext(message)
    return fill(text, values)


class Words:
    """The wording of one language, for code that writes a whole document or email."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE

    def __call__(self, message: str, **values: Any) -> str:
        return translate(self.lang, message, **values)

    def ctx(self, context: str, message: str, **values: Any) -> str:
        return translate(self.lang, message, context, **values)


def both(message: str, context: str | None = None, **values: Any) -> str:
    """'中文 English': the fixed bilingual wording of labels that go to any reader."""
    chinese = translate("zh_CN", message, context, **values)
    english = translate("en", message, context, **values)
    return chinese if chinese == english else f"{chinese} {english}"


# A finding's label is stored in every language; %(label)s takes the reader's.
_LABEL_PARAM = {"zh_CN": "zh", "zh_TW": "zh_tw", "en": "en"}


def reason_text(reason: Reason, lang: str, *, customer: bool = False) -> str:
    """A rule's reason as a sentence in `lang`; `customer`: the version without staff names."""
    if customer:
        reason = reason.for_customer()
    values = dict(reason.params)
    if "en" in values:
        values["label"] = values.get(_LABEL_PARAM.get(lang, "zh")) or values.get("zh", "")
    return translate(lang, reason.sentence, **values)


def stored_reasons_text(rows: list[dict[str, Any]] | None, lang: str, *,
                        customer: bool = False) -> list[str]:
    """Reasons kept on an RMA (code and values) as sentences in `lang`."""
    return [reason_text(Reason.from_stored(row), lang, customer=customer) for row in rows or []]


def pair(message: str, lang: str, context: str | None = None, **values: Any
         ) -> tuple[str, str]:
    """(primary, secondary) wording of a bilingual document: `lang` first, then English (or
    Simplified Chinese when the document is in English)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; use one of {LANGUAGES}")
    secondary = "en" if lang != "en" else "zh_CN"
    return (translate(lang, message, context, **values),
            translate(secondary, message, context, **values))
