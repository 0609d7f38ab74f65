"""Errors raised below the web layer. Only depot/web/errors.py maps them to HTTP.

This module imports nothing from the project so that every layer can use it.
"""
from __future__ import annotations

from typing import Any


class DepotError(Exception):
    """Base of every error Depot raises on purpose.

    `message` is an English sentence that may name values as %(name)s; they are filled from
    `details`. The sentence is also the key the web layer looks up in the catalogues to answer
    in the reader's language (see depot/i18n.py), so keep values out of it and in `details`.
    """

    code = "depot_error"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        self.template = message
        if code is not None:
            self.code = code
        self.details: dict[str, Any] = details
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return fill(self.template, self.details)


def fill(template: str, values: dict[str, Any]) -> str:
    """`template` with its %(name)s placeholders filled; a sentence without them as it is."""
    if "%(" not in template:
        return template
    try:
        return template % {k: _shown(v) for k, v in values.items()}
    except (KeyError, ValueError, TypeError):
        return template


def _shown(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value


class InvalidInputError(DepotError):
    code = "invalid_input"


class NotFoundError(DepotError):
    code = "not_found"


class ConflictError(DepotError):
    """The request clashes with what is stored (a duplicate serial, say)."""

    code = "conflict"


class InvalidTransitionError(DepotError):
    """An action that the RMA's current status does not allow."""

    code = "invalid_transition"


class PermissionDeniedError(DepotError):
    code = "forbidden"


class AuthenticationError(DepotError):
    code = "unauthorized"


class UnavailableError(DepotError):
    code = "unavailable"
