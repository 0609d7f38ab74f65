"""Serial patterns an admin sets per product model: checked when saved, matched with a limit.

A pattern such as `(a|aa)+$` takes seconds (or years) on the wrong input, and it runs on every
scan. So a pattern is tried on hostile inputs before it is saved and refused when it is slow,
and every match runs with a time limit (the `regex` engine's timeout); a match that runs out
of time counts as no match, never as a hung request.
"""
from __future__ import annotations

from functools import lru_cache

import regex

from depot.errors import InvalidInputError

MATCH_TIMEOUT = 0.05  # seconds; a real serial pattern answers in microseconds
MAX_LENGTH = 200


def _probes(pattern: str) -> list[str]:
    """Long runs of the characters the pattern names, with and without a spoiler at the end:
    the inputs that make a backtracking pattern explode."""
    chars = {c for c in pattern if c.isalnum()} | {"a", "0", "A", "-"}
    return [c * n + tail for c in sorted(chars) for n in (24, 64) for tail in ("", "!", "\u3000")]


def check_pattern(pattern: str) -> str:
    """The pattern, if it compiles and answers quickly on hostile input; else InvalidInputError."""
    pattern = pattern.strip()
    if len(pattern) > MAX_LENGTH:
        raise InvalidInputError("a serial pattern has at most %(max)s characters",
                                code="invalid_serial_pattern", max=MAX_LENGTH)
    try:
        compiled = regex.compile(pattern)
    except (regex.error, OverflowError, RecursionError) as exc:
        raise InvalidInputError("the serial pattern is not a valid expression: %(problem)s",
                                code="invalid_serial_pattern", problem=str(exc)[:200]) from None
    for probe in _probes(pattern):
        try:
            compiled.fullmatch(probe, timeout=MATCH_TIMEOUT)
        except TimeoutError:
            raise InvalidInputError(
                "the serial pattern takes too long on some inputs (nested repetition such as "
                "(a|aa)+): write it without repeating a repeated group",
                code="slow_serial_pattern") from None
    return pattern


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> regex.Pattern | None:
    try:
        return regex.compile(pattern)
    except (regex.error, OverflowError, RecursionError):
        return None


def fits(pattern: str, serial: str) -> bool:
    """Does `serial` fit the pattern? A broken or slow pattern fits nothing."""
    compiled = _compiled(pattern)
    if compiled is None:
        return False
    try:
        return compiled.fullmatch(serial, timeout=MATCH_TIMEOUT) is not None
    except TimeoutError:
        return False
