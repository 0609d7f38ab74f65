"""Chinese first: every message a page shows has its Simplified and Traditional translation."""
import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from messages import ERRORS, missing, read_catalogue, template_messages  # noqa: E402

LANGUAGES = ["zh_Hans_CN", "zh_Hant_TW", "en"]
PLACEHOLDER = re.compile(r"%\(([^)]*)\)")


def test_templates_have_messages():
    assert "Receive a unit" in template_messages()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_message_is_translated(language):
    assert missing(language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_python_message_is_translated(language):
    """Errors, guards, refusals, reasons: whatever the Python code says to a person."""
    assert missing(language, python=True) == []


def test_the_python_messages_include_the_errors_and_refusals():
    from messages import python_messages

    found = {m for m, _c in python_messages()}
    assert {"no unit with serial %(serial)s", "cannot %(action)s an RMA that is %(status)s",
            "this quote was already approved", "%(outstanding)s CNY is still unpaid"} <= found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_the_placeholders_of_its_msgid(language):
    """A translation that drops or renames a %(name)s would show the raw sentence (fill gives
    up) or lose a value; one that adds a stray % would break the formatting."""
    wrong = []
    for message in read_catalogue(language):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid, text in zip(ids, strings, strict=False):
            if sorted(set(PLACEHOLDER.findall(text))) != sorted(set(PLACEHOLDER.findall(msgid))):
                wrong.append((msgid, text))
            elif "%(" in msgid:
                values = {name: "x" for name in PLACEHOLDER.findall(msgid)}
                try:
                    text % values
                except (KeyError, ValueError, TypeError):
                    wrong.append((msgid, text))
    assert wrong == []


def _built_messages() -> list[str]:
    """DepotError raises whose sentence is built from values (an f-string, % or + or .format)
    instead of being a fixed sentence with %(name)s placeholders."""
    built = []
    for path in sorted((ROOT / "depot").rglob("*.py")):
        relative = path.relative_to(ROOT / "depot").as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in ERRORS and isinstance(node.args[0], ast.JoinedStr | ast.BinOp | ast.Call):
                built.append(f"{relative}:{node.lineno}")
    return built


def test_no_error_message_is_built_from_values():
    assert _built_messages() == []
