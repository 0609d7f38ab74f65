"""Keyboard-wedge input and the serial plausibility check."""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from depot.errors import InvalidInputError
from depot.scanning import SERIAL_PATTERN, Code, codes_from_text, looks_like_serial

# What a wedge scanner or a person may wrap a code in: spaces, Enter, Tab, NUL, GS, NBSP, BOM.
_PADDING = st.text(alphabet=" \t\r\n\x0b\x0c\x00\x1d\u00a0\u3000\ufeff", max_size=6)
# A code as printed on a label: no control characters, no line breaks, no surrounding space,
# and no exotic spaces (those become plain spaces, see test_unicode_spaces_become_plain_spaces).
_CORE = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"),
                           blacklist_characters="]") | st.just(" "),
    min_size=1, max_size=40,
).filter(lambda s: s == s.strip() and s != "")


@given(core=_CORE, before=_PADDING, after=_PADDING)
def test_any_padding_round_trips_to_the_code(core: str, before: str, after: str) -> None:
    assert codes_from_text(before + core + after) == [Code(core, "text")]


@given(noise=_PADDING)
def test_whitespace_and_control_characters_alone_are_an_empty_scan(noise: str) -> None:
    with pytest.raises(InvalidInputError) as excinfo:
        codes_from_text(noise)
    assert excinfo.value.code == "empty_scan"


@given(text=st.text(max_size=60))
def test_output_is_always_clean(text: str) -> None:
    try:
        codes = codes_from_text(text)
    except InvalidInputError as exc:
        assert exc.code == "empty_scan"
        return
    assert codes
    for code in codes:
        assert code.symbology == "text"
        assert code.text == code.text.strip() != ""
        assert all(ch.isprintable() for ch in code.text)
    assert len({c.text for c in codes}) == len(codes)


@pytest.mark.parametrize("raw, expected", [
    ("RMA-2026-000123\r\n", ["RMA-2026-000123"]),
    ("\tSN-0001 \n", ["SN-0001"]),
    ("]C1RMA-2026-000123\r", ["RMA-2026-000123"]),
    ("]d2010950110153000321SN42\x1d10LOT7", ["010950110153000321SN4210LOT7"]),
    ("\x02SN 42\x03", ["SN 42"]),
    ("SN-1\r\nSN-2\r\n", ["SN-1", "SN-2"]),
    ("SN-1\tSN-2", ["SN-1", "SN-2"]),
    ("SN-1\nSN-1\n", ["SN-1"]),
    ("\ufeffZ\u200bX-9", ["ZX-9"]),
])
def test_wedge_examples(raw: str, expected: list[str]) -> None:
    assert codes_from_text(raw) == [Code(t, "text") for t in expected]


@pytest.mark.parametrize("raw", ["", "   ", "\r\n", "\t\x00\x1d", "]C1", " ]C1\r\n"])
def test_empty_scans(raw: str) -> None:
    with pytest.raises(InvalidInputError) as excinfo:
        codes_from_text(raw)
    assert excinfo.value.code == "empty_scan"


def test_unicode_spaces_become_plain_spaces() -> None:
    assert codes_from_text("\u00a0SN\u00a042\u3000") == [Code("SN 42", "text")]


def test_code_is_a_frozen_value() -> None:
    code = Code("SN-1", "code128")
    assert code == Code("SN-1", "code128")
    with pytest.raises(AttributeError):
        code.text = "other"  # type: ignore[misc]


@pytest.mark.parametrize("text", [
    "RMA-2026-000123", "SN-0001", "ABCD", "a_b.c/d-e", "X" * 40, "0123456789",
])
def test_plausible_serials(text: str) -> None:
    assert looks_like_serial(text)


@pytest.mark.parametrize("text", [
    "", "ABC", "X" * 41, "SN 0001", "SN-0001\n", "http://example.com/x", "SN#1234", "ÄBCD",
])
def test_implausible_serials(text: str) -> None:
    assert not looks_like_serial(text)


def test_model_specific_pattern_replaces_the_default() -> None:
    assert looks_like_serial("SN123456", r"SN\d{6}")
    assert not looks_like_serial("SN12345", r"SN\d{6}")
    assert not looks_like_serial("xSN123456", r"SN\d{6}")  # the whole text must match
    assert looks_like_serial("AB 12", re.compile(r"[A-Z]{2} \d{2}"))  # compiled patterns too
    assert not looks_like_serial("RMA-2026-000123", r"SN\d{6}")


@given(st.from_regex(SERIAL_PATTERN, fullmatch=True))
def test_default_pattern_accepts_what_it_describes(text: str) -> None:
    assert looks_like_serial(text)
